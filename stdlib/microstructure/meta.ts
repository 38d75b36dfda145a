import type { OperatorMeta, OperatorParam } from "../meta.js";

/** The instrument whose book an operator reads (passed to the class as its InstrumentInfo). */
const INST: OperatorParam = {
  name: "inst",
  kind: "instrument",
  doc: "Instrument whose order book is read.",
};

/** Levels per side to aggregate (1 = the touch only). */
function levelsParam(def: number): OperatorParam {
  return {
    name: "levels",
    kind: "const",
    accepts: ["int"],
    default: def,
    min: 1,
    max: 1000,
    doc: "Number of price levels per side, counted from the touch (1 = best level only).",
  };
}

const ONE = (): number => 1;

/** A single-output book operator with only the instrument parameter. */
function topOfBook(
  name: string,
  className: string,
  type: "price" | "qty" | "f64",
  doc: string,
): OperatorMeta {
  return {
    name,
    namespace: "book",
    category: "microstructure",
    params: [INST],
    outputs: [{ name: "value", type: { type }, doc }],
    drive: "book",
    className,
    ctorArgs: ["inst"],
    warmup: ONE,
    warmupText: "1",
    doc,
    example: `book.${name}(es)`,
  };
}

const EMPTY_NOTE =
  " Ready after the first book update; NaN while a side it needs is empty (and after that side empties).";

