import { renderTemplate } from "../templates/render-template.js";
import { generatedHeader, type OutputKind } from "./output-kind.js";

/**
 * `generated/rate-limit.ts`: the rate-limit store bound to the manifest's
 * rateLimit table. Better Auth only has that table with
 * `rateLimit.storage: "database"`; without it there is no file.
 */
export const rateLimitModule: OutputKind = {
  name: "rate-limit module",
  needsDatabase: false,
  render: (context) => {
    const table = context.manifest.tables.find(
      (candidate) => candidate.model === "rateLimit",
    );
    if (table === undefined) return [];

    return [
      {
        path: `${context.outDir}/rate-limit.ts`,
        contents: renderTemplate("ts/rate-limit.ts", {
          header: generatedHeader(context, "line"),
          model: table.model,
        }),
      },
    ];
  },
};
