/**
 * Allocation check of every stdlib operator, run as its own process by allocation.test.ts (and by
 * hand to investigate): `node --expose-gc --max-semi-space-size=1 --no-concurrent-recompilation
 * --import tsx test/stdlib/allocation-driver.ts [--only text] [--profile] [--n 1000000]`.
 *
 * Every operator of the catalogue (stdlib/catalog.ts) is built from its metadata — the count class
 * and, when it has one, the duration class — and fed a continuous stream the way generated code
 * feeds it: a per-event function of its own per operator (`new Function`, so its call site is
 * monomorphic) passing the series arguments then the event time, every output read after every
 * update. After a warm-up part of the stream, the next `--n` updates are measured: the number of
 * garbage collections that start inside them is printed as one JSON line per operator. Nothing in
 * the harness allocates per event (outputs are folded into a small-integer counter, only small
 * integers and objects cross its calls), so with a 1 MB young generation an operator allocating
 * more than ~1 byte per update shows up as GCs. `--profile` also runs
 * V8's sampling heap profiler over the measured part and prints the bytes sampled per update and the
 * top allocation sites (for investigation; the test reads only the GC counts).
 */
import { PerformanceObserver, performance } from "node:perf_hooks";
import { Session } from "node:inspector/promises";
import { Side, type InstrumentInfo } from "../../runtime/events.js";
import type { BookView } from "../../runtime/book/view.js";
import * as S from "../../stdlib/index.js";
import type { OperatorMeta } from "../../stdlib/meta.js";

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
/** Measured updates per operator. */
const N = Number(opt("n") ?? 1_000_000);
/** Warm-up updates before the measured ones (same continuous stream). */
const WARM = Number(opt("warm") ?? 1_000_000);
/** `--only a,b`: the operators whose name contains one of the comma-separated texts. */
const ONLY = (opt("only") ?? "").split(",").filter((t) => t !== "");
const PROFILE = argv.includes("--profile");
const L = WARM + N;
const SEC = 1_000_000_000;

// ---- inputs: one continuous stream, allocated before anything is measured ----
let seed = 0x2545f491;
function rand(): number {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
}
const xA = new Float64Array(L);
const xB = new Float64Array(L);
const xC = new Float64Array(L);
const cond = new Uint8Array(L);
const tsA = new Float64Array(L);
const trPx = new Float64Array(L);
const trSz = new Float64Array(L);
const trAgg = new Int8Array(L);
const barO = new Float64Array(L);
const barH = new Float64Array(L);
const barL = new Float64Array(L);
const barC = new Float64Array(L);
const barV = new Float64Array(L);
const evSide = new Int8Array(L);
const evLevel = new Uint8Array(L);
const evSize = new Float64Array(L);
const evMove = new Int8Array(L);
{
  let p = 5000;
  // Times start far from 0 (ns since a time base a day earlier), so they are never small integers.
  let t = 86_400 * SEC;
  let run = 0;
  for (let i = 0; i < L; i++) {
    const o = p;
    if (run > 0) run--;
    else if (rand() < 0.01) run = 1 + Math.floor(rand() * 60); // constant runs
    else p += (Math.floor(rand() * 5) - 2) * 0.25;
    // About 1 input in 500 is a NaN gap.
    xA[i] = rand() < 0.002 ? NaN : p;
    xB[i] = 0.5 * p + 100 * rand();
    xC[i] = p + 1 + rand();
    cond[i] = xA[i] > xB[i] * 2 ? 1 : 0;
    t += rand() < 0.1 ? 0 : 1 + Math.floor(rand() * 2e6);
    tsA[i] = t;
    trPx[i] = p;
    trSz[i] = rand() < 0.01 ? 100 + Math.floor(rand() * 5000) : 1 + Math.floor(rand() * 20);
    trAgg[i] = rand() < 0.45 ? 1 : rand() < 0.9 ? -1 : 0;
    barO[i] = o;
    barC[i] = p;
    barH[i] = Math.max(o, p) + rand();
    barL[i] = Math.min(o, p) - rand();
    barV[i] = 1 + Math.floor(rand() * 100);
    evSide[i] = rand() < 0.5 ? 1 : -1;
    evLevel[i] = Math.floor(rand() * rand() * 10);
    evSize[i] = 1 + Math.floor(rand() * 200);
    const r = rand();
    evMove[i] = r < 0.025 ? 1 : r < 0.05 ? -1 : 0;
  }
}

