/**
 * Order-book benchmarks (results in bench/RESULTS.md, "## Order book"):
 *  1. book-only: N synthetic MBO events (runtime/data/synth.ts) pre-generated into typed arrays,
 *     applied to an L3 book through one reused MarketEvent — events/s and GCs during the run;
 *  2. decode + book: the same synthetic stream written once as a DBN file on disk, then read by
 *     the DBN reader and applied to the Market — events/s and GCs;
 *  3. LOBSTER decode + seeded/reconciled replay of a real day (when the shared data is present).
 * Run: node bench/run.mjs book [--events N] [--seed S] [--runs R] [--gc-between-runs] [--only book|dbn|lobster]
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { EventKind, MarketEvent } from "../runtime/events.js";
import { L3Book } from "../runtime/book/l3.js";
import { Market } from "../runtime/book/market.js";
import { openSynth } from "../runtime/data/synth.js";
import { DbnWriter } from "../runtime/data/dbn/writer.js";
import { openDbn } from "../runtime/data/dbn/reader.js";
import { LobsterReplay, openLobster } from "../runtime/data/lobster/index.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const N = Number(arg("--events", "10000000"));
const SEED = Number(arg("--seed", "42"));
const ONLY = arg("--only", "all");
const ORDER_CAP = Number(arg("--order-capacity", "4096"));
const RUNS = Number(arg("--runs", "3"));
/**
 * A forced full GC (global.gc()) runs once, after the input is prepared and BEFORE the warm-up, not
 * between warm-up and timing. `--gc-between-runs` forces one before every run, as this bench used
 * to: a forced GC is a memory-reducing GC, which throws away optimised code and type feedback
 * (the reader's refill path, the book's rarer branches), so the run after it deoptimises on its
 * first use of them and allocates while it re-warms — GCs that a replay never sees when nothing
 * forces them.
 */
const FORCE_GC = process.argv.includes("--gc-between-runs");

let gcs = 0;
const obs = new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
});
obs.observe({ entryTypes: ["gc"] });
/** CPU seconds (user + system) of this process since `from` — robust on a shared, loaded machine. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}
const settle = () => new Promise((r) => setTimeout(r, 20));
const fullGc = (globalThis as { gc?: () => void }).gc;

/** Events held in memory as columns (struct of arrays). */
interface Columns {
  n: number;
  kind: Uint8Array;
  side: Int8Array;
  flags: Uint8Array;
  price: Float64Array;
  size: Float64Array;
  idHi: Uint32Array;
  idLo: Uint32Array;
}

function generate(n: number): Columns {
  const src = openSynth({ events: n, seed: SEED });
  const c: Columns = {
    n: 0,
    kind: new Uint8Array(n),
    side: new Int8Array(n),
    flags: new Uint8Array(n),
    price: new Float64Array(n),
    size: new Float64Array(n),
    idHi: new Uint32Array(n),
    idLo: new Uint32Array(n),
  };
  const ev = src.event;
  let i = 0;
  while (i < n && src.next()) {
    c.kind[i] = ev.kind;
    c.side[i] = ev.side;
    c.flags[i] = ev.flags;
    c.price[i] = ev.price;
    c.size[i] = ev.size;
    c.idHi[i] = ev.orderIdHi;
    c.idLo[i] = ev.orderIdLo;
    i++;
  }
  c.n = i;
  return c;
}

/** The timed loop: columns → reused event → book. Per-event code: allocates nothing. */
function replay(c: Columns, book: L3Book, ev: MarketEvent, from: number, to: number): void {
  const kind = c.kind;
  const side = c.side;
  const flags = c.flags;
  const price = c.price;
  const size = c.size;
  const idHi = c.idHi;
  const idLo = c.idLo;
  for (let i = from; i < to; i++) {
    ev.kind = kind[i];
    ev.side = side[i];
    ev.flags = flags[i];
    ev.price = price[i];
    ev.size = size[i];
    ev.orderIdHi = idHi[i];
    ev.orderIdLo = idLo[i];
    ev.sequence = i;
    ev.ts = i;
    book.apply(ev);
  }
}

