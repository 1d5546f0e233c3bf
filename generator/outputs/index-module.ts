import { camelCase } from "camel-case";
import { Node, Project } from "ts-morph";

import { renderTemplate } from "../templates/render-template.js";
import {
  generatedHeader,
  type OutputContext,
  type OutputKind,
} from "./output-kind.js";
import { queryModulePath } from "./typed-query-modules.js";

/**
 * `generated/index.ts`: re-exports every other top-level generated module
 * by name, and each model's typed queries as a namespace (`userQueries`),
 * since pgtyped declares helper types such as `Json` in every query file.
 * List it last: it reads the modules the kinds before it rendered.
 */
export const indexModule: OutputKind = {
  name: "index module",
  needsDatabase: false,
  render: (context) => [
    {
      path: `${context.outDir}/index.ts`,
      contents: renderTemplate("ts/index.ts", {
        header: generatedHeader(context, "line"),
        modules: rootModules(context).map(({ path, contents }) => ({
          specifier: `./${path.replace(/\.ts$/, ".js")}`,
          ...joinNames(exportedNames(path, contents)),
        })),
        queryModules: [...new Set(context.queries.map((plan) => plan.model))]
          .sort()
          .map((model) => ({
            namespace: `${camelCase(model)}Queries`,
            specifier: `./${queryModulePath(model).replace(/\.ts$/, ".js")}`,
          })),
      }),
    },
  ],
};

/** `schema.ts`, `adapter.ts`...: the out folder's own modules, sorted. */
function rootModules(context: OutputContext) {
  const prefix = `${context.outDir}/`;
  return [...context.files]
    .filter(
      ([path]) =>
        path.startsWith(prefix) &&
        path.endsWith(".ts") &&
        !path.slice(prefix.length).includes("/") &&
        path !== `${prefix}index.ts`,
    )
    .map(([path, contents]) => ({ path: path.slice(prefix.length), contents }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

interface ExportedNames {
  readonly values: string[];
  readonly types: string[];
}

/**
 * Reads a module's exports from its syntax. Types are re-exported with
 * `export type`: under `isolatedModules` a plain re-export of an interface
 * is an error, because a single-file compiler cannot tell it is a type.
 */
function exportedNames(path: string, contents: string): ExportedNames {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
  });
  const file = project.createSourceFile(path, contents);
  const values: string[] = [];
  const types: string[] = [];

  for (const [name, declarations] of file.getExportedDeclarations()) {
    const typeOnly = declarations.every(
      (declaration) =>
        Node.isInterfaceDeclaration(declaration) ||
        Node.isTypeAliasDeclaration(declaration),
    );
    (typeOnly ? types : values).push(name);
  }
  return { values: values.sort(), types: types.sort() };
}

function joinNames(names: ExportedNames) {
  return {
    values: names.values.join(", "),
    types: names.types.join(", "),
  };
}
