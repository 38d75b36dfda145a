/**
 * A worker thread of `algo sweep`: loads the strategy the main thread compiled (its CommonJS, once
 * per worker), then runs the backtests it is sent, one at a time, each configured by
 * engine-options.ts exactly as `algo backtest` configures a run. Imports neither the compiler nor
 * ts-morph: a worker starts in a few tens of milliseconds.
 *
 * This module is also the worker's entry file: the main thread imports it for `WORKER_URL` (in the
 * bundled CLI that is the URL of this module's own chunk) and starts `new Worker(WORKER_URL)`; the
 * check at the bottom runs the worker loop only inside such a thread.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { basename } from "node:path";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import * as stdlib from "../../stdlib/index.js";
import type { BacktestConfig } from "../config/index.js";
import { UserError, ExitCode } from "../errors.js";
import { BacktestEngine, LookupError } from "../../runtime/engine/engine.js";
import type { Strategy } from "../../runtime/engine/strategy.js";
import type { BacktestMetrics, RunAssumptions } from "../../runtime/analytics/types.js";
import { asUserError } from "../../runtime/data/index.js";
import { engineOptions, openSource } from "./engine-options.js";

/** The URL to start a sweep worker from. */
export const WORKER_URL: string = import.meta.url;

/** Marks workerData as ours. */
const KIND = "algo-sweep";

/** What a worker is started with. */
export interface SweepWorkerData {
  kind: typeof KIND;
  /** Compiled strategy: CommonJS and its source map back to the .algo file. */
  cjs: string;
  cjsMap: string;
  className: string;
  /** Absolute path of the strategy file (reports) and the path as the user gave it (messages). */
  strategyPath: string;
  displayPath: string;
  /** The run configuration without its per-run params (those come with each job). */
  config: Omit<BacktestConfig, "merged" | "sources">;
  /** Int32Array[0] != 0: stop the run in progress (Ctrl-C). */
  abortFlag: SharedArrayBuffer;
}

/** Main → worker: run combination `index` with these (validated) param values. */
export interface SweepJob {
  index: number;
  params: Record<string, number | boolean | string>;
}

/** One finished run, as sweep.json's rows carry it (before ranking). */
export interface SweepRunResult {
  index: number;
  params: Record<string, number | boolean | string>;
  halted: boolean;
  eventsProcessed: number;
  metrics: BacktestMetrics;
  refusals: Record<string, number>;
  /** The run's stated latency, queue and fee assumptions (the same for every run of a sweep). */
  assumptions: RunAssumptions;
}

/** Worker → main. */
export type SweepReply =
  | { type: "done"; result: SweepRunResult }
  | { type: "aborted"; index: number }
  | { type: "error"; index: number; message: string; exitCode: number; bug: boolean };

type StrategyClass = new (p: Record<string, number | string | boolean>) => Strategy;

/** Evaluates the generated CommonJS with the package's own stdlib (as compiler/build.ts does). */
function loadStrategyClass(cjs: string, sourceUrl: string): StrategyClass {
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
  return module.exports.default as StrategyClass;
}

/** Runs one job to its end (or until the abort flag is raised). */
function runJob(data: SweepWorkerData, cls: StrategyClass, trace: () => TraceMap, flag: Int32Array, job: SweepJob): SweepReply {
  const abort = { aborted: false };
  try {
    const strategy = new cls(job.params);
    const sources = data.config.data.map(openSource);
    const config = { ...data.config, params: job.params } as BacktestConfig;
    const engine = new BacktestEngine(engineOptions(config, { strategy, name: data.className }, sources, data.strategyPath, abort));
    engine.start();
    // The same slices as `algo backtest` steps through; the flag is read between them.
    while (!engine.step(1 << 16)) {
      if (Atomics.load(flag, 0) !== 0) abort.aborted = true;
    }
    const result = engine.finish();
    if (abort.aborted) return { type: "aborted", index: job.index };
    return {
      type: "done",
      result: {
        index: job.index,
        params: job.params,
        halted: result.report.run.halted,
        eventsProcessed: result.report.run.eventsProcessed,
        metrics: result.report.metrics,
        refusals: result.report.refusals.byReason,
        assumptions: { latency: result.report.assumptions.latency, queueModel: result.report.assumptions.queueModel, fees: result.report.assumptions.fees },
      },
    };
  } catch (err) {
    return errorReply(job.index, err, data, trace);
  }
}

function errorReply(index: number, err: unknown, data: SweepWorkerData, trace: () => TraceMap): SweepReply {
  if (err instanceof LookupError || err instanceof RangeError) return { type: "error", index, message: `${data.displayPath}: ${err.message}`, exitCode: ExitCode.Usage, bug: false };
  if (err instanceof UserError) return { type: "error", index, message: err.message, exitCode: err.exitCode, bug: false };
  if (err instanceof Error && err.stack) {
    // A run-time error inside the compiled strategy, reported at its .algo line.
    const m = /algo:\/\/\/[^:\s]+\.js:(\d+):(\d+)/.exec(err.stack);
    if (m) {
      const pos = originalPositionFor(trace(), { line: Number(m[1]), column: Number(m[2]) - 1 });
      if (pos.line !== null) {
        return { type: "error", index, message: `${data.displayPath}:${pos.line}:${(pos.column ?? 0) + 1}: run-time error in the strategy: ${err.message}`, exitCode: ExitCode.Failure, bug: false };
      }
    }
  }
  const user = asUserError(err);
  if (user instanceof UserError) return { type: "error", index, message: user.message, exitCode: user.exitCode, bug: false };
  const e = err as Error;
  return { type: "error", index, message: process.env.ALGO_DEBUG === "1" && e?.stack ? e.stack : (e?.message ?? String(err)), exitCode: 70, bug: true };
}

function workerMain(port: MessagePort, data: SweepWorkerData): void {
  const cls = loadStrategyClass(data.cjs, `algo:///${basename(data.strategyPath)}.js`);
  let map: TraceMap | null = null;
  const trace = (): TraceMap => (map ??= new TraceMap(data.cjsMap));
  const flag = new Int32Array(data.abortFlag);
  port.on("message", (job: SweepJob) => {
    port.postMessage(runJob(data, cls, trace, flag, job));
  });
}

if (!isMainThread && parentPort !== null && (workerData as { kind?: unknown } | null)?.kind === KIND) {
  workerMain(parentPort, workerData as SweepWorkerData);
}
