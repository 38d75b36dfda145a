// Bundles the command line (and the library entry points it shares chunks with) into dist/.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const entryPoints = { cli: "cli/main.ts" };
for (const [name, path] of [["runtime", "runtime/index.ts"], ["stdlib", "stdlib/index.ts"]]) {
  if (existsSync(path)) entryPoints[name] = path;
}

// Bundled rather than loaded from node_modules at run time (bench/startup.ts measures start-up):
// - chevrotain ships as hundreds of small ES modules (lodash-es); loading them one by one cost
//   ~0.7 s of every `algo check`, bundled it loads as one chunk;
// - commander and picocolors are loaded by every command (`algo --help` included); bundled, Node
//   skips resolving their package "exports" and translating CommonJS for an ES importer.
const BUNDLED = new Set(["chevrotain", "commander", "picocolors"]);

// CommonJS dependencies loaded with require() instead of `import`. An ES `import` of a CommonJS
// package makes Node read and lex every file it loads for named exports; for ts-morph (and the
// 9 MB TypeScript it carries) that cost ~0.25 s of CPU in every `algo build`. require() loads
// the same module object (Node shares one CommonJS cache between both), so behaviour is equal.
const REQUIRED = ["ts-morph", "typescript", "ajv", "ajv-formats", "esbuild", "cli-progress", "vscode-languageserver"];
const requiredPattern = new RegExp(`^(${REQUIRED.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(/.*)?$`);
const requireCommonJs = {
  name: "require-commonjs",
  setup(b) {
    // The specifier imported from our code → a one-line CommonJS module that require()s it.
    // Only static imports: esbuild turns an `import()` of a CommonJS module into a chunk whose
    // namespace has a default export only (Node also gives the named ones), so `await import()`
    // stays Node's own.
    b.onResolve({ filter: requiredPattern }, (args) =>
      args.namespace === "require-commonjs" || args.kind !== "import-statement"
        ? { path: args.path, external: true }
        : { path: args.path, namespace: "require-commonjs" },
    );
    b.onLoad({ filter: /.*/, namespace: "require-commonjs" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
      resolveDir: process.cwd(),
    }));
  },
};

const dependencies = Object.keys(JSON.parse(readFileSync("package.json", "utf8")).dependencies ?? {});
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
  // The other dependencies stay external: resolved from node_modules at run time.
  external: dependencies.filter((d) => !BUNDLED.has(d) && !REQUIRED.includes(d)),
  plugins: [requireCommonJs],
  // `require` for the bundled CommonJS (commander) and the require()d packages above; a name of
  // its own so that no bundled module's `require` can clash with it.
  banner: { js: 'import { createRequire as __algoCreateRequire } from "node:module";\nconst require = __algoCreateRequire(import.meta.url);' },
  sourcemap: true,
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
});
