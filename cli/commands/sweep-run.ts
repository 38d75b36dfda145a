/**
 * The implementation of `algo sweep` (see sweep.ts), loaded only when the command runs. The main
 * thread parses the grid, loads the configuration (as `algo backtest` does), compiles the strategy
 * once, validates every grid value, then hands one job per combination to a pool of worker threads
 * (sweep-worker.ts) and ranks what comes back. Results do not depend on the number of workers:
 * every run is independent and deterministic, rows are keyed by their combination index, and ties
 * in the ranking go to the lower index.
 */
import { checkParamValues } from "../config/param-values.js";
import { checkOutDir, makeOutDir } from "../out-dir.js";
import { availableParallelism } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { SweepFlags } from "./sweep.js";
import type { SweepJob, SweepReply, SweepRunResult, SweepWorkerData } from "./sweep-worker.js";
import { combination, gridSize, GridSyntaxError, parseGrid, type GridAxis } from "./sweep-grid.js";
import { openSource } from "./engine-options.js";
import { loadBacktestConfig, type BacktestConfig } from "../config/index.js";
import { ExitCode, UserError } from "../errors.js";
import { VERSION } from "../version.js";
import { readSourceFile } from "../source-file.js";
// The compiler is loaded only once the flags are known to be good (usage errors answer at once).
import type { CompiledOutput } from "../../compiler/build.js";
import { writeFileAtomic } from "../../runtime/analytics/atomic.js";
import { csvField, num } from "../../runtime/analytics/write.js";
import { formatCount, formatMoney, formatPct, formatRatio } from "../../runtime/analytics/summary.js";
import type { BacktestMetrics, RunAssumptions } from "../../runtime/analytics/types.js";

/** Version of sweep.json's layout (schemas/sweep.schema.json). */
export const SWEEP_SCHEMA_VERSION = 1;
/** Grids larger than this need `--max-runs`. */
export const DEFAULT_MAX_RUNS = 1000;
const DEFAULT_TOP = 10;

type ParamValue = number | boolean | string;

/** Metrics where a smaller value ranks higher; every other metric ranks larger first. */
const LOWER_IS_BETTER: ReadonlySet<string> = new Set([
  "maxDrawdown", "maxDrawdownPct", "maxDrawdownDurationNs", "losingTrades",
  "maxConsecutiveLosses", "feesPaid", "netFees", "refusals", "maxExposure", "avgExposure", "avgQueueTimeNs",
]);

/** Every numeric metric of a backtest report (the names `--sort` accepts), in report order. */
const METRIC_NAMES: readonly (keyof BacktestMetrics)[] = [
  "startingEquity", "finalEquity", "netPnl", "grossPnl", "returnPct", "annualizedReturnPct", "grossProfit", "grossLoss",
  "sharpe", "sortino", "maxDrawdown", "maxDrawdownPct", "maxDrawdownDurationNs", "maxRunup", "maxRunupPct", "calmar",
  "roundTrips", "winningTrades", "losingTrades", "hitRatePct", "profitFactor", "avgWin", "avgLoss", "avgTrade",
  "largestWin", "largestLoss", "maxConsecutiveWins", "maxConsecutiveLosses", "maxContractsHeld", "recoveryFactor",
  "avgTradeDurationNs", "avgHoldingTimeNs", "fifoMatches", "avgMae", "avgMfe", "worstMae", "bestMfe", "orders",
  "orderedQty", "cancels", "fills", "filledQty", "makerFills", "takerFills", "fillRatioPct", "avgQueueTimeNs",
  "tradedNotional", "turnover", "feesPaid", "rebates", "netFees", "maxExposure", "avgExposure", "refusals",
];

/** The metrics of each row in sweep.csv (sweep.json carries all of them). */
const CSV_METRICS: readonly (keyof BacktestMetrics)[] = [
  "netPnl", "grossPnl", "returnPct", "sharpe", "sortino", "maxDrawdown", "maxDrawdownPct", "roundTrips", "winningTrades",
  "losingTrades", "hitRatePct", "profitFactor", "orders", "fills", "fillRatioPct", "feesPaid", "rebates", "netFees", "refusals",
];

/** How rows are ranked. */
interface SortSpec {
  metric: keyof BacktestMetrics;
  order: "desc" | "asc";
}

