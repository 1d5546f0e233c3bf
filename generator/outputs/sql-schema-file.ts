import { planSchemaDdl } from "../ddl/plan-schema-ddl.js";
import { renderDdl } from "../ddl/render-ddl.js";
import { renderTemplate } from "../templates/render-template.js";
import { generatedHeader, type OutputKind } from "./output-kind.js";

/** `sql/schema.sql`: the DDL of the whole desired schema. */
export const sqlSchemaFile: OutputKind = {
  name: "SQL schema file",
  needsDatabase: false,
  render: (context) => [
    {
      path: `${context.sqlDir}/schema.sql`,
      contents: renderTemplate("sql/schema-file.sql", {
        header: generatedHeader(context, "sql"),
        ddl: renderDdl(planSchemaDdl(context.manifest)).trimEnd(),
      }),
    },
  ],
};
