import type { OperatorMeta } from "../meta.js";
import { NAN_SKIPPED, constParam, seriesParam } from "../core/params.js";

const X = seriesParam("x", "The input series.");
const PROPAGATES = "Stateless: computed on every update; a NaN input gives NaN.";

/** A stateless operator of series arguments, ready after its first update. */
function pointwise(
  name: string,
  cls: string,
  params: OperatorMeta["params"],
  out: OperatorMeta["outputs"][number],
  doc: string,
  example: string,
): OperatorMeta {
  return {
    name,
    namespace: "",
    category: "utility",
    params,
    outputs: [out],
    drive: "series",
    className: cls,
    ctorArgs: [],
    warmup: () => 1,
    warmupText: "1",
    doc,
    example,
  };
}

/** Utilities: lags, differences, clamps, clocks. */
export const UTILITY_OPERATORS: readonly OperatorMeta[] = [
  {
    name: "lag",
    namespace: "",
    category: "utility",
    params: [X, constParam("k", "int", "Delay in updates.", { default: 1, min: 1 })],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "x as it was k updates ago." }],
    drive: "series",
    className: "Lag",
    ctorArgs: ["k"],
    warmup: (a) => a.k + 1,
    warmupText: "k + 1",
    doc: `Delay: the value of x k updates ago (the same as x[k] in the language). ${NAN_SKIPPED}`,
    example: "lag(mid, 5)",
  },
  {
    name: "diff",
    namespace: "",
    category: "utility",
    params: [X, constParam("k", "int", "Distance in updates.", { default: 1, min: 1 })],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "x - x[k]." }],
    drive: "series",
    className: "Diff",
    ctorArgs: ["k"],
    warmup: (a) => a.k + 1,
    warmupText: "k + 1",
    doc: `Difference x - x[k] between the newest value and the one k updates before. ${NAN_SKIPPED}`,
    example: "diff(mid)",
  },
  pointwise(
    "clamp",
    "Clamp",
    [X, seriesParam("lo", "Lower bound (same unit as x)."), seriesParam("hi", "Upper bound (same unit as x).")],
    { name: "value", type: { sameAs: "x" }, doc: "min(max(x, lo), hi)." },
    `Clamp x into [lo, hi]: min(max(x, lo), hi) (when lo > hi the result is hi). ${PROPAGATES}`,
    "clamp(imb, -0.5, 0.5)",
  ),
  pointwise(
    "sign",
    "Sign",
    [X],
    { name: "value", type: { type: "f64" }, doc: "-1, 0 or 1." },
    `Sign of x: -1, 0 or 1. ${PROPAGATES}`,
    "sign(diff(mid))",
  ),
  pointwise(
    "abs",
    "Abs",
    [X],
    { name: "value", type: { sameAs: "x" }, doc: "|x|." },
    `Absolute value |x|. ${PROPAGATES}`,
    "abs(imb)",
  ),
  pointwise(
    "min",
    "Min2",
    [seriesParam("a", "First series."), seriesParam("b", "Second series (same unit as a).")],
    { name: "value", type: { sameAs: "a" }, doc: "The smaller of a and b." },
    `The smaller of two series at each update (for the minimum over a window use rolling_min or lowest). ${PROPAGATES}`,
    "min(book.best_bid(es), vwap)",
  ),
  pointwise(
    "max",
    "Max2",
    [seriesParam("a", "First series."), seriesParam("b", "Second series (same unit as a).")],
    { name: "value", type: { sameAs: "a" }, doc: "The larger of a and b." },
    `The larger of two series at each update (for the maximum over a window use rolling_max or highest). ${PROPAGATES}`,
    "max(spread, 0.25)",
  ),
  pointwise(
    "iff",
    "Iff",
    [
      seriesParam("cond", "The condition.", ["bool"]),
      seriesParam("then", "Value when cond is true."),
      seriesParam("otherwise", "Value when cond is false (same unit as then)."),
    ],
    { name: "value", type: { sameAs: "then" }, doc: "then if cond else otherwise." },
    "If-then-else series: `then` when cond is true, `otherwise` when false; both branches are evaluated " +
      "(they are series). Stateless; a NaN in the chosen branch gives NaN.",
    "iff(imb > 0, book.best_bid(es), book.best_ask(es))",
  ),
  {
    name: "time_of_day",
    namespace: "",
    category: "utility",
    params: [
      constParam("utc_offset", "duration", "Added to UTC before taking the time of day (e.g. -5h for New York winter).", {
        default: 0,
      }),
    ],
    outputs: [{ name: "value", type: { type: "duration" }, doc: "Time since midnight, ns, in [0, 24h)." }],
    drive: "series",
    className: "TimeOfDay",
    ctorArgs: ["utc_offset"],
    warmup: () => 1,
    warmupText: "1",
    doc:
      "Wall-clock time of day of the event, ns since local midnight in [0, 24h), comparable with duration " +
      "literals (`time_of_day(-6h) >= 510m`), computed from the absolute time (the run's time base + ts) " +
      "with bigints, never from a double holding epoch nanoseconds. With utc_offset the offset is fixed " +
      "(no DST). The class also takes an IANA time zone (`new TimeOfDay(0, \"America/Chicago\", timeBase)`): " +
      "then the offset follows the zone's rules across DST transitions, looked up with Intl only at the " +
      "start and at each transition, so updates stay allocation-free. Driven by `update(ts)`; constructor " +
      "(utcOffsetNs, timeZone, timeBase), the time base as ns since the Unix epoch (bigint); a strategy " +
      "attaches the run's time base at start with `attachTimeBase(ctx.timeBase)`. Compound durations " +
      "(`14h30m`) are not literals: write `870m`. In compiled programs every handler reads the clock " +
      "first; an operator fed by the clock alone (`sma(time_of_day() / 1s, 20)`) takes a sample on every " +
      "event that updates features (with no other feature in the program: every book and trade event), " +
      "and one that also reads another series samples on that series' events.",
    example: "time_of_day(-5h)",
  },
  {
    name: "sample",
    namespace: "",
    category: "utility",
    params: [X, constParam("every", "duration", "Clock period.", { min: 1 })],
    outputs: [{ name: "value", type: { sameAs: "x" }, doc: "x as of the latest clock tick." }],
    drive: "clock",
    className: "Sample",
    ctorArgs: ["every"],
    warmup: () => 0,
    warmupText: "0 (ready at the first tick after a value)",
    doc:
      "Samples x on a clock: ticks at every multiple of `every` (ns since the time base); the value is the " +
      "last x with ts <= the latest tick (as-of, never looking ahead) and changes only when an update crosses " +
      "a tick (`ticked` is true on that update). Ready at the first tick preceded by a value. " +
      NAN_SKIPPED,
    example: "sample(mid, every: 1s)",
  },
];
