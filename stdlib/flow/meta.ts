import type { OperatorMeta, OperatorParam } from "../meta.js";

/** The instrument whose trades an operator reads (passed to the class as its InstrumentInfo). */
const INST: OperatorParam = {
  name: "inst",
  kind: "instrument",
  doc: "Instrument whose trades are read.",
};

const ONE = (): number => 1;

const RING_NOTE =
  " Time windows keep their trades in a ring buffer that starts at 1024 entries and doubles when a window " +
  "holds more (allocation only when the high-water mark rises, never in steady state).";

/** Trade-driven operators with only the instrument parameter. */
function simple(
  name: string,
  className: string,
  type: "price" | "qty",
  doc: string,
  warmupText = "1",
): OperatorMeta {
  return {
    name,
    namespace: "flow",
    category: "flow",
    params: [INST],
    outputs: [{ name: "value", type: { type }, doc }],
    drive: "trade",
    className,
    ctorArgs: ["inst"],
    warmup: ONE,
    warmupText,
    doc,
    example: `flow.${name}(es)`,
  };
}

/** Operators that read an instrument's trades (drive "trade": `onTrade(price, size, aggressor, ts)`). */
export const FLOW_OPERATORS: readonly OperatorMeta[] = [
  simple("last_price", "FlowLastPrice", "price", "Price of the last trade, in currency units. NaN before the first trade."),
  simple("last_size", "FlowLastSize", "qty", "Size of the last trade. NaN before the first trade."),
  {
    name: "vwap",
    namespace: "flow",
    category: "flow",
    params: [
      INST,
      {
        name: "window",
        kind: "window",
        default: 0,
        min: 0,
        doc: "Omitted (0): session VWAP since the start of the run; a count of trades or a duration: rolling.",
      },
    ],
    outputs: [{ name: "value", type: { type: "price" }, doc: "Volume-weighted average trade price." }],
    drive: "trade",
    className: "FlowVwap",
    timeClassName: "FlowVwapTime",
    ctorArgs: ["inst", "window"],
    warmup: (a) => Math.max(1, a.window ?? 0),
    warmupText: "max(1, window)",
    doc:
      "Volume-weighted average price Σ pᵢ·qᵢ / Σ qᵢ over trades. window 0 (the default): the session VWAP over " +
      "every trade since the start of the run (or the operator's reset(); nothing resets it at a trading-session " +
      "boundary: for a daily VWAP run one session per run, or use a duration window); " +
      "ready after the first trade. Count window n: the last n trades, ready after n. Duration T: trades with ts " +
      "in (now − T, now], ready once T has elapsed since the first trade. Sums are compensated (Neumaier: the " +
      "rounding error of every addition and removal is carried), so long runs do not drift. NaN while the windowed " +
      "volume is 0." +
      RING_NOTE,
    example: "flow.vwap(es, 5m)",
  },
  {
    name: "cvd",
    namespace: "flow",
    category: "flow",
    params: [INST],
    outputs: [{ name: "value", type: { type: "qty" }, doc: "Cumulative signed volume." }],
    drive: "trade",
    className: "FlowCvd",
    ctorArgs: ["inst"],
    warmup: ONE,
    warmupText: "1",
    doc:
      "Cumulative volume delta: Σ aggressorᵢ · sizeᵢ over every trade since the start of the run (or reset()), " +
      "where the aggressor is +1 for buyer-initiated, −1 for seller-initiated and 0 when unknown (such trades " +
      "add nothing). 0 before the first trade; ready after it.",
    example: "flow.cvd(es)",
  },
  {
    name: "signed_volume",
    namespace: "flow",
    category: "flow",
    params: [
      INST,
      {
        name: "window",
        kind: "window",
        default: 1,
        min: 1,
        doc: "Count of trades (default 1: the last trade) or a duration.",
      },
    ],
    outputs: [{ name: "value", type: { type: "qty" }, doc: "Signed volume." }],
    drive: "trade",
    className: "FlowSignedVolume",
    timeClassName: "FlowSignedVolumeTime",
    ctorArgs: ["inst", "window"],
    warmup: (a) => a.window ?? 1,
    warmupText: "window",
    doc:
      "Signed volume Σ aggressorᵢ · sizeᵢ over a window of trades (aggressor +1 buy, −1 sell, 0 unknown). With " +
      "the default window 1 it is the last trade's signed size. Count window n: ready after n trades; duration T: " +
      "trades with ts in (now − T, now], ready once T has elapsed since the first trade. Integer sums, exact." +
      RING_NOTE,
    example: "flow.signed_volume(es, 1s)",
  },
  {
    name: "intensity",
    namespace: "flow",
    category: "flow",
    params: [
      INST,
      {
        name: "window",
        kind: "window",
        default: 100,
        min: 2,
        doc: "A duration (the usual choice, e.g. 10s) or a count of trades (at least 2; default 100).",
      },
    ],
    outputs: [{ name: "value", type: { type: "f64" }, doc: "Trades per second." }],
    drive: "trade",
    className: "FlowIntensity",
    timeClassName: "FlowIntensityTime",
    ctorArgs: ["inst", "window"],
    warmup: (a) => a.window ?? 100,
    warmupText: "window",
    doc:
      "Trade arrival rate in trades per second. Duration T: the number of trades with ts in " +
      "(now − T, now] divided by T seconds, ready once T has elapsed since the first trade. Count n (default 100): (n − 1) " +
      "divided by the seconds between the oldest and newest of the last n trades (NaN when they share a " +
      "timestamp), ready after n trades." +
      RING_NOTE,
    example: "flow.intensity(es, 10s)",
  },
  {
    name: "block",
    namespace: "flow",
    category: "flow",
    params: [
      INST,
      {
        name: "window",
        kind: "window",
        default: 1000,
        min: 1,
        doc: "Count of previous trades (default 1000) or a duration over which the size quantile is taken.",
      },
      {
        name: "quantile",
        kind: "const",
        accepts: ["f64"],
        default: 0.99,
        min: 0,
        max: 1,
        doc: "Quantile of the window's trade sizes that a block must exceed (default 0.99).",
      },
    ],
    outputs: [
      { name: "hit", type: { type: "bool" }, doc: "True when the last trade's size exceeds the threshold." },
      { name: "threshold", type: { type: "qty" }, doc: "The rolling size quantile the last trade was compared with." },
    ],
    drive: "trade",
    className: "FlowBlock",
    timeClassName: "FlowBlockTime",
    ctorArgs: ["inst", "window", "quantile"],
    warmup: (a) => (a.window ?? 1000) + 1,
    warmupText: "window + 1",
    doc:
      "Large-trade (block) detection: `hit` is true when the last trade's size is strictly above `threshold`, " +
      "the `quantile` of the sizes of the trades BEFORE it in the window (the last n trades, or those with ts " +
      "in (now − T, now)), so a block never raises its own bar. Quantiles interpolate linearly between order " +
      "statistics (numpy's default, Hyndman–Fan type 7): with sorted sizes s₀ ≤ … ≤ s_{m−1}, h = q·(m−1), " +
      "threshold = s_⌊h⌋ + (h − ⌊h⌋)(s_⌈h⌉ − s_⌊h⌋). Integer sizes below 16384 are counted in a Fenwick tree " +
      "(O(log) per trade); larger or fractional sizes are kept sorted apart (binary search plus a block move, " +
      "cheap while they are rare). Before ready, hit is false and threshold NaN." +
      RING_NOTE,
    example: "flow.block(es, 500, quantile: 0.995).hit",
  },
  {
    name: "volume_profile",
    namespace: "flow",
    category: "flow",
    params: [
      INST,
      {
        name: "window",
        kind: "window",
        default: 0,
        min: 0,
        doc: "Omitted (0): every trade of the session; a count of trades or a duration: rolling.",
      },
      {
        name: "max_levels",
        kind: "const",
        accepts: ["int"],
        default: 4096,
        min: 16,
        max: 1_048_576,
        doc: "Size of the fixed price-level table, in ticks (default 4096).",
      },
      {
        name: "value_area",
        kind: "const",
        accepts: ["f64"],
        default: 0.7,
        min: 0,
        max: 1,
        doc: "Share of the window's volume the value area holds (default 0.70).",
      },
    ],
    outputs: [
      { name: "poc", type: { type: "price" }, doc: "Point of control: the price level with the most volume." },
      { name: "poc_volume", type: { type: "qty" }, doc: "Volume traded at the point of control." },
      { name: "value_area_high", type: { type: "price" }, doc: "Upper edge of the value area." },
      { name: "value_area_low", type: { type: "price" }, doc: "Lower edge of the value area." },
    ],
    drive: "trade",
    className: "FlowVolumeProfile",
    timeClassName: "FlowVolumeProfileTime",
    ctorArgs: ["inst", "window", "max_levels", "value_area"],
    warmup: (a) => Math.max(1, a.window ?? 0),
    warmupText: "max(1, window)",
    doc:
      "Volume by price level over a window (window 0: every trade since the start of the run). Trade prices are bucketed to the " +
      "instrument's tick (tickSize × priceScale; 0.01 when the tick is unknown) in a fixed table of `max_levels` " +
      "consecutive ticks. poc is the level with the most volume (ties: the lower price); poc_volume its volume. " +
      "The value area starts at the poc and repeatedly adds the neighbouring occupied level (above or below) with more " +
      "volume (ties: above) until it holds at least `value_area` of the window's volume; value_area_high/low " +
      "are its edges. Overflow: when a trade's level falls outside the table, the table moves to hold it and " +
      "every occupied level if they span at most max_levels ticks; otherwise it centres on the new trade and " +
      "drops the levels that fall off (their trades no longer count, in the outputs or the total; size " +
      "max_levels to your instrument's range). All NaN before the first trade or while the window is empty." +
      RING_NOTE,
    example: "flow.volume_profile(es, 30m).poc",
  },
];
