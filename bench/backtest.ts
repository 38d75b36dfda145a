/**
 * Backtest benchmark (results in bench/RESULTS.md, "## Backtest"): the hand-written market maker
 * (examples/strategies-ts/market-maker.ts: 10 stdlib features, quoting both sides through `quote`)
 * over N synthetic MBO events (runtime/data/synth.ts) through the whole engine — books, features,
 * handlers, risk, latency, queue positions, fills, portfolio, recorder.
 *
 * Reports: events/s of the full run; the generator alone (same seed, same N) so the engine's own
 * share can be read off; and the number of garbage collections during the steady state (after the
 * first `--warmup` events), counted with a PerformanceObserver on "gc" entries, with the bytes the
 * steady state allocated in the young generation (exact when no GC ran). The engine runs in
 * `--slice` events per step() call (65536, as `algo backtest` does).
 * Run: node bench/run.mjs backtest [--events N] [--seed S] [--warmup W] [--slice K]
 * (or bundled, as dist/ is: npx esbuild bench/backtest.ts --bundle --platform=node --format=esm
 * --packages=external --outfile=bench/.tmp/backtest.mjs && node --expose-gc bench/.tmp/backtest.mjs).
 * One configuration alone: `--child mm-cols` (market maker, pre-generated), `mm` (generator as the
 * source), `passive-cols`, `passive`, `algo-cols` / `algo` (the compiled market maker
 * examples/imbalance_maker.algo: 10 feature operators, quoting both sides; `--algo FILE` for
 * another), `gen`. `--alloc-profile` prints where the steady state allocates (V8 sampling heap
 * profiler; each site with its three physical callers — functions V8 inlined are part of their
 * caller's frame); `--cpu-profile FILE` writes a CPU profile of the steady state (with `--child`).
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { BacktestEngine } from "../runtime/engine/engine.js";
import { openSynth } from "../runtime/data/synth.js";
import { type EventSource, type InstrumentInfo, MarketEvent } from "../runtime/events.js";
import type { Strategy } from "../runtime/engine/strategy.js";
import MarketMaker from "../examples/strategies-ts/market-maker.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const N = Number(arg("--events", "10000000"));
const SEED = Number(arg("--seed", "42"));
const WARMUP = Number(arg("--warmup", String(Math.min(1_000_000, Math.floor(N / 10)))));
/**
 * Events per `engine.step` call, as `algo backtest` runs (runAsync's slice). One call for the whole
 * warm-up and one for the steady state (the earlier form) left V8 compiling `step` from its loop
 * only (on-stack replacement), without type feedback for its first lines: entering it again for
 * the steady state could deoptimise it, and the events until V8 compiled it again ran unoptimised,
 * boxing their doubles (up to ~0.9 MB allocated at the start of the steady state).
 */
const SLICE = Number(arg("--slice", "65536"));
/** `--alloc-profile`: print where the steady state allocates (V8 sampling heap profiler). */
const ALLOC_PROFILE = process.argv.includes("--alloc-profile");
/** The `.algo` market maker of the `algo`/`algo-cols` configurations (path from the working directory). */
const ALGO_EXAMPLE = arg("--algo", "examples/imbalance_maker.algo");
/** `--cpu-profile FILE`: write a V8 CPU profile of the steady state only (open it in Chrome DevTools). */
const CPU_PROFILE = arg("--cpu-profile", "");

let gcs = 0;
let counting = false;
const obs = new PerformanceObserver((list) => {
  if (counting) gcs += list.getEntries().length;
});
obs.observe({ entryTypes: ["gc"] });
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));
const forceGc = (globalThis as { gc?: (options?: { type: "minor" | "major" }) => void }).gc;

/** Bytes in use in V8's young generation (new space). */
function newSpaceUsed(): number {
  for (const sp of getHeapSpaceStatistics()) if (sp.space_name === "new_space") return sp.space_used_size;
  return 0;
}