/** The same loop without the book: the cost of the column → MarketEvent copy alone. */
function replayCopyOnly(c: Columns, ev: MarketEvent, from: number, to: number): number {
  const kind = c.kind;
  const side = c.side;
  const flags = c.flags;
  const price = c.price;
  const size = c.size;
  const idHi = c.idHi;
  const idLo = c.idLo;
  let sink = 0;
  for (let i = from; i < to; i++) {
    ev.kind = kind[i];
    ev.side = side[i];
    ev.flags = flags[i];
    ev.price = price[i];
    ev.size = size[i];
    ev.orderIdHi = idHi[i];
    ev.orderIdLo = idLo[i];
    ev.sequence = i;
    ev.ts = i;
    sink = (sink + ev.kind + ev.orderIdLo) | 0;
  }
  return sink;
}

async function benchBook(): Promise<void> {
  const t0 = performance.now();
  const cols = generate(N);
  const genS = (performance.now() - t0) / 1000;
  let kinds = "";
  const counts = new Map<number, number>();
  for (let i = 0; i < cols.n; i++) counts.set(cols.kind[i], (counts.get(cols.kind[i]) ?? 0) + 1);
  for (const [k, v] of [...counts].sort((a, b) => a[0] - b[0])) kinds += ` ${EventKindName[k] ?? k}=${v}`;
  console.log(`book-only: generated ${cols.n} synthetic MBO events in ${genS.toFixed(1)} s:${kinds}`);
  fullGc?.();
  await settle();
  const ev = new MarketEvent();
  // Warm-up (JIT) on a separate book: one full pass, in chunks, so that `replay` itself gets
  // optimised code for its entry (not only an on-stack replacement of its loop, which a timed run's
  // fresh call would not use: it would start interpreted and allocate until re-optimised), and the
  // book's rarer paths (modify, new and dropped levels) reach optimised code before timing starts.
  const warm = new L3Book(0, { orderCapacity: ORDER_CAP, levelCapacity: 1 << 10, crossCheckOnLastOnly: true });
  for (let from = 0; from < cols.n; from += 250_000) replay(cols, warm, ev, from, Math.min(cols.n, from + 250_000));
  replayCopyOnly(cols, ev, 0, Math.min(cols.n, 2_000_000));
  for (let rep = 0; rep < 2; rep++) {
    const c0 = process.cpuUsage();
    const sink = replayCopyOnly(cols, ev, 0, cols.n);
    const cpu = cpuSeconds(c0);
    console.log(
      `copy-only run ${rep + 1} (the loop's column → MarketEvent copy, no book; sink ${sink}): CPU ${cpu.toFixed(3)} s = ${(cols.n / cpu / 1e6).toFixed(2)}M/s`,
    );
  }
  const book = new L3Book(0, { orderCapacity: ORDER_CAP, levelCapacity: 1 << 10, crossCheckOnLastOnly: true });
  for (let rep = 0; rep < RUNS; rep++) {
    book.clear();
    if (FORCE_GC) fullGc?.();
    await settle();
    gcs = 0;
    const t = performance.now();
    const c0 = process.cpuUsage();
    replay(cols, book, ev, 0, cols.n);
    const s = (performance.now() - t) / 1000;
    const cpu = cpuSeconds(c0);
    await settle();
    console.log(
      `book-only run ${rep + 1}: ${cols.n} events in ${s.toFixed(3)} s wall = ${(cols.n / s / 1e6).toFixed(2)}M events/s (CPU ${cpu.toFixed(3)} s = ${(cols.n / cpu / 1e6).toFixed(2)}M/s), GCs during the run: ${gcs}; resting orders ${book.orders()}, anomalies ${book.anomalies.total()}`,
    );
  }
}

const EventKindName: Record<number, string> = {
  [EventKind.Add]: "add",
  [EventKind.Cancel]: "cancel",
  [EventKind.Delete]: "delete",
  [EventKind.Modify]: "modify",
  [EventKind.Execute]: "execute",
  [EventKind.Trade]: "trade",
  [EventKind.Clear]: "clear",
  [EventKind.Fill]: "fill",
  [EventKind.NoAction]: "none",
};

