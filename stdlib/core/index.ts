/**
 * Shared streaming building blocks of the stdlib operators (also for other stdlib folders):
 * window sums with exact periodic recompute, monotonic-deque extremes, an order-statistic
 * quantile, a delay line and a compensated sum. All allocate only in their constructors (plus the
 * documented doubling of a duration window's ring when it outgrows its capacity, counted in
 * `growths`). Count windows: `X.ofCount(n, ...)`; duration windows: `X.ofDuration(ns, ...)`,
 * holding the samples with ts > now - ns and `full` once the samples span the duration.
 */
export * from "./capacity.js";
export * from "./window-sums.js";
export * from "./window-co-sums.js";
export * from "./monotonic-deque.js";
export * from "./rolling-quantile.js";
export * from "./delay-line.js";
export * from "./compensated-sum.js";
