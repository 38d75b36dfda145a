/**
 * Standard-library benchmark: updates per second of every technical / statistical / utility
 * operator on the same 1,000,000 inputs, side by side with the streaming APIs of
 * `trading-signals` (`add`) and `technicalindicators` (`nextValue`) where they have the
 * indicator, plus the garbage collections and the bytes allocated during each of our timed runs.
 * Run it bundled, as dist/ is built (tsx adds ~40% to hot code):
 *
 *   npx esbuild bench/stdlib.ts --bundle --platform=node --format=esm --target=node20 \
 *     --packages=external --outfile=.bench/stdlib.mjs --log-level=warning
 *   node --expose-gc .bench/stdlib.mjs [--n 1000000] [--reps 5] [--markdown] [--skip k] [--only text]
 *     [--trace] [--settle 6]
 *
 * (technicalindicators' CrossUp is left out: its nextValue keeps the whole history and does not
 * finish 1M updates in minutes.)
 *
 * Inputs: a price-like random walk (quarter ticks around 5000), a second correlated series,
 * timestamps 1 ms apart on average, and OHLCV bars built from the walk. Each measured loop is its
 * own function (monomorphic call sites) on one instance (steady state) and calls our operators as
 * generated code does: the series arguments, then the event time to the operators that read it
 * (compiler/emit/graph-members.ts TIME_FREE_UPDATES: the others are called without it, so that no
 * double is boxed where V8 does not inline the call). Every implementation, ours and the
 * libraries', is warmed up and settled the same way (see measure()) and counts the best of REPS
 * runs; rates use the process's CPU time (user + system), so that a shared machine's scheduling
 * does not count (its background threads do: on a loaded machine the rates still move by tens of
 * percent from run to run, which is why best-of-REPS).
 * GCs: every 'gc' entry that starts inside one of our measured runs — scavenges (what per-update
 * allocation causes) counted, mark-compact / incremental-marking entries shown apart as
 * "+k major". Bytes: the heap growth across our run (the most over the measured runs), the
 * measuring's own allocation subtracted. Nothing in the harness allocates inside a measured run
 * (the time offset is in a typed array, the loops return small integers).
 * test/stdlib/allocation.test.ts is the strict per-operator allocation check.
 */
import v8 from "node:v8";
import { PerformanceObserver, constants, performance } from "node:perf_hooks";
import * as TS from "trading-signals";
import TI from "technicalindicators";
import * as S from "../stdlib/index.js";

const argv = process.argv.slice(2);
const N = Number(argv[argv.indexOf("--n") + 1] || 1_000_000) || 1_000_000;
const markdown = argv.includes("--markdown");
/** `--skip k`: start at the k-th operator (resume a partial run). */
const skip = argv.includes("--skip") ? Number(argv[argv.indexOf("--skip") + 1]) : 0;
/** `--only text`: the operators whose name contains text. */
const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : "";
const gc = (globalThis as { gc?: () => void }).gc;

// ---- inputs (allocated once, before any timing) ----
let seed = 12345;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 4294967296;
};
const xs = new Float64Array(N);
const ys = new Float64Array(N);
const ts = new Float64Array(N);
const op = new Float64Array(N);
const hi = new Float64Array(N);
const lo = new Float64Array(N);
const cl = new Float64Array(N);
const vo = new Float64Array(N);
let p = 5000;
let t = 0;
for (let i = 0; i < N; i++) {
  const o = p;
  p += (Math.floor(rand() * 5) - 2) * 0.25;
  xs[i] = p;
  ys[i] = 0.5 * p + 100 * rand();
  t += 1 + Math.floor(rand() * 2e6);
  ts[i] = t;
  op[i] = o;
  cl[i] = p;
  hi[i] = Math.max(o, p) + rand();
  lo[i] = Math.min(o, p) - rand();
  vo[i] = 1 + Math.floor(rand() * 100);
}
const candles = Array.from({ length: N }, (_, i) => ({ open: op[i], high: hi[i], low: lo[i], close: cl[i], volume: vo[i] }));

