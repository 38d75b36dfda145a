// Bundles the command line (and the library entry points it shares chunks with) into dist/.
// Dependencies stay external: they are resolved from node_modules at run time.
import { build } from "esbuild";
import { existsSync, mkdirSync } from "node:fs";

const entryPoints = { cli: "cli/main.ts" };
for (const [name, path] of [["runtime", "runtime/index.ts"], ["stdlib", "stdlib/index.ts"]]) {
  if (existsSync(path)) entryPoints[name] = path;
}
mkdirSync("dist", { recursive: true });
await build({
  entryPoints,
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
});