/** One ranked row of sweep.json. */
interface SweepRow extends Omit<SweepRunResult, "assumptions"> {
  rank: number;
}

/** The sweep.json document. */
interface SweepDocument {
  schemaVersion: number;
  generator: { name: string; version: string };
  strategy: { file: string; name: string };
  dataFiles: string[];
  window: { fromNs: string | null; toNs: string | null };
  seed: number;
  fixedParams: Record<string, ParamValue>;
  grid: Array<{ name: string; spec: string; values: ParamValue[] }>;
  sort: SortSpec;
  runs: { planned: number; finished: number };
  partial: boolean;
  partialReason: string | null;
  warning: string;
  assumptions: RunAssumptions | null;
  rows: SweepRow[];
}

/**
 * Runs `algo sweep`. Ctrl-C is caught from the start: during the compile or the runs it stops the
 * sweep, and the runs finished so far are ranked and written, marked partial (exit 130).
 */
export async function sweepCommand(file: string, flags: SweepFlags): Promise<number> {
  const abortFlag = new SharedArrayBuffer(4);
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    Atomics.store(new Int32Array(abortFlag), 0, 1);
    if (interrupts > 1) process.exit(ExitCode.Interrupted);
    process.stderr.write("\nalgo: interrupted — stopping the runs in progress and writing the finished ones (Ctrl-C again to quit now)\n");
  };
  process.on("SIGINT", onSigint);
  try {
    return await runSweep(file, flags, abortFlag);
  } finally {
    process.off("SIGINT", onSigint);
  }
}

