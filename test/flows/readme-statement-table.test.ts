import { readFile } from "node:fs/promises";

import { format } from "prettier";
import { describe, expect, it } from "vitest";

import { renderStatementTable } from "./statement-counts.js";

describe("the README's statements per flow", () => {
  it("shows the counts the flow tests assert", async () => {
    const readme = await readFile(
      new URL("../../README.md", import.meta.url),
      "utf8",
    );

    // CI runs prettier over the README, which pads table columns.
    const table = await format(renderStatementTable(), { parser: "markdown" });
    expect(readme).toContain(table.trim());
  });
});
