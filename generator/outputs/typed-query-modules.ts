import { modelFileBase } from "../queries/query-names.js";
import { renderTemplate } from "../templates/render-template.js";
import { generatedHeader, type OutputKind } from "./output-kind.js";

/**
 * `generated/queries/<model>.ts`: pgtyped's typed query functions for each
 * `sql/<model>.sql`, as pgtyped wrote them, under our header.
 */
export const typedQueryModules: OutputKind = {
  name: "typed query modules",
  needsDatabase: true,
  render: (context) => {
    const header = generatedHeader(context, "line");
    const files = [...new Set(context.queries.map((plan) => plan.model))];
    return files.map((model) => {
      const base = modelFileBase(model);
      const declarations = context.typedQueries!.get(
        `${context.sqlDir}/${base}.sql`,
      );
      if (declarations === undefined) {
        throw new Error(`pgtyped produced nothing for ${base}.sql.`);
      }
      return {
        path: `${context.outDir}/${queryModulePath(model)}`,
        contents: renderTemplate("ts/query-module.ts", {
          header,
          declarations,
        }),
      };
    });
  },
};

/** The module path of a model's typed queries, relative to the out folder. */
export function queryModulePath(model: string): string {
  return `queries/${modelFileBase(model)}.ts`;
}
