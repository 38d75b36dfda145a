/**
 * The implementation of `algo backtest` (see backtest.ts), loaded only when the command runs so
 * that other commands start without the engine, the compiler back end and the report writers.
 */
import type { BacktestFlags } from "./backtest.js";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadBacktestConfig, type BacktestConfig } from "../config/index.js";
import { ExitCode, UserError } from "../errors.js";
import { BacktestEngine, LookupError, type BacktestResult } from "../../runtime/engine/engine.js";
import type { Strategy } from "../../runtime/engine/strategy.js";
import { asUserError } from "../../runtime/data/index.js";
import { writeBacktestOutputs } from "../../runtime/analytics/write.js";
import { renderMetricsJson, renderSummary } from "../../runtime/analytics/summary.js";
import { engineOptions, openSource } from "./engine-options.js";
import { compileStrategy, loadStrategy as loadCompiledStrategy, validateParams, type LoadedStrategy } from "../../compiler/build.js";
import { hasErrors, renderPrettyAll, summaryLine } from "../../compiler/index.js";
import { readSourceFile } from "../source-file.js";
import { checkParamValues } from "../config/param-values.js";
import { checkOutDir, makeOutDir } from "../out-dir.js";


export async function backtestCommand(file: string, flags: BacktestFlags): Promise<number> {
  const config = loadBacktestConfig({
    configPath: flags.config,
    env: process.env,
    flags: { data: flags.data, from: flags.from, to: flags.to, out: flags.out, seed: flags.seed, set: flags.set },
  });
  if (config.data.length === 0) throw new UserError("no market data: give --data PATH (or `data = [...]` in the --config file, or ALGO_DATA)");
  const strategyPath = resolve(file);
  if (!existsSync(strategyPath)) throw new UserError(`${file}: no such strategy file`);
  checkOutDir(config.out);
  const strategy = await loadStrategy(strategyPath, config.params, config.sources);
  const sources = config.data.map(openSource);
  const algoPath = file;
  const abort = { aborted: false };
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    abort.aborted = true;
    if (interrupts > 1) process.exit(ExitCode.Interrupted);
    process.stderr.write("\nalgo: interrupted — finishing the report for what was replayed (Ctrl-C again to quit now)\n");
  };
  process.on("SIGINT", onSigint);
  const progress = process.stderr.isTTY && !flags.json ? await makeProgress(config) : null;
  let result: BacktestResult;
  try {
    const engine = new BacktestEngine(engineOptions(config, strategy, sources, strategyPath, abort));
    result = await runWithProgress(engine, progress);
  } catch (err) {
    if (err instanceof LookupError || err instanceof RangeError) throw new UserError(`${file}: ${err.message}`);
    throw strategyRuntimeError(err, algoPath, strategy.loaded) ?? asUserError(err);
  } finally {
    progress?.stop();
    process.off("SIGINT", onSigint);
  }
  makeOutDir(config.out);
  writeBacktestOutputs(config.out, result.recorder, result.report, { html: flags.html !== false });
  if (flags.json) process.stdout.write(renderMetricsJson(result.report));
  else {
    process.stdout.write(renderSummary(result.report, { outDir: config.out }));
    for (const line of result.logs) process.stdout.write(`log ${line}\n`);
  }
  return result.partial && abort.aborted ? ExitCode.Interrupted : ExitCode.Ok;
}

interface Progress {
  update(events: number, ts: number): void;
  stop(): void;
}

/** A cli-progress bar on stderr: events, events/s and (when --to bounds the run) an ETA. */
async function makeProgress(config: BacktestConfig): Promise<Progress> {
  const { SingleBar, Presets } = (await import("cli-progress")).default;
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: "{bar} {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}",
      hideCursor: true,
      etaBuffer: 20,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const t0 = performance.now();
  let started = false;
  let firstTs = Number.NaN;
  const toNs = config.toNs;
  return {
    update(events: number, ts: number): void {
      const secs = (performance.now() - t0) / 1000;
      const rate = secs > 0 ? Math.round(events / secs).toLocaleString("en-US") : "0";
      if (firstTs !== firstTs) firstTs = ts;
      // Without an end time the total is unknown: show the bar as indeterminate (50%).
      let frac = 0.5;
      if (toNs !== null) {
        const span = Number(toNs) - firstTs;
        frac = span > 0 ? Math.min(1, Math.max(0, (ts - firstTs) / span)) : 0;
      }
      const payload = { events: events.toLocaleString("en-US"), rate };
      if (!started) {
        bar.start(1000, Math.round(frac * 1000), payload);
        started = true;
      } else bar.update(Math.round(frac * 1000), payload);
    },
    stop(): void {
      if (started) bar.stop();
    },
  };
}

async function runWithProgress(engine: BacktestEngine, progress: Progress | null): Promise<BacktestResult> {
  engine.start();
  const slice = 1 << 16;
  while (!engine.step(slice)) {
    if (progress !== null) {
      const p = engine.progress();
      progress.update(p.events, p.ts);
    }
    await new Promise<void>((r) => setImmediate(r));
  }
  return engine.finish();
}

