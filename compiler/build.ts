/**
 * The back end's face: check a strategy file, generate its TypeScript (compiler/emit), turn it into
 * JavaScript with esbuild, compose the source maps (JS → TS → .algo), and load the result
 * in-process as a Strategy class the engine runs. `algo build`, `algo backtest` and `algo features`
 * go through here.
 */
import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build as esbuildAsync, buildSync, transformSync, type BuildOptions, type BuildResult } from "esbuild";
import remapping from "@jridgewell/remapping";
import { GenMapping, addMapping, toEncodedMap } from "@jridgewell/gen-mapping";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import * as stdlib from "../stdlib/index.js";
import type { Strategy } from "../runtime/engine/strategy.js";
import { checkProgram, nodeHost, type CheckedProgram, type CompilerHost } from "./index.js";
import { compareDiagnostics, hasErrors, type Diagnostic } from "./diagnostics/index.js";
import { emitStrategy, LoweringError, type EmittedStrategy, type StrategyParamInfo } from "./emit/strategy.js";
import { BACKEND_CODES } from "./diagnostics/risk-codes.js";
import { emitFeatureProgram, type EmittedFeatures, type FeatureProgramOptions } from "./emit/features.js";

/** The version written into generated code. */
export const COMPILER_VERSION = "0.1.0";

/** The result of compiling a strategy file. */
export interface CompileResult {
  program: CheckedProgram;
  /** Every diagnostic (front end, analyses, back end), sorted. */
  diagnostics: Diagnostic[];
  /** Present when there was no error. */
  output?: CompiledOutput;
}

/** Generated artefacts of one strategy. */
export interface CompiledOutput {
  emitted: EmittedStrategy;
  /** TypeScript module text. */
  ts: string;
  /**
   * ES module JavaScript for `algo build`: self-contained (the stdlib operators it uses are bundled
   * in), so it runs with plain Node anywhere, and through `algo backtest FILE.js`. Computed on
   * first read (esbuild bundling costs a few tens of ms that backtests do not need).
   */
  readonly js: string;
  /** Source map of `js`: the strategy's lines map back to the `.algo` file. */
  readonly jsMap: string;
  /** CommonJS JavaScript used to load the strategy in-process. */
  readonly cjs: string;
  /** Source map of `cjs` back to the `.algo` file. */
  readonly cjsMap: string;
}

/** Thrown by `compileStrategyFile` when the program has errors; carries them. */
export class CompileError extends Error {
  constructor(
    readonly program: CheckedProgram,
    readonly diagnostics: Diagnostic[],
  ) {
    super(`${diagnostics.filter((d) => d.severity === "error").length} error(s) in ${program.files[program.roots[0] ?? 0]?.path ?? "the program"}`);
    this.name = "CompileError";
  }
}

/** Compiles `path` (with `text`, or read through the host). Never throws for bad programs. */
export function compileStrategy(path: string, text: string, host: CompilerHost = nodeHost): CompileResult {
  const program = checkProgram([{ path, text }], { host });
  const diagnostics = [...program.diagnostics];
  if (hasErrors(diagnostics)) return { program, diagnostics };
  const root = program.files[program.roots[0]!]!;
  if (root.kind !== "strategy") {
    return { program, diagnostics };
  }
  const sourceName = basename(path);
  let emitted: EmittedStrategy;
  try {
    emitted = emitStrategy(program, root, { sourceName, version: COMPILER_VERSION });
  } catch (e) {
    if (e instanceof LoweringError) {
      const def = BACKEND_CODES.find((c) => c.code === "E0601")!;
      diagnostics.push({ code: def.code, severity: def.severity, message: e.message, span: e.span, related: [] });
      diagnostics.sort(compareDiagnostics);
      return { program, diagnostics };
    }
    throw e;
  }
  const algoSource = program.sources[root.id]!;
  const tsName = sourceName.replace(/\.algo$/, "") + ".ts";
  // TS → .algo map, line granularity, from the emitter's line table.
  const gen = new GenMapping({ file: tsName });
  for (const { line, span } of emitted.lineMap) {
    const lc = algoSource.position(span.start);
    addMapping(gen, { generated: { line, column: 0 }, source: sourceName, original: { line: lc.line, column: lc.column - 1 } });
  }
  const tsToAlgo = toEncodedMap(gen);
  tsToAlgo.sourcesContent = [algoSource.text];
  const toJs = (format: "esm" | "cjs") => {
    const r = transformSync(emitted.code, { loader: "ts", format, sourcemap: "external", sourcefile: tsName, target: "node20" });
    const composed = remapping(r.map, (file) => (file === tsName ? (tsToAlgo as never) : null));
    return { code: r.code, map: JSON.stringify(composed) };
  };
  // Both JavaScript forms are made on first read: a backtest needs only the CommonJS, `algo build`
  // only the bundled ES module (each esbuild call costs tens of ms, a process spawn when synchronous).
  let esm: { code: string; map: string } | undefined;
  let cjs: { code: string; map: string } | undefined;
  // The TS → .algo map rides along inline: esbuild composes it into the bundle's map itself.
  const withMap = `${emitted.code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(tsToAlgo)).toString("base64")}\n`;
  const bundled = () => (esm ??= finishBundle(buildSync(bundleOptions(withMap, tsName))));
  const common = () => (cjs ??= toJs("cjs"));
  const output: CompiledOutput = {
    emitted,
    ts: emitted.code,
    get js() {
      return bundled().code;
    },
    get jsMap() {
      return bundled().map;
    },
    get cjs() {
      return common().code;
    },
    get cjsMap() {
      return common().map;
    },
  };
  bundlers.set(output, async () => (esm ??= finishBundle(await esbuildAsync(bundleOptions(withMap, tsName)))));
  return { program, diagnostics, output };
}