// ---- GC counting ----
// GC entries arrive asynchronously; keep their start times and count those inside a measured run.
// The kind tells a scavenge (minor: young-generation garbage, what per-update allocation causes)
// from a mark-compact (major, incl. incremental marking steps: old-generation work, e.g. started by
// V8's memory reducer after the other libraries' runs grew the heap).
const gcStarts: number[] = [];
const gcMinor: boolean[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcStarts.push(e.startTime);
    gcMinor.push(((e as { detail?: { kind?: number } }).detail?.kind ?? 0) === constants.NODE_PERFORMANCE_GC_MINOR);
  }
});
const gcsBetween = (t0: number, t1: number, minor: boolean): number => {
  let c = 0;
  for (let i = 0; i < gcStarts.length; i++) if (gcStarts[i] >= t0 && gcStarts[i] <= t1 && gcMinor[i] === minor) c++;
  return c;
};
obs.observe({ entryTypes: ["gc"] });

/** n updates on the implementation's instance; `drop()` lets the instance go once measured. */
interface Run {
  (n: number): number;
  drop(): void;
}
interface Entry {
  name: string;
  ours: Run;
  ts?: Run;
  ti?: Run;
}

const SECOND = 1e9;

/**
 * A run over the first n inputs on ONE instance, created at the first call: the warm-up run and
 * the measured runs continue the same state (steady state, as in a long replay).
 */