/** Loads a strategy: .algo through the compiler, TS/JS modules through esbuild. */
async function loadStrategy(
  path: string,
  params: Record<string, number | boolean | string>,
  sources: ReadonlyMap<string, string>,
): Promise<{ strategy: Strategy; name: string; loaded?: LoadedStrategy }> {
  const ext = extname(path).toLowerCase();
  if (ext === ".algo") return loadAlgoStrategy(path, params, sources);
  if (![".ts", ".mts", ".js", ".mjs"].includes(ext)) {
    throw new UserError(`${path}: expected a strategy file ending in .algo, .ts, .mts, .js or .mjs`);
  }
  const mod = await importBundled(path);
  const exported = mod.default ?? mod.strategy;
  return { strategy: instantiate(exported, path, declaredParamsChecked(exported, path, params, sources)), name: basename(path) };
}

/**
 * Compiles a .algo strategy in-process: diagnostics are printed like `algo check` prints them, a
 * program with errors is not run (exit 1), and `--set` values are validated against the params'
 * declared ranges (the static risk proof covers only those) before the strategy is constructed.
 */
async function loadAlgoStrategy(
  path: string,
  params: Record<string, number | boolean | string>,
  sources: ReadonlyMap<string, string>,
): Promise<{ strategy: Strategy; name: string; loaded: LoadedStrategy }> {
  const read = readSourceFile(path);
  if ("problem" in read) throw new UserError(read.problem);
  const result = compileStrategy(path, read.text);
  if (result.diagnostics.length) {
    const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
    const body = renderPrettyAll(result.diagnostics, result.program.sources, { color });
    process.stderr.write(`${body}\n\n${summaryLine(result.diagnostics, result.program.files.length)}\n`);
  }
  if (!result.output) {
    if (hasErrors(result.diagnostics)) throw new UserError(`${path}: not backtested: the strategy has errors`, ExitCode.Failure);
    throw new UserError(`${path}: is not a strategy (no \`strategy\` declaration); feature units are computed with \`algo features\``);
  }
  const loaded = loadCompiledStrategy(result.output, `algo:///${basename(path)}.js`);
  const values = checkParamValues(validateParams, loaded.params, params, sources, path);
  return { strategy: loaded.create(values), name: loaded.className, loaded };
}

/** A run-time error inside compiled strategy code, reported at its .algo line. */
function strategyRuntimeError(err: unknown, path: string, loaded: LoadedStrategy | undefined): UserError | undefined {
  if (!loaded || !(err instanceof Error) || !err.stack) return undefined;
  const m = /algo:\/\/\/[^:\s]+\.js:(\d+):(\d+)/.exec(err.stack);
  if (!m) return undefined;
  const pos = loaded.originalPosition(Number(m[1]), Number(m[2]) - 1);
  if (pos.line === null) return undefined;
  return new UserError(`${path}:${pos.line}:${(pos.column ?? 0) + 1}: run-time error in the strategy: ${err.message}`, ExitCode.Failure);
}

/** Bundles a TS/JS strategy module (and what it imports from the repo) with esbuild and imports it. */
async function importBundled(path: string): Promise<Record<string, unknown>> {
  const { build } = await import("esbuild");
  const dir = mkdtempSync(join(tmpdir(), "algo-strategy-"));
  const out = join(dir, "strategy.mjs");
  try {
    try {
      await build({ entryPoints: [path], outfile: out, bundle: true, format: "esm", platform: "node", target: "node20", packages: "external", logLevel: "silent", sourcemap: "inline" });
    } catch (err) {
      const e = err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> };
      const first = e.errors?.[0];
      if (first) {
        const loc = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : `${path}: `;
        throw new UserError(`${loc}${first.text}`);
      }
      throw err;
    }
    try {
      return (await import(pathToFileURL(out).href)) as Record<string, unknown>;
    } catch (err) {
      throw new UserError(`${path}: the strategy module failed to load: ${(err as Error).message}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A module that declares its params (`static params = [{ name, type, default, lo?, hi? }]`, as the
 * code \`algo build\` writes does) gets its values checked exactly like a .algo strategy's: names,
 * types and declared ranges — the static risk proof covers only those. Modules without the
 * declaration receive the values as given.
 */
function declaredParamsChecked(
  exported: unknown,
  path: string,
  params: Record<string, number | boolean | string>,
  sources: ReadonlyMap<string, string>,
): Record<string, number | boolean | string> {
  const declared = (exported as { params?: unknown } | null)?.params;
  if (!Array.isArray(declared)) return params;
  const valid = declared.every(
    (p) => typeof p === "object" && p !== null && typeof (p as { name?: unknown }).name === "string" && typeof (p as { type?: unknown }).type === "string",
  );
  if (!valid) return params;
  return checkParamValues(validateParams, declared as LoadedStrategy["params"], params, sources, path);
}

/** Turns a default export (class or factory) into a Strategy, checking its shape. */
function instantiate(exported: unknown, path: string, params: Record<string, number | boolean | string>): Strategy {
  if (typeof exported !== "function" && !(typeof exported === "object" && exported !== null)) {
    throw new UserError(`${path}: the module must default-export a strategy class or a factory function (see runtime/engine/strategy.ts)`);
  }
  let s: unknown = exported;
  if (typeof exported === "function") {
    const isClass = /^class[\s{]/.test(Function.prototype.toString.call(exported));
    try {
      s = isClass ? new (exported as new (p: typeof params) => unknown)(params) : (exported as (p: typeof params) => unknown)(params);
    } catch (err) {
      throw new UserError(`${path}: constructing the strategy failed: ${(err as Error).message}`);
    }
  }
  const st = s as Partial<Strategy> | null;
  if (st === null || typeof st !== "object" || !Array.isArray(st.instruments)) {
    throw new UserError(`${path}: the strategy has no \`instruments\` array (the symbols it trades, or ["*"])`);
  }
  return st as Strategy;
}
