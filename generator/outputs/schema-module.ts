import { renderTemplate } from "../templates/render-template.js";
import { generatedHeader, type OutputKind } from "./output-kind.js";

/** `generated/schema.ts`: the manifest and the static queries as literals. */
export const schemaModule: OutputKind = {
  name: "schema module",
  needsDatabase: false,
  render: (context) => [
    {
      path: `${context.outDir}/schema.ts`,
      contents: renderTemplate("ts/schema.ts", {
        header: generatedHeader(context, "line"),
        // JSON is a TypeScript literal; the formatter lays it out.
        manifest: JSON.stringify(context.manifest),
        staticQueries: JSON.stringify(context.staticQueries),
      }),
    },
  ],
};