/**
 * The timed decode+book loop: open the file, decode every record into the reader's reused event and
 * apply it to the Market. A function of its own (not inline in the async bench function) so V8
 * optimises it once and reuses that code on every run; inline, each run's loop starts interpreted
 * again (on-stack replacement) and what it allocates meanwhile shows up as GCs that are not the
 * reader's or the book's.
 */
function decodeAndBook(path: string, market: Market): number {
  const r = openDbn(path);
  const ev = r.event;
  let n = 0;
  while (r.next()) {
    market.apply(ev);
    n++;
  }
  r.close();
  return n;
}

async function benchDbn(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "algo-bench-book-"));
  const path = join(dir, "synth.dbn");
  try {
    const src = openSynth({ events: N, seed: SEED });
    const w = new DbnWriter(path, { schema: "mbo", timeBase: src.timeBase });
    while (src.next()) w.write(src.event, src.instruments);
    const records = w.finish();
    console.log(`decode+book: wrote ${records} DBN MBO records to ${path}`);
    fullGc?.();
    await settle();
    // Warm-up (JIT), untimed: two full passes. The first pass's end (refill at the end of the file,
    // close) has no type feedback when the loop is first optimised, so its optimised code bails
    // out there; the second pass re-optimises with that feedback, as a timed run then finds it.
    for (let w = 0; w < 2; w++) {
      decodeAndBook(path, new Market({ l3: { orderCapacity: ORDER_CAP, levelCapacity: 1 << 10, crossCheckOnLastOnly: true } }));
    }
    for (let rep = 0; rep < RUNS; rep++) {
      if (FORCE_GC) fullGc?.();
      await settle();
      gcs = 0;
      const t = performance.now();
      const c0 = process.cpuUsage();
      const market = new Market({ l3: { orderCapacity: ORDER_CAP, levelCapacity: 1 << 10, crossCheckOnLastOnly: true } });
      const n = decodeAndBook(path, market);
      const s = (performance.now() - t) / 1000;
      const cpu = cpuSeconds(c0);
      await settle();
      console.log(
        `decode+book run ${rep + 1}: ${n} events in ${s.toFixed(3)} s wall = ${(n / s / 1e6).toFixed(2)}M events/s (CPU ${cpu.toFixed(3)} s = ${(n / cpu / 1e6).toFixed(2)}M/s), GCs during the run: ${gcs}; anomalies ${market.anomalies().total()}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchLobster(): Promise<void> {
  const shared = process.env.ALGO_SHARED_DATA ? resolve(process.env.ALGO_SHARED_DATA) : resolve("../shared/data");
  const p = join(shared, "lobster/GOOG_2012-06-21_10/GOOG_2012-06-21_34200000_57600000_message_10.csv");
  if (!existsSync(p)) {
    console.log(`lobster: skipped, ${p} not found (set ALGO_SHARED_DATA)`);
    return;
  }
  for (let rep = 0; rep < RUNS; rep++) {
    fullGc?.();
    await settle();
    gcs = 0;
    const t = performance.now();
    const c0 = process.cpuUsage();
    const src = openLobster(p);
    const r = new LobsterReplay(src);
    while (r.step()) {
      /* replay */
    }
    src.close();
    const s = (performance.now() - t) / 1000;
    const cpu = cpuSeconds(c0);
    await settle();
    console.log(
      `lobster GOOG level 10 (message + 40-column orderbook row parsed and reconciled per event) run ${rep + 1}: ${r.messages} events in ${s.toFixed(3)} s wall = ${(r.messages / s / 1e6).toFixed(2)}M events/s (CPU ${cpu.toFixed(3)} s = ${(r.messages / cpu / 1e6).toFixed(2)}M/s), GCs: ${gcs}, rows differing: ${r.mismatchedRows}`,
    );
  }
}

console.log(`node ${process.version}, ${new Date().toISOString()}, events ${N}, seed ${SEED}, gc exposed: ${fullGc !== undefined}`);
if (ONLY === "all" || ONLY === "book") await benchBook();
if (ONLY === "all" || ONLY === "dbn") await benchDbn();
if (ONLY === "all" || ONLY === "lobster") await benchLobster();
obs.disconnect();
