import { camelCase } from "camel-case";
import { parsers } from "prettier/plugins/typescript";

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
 *
 * The parser is the TypeScript parser of the pinned prettier, which the
 * pipeline loads anyway to format: a full compiler (ts-morph, or pgtyped's
 * TypeScript) takes most of a second just to load, for a handful of
 * modules we wrote ourselves.
 *
 * @throws {Error} for an export this reading cannot attribute (a re-export
 * from another module): a template change that needs one must extend it.
 */
function exportedNames(path: string, contents: string): ExportedNames {
  const statements = parseModule(path, contents);
  const typeOnly = typeOnlyDeclarations(statements);
  const values: string[] = [];
  const types: string[] = [];

  for (const statement of statements) {
    for (const { name, isType } of exportsOf(statement, typeOnly, path)) {
      (isType ? types : values).push(name);
    }
  }
  return { values: values.sort(), types: types.sort() };
}

/** The parts of typescript-estree's nodes read here. */
interface EstreeNode {
  readonly type: string;
  readonly id?: { readonly name: string } | null;
  readonly declaration?: EstreeNode | null;
  readonly declarations?: readonly { readonly id: { readonly name: string } }[];
  readonly specifiers?: readonly {
    readonly local: { readonly name: string };
    readonly exported: { readonly name: string };
    readonly exportKind?: string;
  }[];
  readonly source?: unknown;
  readonly exportKind?: string;
}

const TYPE_DECLARATIONS = new Set([
  "TSInterfaceDeclaration",
  "TSTypeAliasDeclaration",
]);

function parseModule(path: string, contents: string): readonly EstreeNode[] {
  const program = parsers.typescript.parse(contents, {
    filepath: path,
  } as Parameters<typeof parsers.typescript.parse>[1]) as unknown;
  if (program instanceof Promise) {
    throw new Error(
      "prettier's TypeScript parser answered asynchronously; the index module needs it synchronous.",
    );
  }
  return (program as { body: readonly EstreeNode[] }).body;
}

/** Top-level names declared only as interfaces or type aliases. */
function typeOnlyDeclarations(
  statements: readonly EstreeNode[],
): ReadonlySet<string> {
  const types = new Set<string>();
  const values = new Set<string>();
  for (const statement of statements) {
    const declaration = statement.declaration ?? statement;
    for (const name of declaredNames(declaration)) {
      (TYPE_DECLARATIONS.has(declaration.type) ? types : values).add(name);
    }
  }
  return new Set([...types].filter((name) => !values.has(name)));
}

function declaredNames(declaration: EstreeNode): string[] {
  if (declaration.declarations !== undefined) {
    return declaration.declarations.map((declarator) => declarator.id.name);
  }
  return declaration.id ? [declaration.id.name] : [];
}

function exportsOf(
  statement: EstreeNode,
  typeOnly: ReadonlySet<string>,
  path: string,
): { name: string; isType: boolean }[] {
  if (statement.type === "ExportDefaultDeclaration") {
    return [{ name: "default", isType: false }];
  }
  const isExport =
    statement.type === "ExportNamedDeclaration" ||
    statement.type === "ExportAllDeclaration";
  if (!isExport) return [];
  if (statement.source) {
    throw new Error(
      `${path} re-exports another module; the index module reads only what a module declares itself.`,
    );
  }

  if (statement.declaration) {
    const isType = TYPE_DECLARATIONS.has(statement.declaration.type);
    return declaredNames(statement.declaration).map((name) => ({
      name,
      isType,
    }));
  }
  return (statement.specifiers ?? []).map((specifier) => ({
    name: specifier.exported.name,
    isType:
      statement.exportKind === "type" ||
      specifier.exportKind === "type" ||
      typeOnly.has(specifier.local.name),
  }));
}

function joinNames(names: ExportedNames) {
  return {
    values: names.values.join(", "),
    types: names.types.join(", "),
  };
}