/** Operators that read an instrument's order book (drive "book": `update(book, ts)`). */
export const MICROSTRUCTURE_OPERATORS: readonly OperatorMeta[] = [
  topOfBook(
    "best_bid",
    "BookBestBid",
    "price",
    "Best bid price in currency units (fixed-point price × priceScale)." + EMPTY_NOTE,
  ),
  topOfBook(
    "best_ask",
    "BookBestAsk",
    "price",
    "Best ask price in currency units (fixed-point price × priceScale)." + EMPTY_NOTE,
  ),
  topOfBook(
    "bid_size",
    "BookBidSize",
    "qty",
    "Total visible quantity at the best bid; 0 when the bid side is empty. Ready after the first book update.",
  ),
  topOfBook(
    "ask_size",
    "BookAskSize",
    "qty",
    "Total visible quantity at the best ask; 0 when the ask side is empty. Ready after the first book update.",
  ),
  topOfBook(
    "mid",
    "BookMid",
    "price",
    "Mid price (bid₀ + ask₀) / 2 in currency units." + EMPTY_NOTE,
  ),
  topOfBook(
    "microprice",
    "BookMicroprice",
    "price",
    "Size-weighted mid (Stoikov's micro-price, first order): (bid₀·askSize₀ + ask₀·bidSize₀) / (bidSize₀ + askSize₀), " +
      "which leans towards the side with less quantity (the one more likely to be taken). Falls back to the mid when both touch sizes are 0." +
      EMPTY_NOTE,
  ),
  topOfBook(
    "spread",
    "BookSpread",
    "price",
    "Quoted spread ask₀ − bid₀ in currency units (negative or zero only if the feed shows a crossed or locked book)." +
      EMPTY_NOTE,
  ),
  topOfBook(
    "spread_bps",
    "BookSpreadBps",
    "f64",
    "Quoted spread relative to the mid, in basis points: 10⁴ · (ask₀ − bid₀) / mid." + EMPTY_NOTE,
  ),
  {
    name: "imbalance",
    namespace: "book",
    category: "microstructure",
    params: [INST, levelsParam(1)],
    outputs: [{ name: "value", type: { type: "f64" }, doc: "Imbalance in [−1, 1]." }],
    drive: "book",
    className: "BookImbalance",
    ctorArgs: ["inst", "levels"],
    warmup: ONE,
    warmupText: "1",
    doc:
      "Order-book imbalance over the best n levels of each side: (B − A) / (B + A), where B and A are the " +
      "total visible quantities of the best `levels` bid and ask levels (fewer when a side has fewer levels). " +
      "In [−1, 1]; +1 means all the quantity is on the bid. NaN when both sides are empty (B + A = 0); " +
      "−1 or +1 when exactly one side is empty. Ready after the first book update.",
    example: "book.imbalance(es, levels: 3)",
  },
  {
    name: "pressure",
    namespace: "book",
    category: "microstructure",
    params: [INST, levelsParam(5)],
    outputs: [{ name: "value", type: { type: "f64" }, doc: "Depth-weighted pressure in [−1, 1]." }],
    drive: "book",
    className: "BookPressure",
    ctorArgs: ["inst", "levels"],
    warmup: ONE,
    warmupText: "1",
    doc:
      "Depth-weighted book pressure: Σᵢ wᵢ(bᵢ − aᵢ) / Σᵢ wᵢ(bᵢ + aᵢ) over levels i = 0 … levels−1 from the touch, " +
      "with harmonic weights wᵢ = 1/(i+1), so the touch counts fully, the second level half, the third a third, " +
      "and so on; bᵢ, aᵢ are the visible quantities at level i (0 past a side's last level). In [−1, 1]; " +
      "positive means more weighted quantity on the bid. With levels = 1 it equals book.imbalance(inst, levels: 1). " +
      "NaN when both sides are empty. Ready after the first book update.",
    example: "book.pressure(es, levels: 5)",
  },
  {
    name: "depth",
    namespace: "book",
    category: "microstructure",
    params: [
      INST,
      levelsParam(5),
      {
        name: "side",
        kind: "const",
        accepts: ["side"],
        default: 0,
        doc: "buy (bid side only), sell (ask side only), or omitted for both sides together.",
      },
    ],
    outputs: [{ name: "value", type: { type: "qty" }, doc: "Visible quantity." }],
    drive: "book",
    className: "BookDepth",
    ctorArgs: ["inst", "levels", "side"],
    warmup: ONE,
    warmupText: "1",
    doc:
      "Total visible quantity resting in the best `levels` price levels of one side (side: buy = bid, " +
      "sell = ask) or of both sides (side omitted, passed as 0). 0 for an empty side. Ready after the first book update.",
    example: "book.depth(es, levels: 5, side: buy)",
  },
  {
    name: "mid_change_rate",
    namespace: "book",
    category: "microstructure",
    params: [
      INST,
      {
        name: "window",
        kind: "window",
        default: 100,
        min: 1,
        doc: "A duration (the usual choice, e.g. 5s) or a count of book updates (default 100).",
      },
    ],
    outputs: [{ name: "value", type: { type: "f64" }, doc: "Mid-price changes per second." }],
    drive: "book",
    className: "BookMidChangeRate",
    timeClassName: "BookMidChangeRateTime",
    ctorArgs: ["inst", "window"],
    warmup: (a) => (a.window ?? 100) + 1,
    warmupText: "window + 1",
    doc:
      "How often the mid price moves: the number of book updates in the window whose mid differs from the " +
      "previous finite mid, divided by the window's length in seconds. Time window T: changes with ts in " +
      "(now − T, now] divided by T seconds; ready once T has elapsed since the first update. Count window n: " +
      "changes among the last n updates divided by the time between the update n before the current one and " +
      "the current one (NaN when that span is 0). Updates with an empty side (NaN mid) are not changes. " +
      "The default window is 100 updates; time windows keep their updates in a ring buffer that starts at 1024 entries " +
      "and doubles when a window holds more (allocation only when the high-water mark rises).",
    example: "book.mid_change_rate(es, 5s)",
  },
  {
    name: "ofi",
    namespace: "flow",
    category: "microstructure",
    params: [
      INST,
      {
        name: "window",
        kind: "window",
        default: 1,
        min: 1,
        doc: "Count of book updates (default 1: the last event's contribution) or a duration.",
      },
    ],
    outputs: [{ name: "value", type: { type: "qty" }, doc: "Signed order-flow imbalance (quantity)." }],
    drive: "book",
    className: "OrderFlowImbalance",
    timeClassName: "OrderFlowImbalanceTime",
    ctorArgs: ["inst", "window"],
    warmup: (a) => (a.window ?? 1) + 1,
    warmupText: "window + 1",
    doc:
      "Order-flow imbalance of Cont, Kukanov and Stoikov (2014), from successive best bid/ask prices P and sizes q: " +
      "eₙ = 1{Pᵇₙ ≥ Pᵇₙ₋₁}·qᵇₙ − 1{Pᵇₙ ≤ Pᵇₙ₋₁}·qᵇₙ₋₁ − 1{Pᵃₙ ≤ Pᵃₙ₋₁}·qᵃₙ + 1{Pᵃₙ ≥ Pᵃₙ₋₁}·qᵃₙ₋₁, " +
      "one term per book update (an update that leaves the touch unchanged contributes 0). The value is Σ eₙ over " +
      "the window: with the default window 1 it is the last update's eₙ; with a count n the sum over the last n " +
      "updates; with a duration T the sum over updates with ts in (now − T, now]. Updates where either side is " +
      "empty contribute 0 and the next update is compared against the last two-sided state. Positive values mean " +
      "buying pressure. Time windows use a ring buffer that starts at 1024 entries and doubles when needed.",
    example: "flow.ofi(es, 1s)",
  },
  {
    name: "queue_position",
    namespace: "book",
    category: "microstructure",
    params: [
      INST,
      {
        name: "side",
        kind: "const",
        accepts: ["side"],
        default: 1,
        doc: "Side of our resting order: buy (bid, default) or sell (ask).",
      },
    ],
    outputs: [
      {
        name: "value",
        type: { type: "qty" },
        doc: "Quantity ahead of our resting order at its price level.",
      },
    ],
    drive: "book",
    className: "BookQueuePosition",
    ctorArgs: ["inst", "side"],
    warmup: ONE,
    warmupText: "1",
    doc:
      "Queue position of our own resting order on one side: the visible quantity ahead of it at its price " +
      "level, as estimated by the execution simulator's queue model. NaN when we have no resting order on that " +
      "side. The class reads an OwnOrderQueue (stdlib/microstructure/own-order-queue.ts): the engine passes " +
      "it as one extra constructor argument after `ctorArgs` (or calls attachQueue); without one the value stays NaN.",
    example: "book.queue_position(es, side: buy)",
  },
];
