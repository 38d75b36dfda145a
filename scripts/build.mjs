// Bundles the command line (and the library entry points it shares chunks with) into dist/.
import { build } from "esbuild";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";

const entryPoints = { cli: "cli/main.ts" };
for (const [name, path] of [["runtime", "runtime/index.ts"], ["stdlib", "stdlib/index.ts"]]) {
  if (existsSync(path)) entryPoints[name] = path;
}

// Bundled rather than loaded from node_modules at run time (bench/startup.ts measures start-up):
// commander and picocolors are loaded by every command (`algo --help` included); bundled, Node
// skips resolving their package "exports" and translating CommonJS for an ES importer.
const BUNDLED = new Set(["commander", "picocolors"]);

// CommonJS dependencies loaded with require() instead of `import`. An ES `import` of a CommonJS
// package makes Node read and lex every file it loads for named exports; for ts-morph (and the
// 9 MB TypeScript it carries) that cost ~0.25 s of CPU in every `algo build`. require() loads
// the same module object (Node shares one CommonJS cache between both), so behaviour is equal.
const REQUIRED = ["ts-morph", "typescript", "ajv", "ajv-formats", "esbuild", "cli-progress", "vscode-languageserver"];
const requiredPattern = new RegExp(`^(${REQUIRED.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(/.*)?$`);
// ts-morph (with the TypeScript it carries, ~0.5 s of CPU to load) is bundled into one minified
// file, dist/vendor/ts-morph.cjs, loaded through a V8 code cache (cli/code-cache.ts): about half
// the load time from the second `algo build` on.
const CODE_CACHED = { "ts-morph": "ts-morph.cjs" };
const requireCommonJs = {
  name: "require-commonjs",
  setup(b) {
    b.onResolve({ filter: /^ts-morph$/ }, (args) =>
      args.kind === "import-statement" && args.namespace !== "code-cached" ? { path: args.path, namespace: "code-cached" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "code-cached" }, (args) => ({
      contents:
        `const { requireWithCodeCache, vendorFile } = require(${JSON.stringify(`${process.cwd()}/cli/code-cache.ts`)});\n` +
        `module.exports = requireWithCodeCache(vendorFile(${JSON.stringify(CODE_CACHED[args.path])}));`,
      loader: "js",
      resolveDir: process.cwd(),
    }));
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
// Start clean: chunk names carry content hashes, so stale ones would pile up. dist/vendor stays:
// its files are rewritten below only when their bytes change.
mkdirSync("dist", { recursive: true });
for (const entry of readdirSync("dist")) if (entry !== "vendor") rmSync(join("dist", entry), { recursive: true, force: true });
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

// The quick subcommands (cli/fast.ts: check, fmt, explain) as one CommonJS bundle, loaded by
// dist/boot.js through a V8 code cache (Node 20 caches no compiled code of ES modules). It must not
// load any package at start-up (all it needs is bundled): a require() of one is a build error.
// (bin/algo.js → dist/boot.cjs, below, chooses it or the full command.)
/** dist/*.cjs: import.meta.url of the bundled modules is the bundle's own URL (as each chunk's is in dist/). */
const CJS = {
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  banner: { js: 'const __algoImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};
const fast = await build({
  ...CJS,
  entryPoints: { fast: "cli/fast.ts" },
  external: dependencies.filter((d) => !BUNDLED.has(d)),
  define: { "import.meta.url": "__algoImportMetaUrl" },
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
});
for (const [out, meta] of Object.entries(fast.metafile.outputs)) {
  const loaded = (meta.imports ?? []).filter((i) => i.external && !i.path.startsWith("node:"));
  if (loaded.length > 0) throw new Error(`${out} would load ${loaded.map((i) => i.path).join(", ")} at start-up; the quick commands must bundle what they use`);
}
// Its content hash is part of its code cache's key (besides size and mtime): written into boot.cjs.
const fastHash = createHash("sha256").update(readFileSync("dist/fast.cjs")).digest("hex").slice(0, 16);
// bin/algo.js requires dist/boot.cjs for a quick subcommand (CommonJS: loaded synchronously).
await build({
  ...CJS,
  entryPoints: { boot: "cli/boot.ts" },
  define: { __ALGO_FAST_HASH__: JSON.stringify(fastHash), "import.meta.url": "__algoImportMetaUrl" },
  logLevel: "warning",
});

for (const [pkg, file] of Object.entries(CODE_CACHED)) {
  // Written only when its bytes change: the V8 code cache of a vendored bundle is keyed by the
  // file's size and mtime (cli/code-cache.ts), so rewriting the same bytes would throw it away.
  const vendored = await build({
    write: false,
    stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: process.cwd(), loader: "js" },
    outfile: `dist/vendor/${file}`,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    // Fewer bytes to read and scan on every load; names kept (messages may use constructor names).
    minify: true,
    keepNames: true,
    logLevel: "warning",
  });
  for (const out of vendored.outputFiles) {
    let same = false;
    try {
      same = Buffer.compare(readFileSync(out.path), Buffer.from(out.contents)) === 0;
    } catch {
      same = false;
    }
    if (!same) {
      mkdirSync(dirname(out.path), { recursive: true });
      writeFileSync(out.path, out.contents);
    }
  }
}

// The V8 code caches (cli/code-cache.ts) are written by the first run that loads a bundle: compile
// one example and check them all now, so that the first `algo build` and `algo check` after an
// install are as fast as the later ones. Skipped with ALGO_NO_CODE_CACHE=1; a failure here only
// costs that first run time.
if (process.env.ALGO_NO_CODE_CACHE !== "1" && existsSync("examples/ema_cross.algo")) {
  const out = mkdtempSync(join(tmpdir(), "algo-cache-"));
  const r = spawnSync(process.execPath, ["dist/cli.js", "build", "examples/ema_cross.algo", "-o", out], { encoding: "utf8" });
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) process.stderr.write(`note: could not prime the code cache (algo build exited with ${r.status}): ${(r.stderr || "").trim().split("\n")[0]}\n`);
  const examples = readdirSync("examples").filter((f) => f.endsWith(".algo")).map((f) => join("examples", f));
  const c = spawnSync(process.execPath, ["bin/algo.js", "check", ...examples], { encoding: "utf8" });
  if (c.status !== 0) process.stderr.write(`note: could not prime the code cache of algo check (exited with ${c.status}): ${(c.stderr || "").trim().split("\n")[0]}\n`);
}
