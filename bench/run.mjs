#!/usr/bin/env node
/**
 * Runs one benchmark the way the product runs: bundled by esbuild with the options scripts/build.mjs
 * uses for dist/ (ESM, target node20, packages external), not through tsx, whose on-the-fly
 * transform (`__name` wrappers, per-module loader hooks) slows hot code by up to ~40% and would
 * make the numbers in bench/RESULTS.md describe a build nobody runs.
 *
 *   node bench/run.mjs                 list the benchmarks
 *   node bench/run.mjs NAME [ARGS...]  bundle bench/NAME.ts into .bench/NAME.mjs and run it with
 *                                      `node --expose-gc`, passing ARGS (see each file's header)
 *   npm run bench -- NAME [ARGS...]    the same, after building dist/
 *
 * The bundle sits in .bench/ at the repository root: the same depth as bench/, so the benchmarks'
 * paths relative to their own file (`new URL("..", import.meta.url)`) still find the repository.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = join(root, "bench");
/** Files in bench/ that are shared code, not benchmarks. */
const LIBRARIES = new Set(["strategy-gen"]);
const names = readdirSync(benchDir)
  .filter((f) => f.endsWith(".ts") && !LIBRARIES.has(f.slice(0, -3)))
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === "--help" || name === "-h") {
  process.stdout.write(`usage: node bench/run.mjs NAME [ARGS...]\nbenchmarks: ${names.join(", ")}\n`);
  process.exit(0);
}
if (!names.includes(name)) {
  process.stderr.write(`bench: no benchmark named "${name}"; one of: ${names.join(", ")}\n`);
  process.exit(2);
}
const outfile = join(root, ".bench", `${name}.mjs`);
try {
  await build({
    entryPoints: [join(benchDir, `${name}.ts`)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
} catch {
  // esbuild has printed the errors with file:line:col.
  process.exit(2);
}
if (!existsSync(outfile)) {
  process.stderr.write(`bench: esbuild wrote no ${outfile}\n`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ["--expose-gc", outfile, ...args], { stdio: "inherit" });
process.exit(r.status ?? 1);
