/**
 * Book, flow and bar operators: updates per second over 1,000,000 book updates / trades / bars,
 * one operator at a time, with the garbage collections counted during each timed run (target 0).
 *
 *   node bench/run.mjs stdlib-book [--n 1000000] [--seed 7]
 *
 * Each operator first replays the whole stream twice (JIT warm-up; time-window rings reach their
 * high-water mark), then a full GC, one more untimed replay, and three timed replays (reset
 * between): a row shows the fastest and the GC count of each of the three. The stream is fed in chunks
 * of 4096 events per call, as a replay feeds its handlers, so the timed run uses code optimised
 * on entry rather than a loop waiting for on-stack replacement (which boxes doubles meanwhile). The book is an allocation-free array book defined
 * here (10 levels a side) mutated in place per event; the "book mutation only" row is its own cost,
 * included in every book row. Rates are given for wall time and for this process's CPU time.
 */
import { PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";
import { Side, type InstrumentInfo } from "../runtime/events.js";
import type { BookView } from "../runtime/book/view.js";
import * as S from "../stdlib/index.js";

const argv = process.argv.slice(2);
function flag(name: string, def: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
}
const N = flag("n", 1_000_000);
const SEED = flag("seed", 7);
/** `--trace` prints a line at the start and end of each timed run (pair with node --trace-gc). */
const TRACE = argv.includes("--trace");
/** `--only text` times only the operators whose name contains `text`. */
const ONLY = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : "";
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error("run with node bench/run.mjs stdlib-book (it passes --expose-gc)");
  process.exit(2);
}

// The forced gc() before each timed run ages bytecode; with flushing on, V8 then throws away the
// warmed-up loop and the timed run starts interpreted (boxing doubles until it is re-optimised).
// A replay never forces GCs, so flushing is turned off to measure the steady state.
v8.setFlagsFromString("--no-flush-bytecode");

let gcCount = 0;
new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
}).observe({ entryTypes: ["gc"] });
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

let seed = SEED >>> 0 || 1;
function rand(): number {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
}

const INST: InstrumentInfo = { index: 0, symbol: "BENCH", sourceId: 0, priceScale: 1e-9, tickSize: 250_000_000, multiplier: 50 };
const TICK_FP = 250_000_000;
const LEVELS = 10;

/** A fixed 10-level array book; prices are fixed point, levels contiguous ticks from the touch. */
class ArrayBook implements BookView {
  readonly instrument = 0;
  readonly bidPx = new Float64Array(LEVELS);
  readonly bidSz = new Float64Array(LEVELS);
  readonly askPx = new Float64Array(LEVELS);
  readonly askSz = new Float64Array(LEVELS);
  ts = 0;
  /** The bid touch in ticks (the bench loops move it). */
  touch = 18_000;
  bestBid(): number {
    return this.bidPx[0];
  }
  bestAsk(): number {
    return this.askPx[0];
  }
  levels(_side: Side): number {
    return LEVELS;
  }
  levelPrice(side: Side, i: number): number {
    if (i >= LEVELS) return Number.NaN;
    return side === Side.Bid ? this.bidPx[i] : this.askPx[i];
  }
  levelSize(side: Side, i: number): number {
    if (i >= LEVELS) return 0;
    return side === Side.Bid ? this.bidSz[i] : this.askSz[i];
  }
  levelCount(side: Side, i: number): number {
    return this.levelSize(side, i) > 0 ? 1 : 0;
  }
  sizeAtPrice(side: Side, price: number): number {
    const px = side === Side.Bid ? this.bidPx : this.askPx;
    for (let i = 0; i < LEVELS; i++) if (px[i] === price) return side === Side.Bid ? this.bidSz[i] : this.askSz[i];
    return 0;
  }
  lastUpdateTs(): number {
    return this.ts;
  }
  /** Back to the start state: touch at 18000 ticks, 50 lots on every level. */
  restart(): void {
    this.touch = 18_000;
    this.moveTo(this.touch);
    this.bidSz.fill(50);
    this.askSz.fill(50);
  }
  /** Sets the touch at `bidTicks` and refills the ladder's prices. */
  moveTo(bidTicks: number): void {
    for (let i = 0; i < LEVELS; i++) {
      this.bidPx[i] = (bidTicks - i) * TICK_FP;
      this.askPx[i] = (bidTicks + 1 + i) * TICK_FP;
    }
  }
}

