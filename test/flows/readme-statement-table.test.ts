import { readFile } from "node:fs/promises";

import { describe, expect, it } from "vitest";

import { renderStatementTable } from "./statement-counts.js";

describe("the README's statements per flow", () => {
  it("shows the counts the flow tests assert", async () => {
    const readme = await readFile(
      new URL("../../README.md", import.meta.url),
      "utf8",
    );

    expect(readme).toContain(renderStatementTable());
  });
});
