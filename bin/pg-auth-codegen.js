#!/usr/bin/env node
// Runs the TypeScript CLI under tsx, so that configs and the generator can
// stay TypeScript without a build step.
import { register } from "tsx/esm/api";

register();
const { runCliAndExit } = await import("../generator/cli.ts");
await runCliAndExit(process.argv.slice(2));