// The book stream: each event sets one level's size; 1 in 20 moves the touch by a tick.
const evSide = new Int8Array(N);
const evLevel = new Uint8Array(N);
const evSize = new Float64Array(N);
const evMove = new Int8Array(N);
const evTs = new Float64Array(N);
// The trade stream.
const trPx = new Float64Array(N);
const trSz = new Float64Array(N);
const trAgg = new Int8Array(N);
const trTs = new Float64Array(N);
{
  let ts = 0;
  let px = 18_000;
  for (let i = 0; i < N; i++) {
    ts += Math.floor(rand() * 2_000_000); // mean 1 ms between events
    evTs[i] = ts;
    evSide[i] = rand() < 0.5 ? 1 : -1;
    evLevel[i] = Math.floor(rand() * rand() * LEVELS);
    evSize[i] = 1 + Math.floor(rand() * 200);
    const r = rand();
    evMove[i] = r < 0.025 ? 1 : r < 0.05 ? -1 : 0;
    if (rand() < 0.1) px += rand() < 0.5 ? -1 : 1;
    trPx[i] = px * 0.25;
    trSz[i] = rand() < 0.01 ? 100 + Math.floor(rand() * 5000) : 1 + Math.floor(rand() * 20);
    trAgg[i] = rand() < 0.45 ? 1 : rand() < 0.9 ? -1 : 0;
    trTs[i] = ts;
  }
}

const book = new ArrayBook();

let sink = 0;

/*
 * Each timed loop is compiled separately with `new Function`, so every operator gets its own
 * monomorphic call site (as generated code has); one shared loop would turn megamorphic after the
 * third operator and measure V8's inline-cache misses instead of the operators.
 */
type Loop = (...args: unknown[]) => number;

/** A book loop: mutate the array book in place, update the operator, read `fields`. */
function bookLoop(fields: string[]): Loop {
  const read = fields.length ? `s += ${fields.map((f) => `op.${f}`).join(" + ")};` : "";
  return new Function(
    "op", "book", "evMove", "evSide", "evLevel", "evSize", "evTs", "from", "to",
    `let s = 0;
     for (let i = from; i < to; i++) {
       const m = evMove[i];
       if (m !== 0) { book.touch += m; book.moveTo(book.touch); }
       if (evSide[i] === 1) book.bidSz[evLevel[i]] = evSize[i]; else book.askSz[evLevel[i]] = evSize[i];
       book.ts = evTs[i];
       ${fields.length ? "op.update(book, evTs[i]);" : ""}
       ${read}
     }
     return s;`,
  ) as Loop;
}

/** A trade loop: feed the operator, read `fields` after every trade. */
function tradeLoop(fields: string[]): Loop {
  return new Function(
    "op", "px", "sz", "agg", "ts", "from", "to",
    `let s = 0;
     for (let i = from; i < to; i++) { op.onTrade(px[i], sz[i], agg[i], ts[i]); s += ${fields.map((f) => `op.${f}`).join(" + ")}; }
     return s;`,
  ) as Loop;
}

/** A bar loop. */
function barLoop(): Loop {
  return new Function(
    "op", "px", "sz", "ts", "from", "to",
    `let s = 0;
     for (let i = from; i < to; i++) { const p = px[i]; op.onBar(p, p + 0.5, p - 0.5, p + 0.25, sz[i], ts[i]); s += op.value; }
     return s;`,
  ) as Loop;
}

interface Row {
  name: string;
  wall: number;
  cpu: number;
  /** GCs during each of the three timed runs, "a/b/c". */
  gcs: string;
}
const rows: Row[] = [];

/** Events per call of a loop: the stream is fed in chunks, as a replay feeds a handler. */
const CHUNK = 4096;

/** Feeds the whole stream through `loop` in chunks; `args` end with the (from, to) slots. */
function feed(loop: Loop, args: unknown[], before: () => void): number {
  before();
  let s = 0;
  const k = args.length;
  for (let from = 0; from < N; from += CHUNK) {
    args[k - 2] = from;
    args[k - 1] = Math.min(N, from + CHUNK);
    s += loop(...args);
  }
  return s;
}

async function measure(name: string, loop: Loop, head: unknown[], reset: () => void): Promise<void> {
  if (ONLY && !name.includes(ONLY)) return;
  const args = [...head, 0, 0];
  // Warm twice (type feedback, optimised code; time-window rings reach their high-water mark).
  const restart = (): void => {
    reset();
    book.restart();
  };
  // Warm-up, a full GC, then one more untimed run: whatever the GC disturbed (it ages bytecode and
  // can drop warmed code) is re-optimised there, and the timed run starts from a clean young
  // generation holding only that run's (steady-state) garbage.
  sink += feed(loop, args, restart);
  sink += feed(loop, args, restart);
  gc!();
  await flush();
  sink += feed(loop, args, restart);
  restart();
  // Three timed replays; the row keeps the fastest CPU time and lists the GCs of each.
  let best: Row | undefined;
  const gcs: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    if (rep > 0) restart();
    const before = gcCount;
    if (TRACE) console.log(`timed start: ${name}`);
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    sink += feed(loop, args, noop);
    const t1 = process.hrtime.bigint();
    if (TRACE) console.log(`timed end: ${name}`);
    const c1 = process.cpuUsage(c0);
    await flush();
    gcs.push(gcCount - before);
    const row = { name, wall: Number(t1 - t0) / 1e9, cpu: (c1.user + c1.system) / 1e6, gcs: "" };
    if (!best || row.cpu < best.cpu) best = row;
  }
  best!.gcs = gcs.join("/");
  rows.push(best!);
}
const noop = (): void => undefined;