function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/**
 * The synthetic stream generated once into typed arrays and replayed through one reused
 * MarketEvent, so the timed run measures the engine, not the generator (which allocates a little).
 */
class ColumnSource implements EventSource {
  readonly event = new MarketEvent();
  readonly instruments: InstrumentInfo[];
  readonly timeBase: bigint;
  private readonly kind: Uint8Array;
  private readonly side: Int8Array;
  private readonly aggr: Int8Array;
  private readonly flags: Uint8Array;
  private readonly price: Float64Array;
  private readonly size: Float64Array;
  private readonly ts: Float64Array;
  private readonly idHi: Uint32Array;
  private readonly idLo: Uint32Array;
  private i = 0;
  readonly n: number;

  constructor(n: number, seed: number) {
    const src = openSynth({ events: n, seed });
    this.instruments = src.instruments;
    this.timeBase = src.timeBase;
    this.kind = new Uint8Array(n);
    this.side = new Int8Array(n);
    this.aggr = new Int8Array(n);
    this.flags = new Uint8Array(n);
    this.price = new Float64Array(n);
    this.size = new Float64Array(n);
    this.ts = new Float64Array(n);
    this.idHi = new Uint32Array(n);
    this.idLo = new Uint32Array(n);
    let k = 0;
    const e = src.event;
    while (src.next()) {
      this.kind[k] = e.kind;
      this.side[k] = e.side;
      this.aggr[k] = e.aggressor;
      this.flags[k] = e.flags;
      this.price[k] = e.price;
      this.size[k] = e.size;
      this.ts[k] = e.ts;
      this.idHi[k] = e.orderIdHi;
      this.idLo[k] = e.orderIdLo;
      k++;
    }
    this.n = k;
  }

  next(): boolean {
    const i = this.i;
    if (i >= this.n) return false;
    const e = this.event;
    e.kind = this.kind[i];
    e.side = this.side[i];
    e.aggressor = this.aggr[i];
    e.flags = this.flags[i];
    e.price = this.price[i];
    e.size = this.size[i];
    e.ts = this.ts[i];
    e.tsRecv = this.ts[i];
    e.sequence = i;
    e.orderIdHi = this.idHi[i];
    e.orderIdLo = this.idLo[i];
    e.instrument = 0;
    this.i = i + 1;
    return true;
  }

  rewind(): void {
    this.i = 0;
  }

  close(): void {}
}

interface AllocNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocNode[];
}

