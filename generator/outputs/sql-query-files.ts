import type { QueryPlan } from "../queries/query-plan.js";
import { renderQuery } from "../queries/render-query.js";
import { renderTemplate } from "../templates/render-template.js";
import {
  generatedHeader,
  type OutputContext,
  type OutputFile,
  type OutputKind,
} from "./output-kind.js";

/** `sql/<model>.sql`: the pgtyped-annotated queries of each model. */
export const sqlQueryFiles: OutputKind = {
  name: "SQL query files",
  needsDatabase: false,
  render: renderQueryFiles,
};

/**
 * Renders one SQL file per model, in manifest order. pgtyped's parser only
 * accepts block comments before a query, hence the header's syntax.
 */
export function renderQueryFiles(
  context: Pick<
    OutputContext,
    "configFile" | "sqlDir" | "manifest" | "queries"
  >,
): OutputFile[] {
  const header = generatedHeader(context, "block");
  const byFile = new Map<string, QueryPlan[]>();
  for (const plan of context.queries) {
    byFile.set(plan.file, [...(byFile.get(plan.file) ?? []), plan]);
  }

  return [...byFile].map(([file, plans]) => {
    const table = context.manifest.tables.find(
      (candidate) => candidate.model === plans[0]!.model,
    )!;
    return {
      path: `${context.sqlDir}/${file}`,
      contents: renderTemplate("sql/query-file.sql", {
        header,
        model: table.model,
        table: table.qualifiedName,
        queries: plans.map((plan) => ({
          name: plan.name,
          sql: renderQuery(plan, "pgtyped").sql,
        })),
      }),
    };
  });
}
