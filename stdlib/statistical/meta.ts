import type { OperatorMeta, OperatorParam } from "../meta.js";
import { NAN_SKIPPED, TIME_WINDOW_NOTE, constParam, seriesParam, windowParam } from "../core/params.js";

const X = seriesParam("x", "The input series.");
const Y = seriesParam("y", "The second series.");
const W = windowParam("window", "Number of updates, or a duration.");
const WCOUNT = windowParam("window", "Number of updates.", { allowsTime: false, min: 2 });
const DDOF = constParam("ddof", "int", "Delta degrees of freedom: 0 population, 1 sample.", {
  default: 0,
  min: 0,
  max: 1,
});

/** A windowed single-series operator with count and time classes. */
function windowed(
  name: string,
  cls: string,
  outType: OperatorMeta["outputs"][number]["type"],
  outDoc: string,
  doc: string,
  example: string,
  extra: readonly OperatorParam[] = [],
): OperatorMeta {
  return {
    name,
    namespace: "",
    category: "statistical",
    params: [X, W, ...extra],
    outputs: [{ name: "value", type: outType, doc: outDoc }],
    drive: "series",
    className: cls,
    timeClassName: `${cls}Time`,
    ctorArgs: ["window", ...extra.map((p) => p.name)],
    warmup: (a) => a.window,
    warmupText: "window",
    doc: `${doc} ${TIME_WINDOW_NOTE} ${NAN_SKIPPED}`,
    example,
  };
}

const SAME = { sameAs: "x" } as const;
const F64 = { type: "f64" } as const;