function printAllocations(head: AllocNode, label: string): void {
  const bySite = new Map<string, number>();
  const walk = (node: AllocNode, callers: string[]): void => {
    const here = `${node.callFrame.functionName || "(anon)"}@${node.callFrame.url.split("/").pop()}:${node.callFrame.lineNumber + 1}`;
    const chain = [here, ...callers.slice(0, 3)].join(" < ");
    if (node.selfSize > 0) bySite.set(chain, (bySite.get(chain) ?? 0) + node.selfSize);
    for (const c of node.children) walk(c, [here, ...callers]);
  };
  walk(head, []);
  let total = 0;
  for (const v of bySite.values()) total += v;
  console.log(`allocations in the steady state (${label}): ${(total / 1e6).toFixed(1)} MB sampled`);
  for (const [k, v] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(`  ${(v / 1e6).toFixed(2)} MB  ${k}`);
}

async function generatorOnly(): Promise<number> {
  const src = openSynth({ events: N, seed: SEED });
  const c0 = process.cpuUsage();
  let n = 0;
  while (src.next()) n++;
  const s = cpuSeconds(c0);
  if (n !== N) throw new Error(`generator produced ${n} events, expected ${N}`);
  return s;
}

/** The strategy of a configuration: the hand-written market maker, none, or the compiled `.algo` one. */
type StrategyKind = "mm" | "passive" | "algo";

/** Compiles examples/imbalance_maker.algo (the compiler is loaded only for this configuration). */
async function compiledMarketMaker(): Promise<Strategy> {
  const { compileStrategyFile } = await import("../compiler/build.js");
  return compileStrategyFile(ALGO_EXAMPLE).create({});
}

async function fullRun(
  kind: StrategyKind,
  columns: ColumnSource | null,
): Promise<{ seconds: number; steadySeconds: number; steadyGcs: number; steadyBytes: number; steadyEvents: number; fills: number; orders: number; refusals: number }> {
  columns?.rewind();
  const strategy: Strategy =
    // passive: a strategy with no handlers — the engine, books, simulator, portfolio and recorder only.
    kind === "passive" ? { instruments: ["*"] } : kind === "algo" ? await compiledMarketMaker() : new MarketMaker({ size: 1, maxPosition: 5 });
  const engine = new BacktestEngine({
    sources: [columns ?? openSynth({ events: N, seed: SEED })],
    strategy,
    // The compiled strategy brings its own `risk` block.
    risk: kind === "algo" ? undefined : { maxPosition: 5, maxOrderQty: 1, maxOpenOrders: 4, maxOrderRate: { count: 1000, windowNs: 1e9 }, maxLoss: 1e9 },
    latency: {
      feed: { kind: "fixed", ns: 5_000 },
      orderEntry: { kind: "normal", meanNs: 50_000, sdNs: 10_000, minNs: 10_000 },
      response: { kind: "fixed", ns: 20_000 },
    },
    fees: { makerPerContract: -0.1, takerPerContract: 0.3, makerBps: 0, takerBps: 0 },
    seed: SEED,
    recorder: { expectedFills: 1 << 20, expectedRecords: 1 << 14 },
  });
  const c0 = process.cpuUsage();
  engine.start();
  for (let done = 0; done < WARMUP; done += SLICE) engine.step(Math.min(SLICE, WARMUP - done));
  forceGc?.();
  await settle();
  // Warm-up ends when V8 is done tiering up: a slice that still allocates (code running unoptimised
  // after a late deoptimisation, boxing its doubles) extends it, by at most 16 slices. After the
  // full GC, not before: the first step() call after a full GC often deoptimised and ran
  // unoptimised until V8 compiled it again (observed with --trace-deopt: step, at its first line).
  for (let extra = 0; extra < 16; extra++) {
    const before = newSpaceUsed();
    if (engine.step(SLICE)) break;
    const d = newSpaceUsed() - before;
    if (d >= 0 && d < 8192) break;
  }
  const warmed = engine.progress().events;
  // Empties the young generation for the count (a scavenge: a full GC here would undo the above).
  forceGc?.({ type: "minor" });
  await settle();
  counting = true;
  gcs = 0;
  const session = ALLOC_PROFILE || CPU_PROFILE !== "" ? new Session() : null;
  if (session !== null) session.connect();
  if (session !== null && CPU_PROFILE !== "") {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 500 });
    await session.post("Profiler.start");
  }
  if (session !== null && ALLOC_PROFILE) {
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as never);
  }
  const newSpace0 = newSpaceUsed();
  const c1 = process.cpuUsage();
  while (!engine.step(SLICE));
  const steadySeconds = cpuSeconds(c1);
  const newSpace1 = newSpaceUsed();
  if (session !== null && CPU_PROFILE !== "") {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(CPU_PROFILE, JSON.stringify(profile));
  }
  if (session !== null && ALLOC_PROFILE) {
    const { profile } = (await session.post("HeapProfiler.stopSampling")) as unknown as { profile: { head: AllocNode } };
    printAllocations(profile.head, `${kind === "passive" ? "no strategy" : kind === "algo" ? "compiled market maker" : "market maker"}, ${columns ? "pre-generated" : "generator"}`);
  }
  session?.disconnect();
  await settle();
  counting = false;
  const steadyGcs = gcs;
  // Bytes allocated in the young generation over the steady state: exact when no GC ran in between.
  const steadyBytes = steadyGcs === 0 ? newSpace1 - newSpace0 : -1;
  const steadyEvents = engine.progress().events - warmed;
  const result = engine.finish();
  const seconds = cpuSeconds(c0);
  return {
    seconds,
    steadySeconds,
    steadyGcs,
    steadyBytes,
    steadyEvents,
    fills: result.report.metrics.fills,
    orders: result.report.metrics.orders,
    refusals: result.report.metrics.refusals,
  };
}