const INST: InstrumentInfo = { index: 0, symbol: "TEST", sourceId: 0, priceScale: 1e-9, tickSize: 250_000_000, multiplier: 50 };
const TICK_FP = 250_000_000;
const LEVELS = 10;

/** A 10-level array book mutated in place (allocation-free), prices contiguous ticks from the touch. */
class ArrayBook implements BookView {
  readonly instrument = 0;
  readonly bidPx = new Float64Array(LEVELS);
  readonly bidSz = new Float64Array(LEVELS).fill(50);
  readonly askPx = new Float64Array(LEVELS);
  readonly askSz = new Float64Array(LEVELS).fill(50);
  ts = 0;
  touch = 20_000;
  constructor() {
    this.moveTo(this.touch);
  }
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
    if (i >= LEVELS) return 0 / 0;
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
  moveTo(bidTicks: number): void {
    for (let i = 0; i < LEVELS; i++) {
      this.bidPx[i] = (bidTicks - i) * TICK_FP;
      this.askPx[i] = (bidTicks + 1 + i) * TICK_FP;
    }
  }
}

/** One operator instance to check. */
interface Case {
  name: string;
  op: object;
  /** Feeds event i (the trailing argument) and reads the outputs; returns a small integer. */
  ev: (op: object, p0: unknown, p1: unknown, p2: unknown, p3: unknown, p4: unknown, p5: unknown, i: number) => number;
  /** p0..p5 of `ev` (unused ones undefined). */
  args: unknown[];
}

/** Output reads folded into a small-integer counter (no double leaves the per-event function). */
function readOutputs(meta: OperatorMeta): string {
  return meta.outputs
    .map((o) => ("type" in o.type && o.type.type === "bool" ? `if (op.${o.name}) c++;` : `if (op.${o.name} > 0) c++;`))
    .join(" ");
}

/** The series argument arrays, in declared order. */
function seriesArrays(meta: OperatorMeta): { names: string[]; arrays: unknown[] } {
  const series = meta.params.filter((p) => p.kind === "series");
  const pool = [xA, xB, xC];
  const names: string[] = [];
  const arrays: unknown[] = [];
  series.forEach((p, k) => {
    names.push(`a${k}`);
    if (p.accepts?.length === 1 && p.accepts[0] === "bool") arrays.push(cond);
    else arrays.push(pool[k % pool.length]);
  });
  return { names, arrays };
}

/**
 * The per-event function of an operator: `ev(op, p0, ..., p5, i)` feeds event i and reads every
 * output, as a generated `upd_*` method does per event. It is called from one shared loop
 * (`feed`), so V8 optimises it as a function of its own, entered on every event like a handler,
 * rather than inlining it into a loop that runs on on-stack-replacement code.
 */