/** Statistical operators over count or time windows. */
export const STATISTICAL_OPERATORS: readonly OperatorMeta[] = [
  windowed("sum", "Sum", SAME, "Sum of the window.", "Rolling sum (shifted running sum, recomputed exactly from the ring every 2 * window + 64 updates).", "sum(flow.signed_volume(es), 100)"),
  windowed("mean", "Sma", SAME, "Mean of the window.", "Rolling arithmetic mean; identical to sma.", "mean(mid, 5m)"),
  windowed(
    "variance",
    "Variance",
    F64,
    "Variance of the window (squared input unit, typed f64).",
    "Rolling variance sum((x - mean)^2) / (count - ddof), from shifted power sums recomputed exactly every 2 * window + 64 updates.",
    "variance(log_return(mid), 300)",
    [DDOF],
  ),
  windowed(
    "stdev",
    "Stdev",
    SAME,
    "Standard deviation of the window.",
    "Rolling standard deviation sqrt(variance(x, window, ddof)); population (ddof 0) by default, as TA-Lib STDDEV.",
    "stdev(log_return(mid), 1m)",
    [DDOF],
  ),
  windowed(
    "zscore",
    "Zscore",
    F64,
    "(x - mean) / stdev.",
    "Z-score of the newest value against the window's mean and population standard deviation; 0 when the standard deviation is 0.",
    "zscore(mid, 300)",
  ),
  windowed("rolling_min", "RollingMin", SAME, "Smallest value in the window.", "Rolling minimum (monotonic deque, amortized O(1)); same as lowest. For the smaller of two series use min(a, b).", "rolling_min(mid, 30s)"),
  windowed("rolling_max", "RollingMax", SAME, "Largest value in the window.", "Rolling maximum (monotonic deque, amortized O(1)); same as highest. For the larger of two series use max(a, b).", "rolling_max(mid, 30s)"),
  windowed("median", "Median", SAME, "Median of the window.", "Rolling median (quantile 0.5 with linear interpolation), kept in two indexed heaps: O(log n) per update.", "median(spread, 500)"),
  windowed(
    "quantile",
    "Quantile",
    SAME,
    "The q-quantile of the window.",
    "Rolling q-quantile with linear interpolation between order statistics: h = (count - 1) q, value = x(floor h) + (h - floor h)(x(floor h + 1) - x(floor h)) (numpy's default, R type 7); two indexed heaps, O(log n) per update.",
    "quantile(spread, 1000, 0.95)",
    [constParam("q", "f64", "The quantile, in [0, 1].", { default: 0.5, min: 0, max: 1 })],
  ),
  windowed("skew", "Skew", F64, "Sample skewness (biased, g1).", "Rolling skewness g1 = m3 / m2^1.5 with m_k the central moments of the window (population, biased); 0 when m2 is 0.", "skew(log_return(mid), 500)"),
  windowed("kurtosis", "Kurtosis", F64, "Excess kurtosis (biased, g2).", "Rolling excess kurtosis g2 = m4 / m2^2 - 3 (population, biased); 0 when m2 is 0.", "kurtosis(log_return(mid), 500)"),
  {
    name: "cov",
    namespace: "",
    category: "statistical",
    params: [X, Y, W, DDOF],
    outputs: [{ name: "value", type: F64, doc: "Covariance of x and y over the window." }],
    drive: "series",
    className: "Cov",
    timeClassName: "CovTime",
    ctorArgs: ["window", "ddof"],
    warmup: (a) => a.window,
    warmupText: "window",
    doc:
      "Rolling covariance sum((x - mx)(y - my)) / (count - ddof) of the pairs (x, y) updated together. " +
      `${TIME_WINDOW_NOTE} An update where x or y is NaN is ignored.`,
    example: "cov(log_return(a), log_return(b), 500)",
  },
  {
    name: "corr",
    namespace: "",
    category: "statistical",
    params: [X, Y, W],
    outputs: [{ name: "value", type: F64, doc: "Pearson correlation, -1..1." }],
    drive: "series",
    className: "Corr",
    timeClassName: "CorrTime",
    ctorArgs: ["window"],
    warmup: (a) => a.window,
    warmupText: "window",
    doc:
      "Rolling Pearson correlation cov(x, y) / (stdev(x) stdev(y)), clamped to [-1, 1]; 0 when either " +
      `series is constant over the window. ${TIME_WINDOW_NOTE} An update where x or y is NaN is ignored.`,
    example: "corr(log_return(a), log_return(b), 5m)",
  },
  {
    name: "slope",
    namespace: "",
    category: "statistical",
    params: [X, WCOUNT],
    outputs: [{ name: "value", type: SAME, doc: "Least-squares slope per update." }],
    drive: "series",
    className: "Slope",
    ctorArgs: ["window"],
    warmup: (a) => a.window,
    warmupText: "window",
    doc:
      "Rolling linear-regression slope of x against the update index 0..n-1 (TA-Lib LINEARREG_SLOPE): " +
      `(n sum(i x_i) - sum(i) sum(x_i)) / (n sum(i^2) - sum(i)^2), in x's unit per update. ${NAN_SKIPPED}`,
    example: "slope(mid, 50)",
  },
  {
    name: "autocorr",
    namespace: "",
    category: "statistical",
    params: [X, WCOUNT, constParam("lag", "int", "The lag k, in updates.", { default: 1, min: 1 })],
    outputs: [{ name: "value", type: F64, doc: "Lag-k autocorrelation, -1..1." }],
    drive: "series",
    className: "Autocorr",
    ctorArgs: ["window", "lag"],
    warmup: (a) => a.window + a.lag,
    warmupText: "window + lag",
    doc:
      "Pearson correlation of the last `window` pairs (x_t, x_{t-k}) (so it reads window + lag values); 0 when " +
      `either side is constant. ${NAN_SKIPPED}`,
    example: "autocorr(log_return(mid), 500, 1)",
  },
  {
    name: "half_life",
    namespace: "",
    category: "statistical",
    params: [X, WCOUNT],
    outputs: [{ name: "value", type: F64, doc: "Mean-reversion half-life, in updates." }],
    drive: "series",
    className: "HalfLife",
    ctorArgs: ["window"],
    warmup: (a) => a.window + 1,
    warmupText: "window + 1",
    doc:
      "AR(1) fit x_t = c + phi x_{t-1} by least squares on the last `window` pairs; half-life = -ln 2 / ln phi " +
      "updates (the Ornstein-Uhlenbeck half-life). +Infinity when phi >= 1 (no mean reversion), NaN when " +
      `phi <= 0 or x_{t-1} is constant. ${NAN_SKIPPED}`,
    example: "half_life(spread, 1000)",
  },
  {
    name: "log_return",
    namespace: "",
    category: "statistical",
    params: [X, constParam("lag", "int", "Look-back k, in updates.", { default: 1, min: 1 })],
    outputs: [{ name: "value", type: F64, doc: "ln(x / x[k])." }],
    drive: "series",
    className: "LogReturn",
    ctorArgs: ["lag"],
    warmup: (a) => a.lag + 1,
    warmupText: "lag + 1",
    doc: `Log return ln(x / x[k]) over the last k updates (x should be positive). ${NAN_SKIPPED}`,
    example: "log_return(mid)",
  },
  {
    name: "simple_return",
    namespace: "",
    category: "statistical",
    params: [X, constParam("lag", "int", "Look-back k, in updates.", { default: 1, min: 1 })],
    outputs: [{ name: "value", type: F64, doc: "x / x[k] - 1." }],
    drive: "series",
    className: "SimpleReturn",
    ctorArgs: ["lag"],
    warmup: (a) => a.lag + 1,
    warmupText: "lag + 1",
    doc: `Simple return x / x[k] - 1 over the last k updates (not in percent; see roc). ${NAN_SKIPPED}`,
    example: "simple_return(close)",
  },
  {
    name: "realized_vol",
    namespace: "",
    category: "statistical",
    params: [
      X,
      W,
      constParam("annualize", "bool", "Scale to one year.", { default: false }),
      constParam("periods_per_year", "f64", "Updates per year, for annualising a count window.", {
        default: 252,
        min: 0,
      }),
    ],
    outputs: [{ name: "value", type: F64, doc: "Realized volatility of x's log returns." }],
    drive: "series",
    className: "RealizedVol",
    timeClassName: "RealizedVolTime",
    ctorArgs: ["window", "annualize", "periods_per_year"],
    warmup: (a) => a.window + 1,
    warmupText: "window + 1",
    doc:
      "Realized volatility of a positive series x: sqrt(sum r^2) over the log returns r = ln(x_t / x_{t-1}) in " +
      "the window (no mean subtracted). Annualised: sqrt(sum r^2 * periods_per_year / count) for a count window, " +
      "sqrt(sum r^2 * year / duration) for a duration window (year = 365.25 days; periods_per_year unused). " +
      `${TIME_WINDOW_NOTE} ${NAN_SKIPPED}`,
    example: "realized_vol(mid, 5m, true)",
  },
  {
    name: "ewma_var",
    namespace: "",
    category: "statistical",
    params: [X, constParam("lambda", "f64", "Decay factor (RiskMetrics: 0.94 daily).", { default: 0.94, min: 0, max: 1 })],
    outputs: [{ name: "value", type: F64, doc: "EWMA variance of x around zero." }],
    drive: "series",
    className: "EwmaVar",
    ctorArgs: ["lambda"],
    warmup: () => 1,
    warmupText: "1",
    doc:
      "RiskMetrics EWMA variance v = lambda v + (1 - lambda) x^2, seeded with the first x^2; x is meant to be a " +
      `return series (zero mean assumed, as RiskMetrics). ${NAN_SKIPPED}`,
    example: "ewma_var(log_return(mid), 0.94)",
  },
];
