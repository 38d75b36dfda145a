/**
 * The pre-trade risk manager: checks every order the strategy sends against the `risk` limits,
 * with the strategy's own view of its position and open orders (what a client-side risk gate
 * knows), and counts refusals per reason. PER-EVENT CODE: `checkOrder` runs per order; it
 * allocates nothing (the order-rate window is a ring of send times in a Float64Array).
 *
 * Definitions (same as DESIGN.md "Static risk checks"):
 * - max_order_qty: qty ≤ limit.
 * - max_position: for a buy, position + open buy qty + qty ≤ limit; for a sell, position − open
 *   sell qty − qty ≥ −limit (worst case: every resting order on that side fills). An order that
 *   REPLACES another (a quote side, a modify) does not count the replaced order's remaining qty.
 * - max_open_orders: open orders (all instruments, including ones in flight) + 1 ≤ limit for a
 *   new order (a replacement does not add one).
 * - max_order_rate: at most `count` new orders / modifies in any window of `windowNs` ending now.
 * - price_band: buy limit ≤ best ask + band ticks; sell limit ≥ best bid − band ticks (skipped when
 *   that side of the book is empty: there is no reference price).
 * Risk-reducing messages (cancels, flatten children) never come here: they are never blocked.
 */
import { Side } from "../events.js";
import { RefusalReason } from "../engine/strategy.js";
import type { RiskLimits } from "./limits.js";

/** What the manager reads about the strategy's state (its view: delivered fills, open orders). */
export interface RiskState {
  position(inst: number): number;
  /** Remaining qty of open orders on a side (strategy view, in-flight included). */
  openQty(inst: number, side: Side): number;
  /** Open orders, all instruments. */
  openOrderCount(): number;
}

/**
 * One order to check, as a reused record (the engine fills one per run): per-order callers pass it
 * instead of eleven arguments, five of them doubles that V8 would box when the call is not inlined.
 */
export class RiskRequest {
  inst = 0;
  side: Side = Side.Bid;
  qty = 0;
  /** Limit price (fixed point), NaN for market orders. */
  price = Number.NaN;
  /** Remaining qty of the order this one replaces (0 for a new order). */
  replacedQty = 0;
  /** False for a replacement (quote side, modify). */
  isNew = true;
  /** Strategy time (ns). */
  now = Number.NaN;
  bestBid = Number.NaN;
  bestAsk = Number.NaN;
  tick = Number.NaN;
}

/** Pre-trade checks with refusal counters. */
export class RiskManager {
  private readonly maxPosition: number;
  private readonly maxOrderQty: number;
  private readonly maxOpenOrders: number;
  private readonly rateCount: number;
  private readonly rateWindow: number;
  /** Band in ticks (NaN = none). */
  readonly priceBandTicks: number;
  /** Kill-switch threshold in currency (NaN = none). */
  readonly maxLoss: number;
  private readonly sendTimes: Float64Array;
  private sendHead = 0;
  private sendN = 0;
  /** Refusals per RefusalReason. */
  readonly refusals = new Float64Array(16);
  /** True once the kill switch fired or the run ended: every new order is refused. */
  halted = false;

  constructor(readonly limits: RiskLimits) {
    const num = (x: number | undefined, name: string): number => {
      if (x === undefined) return Number.NaN;
      if (!Number.isFinite(x) || x < 0) throw new RangeError(`risk limit ${name} must be a finite number >= 0, got ${x}`);
      return x;
    };
    this.maxPosition = num(limits.maxPosition, "max_position");
    this.maxOrderQty = num(limits.maxOrderQty, "max_order_qty");
    this.maxOpenOrders = num(limits.maxOpenOrders, "max_open_orders");
    this.priceBandTicks = num(limits.priceBandTicks, "price_band");
    this.maxLoss = num(limits.maxLoss, "max_loss");
    if (limits.maxOrderRate) {
      const { count, windowNs } = limits.maxOrderRate;
      if (!Number.isInteger(count) || count < 1) throw new RangeError(`max_order_rate count must be an integer >= 1, got ${count}`);
      if (!(windowNs > 0)) throw new RangeError(`max_order_rate window must be > 0 ns, got ${windowNs}`);
      this.rateCount = count;
      this.rateWindow = windowNs;
    } else {
      this.rateCount = 0;
      this.rateWindow = 0;
    }
    this.sendTimes = new Float64Array(Math.max(1, this.rateCount));
  }

