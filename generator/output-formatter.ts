import { format } from "prettier";

/**
 * Formats emitted files: TypeScript through the pinned prettier with fixed
 * options (never a project's own config), so the output is the same on
 * every machine; every other file only loses trailing blank space and ends
 * in one `\n`. Results are kept by text, so a file formatted ahead of time
 * (while the database boots, say) is not formatted again when the pipeline
 * asks for it: the same text always gives the same output.
 */
export class OutputFormatter {
  readonly #typescript = new Map<string, Promise<string>>();

  /** Formats one file; `path` only tells TypeScript from the rest. */
  format(path: string, text: string): Promise<string> {
    const normalized = text.replace(/\r\n/g, "\n");
    if (!path.endsWith(".ts")) {
      return Promise.resolve(`${normalized.trimEnd()}\n`);
    }

    let formatted = this.#typescript.get(normalized);
    if (formatted === undefined) {
      formatted = format(normalized, { parser: "typescript", printWidth: 80 });
      this.#typescript.set(normalized, formatted);
    }
    return formatted;
  }

  /**
   * Starts formatting `files` without waiting. A failure is kept for the
   * `format` or `formatAll` call that asks for the same file.
   */
  prefetch(files: Iterable<readonly [string, string]>): void {
    for (const [path, text] of files) {
      this.format(path, text).catch(() => {});
    }
  }

  /** Formats every file, in the order of their sorted paths. */
  async formatAll(
    files: ReadonlyMap<string, string>,
  ): Promise<Map<string, string>> {
    const formatted = new Map<string, string>();
    for (const path of [...files.keys()].sort()) {
      formatted.set(path, await this.format(path, files.get(path)!));
    }
    return formatted;
  }
}