function steady<T>(make: () => T, loop: (o: T, n: number, off: Float64Array) => number): Run {
  let o: T | undefined;
  // Time keeps increasing across runs: each run replays the inputs shifted after the previous one,
  // by an offset that the loops reading the time advance themselves (off[0] = o0 + ts[n - 1]), in
  // their optimized code. The offset lives in a typed array and the loops return small integers:
  // no double crosses a call here, so the harness itself allocates nothing inside a measured run
  // (advancing the offset here, in a closure that may still be interpreted, boxed 48 bytes a run).
  const off = new Float64Array(1);
  const run = (n: number): number => loop((o ??= make()), n, off);
  // The libraries keep history (the heap reached 3 GB by atr when every instance lived to the end,
  // and each full GC then takes seconds): an implementation's instance goes once it is measured.
  return Object.assign(run, { drop: (): void => void (o = undefined) });
}
const entries: Entry[] = [
  {
    name: "sma(x, 20)",
    ours: steady(() => new S.Sma(20), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.SMA(20), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return Number(o.getResult()); }),
    ti: steady(() => new TI.SMA({ period: 20, values: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; }),
  },
  {
    name: "sma(x, 1s) (time)",
    ours: steady(() => new S.SmaTime(SECOND), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.update(xs[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
  },
  {
    name: "ema(x, 20)",
    ours: steady(() => new S.Ema(20), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.EMA(20), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return Number(o.getResult()); }),
    ti: steady(() => new TI.EMA({ period: 20, values: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; }),
  },
  {
    name: "wma(x, 20)",
    ours: steady(() => new S.Wma(20), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.WMA(20), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return Number(o.getResult()); }),
    ti: steady(() => new TI.WMA({ period: 20, values: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; }),
  },
  {
    name: "dema(x, 20)",
    ours: steady(() => new S.Dema(20), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.DEMA(20), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return Number(o.getResult()); }),
  },
  {
    name: "tema(x, 20)",
    ours: steady(() => new S.Tema(20), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.TEMA(20), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return Number(o.getResult()); }),
  },
  {
    name: "hma(x, 16)",
    ours: steady(() => new S.Hma(16), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.HMA(16), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return Number(o.getResult()); }),
  },
  {
    name: "bollinger(x, 20, 2)",
    ours: steady(() => new S.Bollinger(20, 2), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.BollingerBands(20, 2), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return 0; }),
    ti: steady(() => new TI.BollingerBands({ period: 20, stdDev: 2, values: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; }),
  },
  {
    name: "rsi(x, 14)",
    ours: steady(() => new S.Rsi(14), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.RSI(14), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return Number(o.getResult()); }),
    ti: steady(() => new TI.RSI({ period: 14, values: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; }),
  },
  {
    name: "macd(x, 12, 26, 9)",
    ours: steady(() => new S.Macd(12, 26, 9), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.MACD(new TS.EMA(12), new TS.EMA(26), new TS.EMA(9)), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return 0; }),
    ti: steady(
      () => new TI.MACD({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false, values: [] }),
      (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; },
    ),
  },
  {
    name: "stoch(bars, 14, 3, 3)",
    ours: steady(() => new S.Stoch(14, 3, 3), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.onBar(op[i], hi[i], lo[i], cl[i], vo[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
    ts: steady(() => new TS.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }), (o, n) => { for (let i = 0; i < n; i++) o.add(candles[i]); return 0; }),
    ti: steady(() => new TI.Stochastic({ period: 14, signalPeriod: 3, high: [], low: [], close: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(candles[i] as never); return 0; }),
  },
  {
    name: "atr(bars, 14)",
    ours: steady(() => new S.Atr(14), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.onBar(op[i], hi[i], lo[i], cl[i], vo[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
    ts: steady(() => new TS.ATR(14), (o, n) => { for (let i = 0; i < n; i++) o.add(candles[i]); return 0; }),
    ti: steady(() => new TI.ATR({ period: 14, high: [], low: [], close: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(candles[i] as never); return 0; }),
  },
  {
    name: "adx(bars, 14)",
    ours: steady(() => new S.Adx(14), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.onBar(op[i], hi[i], lo[i], cl[i], vo[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
    ts: steady(() => new TS.ADX(14), (o, n) => { for (let i = 0; i < n; i++) o.add(candles[i]); return 0; }),
    ti: steady(() => new TI.ADX({ period: 14, high: [], low: [], close: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(candles[i] as never); return 0; }),
  },
  {
    name: "cci(bars, 20)",
    ours: steady(() => new S.Cci(20), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.onBar(op[i], hi[i], lo[i], cl[i], vo[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
    ts: steady(() => new TS.CCI(20), (o, n) => { for (let i = 0; i < n; i++) o.add(candles[i]); return 0; }),
    ti: steady(() => new TI.CCI({ period: 20, high: [], low: [], close: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(candles[i] as never); return 0; }),
  },
  {
    name: "obv(bars)",
    ours: steady(() => new S.Obv(), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.onBar(op[i], hi[i], lo[i], cl[i], vo[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
    ts: steady(() => new TS.OBV(2), (o, n) => { for (let i = 0; i < n; i++) o.add(candles[i]); return 0; }),
    ti: steady(() => new TI.OBV({ close: [], volume: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(candles[i] as never); return 0; }),
  },
  {
    name: "roc(x, 10)",
    ours: steady(() => new S.Roc(10), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.ROC(10), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return 0; }),
    ti: steady(() => new TI.ROC({ period: 10, values: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; }),
  },
  {
    name: "momentum(x, 10)",
    ours: steady(() => new S.Momentum(10), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.MOM(10), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return 0; }),
  },
  {
    name: "highest(x, 20)",
    ours: steady(() => new S.RollingMax(20), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ti: steady(() => new TI.Highest({ period: 20, values: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; }),
  },
  {
    name: "lowest(x, 20)",
    ours: steady(() => new S.RollingMin(20), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ti: steady(() => new TI.Lowest({ period: 20, values: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; }),
  },
  {
    name: "rolling_max(x, 1s) (time)",
    ours: steady(() => new S.RollingMaxTime(SECOND), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.update(xs[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
  },
  {
    name: "crossover(x, y)",
    ours: steady(() => new S.Crossover(), (o, n, off) => { let c = 0; for (let i = 0; i < n; i++) { o.update(xs[i], ys[i] * 2); if (o.value) c++; } return c; }),
  },
  {
    name: "crossunder(x, y)",
    ours: steady(() => new S.Crossunder(), (o, n, off) => { let c = 0; for (let i = 0; i < n; i++) { o.update(xs[i], ys[i] * 2); if (o.value) c++; } return c; }),
  },
  {
    name: "sum(x, 100)",
    ours: steady(() => new S.Sum(100), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ti: steady(() => new TI.Sum({ period: 100, values: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; }),
  },
  {
    name: "variance(x, 100)",
    ours: steady(() => new S.Variance(100), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "stdev(x, 20)",
    ours: steady(() => new S.Stdev(20), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ti: steady(() => new TI.SD({ period: 20, values: [] }), (o, n) => { for (let i = 0; i < n; i++) o.nextValue(xs[i]); return 0; }),
  },
  {
    name: "stdev(x, 1s) (time)",
    ours: steady(() => new S.StdevTime(SECOND), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.update(xs[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
  },
  {
    name: "zscore(x, 300)",
    ours: steady(() => new S.Zscore(300), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "median(x, 101)",
    ours: steady(() => new S.Median(101), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "quantile(x, 1000, 0.95)",
    ours: steady(() => new S.Quantile(1000, 0.95), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "median(x, 1s) (time)",
    ours: steady(() => new S.MedianTime(SECOND), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.update(xs[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
  },
  {
    name: "skew(x, 100)",
    ours: steady(() => new S.Skew(100), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "kurtosis(x, 100)",
    ours: steady(() => new S.Kurtosis(100), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "cov(x, y, 100)",
    ours: steady(() => new S.Cov(100), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i], ys[i]); return 0; }),
  },
  {
    name: "corr(x, y, 100)",
    ours: steady(() => new S.Corr(100), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i], ys[i]); return 0; }),
  },
  {
    name: "corr(x, y, 1s) (time)",
    ours: steady(() => new S.CorrTime(SECOND), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.update(xs[i], ys[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
  },
  {
    name: "slope(x, 50)",
    ours: steady(() => new S.Slope(50), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
    ts: steady(() => new TS.LinearRegression(50), (o, n) => { for (let i = 0; i < n; i++) o.add(xs[i]); return 0; }),
  },
  {
    name: "autocorr(x, 100, 1)",
    ours: steady(() => new S.Autocorr(100, 1), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "half_life(x, 500)",
    ours: steady(() => new S.HalfLife(500), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "log_return(x)",
    ours: steady(() => new S.LogReturn(1), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "simple_return(x)",
    ours: steady(() => new S.SimpleReturn(1), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "realized_vol(x, 100)",
    ours: steady(() => new S.RealizedVol(100, true, 252), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "realized_vol(x, 1s) (time)",
    ours: steady(() => new S.RealizedVolTime(SECOND, true), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.update(xs[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
  },
  {
    name: "ewma_var(r, 0.94)",
    ours: steady(() => new S.EwmaVar(0.94), (o, n, off) => { for (let i = 0; i < n; i++) o.update(ys[i] - 2500); return 0; }),
  },
  {
    name: "lag(x, 5)",
    ours: steady(() => new S.Lag(5), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "diff(x, 1)",
    ours: steady(() => new S.Diff(1), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i]); return 0; }),
  },
  {
    name: "clamp(x, lo, hi)",
    ours: steady(() => new S.Clamp(), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i], 4990, 5010); return 0; }),
  },
  {
    name: "sign(x - 5000)",
    ours: steady(() => new S.Sign(), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i] - 5000); return 0; }),
  },
  {
    name: "abs(x - 5000)",
    ours: steady(() => new S.Abs(), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i] - 5000); return 0; }),
  },
  {
    name: "min(x, y)",
    ours: steady(() => new S.Min2(), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i], ys[i] * 2); return 0; }),
  },
  {
    name: "iff(c, a, b)",
    ours: steady(() => new S.Iff(), (o, n, off) => { for (let i = 0; i < n; i++) o.update(xs[i] > ys[i], xs[i], ys[i]); return 0; }),
  },
  {
    name: "sample(x, every: 1s)",
    ours: steady(() => new S.Sample(SECOND), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.update(xs[i], ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
  },
  {
    name: "time_of_day()",
    ours: steady(() => new S.TimeOfDay(0), (o, n, off) => { const o0 = off[0]; for (let i = 0; i < n; i++) o.update(ts[i] + o0); off[0] = o0 + ts[n - 1]; return 0; }),
  },
];

/** Heap bytes in use (young + old generation): V8 snapshots them before building the result object. */
const heapUsed = (): number => v8.getHeapStatistics().used_heap_size;
/** `--trace`: print each warm-up and measured run (CPU, wall, bytes) to read with --trace-gc / --trace-opt / --trace-deopt. */
const trace = argv.includes("--trace");
/** Measured runs per implementation (best counts); `--reps k`. */
const REPS = argv.includes("--reps") ? Number(argv[argv.indexOf("--reps") + 1]) : 5;
/** At most this many settling runs after the warm-up (see measure); `--settle 0` measures right after the warm-up. */
const MAX_SETTLE = argv.includes("--settle") ? Number(argv[argv.indexOf("--settle") + 1]) : 6;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** A scavenge only: empties the young generation in about a millisecond (a full GC takes ~1 s with the inputs' 1M candle objects). */
const minorGc = (): void => (gc as unknown as ((o: { type: string }) => void) | undefined)?.({ type: "minor" });

interface Timed {
  /** Process CPU seconds (user + system). */
  cpu: number;
  t0: number;
  t1: number;
  /** Heap growth over the run minus what the measuring itself allocates; NaN when a GC ran inside. */
  bytes: number;
}
/**
 * One run of n updates: CPU seconds, its wall-clock bounds (to place GC entries) and the bytes it
 * allocated. The heap is read right around run(n), and once more just before, so that the
 * difference of the first two reads is what one read allocates (its result object), in the same
 * JIT state as the read after the run.
 */
function timed(run: Run, n: number): Timed {
  // CPU time of this process, not wall time: the machine is shared, and a descheduled run would
  // otherwise look slow.
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const ha = heapUsed();
  const h0 = heapUsed();
  run(n);
  const h1 = heapUsed();
  const c = process.cpuUsage(c0);
  const t1 = performance.now();
  // A collection inside the run frees what was allocated before it: the difference means nothing then.
  const bytes = h1 >= h0 && h0 >= ha ? h1 - h0 - (h0 - ha) : Number.NaN;
  return { cpu: (c.user + c.system) / 1e6, t0, t1, bytes };
}

interface Measured {
  /** Updates per CPU second, best of the measured runs. */
  rate: number;
  /** Scavenges and major-GC entries that started inside the measured runs. */
  gcs: number;
  majors: number;
  /** The most bytes one measured run allocated (NaN: a GC inside a run made it unknowable). */
  bytes: number;
  /** Settling runs it took (see measure). */
  settle: number;
}

/**
 * Updates per second of `run` over the N inputs, best of REPS measured runs by CPU time.
 *
 * Warm-up: 300 short calls (so that the whole loop function gets optimized, not only its loop by
 * on-stack replacement), one full run, then settling runs until the code is in its steady state.
 * V8 optimizes on a background thread; on a loaded machine a (re)compilation queued by the warm-up
 * can finish only after the next run has started, and that run then executes partly unoptimized,
 * where every double is boxed: 10-12 MB allocated inside a measured run that allocates 0 bytes
 * once optimized (seen for sma(x, 1s) with --trace: runs #0 and #1 of three, no deopt inside).
 * That was the stray scavenges of the full sequence, in whichever operator the background compiler
 * happened to be late for. So after a pause that lets the compiler thread run, a settling run
 * repeats until it allocates nothing or stops getting faster (the libraries allocate per update
 * by design), at most MAX_SETTLE times.
 *
 * Ours (countGc) starts with a full GC, which clears the previous operator's libraries' garbage
 * from the old generation (else V8 can start incremental marking inside our run), and before our
 * warm-up, so that its concurrent sweeping is over by the measured runs; and each measured run of
 * ours follows a scavenge, so that the young generation is empty and only the operator's own
 * allocation could start a collection inside it. GCs are counted by their start time inside a
 * measured run, and `bytes` is the heap growth across it.
 */
async function measure(name: string, run: Run, countGc: boolean): Promise<Measured> {
  if (countGc) gc?.();
  for (let k = 0; k < 300; k++) run(2000);
  let prev = timed(run, N);
  let settle = 0;
  while (settle < MAX_SETTLE) {
    await sleep(50);
    if (countGc) minorGc();
    const r = timed(run, N);
    settle++;
    if (trace) console.log(`@@ settle ${name} ${countGc ? "ours" : "lib"} #${settle} bytes=${r.bytes} cpu=${(r.cpu * 1e3).toFixed(2)}ms`);
    // Steady: allocates (next to) nothing, or neither gets faster nor allocates less than the run before.
    const done = r.bytes < 4096 || (r.cpu >= 0.95 * prev.cpu && !(r.bytes < 0.9 * prev.bytes));
    prev = r;
    if (done) break;
  }
  let best = Infinity;
  let gcs = 0;
  let majors = 0;
  let bytes = 0;
  for (let rep = 0; rep < REPS; rep++) {
    if (countGc) minorGc();
    const r = timed(run, N);
    if (trace) console.log(`@@ measured ${name} ${countGc ? "ours" : "lib"} #${rep} bytes=${r.bytes} cpu=${(r.cpu * 1e3).toFixed(2)}ms wall=${(r.t1 - r.t0).toFixed(2)}ms`);
    // GC entries arrive asynchronously: let them land before counting.
    await sleep(countGc ? 20 : 0);
    if (countGc) {
      gcs += gcsBetween(r.t0, r.t1, true);
      majors += gcsBetween(r.t0, r.t1, false);
      bytes = r.bytes === r.bytes && bytes === bytes ? Math.max(bytes, r.bytes) : Number.NaN;
    }
    best = Math.min(best, r.cpu);
  }
  return { rate: N / best, gcs, majors, bytes, settle };
}

/** Bytes allocated in one measured run ("gc" when a collection inside it made the count unknowable). */
const fmtBytes = (b: number): string => (b !== b ? "gc" : b < 1024 ? `${Math.round(b)} B` : `${(b / 1024).toFixed(1)} KB`);
const fmt = (r: number | undefined): string => (r === undefined ? "—" : `${(r / 1e6).toFixed(2)}M`);

async function main(): Promise<void> {
  if (!gc) console.error("note: run with --expose-gc (without it, no GC is forced before our runs and the bytes include other garbage)");
  const rows: string[] = [];
  let worst = Infinity;
  let worstName = "";
  const under3: string[] = [];
  if (markdown) {
    console.log("| operator | ours (upd/s) | GCs (ours) | bytes (ours) | trading-signals | technicalindicators | ours / fastest other |");
    console.log("|---|---:|---:|---:|---:|---:|---:|");
  }
  // timed() itself warm (optimized) before it measures anything: run by the interpreter, its own
  // reads would box a few doubles (48 B seen in the first operator's runs).
  const idle = steady(() => 0, () => 0);
  for (let k = 0; k < 5000; k++) timed(idle, 1);
  let totalGcs = 0;
  let totalMajors = 0;
  let maxBytes = 0;
  for (const e of entries.slice(skip)) {
    if (only && !e.name.includes(only)) continue;
    const ours = await measure(e.name, e.ours, true);
    const tsr = e.ts ? (await measure(e.name, e.ts, false)).rate : undefined;
    const tir = e.ti ? (await measure(e.name, e.ti, false)).rate : undefined;
    for (const r of [e.ours, e.ts, e.ti]) r?.drop();
    const best = Math.max(tsr ?? 0, tir ?? 0);
    const ratio = best > 0 ? ours.rate / best : undefined;
    if (ratio !== undefined && ratio < worst) {
      worst = ratio;
      worstName = e.name;
    }
    if (ratio !== undefined && ratio < 3) under3.push(`${e.name} ${ratio.toFixed(1)}×`);
    totalGcs += ours.gcs;
    totalMajors += ours.majors;
    maxBytes = ours.bytes === ours.bytes && maxBytes === maxBytes ? Math.max(maxBytes, ours.bytes) : Number.NaN;
    const cells = [e.name, fmt(ours.rate), ours.majors ? `${ours.gcs} (+${ours.majors} major)` : String(ours.gcs), fmtBytes(ours.bytes), fmt(tsr), fmt(tir), ratio === undefined ? "—" : `${ratio.toFixed(1)}×`];
    rows.push(markdown ? `| ${cells.join(" | ")} |` : cells.map((c, i) => (i === 0 ? c.padEnd(28) : c.padStart(i === 3 ? 12 : 10))).join(""));
    console.log(rows[rows.length - 1]);
  }
  console.log(`\n${N} inputs per run, best of ${REPS}; slowest ratio vs the fastest other library: ${worst.toFixed(1)}× (${worstName}); under 3×: ${under3.join(", ") || "none"}; GCs during our runs: ${totalGcs} scavenges, ${totalMajors} major; most bytes allocated in one of our runs: ${fmtBytes(maxBytes)}`);
  obs.disconnect();
}

await main();
