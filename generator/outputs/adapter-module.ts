import { renderTemplate } from "../templates/render-template.js";
import { generatedHeader, type OutputKind } from "./output-kind.js";

/**
 * `generated/adapter.ts`: `pgAuthAdapter`, the runtime's adapter bound to
 * the generated manifest and static queries of `schema.ts`.
 */
export const adapterModule: OutputKind = {
  name: "adapter module",
  needsDatabase: false,
  render: (context) => [
    {
      path: `${context.outDir}/adapter.ts`,
      contents: renderTemplate("ts/adapter.ts", {
        header: generatedHeader(context, "line"),
      }),
    },
  ],
};
