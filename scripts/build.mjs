// Bundles the command line (and the library entry points it shares chunks with) into dist/.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const entryPoints = { cli: "cli/main.ts" };
for (const [name, path] of [["runtime", "runtime/index.ts"], ["stdlib", "stdlib/index.ts"]]) {
  if (existsSync(path)) entryPoints[name] = path;
}
// Start clean: chunk names carry content hashes, so stale ones would pile up.
rmSync("dist", { recursive: true, force: true });
mkdirSync("dist", { recursive: true });
await build({
  entryPoints,
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Dependencies stay external (resolved from node_modules at run time), except Chevrotain: it
  // ships as hundreds of small ES modules (lodash-es), and loading them one by one cost ~0.7 s of
  // every `algo check`; bundled, it loads as one chunk.
  external: Object.keys(JSON.parse(readFileSync("package.json", "utf8")).dependencies ?? {}).filter((d) => d !== "chevrotain"),
  sourcemap: true,
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
});