  /**
   * Checks one order; returns RefusalReason.None when it may go. `price` NaN for market orders;
   * `replacedQty` the remaining qty of the order this one replaces (0 for a new order), `isNew`
   * false for a replacement. `bestBid`/`bestAsk`/`tick` from the book (fixed point).
   * An accepted order is counted in the rate window; a refusal is counted per reason.
   */
  checkOrder(
    state: RiskState,
    inst: number,
    side: Side,
    qty: number,
    price: number,
    replacedQty: number,
    isNew: boolean,
    now: number,
    bestBid: number,
    bestAsk: number,
    tick: number,
  ): RefusalReason {
    const rq = this.scratch;
    rq.inst = inst;
    rq.side = side;
    rq.qty = qty;
    rq.price = price;
    rq.replacedQty = replacedQty;
    rq.isNew = isNew;
    rq.now = now;
    rq.bestBid = bestBid;
    rq.bestAsk = bestAsk;
    rq.tick = tick;
    return this.check(state, rq);
  }

  private readonly scratch = new RiskRequest();

  /** checkOrder from a request record (the per-order form: nothing is boxed). */
  check(state: RiskState, rq: RiskRequest): RefusalReason {
    const r = this.evaluate(state, rq);
    if (r !== RefusalReason.None) {
      this.refusals[r]++;
      return r;
    }
    const now = rq.now;
    if (this.rateCount > 0) {
      const cap = this.sendTimes.length;
      if (this.sendN < cap) {
        this.sendTimes[(this.sendHead + this.sendN) % cap] = now;
        this.sendN++;
      } else {
        this.sendTimes[this.sendHead] = now;
        this.sendHead = (this.sendHead + 1) % cap;
      }
    }
    return RefusalReason.None;
  }

  /** Counts a refusal decided elsewhere (exchange rejects, halts) in the same table. */
  countRefusal(reason: RefusalReason): void {
    this.refusals[reason]++;
  }

  private evaluate(state: RiskState, rq: RiskRequest): RefusalReason {
    const inst = rq.inst;
    const side = rq.side;
    const qty = rq.qty;
    const price = rq.price;
    const replacedQty = rq.replacedQty;
    if (this.halted) return RefusalReason.Halted;
    if (qty > this.maxOrderQty) return RefusalReason.MaxOrderQty;
    const mp = this.maxPosition;
    if (mp === mp) {
      const pos = state.position(inst);
      if (side === Side.Bid) {
        if (pos + state.openQty(inst, Side.Bid) - replacedQty + qty > mp) return RefusalReason.MaxPosition;
      } else if (pos - state.openQty(inst, Side.Ask) + replacedQty - qty < -mp) {
        return RefusalReason.MaxPosition;
      }
    }
    if (rq.isNew && state.openOrderCount() + 1 > this.maxOpenOrders) return RefusalReason.MaxOpenOrders;
    const band = this.priceBandTicks;
    if (band === band && price === price) {
      const bestBid = rq.bestBid;
      const bestAsk = rq.bestAsk;
      const tick = rq.tick;
      if (side === Side.Bid) {
        if (bestAsk === bestAsk && price > bestAsk + band * tick) return RefusalReason.PriceBand;
      } else if (bestBid === bestBid && price < bestBid - band * tick) {
        return RefusalReason.PriceBand;
      }
    }
    if (this.rateCount > 0 && this.sendN === this.rateCount) {
      // The oldest of the last `count` sends must have left the window (now - windowNs, now].
      if (rq.now - this.sendTimes[this.sendHead] < this.rateWindow) return RefusalReason.MaxOrderRate;
    }
    return RefusalReason.None;
  }
}
