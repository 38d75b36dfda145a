/**
 * The read-only face of an order book that features, the execution simulator and strategies see.
 * Implemented by the L3 (market-by-order) and L2 (market-by-price) books. PER-EVENT CODE: every
 * method is O(1) or O(depth) and allocates nothing.
 *
 * Levels are indexed from 0 (the touch) outward. Prices are fixed-point integers in the
 * instrument's scale (see runtime/events.ts); an empty side answers NaN for prices and 0 for sizes.
 */
import type { Side } from "../events.js";

export interface BookView {
  /** Dense instrument index this book belongs to. */
  readonly instrument: number;
  /** Best bid price, NaN when the bid side is empty. */
  bestBid(): number;
  /** Best ask price, NaN when the ask side is empty. */
  bestAsk(): number;
  /** Number of non-empty price levels on a side. */
  levels(side: Side): number;
  /** Price of level i (0 = touch) on a side, NaN past the last level. */
  levelPrice(side: Side, i: number): number;
  /** Total visible size at level i on a side, 0 past the last level. */
  levelSize(side: Side, i: number): number;
  /** Number of orders at level i on a side (0 when the source does not say). */
  levelCount(side: Side, i: number): number;
  /** Total visible size resting at an exact price on a side (0 when none). */
  sizeAtPrice(side: Side, price: number): number;
  /** Event time (ns since the time base) of the last change applied. */
  lastUpdateTs(): number;
}