const SEC = 1_000_000_000;
interface Resettable {
  reset(): void;
}
const bookOps: [string, Resettable, string[]][] = [
  ["book.best_bid", new S.BookBestBid(INST), ["value"]],
  ["book.best_ask", new S.BookBestAsk(INST), ["value"]],
  ["book.bid_size", new S.BookBidSize(INST), ["value"]],
  ["book.ask_size", new S.BookAskSize(INST), ["value"]],
  ["book.mid", new S.BookMid(INST), ["value"]],
  ["book.microprice", new S.BookMicroprice(INST), ["value"]],
  ["book.spread", new S.BookSpread(INST), ["value"]],
  ["book.spread_bps", new S.BookSpreadBps(INST), ["value"]],
  ["book.imbalance(levels: 5)", new S.BookImbalance(INST, 5), ["value"]],
  ["book.pressure(levels: 5)", new S.BookPressure(INST, 5), ["value"]],
  ["book.depth(levels: 10)", new S.BookDepth(INST, 10, Side.None), ["value"]],
  ["book.mid_change_rate(100)", new S.BookMidChangeRate(INST, 100), ["value"]],
  ["book.mid_change_rate(1s)", new S.BookMidChangeRateTime(INST, SEC), ["value"]],
  ["book.queue_position", new S.BookQueuePosition(INST, Side.Bid), ["value"]],
  ["flow.ofi", new S.OrderFlowImbalance(INST, 1), ["value"]],
  ["flow.ofi(100)", new S.OrderFlowImbalance(INST, 100), ["value"]],
  ["flow.ofi(1s)", new S.OrderFlowImbalanceTime(INST, SEC), ["value"]],
];
const PROFILE = ["poc", "poc_volume", "value_area_high", "value_area_low"];
const tradeOps: [string, Resettable, string[]][] = [
  ["flow.last_price", new S.FlowLastPrice(INST), ["value"]],
  ["flow.last_size", new S.FlowLastSize(INST), ["value"]],
  ["flow.cvd", new S.FlowCvd(INST), ["value"]],
  ["flow.signed_volume(100)", new S.FlowSignedVolume(INST, 100), ["value"]],
  ["flow.signed_volume(1s)", new S.FlowSignedVolumeTime(INST, SEC), ["value"]],
  ["flow.intensity(100)", new S.FlowIntensity(INST, 100), ["value"]],
  ["flow.intensity(10s)", new S.FlowIntensityTime(INST, 10 * SEC), ["value"]],
  ["flow.vwap (session)", new S.FlowVwap(INST, 0), ["value"]],
  ["flow.vwap(1000)", new S.FlowVwap(INST, 1000), ["value"]],
  ["flow.vwap(5m)", new S.FlowVwapTime(INST, 300 * SEC), ["value"]],
  ["flow.block(1000, 0.99)", new S.FlowBlock(INST, 1000, 0.99), ["threshold"]],
  ["flow.block(1m, 0.99)", new S.FlowBlockTime(INST, 60 * SEC, 0.99), ["threshold"]],
  ["flow.volume_profile (session), 4 outputs read", new S.FlowVolumeProfile(INST, 0), PROFILE],
  ["flow.volume_profile(1000), 4 outputs read", new S.FlowVolumeProfile(INST, 1000), PROFILE],
  ["flow.volume_profile(30m), 4 outputs read", new S.FlowVolumeProfileTime(INST, 1800 * SEC), PROFILE],
];
const barOps: [string, Resettable][] = [
  ["bar.open", new S.BarOpen(INST)],
  ["bar.close", new S.BarClose(INST)],
  ["bar.volume", new S.BarVolume(INST)],
];

async function main(): Promise<void> {
  await measure("book mutation only (baseline, included below)", bookLoop([]), [null, book, evMove, evSide, evLevel, evSize, evTs], () => undefined);
  for (const [name, op, fields] of bookOps) {
    await measure(name, bookLoop(fields), [op, book, evMove, evSide, evLevel, evSize, evTs], () => op.reset());
  }
  for (const [name, op, fields] of tradeOps) {
    await measure(name, tradeLoop(fields), [op, trPx, trSz, trAgg, trTs], () => op.reset());
  }
  for (const [name, op] of barOps) {
    await measure(name, barLoop(), [op, trPx, trSz, trTs], () => op.reset());
  }
  console.log(`# ${N.toLocaleString("en-US")} updates per operator, seed ${SEED}, node ${process.version}`);
  console.log("| operator | wall s | updates/s (wall) | CPU s | updates/s (CPU) | GCs (3 timed runs) |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) {
    const m = (s: number): string => `${(N / s / 1e6).toFixed(1)}M`;
    console.log(`| ${r.name} | ${r.wall.toFixed(3)} | ${m(r.wall)} | ${r.cpu.toFixed(3)} | ${m(r.cpu)} | ${r.gcs} |`);
  }
  const total = rows.reduce((s, r) => s + r.gcs.split("/").reduce((a, b) => a + Number(b), 0), 0);
  console.log(`\nGCs during all ${rows.length * 3} timed runs: ${total}${sink === 0.5 ? " " : ""}`);
}

await main();