// Each configuration runs in its own process: V8's type feedback from one configuration (another
// strategy class, another source class) would otherwise leak into the next one's optimized code.
const child = arg("--child", "");
const fmt = (x: number): string => Math.round(x).toLocaleString("en-US");
/** "GCs: n, allocated: k KB" (the bytes only when no GC ran: then they are exact). */
const gcText = (r: Record<string, number>): string =>
  `GCs: ${r.steadyGcs}${r.steadyBytes >= 0 ? `, allocated: ${(r.steadyBytes / 1024).toFixed(0)} KB` : ""}`;
if (child !== "") {
  if (child === "gen") {
    console.log(JSON.stringify({ seconds: await generatorOnly() }));
  } else {
    const columns = child.endsWith("-cols") ? new ColumnSource(N, SEED) : null;
    forceGc?.();
    const kind: StrategyKind = child.startsWith("passive") ? "passive" : child.startsWith("algo") ? "algo" : "mm";
    console.log(JSON.stringify(await fullRun(kind, columns)));
  }
} else {
  const { spawnSync } = await import("node:child_process");
  const runChild = (mode: string): Record<string, number> => {
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], ...process.argv.slice(2), "--child", mode], {
      encoding: "utf8",
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
    const lines = r.stdout.trim().split("\n");
    for (const l of lines.slice(0, -1)) console.log(l);
    return JSON.parse(lines[lines.length - 1]) as Record<string, number>;
  };
  const gen = runChild("gen").seconds;
  const run = runChild("mm");
  const passive = runChild("passive");
  const runCols = runChild("mm-cols");
  const passiveCols = runChild("passive-cols");
  const algoCols = runChild("algo-cols");
  console.log(`events: ${fmt(N)} (seed ${SEED}); steady state after ${fmt(WARMUP)} events or a few slices more (until V8 is done tiering up); rates in events per CPU second`);
  console.log(`market maker, synthetic generator as the source: ${fmt(N / run.seconds)} events/s (orders ${fmt(run.orders)}, fills ${fmt(run.fills)}, refusals ${fmt(run.refusals)}); steady state ${fmt(run.steadyEvents / run.steadySeconds)} events/s, ${gcText(run)}`);
  console.log(`no strategy, generator: ${fmt(N / passive.seconds)} events/s; steady state ${fmt(passive.steadyEvents / passive.steadySeconds)} events/s, ${gcText(passive)}`);
  console.log(`market maker, pre-generated events (typed arrays): ${fmt(N / runCols.seconds)} events/s; steady state ${fmt(runCols.steadyEvents / runCols.steadySeconds)} events/s, ${gcText(runCols)}`);
  console.log(`no strategy, pre-generated events: ${fmt(N / passiveCols.seconds)} events/s; steady state ${fmt(passiveCols.steadyEvents / passiveCols.steadySeconds)} events/s, ${gcText(passiveCols)}`);
  console.log(`compiled market maker (${ALGO_EXAMPLE}), pre-generated events: ${fmt(N / algoCols.seconds)} events/s (orders ${fmt(algoCols.orders)}, fills ${fmt(algoCols.fills)}, refusals ${fmt(algoCols.refusals)}); steady state ${fmt(algoCols.steadyEvents / algoCols.steadySeconds)} events/s, ${gcText(algoCols)}`);
  console.log(`generator alone: ${gen.toFixed(2)} s CPU → ${fmt(N / gen)} events/s`);
}
obs.disconnect();
