import type { OperatorMeta } from "../meta.js";

/** A bar-driven accessor of one field of the instrument's current bar. */
function barField(name: string, className: string, type: "price" | "qty", what: string): OperatorMeta {
  const doc =
    `${what} of the instrument's most recent bar (drive "bar": onBar(open, high, low, close, volume, ts)). ` +
    "Bars come from the data (OHLCV records) or are built by the runtime from trades (`on bar(inst, 1m)`). " +
    "NaN before the first bar; ready after it.";
  return {
    name,
    namespace: "bar",
    category: "bar",
    params: [{ name: "inst", kind: "instrument", doc: "Instrument whose bars are read." }],
    outputs: [{ name: "value", type: { type }, doc: what.replace(/,$/, "") }],
    drive: "bar",
    className,
    ctorArgs: ["inst"],
    warmup: () => 1,
    warmupText: "1",
    doc,
    example: `bar.${name}(es)`,
  };
}

/** Accessors of the current bar's fields (namespace "bar"). */
export const BAR_OPERATORS: readonly OperatorMeta[] = [
  barField("open", "BarOpen", "price", "Opening price, in currency units,"),
  barField("high", "BarHigh", "price", "Highest price, in currency units,"),
  barField("low", "BarLow", "price", "Lowest price, in currency units,"),
  barField("close", "BarClose", "price", "Closing price, in currency units,"),
  barField("volume", "BarVolume", "qty", "Traded volume"),
];
