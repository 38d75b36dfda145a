/**
 * Shared streaming building blocks of the stdlib operators (also for other stdlib folders):
 * window sums with exact periodic recompute, monotonic-deque extremes, an order-statistic
 * quantile, a delay line and a compensated sum. All allocate only in their constructors (plus the
 * documented doubling of a duration window's ring when it outgrows its capacity, counted in
 * `growths`). Count windows: `X.ofCount(n, ...)`; duration windows: `X.ofDuration(ns, ...)`,
 * holding the samples with ts > now - ns and `full` once the samples span the duration.
 *
 * Doubles and V8 (what keeps every operator at zero allocations; measured by
 * test/stdlib/allocation.test.ts). A non-integer double is a heap object ("HeapNumber") whenever
 * V8's optimised code has to hand it over as a tagged value, so per-event code follows four rules:
 * 1. No double crosses a call V8 may not inline. V8 boxes every double argument and return value
 *    of a call it does not inline (one allocation each), and it does not inline when a caller's
 *    inlining budget is spent (generated code calls many operators from one method) or a call site
 *    is rare (a periodic recompute). So a public update method only stores its arguments in fields
 *    and calls a zero-argument `step()` — a method of at most two stores is under V8's "small
 *    function" size (27 bytecodes) and is inlined whatever the budget — and helpers take and
 *    return their doubles through fields (`recShift`, `value`, `m2`, `cxy`, ...).
 * 2. `Number.NaN`, never the global `NaN`, in per-event code: V8 11 (Node 20) compiles a global
 *    `NaN` merged with a float (`c ? xs[i] : NaN`) so that the float is boxed on every call, even
 *    when that branch never runs.
 * 3. Fields written with doubles in per-event code are declared with a number initialiser (a
 *    field first set to `undefined` becomes "tagged", and every double stored in it allocates).
 * 4. Results are fields, not getters or methods returning doubles (rule 1 again).
 */
export * from "./capacity.js";
export * from "./window-sums.js";
export * from "./window-co-sums.js";
export * from "./monotonic-deque.js";
export * from "./rolling-quantile.js";
export * from "./delay-line.js";
export * from "./compensated-sum.js";
export * from "./order-statistic-sums.js";
export * from "./zone-clock.js";
