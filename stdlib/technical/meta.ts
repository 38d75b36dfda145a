import type { OperatorMeta, OperatorParam } from "../meta.js";
import { NAN_SKIPPED, TIME_WINDOW_NOTE, constParam, instrumentParam, seriesParam, windowParam } from "../core/params.js";

const X = seriesParam("x", "The input series.");
const A = seriesParam("a", "The first series.");
const B = seriesParam("b", "The second series.");
/** The series crossed: a series, or a constant level (Pine's `ta.crossover(rsi, 30)`). */
const LEVEL: OperatorParam = { ...seriesParam("b", "The series (or constant level, e.g. 30) that a crosses."), levelOk: true };
const period = (def: number, what: string) => windowParam("period", what, { default: def, allowsTime: false });

/** Technical indicators (TA-Lib conventions unless a doc says otherwise). */
export const TECHNICAL_OPERATORS: readonly OperatorMeta[] = [
  {
    name: "sma",
    namespace: "",
    category: "technical",
    params: [X, windowParam("window", "Number of updates, or a duration.")],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "Arithmetic mean of the window." }],
    drive: "series",
    className: "Sma",
    timeClassName: "SmaTime",
    ctorArgs: ["window"],
    warmup: (a) => a.window,
    warmupText: "window",
    doc:
      "Simple moving average: sum(x over the window) / count (TA-Lib SMA). " +
      "Kept as a shifted running sum, recomputed exactly from the ring (count window: every window + 32 updates; " +
      "duration window: every 2 * samples + 64 insertions and evictions), amortized O(1). " +
      `${TIME_WINDOW_NOTE} ${NAN_SKIPPED}`,
    example: "sma(mid, 20)",
  },
  {
    name: "ema",
    namespace: "",
    category: "technical",
    params: [X, period(20, "Period n; alpha = 2 / (n + 1).")],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "Exponential moving average." }],
    drive: "series",
    className: "Ema",
    ctorArgs: ["period"],
    warmup: (a) => a.period,
    warmupText: "period",
    doc:
      "Exponential moving average ema = ema + alpha * (x - ema), alpha = 2 / (n + 1), seeded with the " +
      `SMA of the first n values (TA-Lib EMA, classic seeding). ${NAN_SKIPPED}`,
    example: "ema(mid, 20)",
  },
  {
    name: "wma",
    namespace: "",
    category: "technical",
    params: [X, period(20, "Period n; the newest value has weight n, the oldest 1.")],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "Linearly weighted moving average." }],
    drive: "series",
    className: "Wma",
    ctorArgs: ["period"],
    warmup: (a) => a.period,
    warmupText: "period",
    doc:
      "Weighted moving average sum(i * x_i, i = 1..n, newest i = n) / (n (n + 1) / 2) (TA-Lib WMA). " +
      `Running sums recomputed exactly every n updates. ${NAN_SKIPPED}`,
    example: "wma(close, 10)",
  },
  {
    name: "dema",
    namespace: "",
    category: "technical",
    params: [X, period(20, "Period n of both EMAs.")],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "Double exponential moving average." }],
    drive: "series",
    className: "Dema",
    ctorArgs: ["period"],
    warmup: (a) => 2 * a.period - 1,
    warmupText: "2 * period - 1",
    doc:
      "DEMA = 2 * e1 - e2 with e1 = ema(x, n), e2 = ema(e1, n), each EMA seeded with the SMA of its " +
      `first n inputs (TA-Lib DEMA; lookback 2(n - 1)). ${NAN_SKIPPED}`,
    example: "dema(mid, 20)",
  },
  {
    name: "tema",
    namespace: "",
    category: "technical",
    params: [X, period(20, "Period n of the three EMAs.")],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "Triple exponential moving average." }],
    drive: "series",
    className: "Tema",
    ctorArgs: ["period"],
    warmup: (a) => 3 * a.period - 2,
    warmupText: "3 * period - 2",
    doc:
      "TEMA = 3 * e1 - 3 * e2 + e3 with e1 = ema(x, n), e2 = ema(e1, n), e3 = ema(e2, n), each " +
      `seeded with the SMA of its first n inputs (TA-Lib TEMA; lookback 3(n - 1)). ${NAN_SKIPPED}`,
    example: "tema(mid, 20)",
  },
  {
    name: "hma",
    namespace: "",
    category: "technical",
    params: [X, period(16, "Period n (at least 2).")],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "Hull moving average." }],
    drive: "series",
    className: "Hma",
    ctorArgs: ["period"],
    warmup: (a) => a.period + Math.floor(Math.sqrt(a.period)) - 1,
    warmupText: "period + floor(sqrt(period)) - 1",
    doc:
      "Hull moving average: wma(2 * wma(x, floor(n / 2)) - wma(x, n), floor(sqrt(n))) (Alan Hull; TA-Lib " +
      `has no HMA). ${NAN_SKIPPED}`,
    example: "hma(close, 16)",
  },
  {
    name: "bollinger",
    namespace: "",
    category: "technical",
    params: [
      X,
      period(20, "Period n of the mean and standard deviation."),
      constParam("k", "f64", "Band width in standard deviations.", { default: 2, min: 0 }),
    ],
    outputs: [
      { name: "upper", type: { sameAs: "x" }, doc: "middle + k * stdev." },
      { name: "middle", type: { sameAs: "x" }, doc: "sma(x, n)." },
      { name: "lower", type: { sameAs: "x" }, doc: "middle - k * stdev." },
      { name: "percent_b", type: { type: "f64" }, doc: "(x - lower) / (upper - lower); 0.5 when the bands touch." },
      { name: "width", type: { type: "f64" }, doc: "(upper - lower) / middle; NaN when middle is 0." },
    ],
    drive: "series",
    className: "Bollinger",
    ctorArgs: ["period", "k"],
    warmup: (a) => a.period,
    warmupText: "period",
    doc:
      "Bollinger bands: middle = sma(x, n), upper/lower = middle +/- k * sigma with sigma the POPULATION " +
      `standard deviation of the window (TA-Lib BBANDS, MA type SMA, same k up and down). ${NAN_SKIPPED}`,
    example: "bollinger(close, 20, 2.0).upper",
  },
  {
    name: "rsi",
    namespace: "",
    category: "technical",
    params: [X, period(14, "Wilder period n.")],
    outputs: [{ name: "value", type: { type: "f64" }, doc: "Relative strength index, 0..100." }],
    drive: "series",
    className: "Rsi",
    ctorArgs: ["period"],
    warmup: (a) => a.period + 1,
    warmupText: "period + 1",
    doc:
      "RSI = 100 * G / (G + L) with G, L Wilder-smoothed average gain and loss of the changes " +
      "(G = (G (n - 1) + gain) / n), seeded with the simple averages of the first n changes (TA-Lib RSI, " +
      `classic seeding; 0 when G + L = 0). ${NAN_SKIPPED}`,
    example: "rsi(close, 14)",
  },
  {
    name: "macd",
    namespace: "",
    category: "technical",
    params: [
      X,
      windowParam("fast", "Fast EMA period.", { default: 12, allowsTime: false }),
      windowParam("slow", "Slow EMA period (greater than fast).", { default: 26, allowsTime: false }),
      windowParam("signal", "Signal EMA period.", { default: 9, allowsTime: false }),
    ],
    outputs: [
      { name: "line", type: { sameAs: "x" }, doc: "ema(x, fast) - ema(x, slow)." },
      { name: "signal", type: { sameAs: "x" }, doc: "ema(line, signal)." },
      { name: "histogram", type: { sameAs: "x" }, doc: "line - signal." },
    ],
    drive: "series",
    className: "Macd",
    ctorArgs: ["fast", "slow", "signal"],
    warmup: (a) => Math.max(a.fast, a.slow) + a.signal - 1,
    warmupText: "slow + signal - 1",
    doc:
      "MACD as TA-Lib: both EMAs (alpha 2 / (n + 1)) start at update `slow`, the slow one seeded with the " +
      "SMA of the first `slow` values and the fast one with the SMA of the `fast` values ending there; " +
      "signal = EMA of the line seeded with the SMA of its first `signal` values. All three outputs are NaN " +
      `until the signal is ready (TA-Lib swaps fast and slow when fast > slow; so do we). ${NAN_SKIPPED}`,
    example: "macd(close, 12, 26, 9).signal",
  },
  {
    name: "stoch",
    namespace: "",
    category: "technical",
    params: [
      instrumentParam(),
      windowParam("fastk", "Look-back of highest high / lowest low (TA-Lib's default is 5).", {
        default: 14,
        allowsTime: false,
      }),
      windowParam("slowk", "SMA period smoothing fast %K into slow %K.", { default: 3, allowsTime: false }),
      windowParam("slowd", "SMA period smoothing slow %K into %D.", { default: 3, allowsTime: false }),
    ],
    outputs: [
      { name: "k", type: { type: "f64" }, doc: "Slow %K, 0..100." },
      { name: "d", type: { type: "f64" }, doc: "Slow %D, 0..100." },
    ],
    drive: "bar",
    className: "Stoch",
    ctorArgs: ["fastk", "slowk", "slowd"],
    warmup: (a) => a.fastk + a.slowk + a.slowd - 2,
    warmupText: "fastk + slowk + slowd - 2",
    doc:
      "Stochastic oscillator on bars (TA-Lib STOCH with SMA smoothing): fast %K = 100 * (close - LL) / " +
      "(HH - LL) over `fastk` bars (0 when HH = LL), slow %K = sma(fast %K, slowk), %D = sma(slow %K, " +
      "slowd). Both outputs are NaN until %D is ready. Default fastk is 14 (Lane); pass 5 for TA-Lib's default. " +
      "A bar with a NaN field is ignored.",
    example: "stoch(es, 14, 3).k",
  },
  {
    name: "atr",
    namespace: "",
    category: "technical",
    params: [instrumentParam(), period(14, "Wilder period n.")],
    outputs: [{ name: "value", type: { type: "price" }, doc: "Average true range (currency units)." }],
    drive: "bar",
    className: "Atr",
    ctorArgs: ["period"],
    warmup: (a) => a.period + 1,
    warmupText: "period + 1",
    doc:
      "Average true range (TA-Lib ATR): TR = max(high, prev close) - min(low, prev close) from the second " +
      "bar on; the first ATR is the mean of the first n TRs, then ATR = (ATR (n - 1) + TR) / n (Wilder). " +
      "A bar with a NaN field is ignored.",
    example: "atr(es, 14)",
  },
  {
    name: "adx",
    namespace: "",
    category: "technical",
    params: [instrumentParam(), period(14, "Wilder period n.")],
    outputs: [{ name: "value", type: { type: "f64" }, doc: "Average directional index, 0..100." }],
    drive: "bar",
    className: "Adx",
    ctorArgs: ["period"],
    warmup: (a) => 2 * a.period,
    warmupText: "2 * period",
    doc:
      "ADX as TA-Lib: +DM/-DM (only the larger move counts) and TR summed over the first n - 1 bar changes, " +
      "then Wilder-smoothed (s = s - s / n + v); DX = 100 |+DI - -DI| / (+DI + -DI); the first ADX is the " +
      "mean of the first n DX, then ADX = (ADX (n - 1) + DX) / n. A bar with a NaN field is ignored.",
    example: "adx(es, 14)",
  },
  {
    name: "cci",
    namespace: "",
    category: "technical",
    params: [instrumentParam(), period(20, "Period n.")],
    outputs: [{ name: "value", type: { type: "f64" }, doc: "Commodity channel index." }],
    drive: "bar",
    className: "Cci",
    ctorArgs: ["period"],
    warmup: (a) => a.period,
    warmupText: "period",
    doc:
      "CCI (TA-Lib): tp = (high + low + close) / 3, CCI = (tp - sma(tp, n)) / (0.015 * mean |tp_i - sma|); 0 " +
      "when the numerator or the mean deviation is 0 (exactly 0 on a window of one repeated value). The mean " +
      "deviation is summed afresh on every bar, so it never drifts: for periods up to 1024, sum |tp_i - m| " +
      "directly over the window held in a typed array (O(n) per bar at ~1 ns per value, faster than any " +
      "search structure at these sizes); above 1024, from an order-statistic tree of the window's typical " +
      "prices with subtree sums, O(log n) per bar: the count c and sum S of those <= the mean m give " +
      "sum |tp_i - m| = total - 2 S - m (n - 2 c). A bar with a NaN field is ignored.",
    example: "cci(es, 20)",
  },
  {
    name: "obv",
    namespace: "",
    category: "technical",
    params: [instrumentParam()],
    outputs: [{ name: "value", type: { type: "qty" }, doc: "On-balance volume." }],
    drive: "bar",
    className: "Obv",
    ctorArgs: [],
    warmup: () => 1,
    warmupText: "1",
    doc:
      "On-balance volume (TA-Lib OBV): starts at the first bar's volume, then adds the volume when the close " +
      "rises, subtracts it when it falls, keeps it when unchanged. A bar with a NaN field is ignored.",
    example: "obv(es)",
  },
  {
    name: "roc",
    namespace: "",
    category: "technical",
    params: [X, period(10, "Look-back n.")],
    outputs: [{ name: "value", type: { type: "f64" }, doc: "Rate of change in percent." }],
    drive: "series",
    className: "Roc",
    ctorArgs: ["period"],
    warmup: (a) => a.period + 1,
    warmupText: "period + 1",
    doc: `Rate of change in percent, 100 * (x / x[n] - 1); 0 when x[n] is 0 (TA-Lib ROC). ${NAN_SKIPPED}`,
    example: "roc(close, 10)",
  },
  {
    name: "momentum",
    namespace: "",
    category: "technical",
    params: [X, period(10, "Look-back n.")],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "x - x[n]." }],
    drive: "series",
    className: "Momentum",
    ctorArgs: ["period"],
    warmup: (a) => a.period + 1,
    warmupText: "period + 1",
    doc: `Momentum x - x[n] (TA-Lib MOM). ${NAN_SKIPPED}`,
    example: "momentum(close, 10)",
  },
  {
    name: "highest",
    namespace: "",
    category: "technical",
    params: [X, windowParam("window", "Number of updates, or a duration.")],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "Largest value in the window." }],
    drive: "series",
    className: "RollingMax",
    timeClassName: "RollingMaxTime",
    ctorArgs: ["window"],
    warmup: (a) => a.window,
    warmupText: "window",
    doc:
      "Highest value over the window (TA-Lib MAX), kept in a monotonic deque (amortized O(1)). Same as " +
      `rolling_max. ${TIME_WINDOW_NOTE} ${NAN_SKIPPED}`,
    example: "highest(high, 20)",
  },
  {
    name: "lowest",
    namespace: "",
    category: "technical",
    params: [X, windowParam("window", "Number of updates, or a duration.")],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "Smallest value in the window." }],
    drive: "series",
    className: "RollingMin",
    timeClassName: "RollingMinTime",
    ctorArgs: ["window"],
    warmup: (a) => a.window,
    warmupText: "window",
    doc:
      "Lowest value over the window (TA-Lib MIN), kept in a monotonic deque (amortized O(1)). Same as " +
      `rolling_min. ${TIME_WINDOW_NOTE} ${NAN_SKIPPED}`,
    example: "lowest(low, 20)",
  },
  {
    name: "crossover",
    namespace: "",
    category: "technical",
    params: [A, LEVEL],
    outputs: [{ name: "value", type: { type: "bool" }, doc: "True on the update where a crosses above b." }],
    drive: "series",
    className: "Crossover",
    ctorArgs: [],
    warmup: () => 2,
    warmupText: "2",
    doc:
      "True when a > b now and a <= b on the previous update (Pine ta.crossover; TA-Lib has none). b may be a " +
      "constant level: `crossover(rsi(close, 14), 30)`. `value` is a boolean, false before ready; an update where a or b " +
      "is NaN is ignored.",
    example: "crossover(ema(mid, 10), ema(mid, 50))",
  },
  {
    name: "crossunder",
    namespace: "",
    category: "technical",
    params: [A, LEVEL],
    outputs: [{ name: "value", type: { type: "bool" }, doc: "True on the update where a crosses below b." }],
    drive: "series",
    className: "Crossunder",
    ctorArgs: [],
    warmup: () => 2,
    warmupText: "2",
    doc:
      "True when a < b now and a >= b on the previous update (Pine ta.crossunder). b may be a constant level: " +
      "`crossunder(rsi(close, 14), 70)`. `value` is a boolean, false before ready; an update where a or b is NaN is ignored.",
    example: "crossunder(mid, sma(mid, 100))",
  },
];