async function runSweep(file: string, flags: SweepFlags, abortFlag: SharedArrayBuffer): Promise<number> {
  // Flags that need neither the strategy nor the data are checked first.
  let axes: GridAxis[];
  try {
    axes = parseGrid(flags.grid ?? []);
  } catch (err) {
    if (err instanceof GridSyntaxError) throw new UserError(err.message);
    throw err;
  }
  if (axes.length === 0) throw new UserError("no grid: give at least one --grid name=values (for example --grid size=1..5:1 or --grid threshold=0.1,0.2,0.4)");
  const sort = sortSpec(flags.sort);
  const top = positiveInt(flags.top, "--top") ?? DEFAULT_TOP;
  const maxRuns = positiveInt(flags.maxRuns, "--max-runs") ?? DEFAULT_MAX_RUNS;
  const workersFlag = positiveInt(flags.workers, "--workers");
  const size = gridSize(axes);
  if (size > BigInt(maxRuns)) {
    throw new UserError(
      `the grid has ${size.toLocaleString("en-US")} combinations (${axes.map((a) => `${a.name}: ${a.values.length}`).join(" × ")}), more than ${flags.maxRuns === undefined ? "the default limit" : "--max-runs"} ${maxRuns.toLocaleString("en-US")}; pass --max-runs ${size} to run them all, or use fewer values`,
    );
  }
  const runs = Number(size);

  const config = loadBacktestConfig({
    configPath: flags.config,
    env: process.env,
    flags: { data: flags.data, from: flags.from, to: flags.to, seed: flags.seed, set: flags.set },
  });
  if (config.data.length === 0) throw new UserError("no market data: give --data PATH (or `data = [...]` in the --config file, or ALGO_DATA)");
  for (const axis of axes) {
    const from = config.sources.get(`params.${axis.name}`);
    if (from !== undefined && from.startsWith("--set")) {
      throw new UserError(`param \`${axis.name}\` is both fixed (${from}) and swept (--grid ${axis.name}=${axis.spec}); drop one of them`);
    }
  }

  const strategyPath = resolve(file);
  if (extname(strategyPath).toLowerCase() !== ".algo") {
    throw new UserError(`${file}: algo sweep runs .algo strategies (their params declare the ranges a sweep may use); backtest a .ts/.js strategy with algo backtest --set`);
  }
  const compiler = await loadCompiler();
  const validateParams = compiler.validateParams;
  const output = compile(compiler, file, strategyPath);
  const params = output.emitted.params;
  const fixedValues = Object.fromEntries(Object.entries(config.params).filter(([k]) => !axes.some((a) => a.name === k)));
  const fixed = { values: checkParamValues(validateParams, params, fixedValues, config.sources, file) };
  const typed = axes.map((axis) => validateAxis(validateParams, file, axis, params));
  // Open (and close) every data file once here: a missing or unreadable file is one clear error
  // before any worker starts.
  for (const path of config.data) openSource(path).close();

  const outDir = flags.out === undefined ? null : resolve(flags.out);
  if (outDir !== null) checkOutDir(outDir, flags.out);
  const workers = Math.max(1, Math.min(workersFlag ?? availableParallelism(), runs));
  const jobs: SweepJob[] = [];
  for (let i = 0; i < runs; i++) {
    const texts = combination(axes, i);
    const p: Record<string, ParamValue> = { ...fixed.values };
    for (let k = 0; k < axes.length; k++) p[axes[k]!.name] = typed[k]!.get(texts[k]!)!;
    jobs.push({ index: i, params: p });
  }

  const { WORKER_URL } = await import("./sweep-worker.js");
  const { merged: _merged, sources: _sources, ...plainConfig } = config;
  const data: SweepWorkerData = {
    kind: "algo-sweep",
    cjs: output.cjs,
    cjsMap: output.cjsMap,
    className: output.emitted.className,
    strategyPath,
    displayPath: file,
    config: plainConfig,
    abortFlag,
  };

  const progress = process.stderr.isTTY && !flags.json ? await makeProgress(runs) : null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let outcome: PoolOutcome;
  try {
    outcome =
      Atomics.load(new Int32Array(abortFlag), 0) !== 0
        ? { results: [], interrupted: true, error: null }
        : await runPool(new URL(WORKER_URL), data, jobs, workers, abortFlag, (done, events) => progress?.update(done, events));
  } finally {
    progress?.stop();
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (outcome.error) {
    if (outcome.error.bug) throw new Error(outcome.error.message);
    const p = jobs[outcome.error.index]!.params;
    throw new UserError(`${outcome.error.message} (run ${outcome.error.index + 1} of ${runs}: ${axes.map((a) => `${a.name}=${String(p[a.name])}`).join(", ")})`, outcome.error.exitCode);
  }

  const finished = outcome.results.filter((r): r is SweepRunResult => r !== undefined);
  const events = finished.reduce((s, r) => s + r.eventsProcessed, 0);
  const doc = sweepDocument(file, output, config, fixed.values, axes, typed, sort, finished, runs, outcome.interrupted);
  if (outDir !== null) {
    try {
      makeOutDir(outDir, flags.out);
      writeFileAtomic(join(outDir, "sweep.csv"), sweepCsv(doc, axes));
      writeFileAtomic(join(outDir, "sweep.json"), `${JSON.stringify(doc, null, 2)}\n`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === undefined) throw err;
      throw new UserError(`${flags.out}: cannot write the sweep results (${code})`);
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(doc)}\n`);
  else process.stdout.write(renderSweepTable(doc, axes, top, outDir === null ? null : flags.out!));
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  process.stderr.write(
    `algo: ${formatCount(finished.length)} run${finished.length === 1 ? "" : "s"}, ${formatCount(events)} events in ${wall.toFixed(2)} s on ${workers} worker${workers === 1 ? "" : "s"} ` +
      `(${(finished.length / wall).toFixed(2)} runs/s, ${formatCount(events / wall)} events/s; process CPU ${cpuSec.toFixed(2)} s)\n`,
  );
  return outcome.interrupted ? ExitCode.Interrupted : ExitCode.Ok;
}

/** Compiles the strategy once, printing its diagnostics as `algo check` does; errors stop here. */
type Compiler = Awaited<ReturnType<typeof loadCompiler>>;

async function loadCompiler() {
  const [build, front] = await Promise.all([import("../../compiler/build.js"), import("../../compiler/index.js")]);
  return { compileStrategy: build.compileStrategy, validateParams: build.validateParams, hasErrors: front.hasErrors, renderPrettyAll: front.renderPrettyAll, summaryLine: front.summaryLine };
}

function compile(compiler: Compiler, file: string, strategyPath: string): CompiledOutput {
  const { compileStrategy, hasErrors, renderPrettyAll, summaryLine } = compiler;
  const read = readSourceFile(strategyPath);
  if ("problem" in read) throw new UserError(read.problem.replace(strategyPath, file));
  const result = compileStrategy(strategyPath, read.text);
  if (result.diagnostics.length) {
    const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
    const body = renderPrettyAll(result.diagnostics, result.program.sources, { color });
    process.stderr.write(`${body}\n\n${summaryLine(result.diagnostics, result.program.files.length)}\n`);
  }
  if (!result.output) {
    if (hasErrors(result.diagnostics)) throw new UserError(`${file}: not swept: the strategy has errors`, ExitCode.Failure);
    throw new UserError(`${file}: is not a strategy (no \`strategy\` declaration); feature units are computed with \`algo features\``);
  }
  return result.output;
}

/**
 * Checks every value of one grid axis against the param's type and declared range (the range the
 * risk proof covers); returns value text → typed value. The first problem is the error, with a
 * count of the axis's other bad values.
 */
function validateAxis(validateParams: Compiler["validateParams"], file: string, axis: GridAxis, params: Parameters<Compiler["validateParams"]>[0]): Map<string, ParamValue> {
  const out = new Map<string, ParamValue>();
  const errors: string[] = [];
  for (const text of axis.values) {
    const r = validateParams(params, { [axis.name]: text });
    if (r.ok) out.set(text, r.values[axis.name]!);
    else {
      errors.push(r.errors[0]!);
      // An unknown param is wrong for every value alike.
      if (!params.some((p) => p.name === axis.name)) break;
    }
  }
  if (errors.length > 0) {
    const more = errors.length > 1 ? `; ${errors.length} of the grid's ${axis.values.length} values are invalid` : "";
    throw new UserError(`${file}: --grid ${axis.name}=${axis.spec}: ${errors[0]}${more}`);
  }
  return out;
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().replace(/_/g, "");
  const n = /^\d+$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UserError(`${flag}: expected a whole number ≥ 1, got \`${text}\``);
  return n;
}

function sortSpec(text: string | undefined): SortSpec {
  const metric = (text ?? "netPnl").trim();
  if (!(METRIC_NAMES as readonly string[]).includes(metric)) {
    const lower = metric.toLowerCase().replace(/[_-]/g, "");
    const near = METRIC_NAMES.find((m) => m.toLowerCase() === lower);
    const hint = near ? ` (did you mean ${near}?)` : "";
    throw new UserError(`--sort ${metric}: not a metric${hint}; use one of netPnl, returnPct, sharpe, sortino, maxDrawdown, profitFactor, hitRatePct, ... (every metric of report.json, see docs/sweep.md)`);
  }
  return { metric: metric as keyof BacktestMetrics, order: LOWER_IS_BETTER.has(metric) ? "asc" : "desc" };
}

/** Ranks results: the better metric value first, runs without a value last, ties by index. */
function rank(results: readonly SweepRunResult[], sort: SortSpec): SweepRow[] {
  const sign = sort.order === "desc" ? -1 : 1;
  const sorted = [...results].sort((a, b) => {
    const x = a.metrics[sort.metric];
    const y = b.metrics[sort.metric];
    const xn = x === null || x !== x;
    const yn = y === null || y !== y;
    if (xn !== yn) return xn ? 1 : -1;
    if (!xn && x !== y) return sign * ((x as number) < (y as number) ? -1 : 1);
    return a.index - b.index;
  });
  return sorted.map(({ assumptions: _a, ...r }, i) => ({ rank: i + 1, ...r }));
}

function overfitWarning(tried: number): string {
  return (
    `These are the best of ${tried} combination${tried === 1 ? "" : "s"} tried on the same data: picking the best of many backtests overfits that data ` +
    `(selection bias), so the top row's numbers are optimistic. Check the chosen params on data the sweep did not see (out-of-sample) before trusting them.`
  );
}

function sweepDocument(
  file: string,
  output: CompiledOutput,
  config: BacktestConfig,
  fixed: Record<string, ParamValue>,
  axes: readonly GridAxis[],
  typed: ReadonlyArray<Map<string, ParamValue>>,
  sort: SortSpec,
  finished: readonly SweepRunResult[],
  planned: number,
  interrupted: boolean,
): SweepDocument {
  const first = finished.reduce<SweepRunResult | null>((m, r) => (m === null || r.index < m.index ? r : m), null);
  return {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    generator: { name: "algo", version: VERSION },
    strategy: { file, name: output.emitted.className },
    dataFiles: config.data,
    window: { fromNs: config.fromNs === null ? null : String(config.fromNs), toNs: config.toNs === null ? null : String(config.toNs) },
    seed: config.seed,
    fixedParams: fixed,
    grid: axes.map((a, k) => ({ name: a.name, spec: a.spec, values: a.values.map((v) => typed[k]!.get(v)!) })),
    sort,
    runs: { planned, finished: finished.length },
    partial: interrupted,
    partialReason: interrupted ? `interrupted (Ctrl-C): ${finished.length} of ${planned} runs finished; the others are not in the rows` : null,
    warning: overfitWarning(finished.length),
    assumptions: first?.assumptions ?? null,
    rows: rank(finished, sort),
  };
}

/** sweep.csv: one row per finished run, in rank order: rank, index, the params, the main metrics. */
function* sweepCsv(doc: SweepDocument, axes: readonly GridAxis[]): Generator<string> {
  const fixedNames = Object.keys(doc.fixedParams);
  const header = ["rank", "index", ...axes.map((a) => a.name), ...fixedNames, ...CSV_METRICS, "halted", "eventsProcessed"];
  yield `${header.map(csvField).join(",")}\n`;
  for (const r of doc.rows) {
    const cells: string[] = [String(r.rank), String(r.index)];
    for (const a of axes) cells.push(value(r.params[a.name]!));
    for (const n of fixedNames) cells.push(value(r.params[n]!));
    for (const m of CSV_METRICS) {
      const v = r.metrics[m];
      cells.push(v === null ? "" : num(v));
    }
    cells.push(String(r.halted), String(r.eventsProcessed));
    yield `${cells.map(csvField).join(",")}\n`;
  }
}

function value(v: ParamValue): string {
  return typeof v === "number" ? num(v) : String(v);
}

/** The console table: the top rows by the sort metric, the overfitting note, where files went. */
function renderSweepTable(doc: SweepDocument, axes: readonly GridAxis[], top: number, outDir: string | null): string {
  const lines: string[] = [];
  const grid = axes.map((a) => `${a.name} (${a.values.length})`).join(" × ");
  lines.push(`Sweep ${doc.strategy.name} (${basename(doc.strategy.file)}): ${doc.runs.planned} combinations of ${grid}`);
  if (doc.partial) lines.push(`PARTIAL: ${doc.partialReason}`);
  const shown = doc.rows.slice(0, top);
  const better = doc.sort.order === "desc" ? "higher is better" : "lower is better";
  lines.push(`Top ${shown.length} of ${doc.rows.length} by ${doc.sort.metric} (${better}):`, "");
  const head = ["#", ...axes.map((a) => a.name), "Net P&L", "Return", "Sharpe", "Sortino", "Max DD", "Trips", "Hit rate", "PF", "Fill ratio", "Fees", "Refusals"];
  const body = shown.map((r) => {
    const m = r.metrics;
    return [
      String(r.rank),
      ...axes.map((a) => value(r.params[a.name]!)),
      formatMoney(m.netPnl),
      formatPct(m.returnPct),
      formatRatio(m.sharpe),
      formatRatio(m.sortino),
      formatMoney(m.maxDrawdown),
      formatCount(m.roundTrips),
      formatPct(m.hitRatePct, 1),
      formatRatio(m.profitFactor),
      formatPct(m.fillRatioPct, 1),
      formatMoney(m.netFees),
      formatCount(m.refusals),
    ];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const fmt = (cells: string[]): string => `  ${cells.map((c, i) => (i > 0 && i <= axes.length ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`.trimEnd();
  lines.push(fmt(head));
  for (const row of body) lines.push(fmt(row));
  if (doc.rows.length > 0 && doc.rows.every((r) => r.metrics.sharpe === null)) {
    lines.push("", "  Sharpe and Sortino are n/a: the data spans less than the 30 days they need (see the backtest report's sampling).");
  }
  if (doc.rows.length > 0 && doc.rows.every((r) => r.metrics[doc.sort.metric] === null)) {
    lines.push("", `  No run has a value for ${doc.sort.metric}: the rows are in grid order.`);
  }
  if (doc.rows.some((r) => r.halted)) lines.push("", "  Some runs were halted by the max_loss kill switch (column halted in sweep.csv).");
  lines.push("", ...wrap(`Overfitting: ${doc.warning}`, 100, "  "));
  if (doc.assumptions) lines.push("", `  Latency: ${doc.assumptions.latency}`, `  Queue:   ${doc.assumptions.queueModel}`, `  Fees:    ${doc.assumptions.fees}`);
  if (outDir !== null) lines.push("", `  Results: ${join(outDir, "sweep.csv")}, ${join(outDir, "sweep.json")}`);
  return `${lines.join("\n")}\n`;
}

/** Words of `text` in lines of at most `width` columns, each starting with `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  let line = indent;
  for (const word of text.split(" ")) {
    if (line.length > indent.length && line.length + 1 + word.length > width) {
      out.push(line);
      line = indent;
    }
    line += line.length > indent.length ? ` ${word}` : word;
  }
  out.push(line);
  return out;
}

interface Progress {
  update(done: number, events: number): void;
  stop(): void;
}

/** A cli-progress bar on stderr: runs done, runs/s, events/s, ETA. */
async function makeProgress(total: number): Promise<Progress> {
  const { SingleBar, Presets } = (await import("cli-progress")).default;
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: "{bar} {value}/{total} runs | {runRate} runs/s | {rate} events/s | ETA {eta_formatted}",
      hideCursor: true,
      etaBuffer: 20,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const t0 = performance.now();
  bar.start(total, 0, { runRate: "0", rate: "0" });
  return {
    update(done: number, events: number): void {
      const secs = (performance.now() - t0) / 1000;
      bar.update(done, {
        runRate: secs > 0 ? (done / secs).toFixed(2) : "0",
        rate: secs > 0 ? Math.round(events / secs).toLocaleString("en-US") : "0",
      });
    },
    stop(): void {
      bar.stop();
    },
  };
}

interface PoolOutcome {
  /** Results by combination index (undefined: not run, or stopped). */
  results: Array<SweepRunResult | undefined>;
  interrupted: boolean;
  error: { index: number; message: string; exitCode: number; bug: boolean } | null;
}

/**
 * Runs the jobs on `count` workers: each idle worker takes the next job in index order. The first
 * error, or Ctrl-C (the shared abort flag), stops the dispatch and the runs in progress.
 */
function runPool(
  url: URL,
  data: SweepWorkerData,
  jobs: readonly SweepJob[],
  count: number,
  abortFlag: SharedArrayBuffer,
  onProgress: (done: number, events: number) => void,
): Promise<PoolOutcome> {
  const flag = new Int32Array(abortFlag);
  const results: Array<SweepRunResult | undefined> = new Array(jobs.length);
  let next = 0;
  let done = 0;
  let events = 0;
  let busy = 0;
  let error: PoolOutcome["error"] = null;
  const workers: Worker[] = [];
  return new Promise<PoolOutcome>((resolvePool, rejectPool) => {
    let settled = false;
    const stopped = (): boolean => error !== null || Atomics.load(flag, 0) !== 0;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      void Promise.all(workers.map((w) => w.terminate())).then(() =>
        resolvePool({ results, interrupted: error === null && Atomics.load(flag, 0) !== 0, error }),
      );
    };
    const dispatch = (w: Worker): void => {
      if (!stopped() && next < jobs.length) {
        busy++;
        w.postMessage(jobs[next++]!);
      } else if (busy === 0) finish();
    };
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      Atomics.store(flag, 0, 1);
      void Promise.all(workers.map((w) => w.terminate())).then(() => rejectPool(err));
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(url, { workerData: data });
      workers.push(w);
      w.on("message", (reply: SweepReply) => {
        busy--;
        if (reply.type === "done") {
          results[reply.result.index] = reply.result;
          done++;
          events += reply.result.eventsProcessed;
          onProgress(done, events);
        } else if (reply.type === "error") {
          // Keep the error of the lowest index, so the message does not depend on scheduling.
          if (error === null || reply.index < error.index) error = { index: reply.index, message: reply.message, exitCode: reply.exitCode, bug: reply.bug };
          Atomics.store(flag, 0, 1);
        }
        dispatch(w);
      });
      w.on("error", fail);
      w.on("exit", (code) => {
        if (!settled) fail(new Error(`a sweep worker exited unexpectedly (code ${code})`));
      });
      w.on("online", () => dispatch(w));
    }
  });
}
