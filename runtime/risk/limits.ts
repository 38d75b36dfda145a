/**
 * The run-time form of a strategy's `risk { ... }` block (DESIGN.md "Static risk checks"). Every
 * limit is optional: NaN (or a missing key) means "no limit".
 */

/** Risk limits in run-time units (quantities in lots, prices in ticks, money in currency). */
export interface RiskLimits {
  /** |worst-case position| in lots per instrument: position + resting same-side + the new order. */
  maxPosition?: number;
  /** Largest quantity of one order. */
  maxOrderQty?: number;
  /** Open orders at once (all instruments). */
  maxOpenOrders?: number;
  /** At most `count` new orders or modifies per `windowNs` of strategy time. */
  maxOrderRate?: { count: number; windowNs: number };
  /** Kill switch: when net P&L ≤ −maxLoss (currency), cancel all, flatten, halt. */
  maxLoss?: number;
  /** Fat-finger band in ticks: buy limit ≤ best ask + band, sell limit ≥ best bid − band. */
  priceBandTicks?: number;
}

/** Human description of the limits for reports ("max_position 10, max_order_qty 5, ..."). */
export function describeLimits(l: RiskLimits): string {
  const xs: string[] = [];
  if (l.maxPosition !== undefined) xs.push(`max_position ${l.maxPosition}`);
  if (l.maxOrderQty !== undefined) xs.push(`max_order_qty ${l.maxOrderQty}`);
  if (l.maxOpenOrders !== undefined) xs.push(`max_open_orders ${l.maxOpenOrders}`);
  if (l.maxOrderRate !== undefined) xs.push(`max_order_rate ${l.maxOrderRate.count} per ${exactDuration(l.maxOrderRate.windowNs)}`);
  if (l.maxLoss !== undefined) xs.push(`max_loss ${l.maxLoss}`);
  if (l.priceBandTicks !== undefined) xs.push(`price_band ${l.priceBandTicks} ticks`);
  return xs.length === 0 ? "none" : xs.join(", ");
}

const UNITS: ReadonlyArray<[string, number]> = [
  ["d", 86_400e9],
  ["h", 3_600e9],
  ["m", 60e9],
  ["s", 1e9],
  ["ms", 1e6],
  ["us", 1e3],
];

/** A duration in ns in the language's syntax, exactly, in the largest unit that divides it: "1s", "250ms", "90s". */
export function exactDuration(ns: number): string {
  if (!Number.isFinite(ns) || ns <= 0 || !Number.isInteger(ns)) return `${ns}ns`;
  for (const [unit, size] of UNITS) if (ns % size === 0) return `${ns / size}${unit}`;
  return `${ns}ns`;
}