function makeEvent(meta: OperatorMeta, name: string): { ev: Case["ev"]; args: unknown[] } {
  const read = readOutputs(meta);
  // The name in a comment makes every function's source unique: V8 caches \`new Function\` by
  // source text, and functions with the same text would share one feedback vector, so one
  // operator's call site would turn polymorphic with the previous operators' classes.
  const fn = (params: string[], call: string, extra = ""): Case["ev"] => {
    // Always p0..p5 then i: unused slots get placeholder names.
    const six = [0, 1, 2, 3, 4, 5].map((k) => params[k] ?? `unused${k}`);
    return new Function("op", ...six, "i", `// ${name}\nlet c = 0;\n${extra}\n${call}\n${read}\nreturn c;`) as Case["ev"];
  };
  switch (meta.drive) {
    case "series":
    case "clock": {
      const { names, arrays } = seriesArrays(meta);
      // A bool series arrives as a boolean, as generated code passes a comparison.
      const args = names.map((n, k) => (arrays[k] === cond ? `${n}[i] === 1` : `${n}[i]`));
      return { ev: fn([...names, "ts"], `op.update(${[...args, "ts[i]"].join(", ")});`), args: [...arrays, tsA] };
    }
    case "book": {
      const extra = `const m = evMove[i];
        if (m !== 0) { book.touch += m; book.moveTo(book.touch); }
        if (evSide[i] === 1) book.bidSz[evLevel[i]] = evSize[i]; else book.askSz[evLevel[i]] = evSize[i];
        book.ts = ts[i];`;
      return {
        ev: fn(["book", "evMove", "evSide", "evLevel", "evSize", "ts"], "op.update(book, ts[i]);", extra),
        args: [new ArrayBook(), evMove, evSide, evLevel, evSize, tsA],
      };
    }
    case "trade":
      return { ev: fn(["px", "sz", "agg", "ts"], "op.onTrade(px[i], sz[i], agg[i], ts[i]);"), args: [trPx, trSz, trAgg, tsA] };
    case "bar":
      return {
        ev: fn(["o", "h", "l", "cl", "v", "ts"], "op.onBar(o[i], h[i], l[i], cl[i], v[i], ts[i]);"),
        args: [barO, barH, barL, barC, barV, tsA],
      };
  }
}

/** Constructor arguments from the metadata: defaults, a count window of 50 (or the default), 1 s durations. */
function ctorArgs(meta: OperatorMeta, timed: boolean, count: number | undefined): unknown[] {
  return meta.ctorArgs.map((name) => {
    const p = meta.params.find((q) => q.name === name);
    if (!p) throw new Error(`${meta.name}: ctor arg ${name} is not a parameter`);
    if (p.kind === "instrument") return INST;
    if (p.kind === "window") return timed ? SEC : (count ?? (typeof p.default === "number" ? p.default : 50));
    if (p.default !== undefined) return p.default;
    if (p.accepts?.[0] === "duration") return SEC;
    throw new Error(`${meta.name}: no value for ${name}`);
  });
}

const ctors = S as unknown as Record<string, new (...a: unknown[]) => object>;

function cases(): Case[] {
  const out: Case[] = [];
  const seen = new Set<string>();
  for (const meta of S.OPERATORS) {
    const q = S.qualifiedName(meta);
    const win = meta.params.find((p) => p.kind === "window");
    const variants: [string, string, boolean, number | undefined][] = [[q, meta.className, false, undefined]];
    // Operators whose default window means "session" or "every update" also get a rolling count window.
    if (win && typeof win.default === "number" && win.default <= 1) variants.push([`${q}(100)`, meta.className, false, 100]);
    if (meta.timeClassName) variants.push([`${q}(1s)`, meta.timeClassName, true, undefined]);
    for (const [name, cls, timed, count] of variants) {
      const args = ctorArgs(meta, timed, count);
      // Aliases (mean = sma, rolling_max = highest) build the same class with the same arguments.
      const key = `${cls}(${args.map((a) => (a === INST ? "inst" : String(a))).join(",")})`;
      if (seen.has(key) || (ONLY.length > 0 && !ONLY.some((t) => name.includes(t)))) continue;
      seen.add(key);
      const Ctor = ctors[cls];
      if (typeof Ctor !== "function") throw new Error(`${name}: class ${cls} is not exported by stdlib/index.ts`);
      const { ev, args: evArgs } = makeEvent(meta, name);
      out.push({ name, op: new Ctor(...args), ev, args: evArgs });
    }
    if (meta.name === "time_of_day" && (ONLY.length === 0 || ONLY.some((t) => "time_of_day(tz)".includes(t)))) {
      // The DST-aware clock (a constructor argument the metadata does not list yet).
      const { ev, args: evArgs } = makeEvent(meta, "time_of_day(tz)");
      out.push({ name: "time_of_day(tz)", op: new S.TimeOfDay(0, "America/Chicago", 1_700_000_000_000_000_000n), ev, args: evArgs });
    }
  }
  return out;
}

