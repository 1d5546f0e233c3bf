import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

/** One timed command. */
export interface GenerateRun {
  readonly command: string;
  readonly milliseconds: number;
  readonly exitCode: number | null;
}

/** The generation timings, or why there are none. */
export interface GenerateTiming {
  readonly unavailable: string | null;
  readonly description: string;
  readonly runs: readonly GenerateRun[];
}

// What the copy leaves out: dependencies are linked instead, and the output
// folders are left out so the first run generates from nothing.
const LEFT_OUT = new Set([".git", "node_modules", "sql", "generated", ".tmp"]);

/**
 * Times `npm run generate` and `npm run generate -- --check` as child
 * processes. They run in a scratch copy of the repository, because other
 * work shares this tree and `generate` rewrites `sql/` and `generated/`:
 * the first run starts with neither folder (cold), the second checks what
 * the first wrote. Wall times include npm's and tsx's start-up.
 */
export async function timeGenerate(root: string): Promise<GenerateTiming> {
  if (!existsSync(path.join(root, "generator", "cli.ts"))) {
    return {
      unavailable:
        "`generate` is not available yet (`generator/cli.ts` does not exist), so it was not timed.",
      description: "",
      runs: [],
    };
  }

  const copy = await mkdtemp(path.join(os.tmpdir(), "pgac-bench-generate-"));
  try {
    await cp(root, copy, {
      recursive: true,
      filter: (source) =>
        !LEFT_OUT.has(path.basename(source)) || path.dirname(source) !== root,
    });
    await symlink(
      path.join(root, "node_modules"),
      path.join(copy, "node_modules"),
    );

    const runs = [
      await timeCommand(copy, ["run", "generate"]),
      await timeCommand(copy, ["run", "generate", "--", "--check"]),
    ];
    return {
      unavailable: null,
      description:
        "Run as child processes in a scratch copy of the repository: `generate` starts without `sql/` or `generated/` (cold), `--check` then compares against what it wrote (exit code 0 means no difference). Wall times include npm and tsx start-up.",
      runs,
    };
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

async function timeCommand(cwd: string, args: string[]): Promise<GenerateRun> {
  const started = performance.now();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn("npm", args, {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0 && stderr.trim() !== "") {
        process.stderr.write(`npm ${args.join(" ")} failed:\n${stderr}\n`);
      }
      resolve(code);
    });
  });

  return {
    command: `npm ${args.join(" ")}`,
    milliseconds: performance.now() - started,
    exitCode,
  };
}