const bundlers = new WeakMap<CompiledOutput, () => Promise<{ code: string; map: string }>>();

/**
 * `output.js` and `output.jsMap` through esbuild's asynchronous API, whose service process the
 * caller can start early (any async esbuild call) so it gets ready while the compiler works: what
 * `algo build` uses.
 */
export async function bundleStrategy(output: CompiledOutput): Promise<{ js: string; jsMap: string }> {
  const b = bundlers.get(output);
  const r = b ? await b() : { code: output.js, map: output.jsMap };
  return { js: r.code, jsMap: r.map };
}


/**
 * The package's stdlib entry point: the TypeScript source next to the compiler (running from the
 * repository), else the built `dist/stdlib.js` (running from the bundled CLI in dist/ or dist/chunks/).
 */
function stdlibEntry(): string {
  for (const rel of ["../stdlib/index.ts", "../stdlib.js", "./stdlib.js"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error("the package's stdlib module was not found next to the compiler; run `npm run build`");
}

/**
 * Bundles generated TypeScript into one ES module with the stdlib operators it imports
 * (`algolang/stdlib` resolved to the package's own stdlib; `algolang/runtime` is type-only), and
 * composes its source map with the TS → .algo map.
 */
function bundleOptions(code: string, tsName: string): BuildOptions & { write: false } {
  const entry = stdlibEntry();
  const root = dirname(dirname(entry));
  const jsName = tsName.replace(/\.ts$/, ".js");
  return {
    stdin: { contents: code, loader: "ts", sourcefile: tsName, resolveDir: root },
    absWorkingDir: root,
    alias: { "algolang/stdlib": entry },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    sourcemap: "external",
    outfile: `${root}/${jsName}`,
    logLevel: "silent",
  };
}

/** The bundle's code without its map comment, and its map composed with the TS → .algo map. */
function finishBundle(r: BuildResult<{ write: false }>): { code: string; map: string } {
  const js = r.outputFiles.find((f) => f.path.endsWith(".js"))!.text.replace(/\/\/# sourceMappingURL=.*\n?$/, "");
  const map = JSON.parse(r.outputFiles.find((f) => f.path.endsWith(".map"))!.text) as { sources: string[]; sourcesContent?: Array<string | null> };
  // Package files are named from the package (`algolang/stdlib/…`), not from this machine's folders;
  // the .algo file keeps its own name (and its text, from the inline map).
  map.sources = map.sources.map((src) => (src.endsWith(".algo") ? src.replace(/^.*\//, "") : `algolang/${src.replace(/^(\.\.\/)+/, "")}`));
  return { code: js, map: JSON.stringify(map) };
}

/** A loaded strategy: construct instances with parameter values. */
export interface LoadedStrategy {
  className: string;
  params: StrategyParamInfo[];
  /** A new strategy instance; `params` must already be validated (see validateParams). */
  create(params: Record<string, number | string | boolean>): Strategy;
  /** Maps a position in the loaded code to the `.algo` source (for runtime errors). */
  originalPosition(line: number, column: number): { source: string | null; line: number | null; column: number | null };
  output: CompiledOutput;
}

/** Evaluates generated CommonJS in-process, with the package's own stdlib; returns its exports. */
function evaluateModule(cjs: string, sourceUrl: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const requireShim = (id: string): unknown => {
    if (id === "algolang/stdlib") return stdlib;
    throw new Error(`generated code imports an unknown module: ${id}`);
  };
  const factory = new Function("require", "module", "exports", `${cjs}\n//# sourceURL=${sourceUrl}`) as (
    r: (id: string) => unknown,
    m: typeof module,
    e: Record<string, unknown>,
  ) => void;
  factory(requireShim, module, module.exports);
  return module.exports;
}

/** Loads compiled code in-process (CommonJS evaluated with the package's own stdlib). */
export function loadStrategy(output: CompiledOutput, sourceUrl: string): LoadedStrategy {
  const cls = evaluateModule(output.cjs, sourceUrl).default as new (p: Record<string, number | string | boolean>) => Strategy;
  const trace = new TraceMap(output.cjsMap);
  return {
    className: output.emitted.className,
    params: output.emitted.params,
    create: (p) => new cls(p),
    originalPosition: (line, column) => {
      const o = originalPositionFor(trace, { line, column });
      return { source: o.source, line: o.line, column: o.column };
    },
    output,
  };
}

/**
 * Validates `--set` values against the strategy's declared params: unknown names, non-numbers and
 * values outside the declared range (which the static risk proof assumed) are errors. Returns the
 * parsed values, or a list of messages.
 */
export function validateParams(
  params: readonly StrategyParamInfo[],
  values: Readonly<Record<string, string | number | boolean>>,
): { ok: true; values: Record<string, number | boolean> } | { ok: false; errors: string[] } {
  const out: Record<string, number | boolean> = {};
  const errors: string[] = [];
  for (const [name, raw] of Object.entries(values)) {
    const p = params.find((q) => q.name === name);
    if (!p) {
      errors.push(`unknown param \`${name}\` (the strategy declares: ${params.map((q) => q.name).join(", ") || "none"})`);
      continue;
    }
    if (p.type === "bool") {
      if (raw === true || raw === "true") out[name] = true;
      else if (raw === false || raw === "false") out[name] = false;
      else errors.push(`param \`${name}\`: expected true or false, got \`${String(raw)}\``);
      continue;
    }
    const v = typeof raw === "number" ? raw : Number(String(raw).replace(/_/g, ""));
    if (typeof raw === "string" && (raw.trim() === "" || !Number.isFinite(v))) {
      errors.push(`param \`${name}\`: expected a number, got \`${raw}\``);
      continue;
    }
    if ((p.type === "int" || p.type === "qty") && !Number.isInteger(v)) {
      errors.push(`param \`${name}\`: expected a whole number (${p.type}), got ${v}`);
      continue;
    }
    if ((p.lo === undefined || p.hi === undefined) && p.type !== "bool" && v !== p.default) {
      // Without a range the checker folds the param to its default, and the risk proof assumed it.
      errors.push(`param \`${name}\` has no declared range, so the compiler proved the strategy safe for its default ${String(p.default)} only; declare \`in [lo, hi]\` to vary it`);
      continue;
    }
    if (p.lo !== undefined && p.hi !== undefined && (v < p.lo || v > p.hi)) {
      errors.push(`param \`${name}\` = ${v} is outside its declared range [${p.lo}, ${p.hi}] (the risk proof covers only that range)`);
      continue;
    }
    out[name] = v;
  }
  return errors.length ? { ok: false, errors } : { ok: true, values: out };
}

/** A compiled feature program: construct it with a sink that receives one row per update. */
export interface LoadedFeatures {
  emitted: EmittedFeatures;
  ts: string;
  create(sink: FeatureSink): Strategy;
}

/** Receives the rows of a feature program (the values array is reused: copy it). */
export interface FeatureSink {
  row(ts: number, values: Float64Array): void;
}

/**
 * Compiles the features of a file (a feature unit, or a strategy's features block) into a program
 * the engine runs. Returns diagnostics instead when the file has errors; throws FeatureRequestError
 * when the options do not fit the file (unknown unit, unbound instrument param).
 */
export function compileFeatures(
  path: string,
  text: string,
  options: Omit<FeatureProgramOptions, "sourceName" | "version">,
  host: CompilerHost = nodeHost,
): { program: CheckedProgram; diagnostics: Diagnostic[]; loaded?: LoadedFeatures } {
  const program = checkProgram([{ path, text }], { host });
  const diagnostics = [...program.diagnostics];
  if (hasErrors(diagnostics)) return { program, diagnostics };
  const root = program.files[program.roots[0]!]!;
  const sourceName = basename(path);
  let emitted: EmittedFeatures;
  try {
    emitted = emitFeatureProgram(program, root, { ...options, sourceName, version: COMPILER_VERSION });
  } catch (e) {
    if (e instanceof LoweringError) {
      diagnostics.push({ code: "E0601", severity: "error", message: e.message, span: e.span, related: [] });
      return { program, diagnostics };
    }
    throw e;
  }
  const cjs = transformSync(emitted.code, { loader: "ts", format: "cjs", sourcefile: `${sourceName}.features.ts`, target: "node20" }).code;
  const cls = evaluateModule(cjs, `algo:///${sourceName}.features.js`).default as new (sink: FeatureSink) => Strategy;
  return { program, diagnostics, loaded: { emitted, ts: emitted.code, create: (sink) => new cls(sink) } };
}

/** Reads, compiles and loads a strategy file; throws CompileError when it has errors. */
export function compileStrategyFile(path: string, host: CompilerHost = nodeHost): LoadedStrategy & { diagnostics: Diagnostic[]; program: CheckedProgram } {
  const text = host.readFile(path);
  if (text === undefined) throw new Error(`cannot read ${path}`);
  const r = compileStrategy(path, text, host);
  if (!r.output) throw new CompileError(r.program, r.diagnostics);
  const loaded = loadStrategy(r.output, `algo:///${basename(path)}.js`);
  return { ...loaded, diagnostics: r.diagnostics, program: r.program };
}