/** Feeds events [from, to); one call of the operator's per-event function per event. */
function feed(c: Case, from: number, to: number): number {
  const { ev, op } = c;
  const [p0, p1, p2, p3, p4, p5] = c.args;
  let s = 0;
  for (let i = from; i < to; i++) s += ev(op, p0, p1, p2, p3, p4, p5, i);
  return s;
}

// GC entries reach the observer asynchronously — on a loaded machine, a collection of the warm-up
// (compilation allocates) can be delivered after the measured part started. So keep their start
// times and count those inside the measured interval, after waiting for the deliveries.
const gcStarts: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
}).observe({ entryTypes: ["gc"] });
const gcsBetween = (t0: number, t1: number): number => gcStarts.filter((t) => t >= t0 && t <= t1).length;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 10));

const session = PROFILE ? new Session() : undefined;

interface SampleNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampleNode[];
}

/** Bytes sampled under `feed`, and the top allocation sites (innermost frames). */
function summarize(head: SampleNode): { bytes: number; sites: string[] } {
  const sites: [number, string][] = [];
  let bytes = 0;
  const walk = (n: SampleNode, path: string[], inside: boolean): void => {
    const f = n.callFrame;
    const here = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
    const p = [...path, here];
    const under = inside || f.functionName === "feed";
    if (under && n.selfSize > 0) {
      bytes += n.selfSize;
      sites.push([n.selfSize, p.slice(-3).join(" < ")]);
    }
    for (const ch of n.children) walk(ch, p, under);
  };
  walk(head, [], false);
  sites.sort((a, b) => b[0] - a[0]);
  return { bytes, sites: sites.slice(0, 4).map(([b, s]) => `${b} B: ${s}`) };
}

async function main(): Promise<void> {
  let sink = 0;
  // Make feed's call of `ev` megamorphic from the start (as an engine's dispatch to handlers is):
  // otherwise, with few operators, V8 inlines one operator's `ev` into `feed`'s loop and the
  // operator then competes with the loop for one inlining budget, which a handler never does.
  for (let k = 0; k < 6; k++) {
    const dummy = { name: `dummy${k}`, op: {}, ev: new Function("op", "a", "b", "c", "d", "e", "f", "i", `return ${k} & i;`) as Case["ev"], args: [] };
    sink += feed(dummy, 0, 1000);
  }
  if (session) {
    session.connect();
    await session.post("HeapProfiler.enable");
  }
  for (const c of cases()) {
    sink += feed(c, 0, WARM);
    await settle();
    if (session) {
      await session.post("HeapProfiler.startSampling", {
        samplingInterval: 512,
        includeObjectsCollectedByMinorGC: true,
        includeObjectsCollectedByMajorGC: true,
      } as never);
    }
    const t0 = performance.now();
    sink += feed(c, WARM, L);
    const t1 = performance.now();
    await settle();
    await settle();
    const result: { name: string; updates: number; gcs: number; bytesPerUpdate?: number; sites?: string[] } = {
      name: c.name,
      updates: N,
      gcs: gcsBetween(t0, t1),
    };
    if (session) {
      const { profile } = (await session.post("HeapProfiler.stopSampling")) as unknown as { profile: { head: SampleNode } };
      const { bytes, sites } = summarize(profile.head);
      result.bytesPerUpdate = bytes / N;
      result.sites = sites;
    }
    console.log(JSON.stringify(result));
  }
  if (sink === 0.5) console.log("");
}

await main();
