import { modelFileBase } from "../queries/query-names.js";
import { renderTemplate } from "../templates/render-template.js";
import {
  generatedHeader,
  type OutputContext,
  type OutputFile,
  type OutputKind,
} from "./output-kind.js";

/**
 * `generated/queries/<model>.ts`: pgtyped's typed query functions for each
 * `sql/<model>.sql`, as pgtyped wrote them, under our header.
 */
export const typedQueryModules: OutputKind = {
  name: "typed query modules",
  needsDatabase: true,
  render: (context) => {
    const files = [...new Set(context.queries.map((plan) => plan.model))];
    return files.map((model) => {
      const sqlPath = `${context.sqlDir}/${modelFileBase(model)}.sql`;
      const declarations = context.typedQueries!.get(sqlPath);
      if (declarations === undefined) {
        throw new Error(`pgtyped produced nothing for ${sqlPath}.`);
      }
      return queryModuleFor(context, sqlPath, declarations);
    });
  },
};

/**
 * The typed query module of one SQL file, unformatted: pgtyped's
 * declarations under our header. The pipeline also calls it as each file
 * is typed, to format the module while the next file's queries are typed.
 */
export function queryModuleFor(
  context: Pick<OutputContext, "configFile" | "sqlDir" | "outDir">,
  sqlPath: string,
  declarations: string,
): OutputFile {
  const base = sqlPath.slice(context.sqlDir.length + 1, -".sql".length);
  return {
    path: `${context.outDir}/queries/${base}.ts`,
    contents: renderTemplate("ts/query-module.ts", {
      header: generatedHeader(context, "line"),
      declarations,
    }),
  };
}

/** The module path of a model's typed queries, relative to the out folder. */
export function queryModulePath(model: string): string {
  return `queries/${modelFileBase(model)}.ts`;
}
