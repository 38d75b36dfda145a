/** A book answering sizeAtPrice with the price in reg[0] (L2Book, L3Book): no double argument. */
export interface SizeAtPriceIn {
  sizeAtPriceIn(side: Side, reg: Float64Array): number;
}

/**
 * The execution simulator: our orders against the reconstructed book. PER-EVENT CODE: every method
 * here runs per market event or per order message; nothing may allocate in steady state (orders
 * come from the pool, in-flight messages live in typed arrays + a TimeHeap, per-instrument lists are
 * Int32Arrays; no closures, Maps, iterators or strings).
 *
 * Our orders are VIRTUAL: the data's book never contains them; the simulator keeps, for each resting
 * order, the quantity of strangers' orders queued AHEAD of it (`SimOrder.ahead`) and decides fills
 * from the data's executions and trade prints. No market impact: the data's strangers behave as
 * recorded. Our orders never match each other (no self-trade).
 *
 * Arrival (order-entry latency): a message reaches the exchange at send time + latency, kept in a
 * time-ordered in-flight heap; before each market event at exchange time T, every message with
 * arrival ≤ T is processed against the book as it is then.
 *
 * Marketable orders (market, marketable limits, triggered stops) walk the opposite side from the
 * touch: at each level they take min(remaining, visible − consumed) — one fill per level, at the
 * level's price (slippage = the walk). Market remainders and IOC remainders are cancelled; FOK is
 * refused unless the whole quantity is available within the limit; a post-only order that would
 * take liquidity is refused.
 *
 * Consumed liquidity: what our marketable orders took at (instrument, side, price) is remembered
 * and subtracted from that level's visible size for every later order of ours, until the level's
 * visible size drops below it (then it is clamped to the visible size: what strangers remove there
 * is what we already ate) or the level vanishes. So two of our orders never fill from the same
 * resting size. A resting order joining a level also counts consumed size as gone.
 *
 * Queue position. A resting order joins the BACK of its level: ahead = visible − consumed.
 * - L3 (order ids, exact): the strangers ahead of us are exactly the orders that were in the level's
 *   FIFO when we joined and kept their priority; they form a PREFIX of the level's FIFO of total
 *   size `ahead` made of whole orders. A stranger X at our level is ahead of us iff its offset in the
 *   FIFO, book.queueAhead(X) (taken BEFORE the event is applied), is < `ahead`. Then: a partial
 *   cancel of d advances us by d; a delete by X's size; an execution of d by d; a modify that keeps
 *   priority (size down) by the decrease, one that loses it (price change or size up) by X's whole
 *   size (X goes behind us). Events of strangers behind us never move us. An EXECUTION of a stranger
 *   NOT ahead of us means the aggressor reached our place first: we fill min(remaining, d) (shared
 *   in our queue order among our orders at that level).
 *   DBN sends a Fill (no book change) for the resting order before the Cancel that removes it: a
 *   Fill of X not ahead of us fills us like an execution; a Fill of X ahead of us changes nothing
 *   (the Cancel that follows advances us). Trade prints without ids fill L3 orders only
 *   when the source never sends executions or fills: then a trade of q fills
 *   q − ahead − (what our earlier orders at the level took), and the cancels that follow advance
 *   `ahead` exactly.
 * - L2 (levels only), `QueueModel`: a trade of q at our price advances us by q (worst, pro-rata,
 *   best alike) and fills q − ahead − (taken by our earlier orders); a visible size DECREASE d at our
 *   level not explained by those trades is a cancel: "worst" ignores it, "best" advances us by d,
 *   "pro-rata" by d × ahead / (level size before) — cancels are spread evenly over the queue. An
 *   increase is behind us. `ahead` never exceeds the visible size.
 * - Trade-through: an execution/print at a price WORSE than our limit (a buy resting above the
 *   price that traded) fills us first, up to the printed volume.
 * - A stranger order that crosses our resting order (an ask added at or below our bid) fills us as
 *   maker at our price, up to its visible size (consumed afterwards).
 */
import type { BookView } from "../book/view.js";
import { EventKind, type MarketEvent, Side } from "../events.js";
import { Liquidity, RefusalReason, TimeInForce } from "../engine/strategy.js";
import { ExchangeState, OrderKind, type OrderPool, type SimOrder } from "./orders.js";
import { TimeHeap } from "./time-heap.js";

/** L2 queue models (how cancels at our level move us). */
export const enum QueueModel {
  /** Cancels advance us in proportion to the size ahead of us. */
  ProRata = 0,
  /** Only trades advance us (pessimistic). */
  Worst = 1,
  /** Every decrease advances us (optimistic). */
  Best = 2,
}

/** Names of the queue models (config / reports), indexed by QueueModel. */
export const QUEUE_MODEL_NAMES: readonly string[] = ["pro-rata", "worst", "best"];

/** A book the simulator can read; L3 books add order lookups (runtime/book/l3.ts). */
export interface L3Lookup {
  queueAhead(idHi: number, idLo: number): number;
  orderSize(idHi: number, idLo: number): number;
  orderPrice(idHi: number, idLo: number): number;
  orderSide(idHi: number, idLo: number): Side;
  /** Side, price, size of a resting order into out[0..2]; its handle for queueAheadOf, -1 when unknown. */
  orderInto(idHi: number, idLo: number, out: Float64Array): number;
  /** Size queued ahead of the order with a handle from orderInto (the book unchanged since). */
  queueAheadOf(handle: number): number;
}

/** Why an order ended (reported to the strategy and the recorder). */
export const enum DoneReason {
  Filled = 0,
  Cancelled = 1,
  /** IOC / market remainder cancelled on arrival. */
  Expired = 2,
  /** Refused by the exchange simulator (post-only cross, FOK not fillable, bad modify). */
  Rejected = 3,
}

/** The engine's side of the simulator: fills and ends of orders, at exchange time. */
export interface ExecutionListener {
  /**
   * A fill of the simulator's `fillQty[0]` at its `fillPx[0]` (fixed point), at its `exchangeTime`
   * (registers, not arguments: a double argument of a call V8 does not inline is boxed).
   */
  onExchangeFill(o: SimOrder, liquidity: Liquidity): void;
  /** The order ended at the exchange, at the simulator's `exchangeTime` (a register, not an argument). */
  onExchangeDone(o: SimOrder, reason: DoneReason, refusal: RefusalReason): void;
  /** An order reached the exchange (at `o.arrivedAt`; for queue-time statistics). */
  onExchangeArrive(o: SimOrder): void;
}

const ACT_NEW = 1;
const ACT_CANCEL = 2;
const ACT_MODIFY = 3;
const MAX_CONSUMED = 64;
const MSG_ARRIVE = 0;
const MSG_PRICE = 1;
const MSG_QTY = 2;

/** Simulated exchange for all instruments of a run. */
export class ExecutionSimulator {
  private readonly books: BookView[] = [];
  /** The same books when they implement SizeAtPriceIn (else null: sizeAtPrice with an argument). */
  private readonly sizeBooks: Array<SizeAtPriceIn | null> = [];
  /** [0] = price of a sizeAt() query. */
  private readonly pReg = new Float64Array(1);
  private readonly l3: Array<L3Lookup | null> = [];
  /** Per instrument: the source sent at least one Execute (L3 fills come from executions). */
  private readonly sawExecute: Uint8Array;
  // Resting + armed orders per instrument, in arrival order (slots).
  private readonly rest: Int32Array[] = [];
  private readonly restN: Int32Array;
  private readonly dirty: Uint8Array;
  // Highest resting bid and lowest resting ask price per instrument, recomputed when the resting
  // list changed (restStale): crossCheck skips its loop when the touch crosses neither.
  private readonly restBidMax: Float64Array;
  private readonly restAskMin: Float64Array;
  // Lowest resting bid and highest resting ask (same refresh): with the two above, the range a
  // market event must fall in to touch one of our orders (beforeEvent's filter).
  private readonly restBidMin: Float64Array;
  private readonly restAskMax: Float64Array;
  // Armed stop orders in the list at the last refresh (same refresh; 0: prints need no stop check).
  private readonly restArmed: Int32Array;
  private readonly restStale: Uint8Array;
  // Consumed liquidity per instrument: (side, price, amount).
  private readonly cSide: Int8Array[] = [];
  private readonly cPrice: Float64Array[] = [];
  private readonly cAmt: Float64Array[] = [];
  private readonly cN: Int32Array;
  // In-flight messages.
  private readonly inflight = new TimeHeap(256);
  private actKind = new Int8Array(256);
  private actOrder = new Int32Array(256);
  private actPrice = new Float64Array(256);
  private actQty = new Float64Array(256);
  private actFree = new Int32Array(256);
  private actFreeN = 0;
  /** Exchange clock: time of the last message or event processed. */
  now = 0;
  /**
   * [0] = exchange time of the message or market event being processed. Every internal step reads
   * the time here rather than taking it as an argument: V8 boxes a double passed to a call it does
   * not inline, and a loop-invariant one is boxed once per call of the enclosing function even when
   * the inner call is rare (the box is hoisted out of the loop).
   */
  private readonly clock = new Float64Array(1);

  constructor(
    readonly instrumentCount: number,
    private readonly pool: OrderPool,
    private readonly listener: ExecutionListener,
    readonly queueModel: QueueModel = QueueModel.ProRata,
  ) {
    this.sawExecute = new Uint8Array(instrumentCount);
    this.restN = new Int32Array(instrumentCount);
    this.dirty = new Uint8Array(instrumentCount);
    this.restBidMax = new Float64Array(instrumentCount).fill(Number.NEGATIVE_INFINITY);
    this.restAskMin = new Float64Array(instrumentCount).fill(Number.POSITIVE_INFINITY);
    this.restBidMin = new Float64Array(instrumentCount).fill(Number.POSITIVE_INFINITY);
    this.restAskMax = new Float64Array(instrumentCount).fill(Number.NEGATIVE_INFINITY);
    this.restArmed = new Int32Array(instrumentCount);
    this.restStale = new Uint8Array(instrumentCount);
    this.cN = new Int32Array(instrumentCount);
    this.touchBid = new Float64Array(instrumentCount).fill(Number.NaN);
    this.touchAsk = new Float64Array(instrumentCount).fill(Number.NaN);
    for (let i = 0; i < instrumentCount; i++) {
      this.books.push(EMPTY_BOOK);
      this.sizeBooks.push(null);
      this.l3.push(null);
      this.rest.push(new Int32Array(16));
      this.cSide.push(new Int8Array(MAX_CONSUMED));
      this.cPrice.push(new Float64Array(MAX_CONSUMED));
      this.cAmt.push(new Float64Array(MAX_CONSUMED));
    }
    for (let i = 255; i >= 0; i--) this.actFree[this.actFreeN++] = i;
  }

  // Best bid / ask per instrument as the book stands (registers: reading them costs no call and no
  // boxed double). The engine shares its own (setTouch), updated right after every book change;
  // until then the simulator keeps its own, refreshed from the book in afterEvent.
  private touchBid: Float64Array;
  private touchAsk: Float64Array;
  private ownTouch = true;

  /** Shares the engine's per-instrument best bid / ask registers (updated right after each apply). */
  setTouch(bids: Float64Array, asks: Float64Array): void {
    this.touchBid = bids;
    this.touchAsk = asks;
    this.ownTouch = false;
  }

  /** Best price on a side of an instrument, NaN when that side is empty. */
  private touchOf(inst: number, side: Side): number {
    return side === Side.Bid ? this.touchBid[inst] : this.touchAsk[inst];
  }

  /** Sets the book of an instrument; `l3` when it can answer order-id queries (exact queue). */
  setBook(inst: number, book: BookView, l3: L3Lookup | null): void {
    this.books[inst] = book;
    this.sizeBooks[inst] = "sizeAtPriceIn" in book ? (book as BookView & SizeAtPriceIn) : null;
    this.l3[inst] = l3;
    if (this.ownTouch) this.refreshTouch(inst);
  }

  /** Visible size at (side, pReg[0]) in the instrument's book. */
  private sizeAt(inst: number, side: Side): number {
    const b = this.sizeBooks[inst];
    return b !== null ? b.sizeAtPriceIn(side, this.pReg) : this.books[inst].sizeAtPrice(side, this.pReg[0]);
  }

  /** Own touch registers (no setTouch): re-read from the book after it changed. */
  private refreshTouch(inst: number): void {
    this.touchBid[inst] = this.books[inst].bestBid();
    this.touchAsk[inst] = this.books[inst].bestAsk();
  }

  /** True when the instrument's queue positions are exact (L3). */
  isExact(inst: number): boolean {
    return this.l3[inst] !== null;
  }

  /** [0] = price (fixed point) of the fill being reported to the listener. */
  readonly fillPx = new Float64Array(1);
  /** [0] = quantity of the fill being reported to the listener. */
  readonly fillQty = new Float64Array(1);
  /** consumedAt / consume: [0] price, [1] amount. */
  private readonly cReg = new Float64Array(2);
  /** l3Event: the stranger's order from L3Lookup.orderInto — [0] side, [1] price, [2] size. */
  private readonly oReg = new Float64Array(3);

  /** Exchange time of the message or event being processed (read by listeners during callbacks). */
  get exchangeTime(): number {
    return this.clock[0];
  }

  /** Number of messages still in flight. */
  get inFlight(): number {
    return this.inflight.size;
  }

  /** Earliest arrival time of an in-flight message (Infinity when none). */
  nextArrival(): number {
    return this.inflight.peekTime();
  }

  /** [0] = earliest arrival time (Infinity when none): per-event code reads this, not nextArrival(). */
  get arrivalHead(): Float64Array {
    return this.inflight.headTime;
  }

  // ------------------------------------------------------------------ messages from the strategy

  /**
   * The message being sent: [MSG_ARRIVE] arrival time, [MSG_PRICE] price and [MSG_QTY] total qty
   * (modify). Per-order callers write these and call the `…Msg` methods (no double argument).
   */
  readonly msg = new Float64Array(3);

  /** Queues a new order to arrive at `arriveTs`. */
  sendNew(o: SimOrder, arriveTs: number): void {
    this.msg[MSG_ARRIVE] = arriveTs;
    this.sendNewMsg(o);
  }

  /** Queues a cancel to arrive at `arriveTs`. */
  sendCancel(o: SimOrder, arriveTs: number): void {
    this.msg[MSG_ARRIVE] = arriveTs;
    this.sendCancelMsg(o);
  }

  /** Queues a modify (new price, new TOTAL qty) to arrive at `arriveTs`. */
  sendModify(o: SimOrder, price: number, qty: number, arriveTs: number): void {
    this.msg[MSG_ARRIVE] = arriveTs;
    this.msg[MSG_PRICE] = price;
    this.msg[MSG_QTY] = qty;
    this.sendModifyMsg(o);
  }

  /** sendNew with the arrival time in msg[MSG_ARRIVE]. */
  sendNewMsg(o: SimOrder): void {
    this.queueAction(ACT_NEW, o);
  }

  /** sendCancel with the arrival time in msg[MSG_ARRIVE]. */
  sendCancelMsg(o: SimOrder): void {
    this.queueAction(ACT_CANCEL, o);
  }

  /** sendModify with arrival, price and total qty in msg. */
  sendModifyMsg(o: SimOrder): void {
    this.queueAction(ACT_MODIFY, o);
  }

  /** Processes every message arriving at or before `ts`, in arrival order. */
  advanceTo(ts: number): void {
    this.clock[0] = ts;
    this.runArrived();
  }

  /** Processes every message arriving at or before the event's time (per-event form: no double argument). */
  advanceToEvent(ev: MarketEvent): void {
    this.clock[0] = ev.ts;
    this.runArrived();
  }

  /** Processes every message still in flight (end of data: against the last book). */
  drain(): void {
    this.advanceTo(Number.POSITIVE_INFINITY);
  }

  /** Runs the in-flight messages with arrival <= clock[0]; each runs at its own arrival time. */
  private runArrived(): void {
    const head = this.inflight.headTime;
    const until = this.clock[0];
    while (this.inflight.size > 0 && head[0] <= until) {
      this.clock[0] = head[0];
      this.runAction(this.inflight.pop());
    }
  }

  /** Queues message `kind` for order `o`; arrival (and a modify's price and qty) from `msg`. */
  private queueAction(kind: number, o: SimOrder): void {
    if (this.actFreeN === 0) this.growActions();
    const a = this.actFree[--this.actFreeN];
    const m = this.msg;
    this.actKind[a] = kind;
    this.actOrder[a] = o.slot;
    this.actPrice[a] = kind === ACT_MODIFY ? m[MSG_PRICE] : Number.NaN;
    this.actQty[a] = kind === ACT_MODIFY ? m[MSG_QTY] : 0;
    o.pending++;
    this.inflight.inTime[0] = this.msg[MSG_ARRIVE];
    this.inflight.pushIn(a);
  }

  /** Runs in-flight message `a` at clock[0]. */
  private runAction(a: number): void {
    const o = this.pool.orders[this.actOrder[a]];
    const kind = this.actKind[a];
    this.actFree[this.actFreeN++] = a;
    o.pending--;
    const ts = this.clock[0];
    if (ts > this.now) this.now = ts;
    if (kind === ACT_NEW) {
      o.arrivedAt = ts;
      this.listener.onExchangeArrive(o);
      if (o.cancelOnArrival) {
        this.finish(o, DoneReason.Cancelled, RefusalReason.None);
      } else if (o.kind === OrderKind.Stop || o.kind === OrderKind.StopLimit) {
        o.state = ExchangeState.Armed;
        this.addRest(o);
      } else {
        this.execute(o);
      }
    } else if (kind === ACT_CANCEL) {
      if (o.state === ExchangeState.InFlight) o.cancelOnArrival = true;
      else if (o.state !== ExchangeState.Done) {
        this.removeRest(o);
        this.finish(o, DoneReason.Cancelled, RefusalReason.None);
      }
    } else {
      this.applyModify(o, a);
    }
    this.pool.releaseIfFinished(o);
  }

  /** A modify (price and total qty in the message's slots `a`) reaches the exchange. */
  private applyModify(o: SimOrder, a: number): void {
    if (o.state === ExchangeState.Done || o.state === ExchangeState.InFlight) return;
    const price = this.actPrice[a];
    const qty = this.actQty[a];
    if (qty <= o.filled) {
      this.removeRest(o);
      this.finish(o, DoneReason.Cancelled, RefusalReason.None);
      return;
    }
    if (o.state === ExchangeState.Armed) {
      o.qty = qty;
      if (price === price) o.stopPrice = price;
      return;
    }
    if (price === o.price && qty <= o.qty) {
      // Size down keeps priority.
      o.qty = qty;
      return;
    }
    // Price change or size up: back of the (new) queue, possibly marketable now.
    this.removeRest(o);
    o.qty = qty;
    o.price = price;
    this.execute(o);
  }

  // ------------------------------------------------------------------ matching on arrival

  /** A (new or re-priced) order meets the book at clock[0]. */
  private execute(o: SimOrder): void {
    const inst = o.inst;
    const book = this.books[inst];
    const opp = -o.side as Side;
    const isMarket = o.kind === OrderKind.Market || o.kind === OrderKind.Stop;
    if (o.postOnly && this.wouldCross(o)) {
      this.finish(o, DoneReason.Rejected, RefusalReason.PostOnlyWouldCross);
      return;
    }
    if (o.tif === TimeInForce.Fok && o.kind === OrderKind.Limit && this.available(o, book) < o.remaining) {
      this.finish(o, DoneReason.Rejected, RefusalReason.FokUnfilled);
      return;
    }
    this.take(o, opp, book, Liquidity.Taker);
    if (o.state === ExchangeState.Done) return;
    if (isMarket || o.tif !== TimeInForce.Gtc) {
      this.finish(o, DoneReason.Expired, RefusalReason.None);
      return;
    }
    // Join the back of the queue at our price.
    o.state = ExchangeState.Resting;
    o.joinedAt = this.clock[0];
    // At the touch (the usual case) the size comes from level 0: no price crosses a call.
    const touch = this.touchOf(inst, o.side);
    this.pReg[0] = o.price;
    const visible = o.price === touch ? book.levelSize(o.side, 0) : this.sizeAt(inst, o.side);
    let taken = 0;
    if (this.cN[inst] !== 0) {
      this.cReg[0] = o.price;
      this.consumedAt(inst, o.side);
      taken = this.cReg[1];
    }
    const ahead = visible - taken;
    o.ahead = ahead > 0 ? ahead : 0;
    o.pendingTrade = 0;
    this.addRest(o);
  }

  /** The limit price an order takes liquidity within: NaN (none) for market orders and stops. */
  private static limitOf(o: SimOrder): number {
    return o.kind === OrderKind.Market || o.kind === OrderKind.Stop ? Number.NaN : o.price;
  }

  /** True when a post-only order would take liquidity on arrival (a market order always would). */
  private wouldCross(o: SimOrder): boolean {
    const limit = ExecutionSimulator.limitOf(o);
    if (limit !== limit) return true;
    if (o.side === Side.Bid) {
      const a = this.touchOf(o.inst, Side.Ask);
      return a === a && limit >= a;
    }
    const b = this.touchOf(o.inst, Side.Bid);
    return b === b && limit <= b;
  }

  /** Quantity available to order `o` on the opposite side within its limit (if any), net of consumed. */
  private available(o: SimOrder, book: BookView): number {
    const inst = o.inst;
    const opp = -o.side as Side;
    const limit = ExecutionSimulator.limitOf(o);
    let total = 0;
    const n = book.levels(opp);
    for (let i = 0; i < n; i++) {
      const p = i === 0 ? this.touchOf(inst, opp) : book.levelPrice(opp, i);
      if (limit === limit && (opp === Side.Ask ? p > limit : p < limit)) break;
      let taken = 0;
      if (this.cN[inst] !== 0) {
        this.cReg[0] = p;
        this.consumedAt(inst, opp);
        taken = this.cReg[1];
      }
      const avail = book.levelSize(opp, i) - taken;
      if (avail > 0) total += avail;
    }
    return total;
  }

  /**
   * Walks side `opp` from the touch taking liquidity within the order's limit (none for market
   * orders). Taker fills are at the level's price; maker fills (our resting order crossed by a
   * stranger) at our price.
   */
  private take(o: SimOrder, opp: Side, book: BookView, liq: Liquidity): void {
    const inst = o.inst;
    const limit = ExecutionSimulator.limitOf(o);
    const n = book.levels(opp);
    for (let i = 0; i < n && o.remaining > 0; i++) {
      // Level 0 is the touch: read from the registers (a price returned by a call may be boxed).
      const p = i === 0 ? this.touchOf(inst, opp) : book.levelPrice(opp, i);
      if (limit === limit && (opp === Side.Ask ? p > limit : p < limit)) break;
      let taken = 0;
      if (this.cN[inst] !== 0) {
        this.cReg[0] = p;
        this.consumedAt(inst, opp);
        taken = this.cReg[1];
      }
      const avail = book.levelSize(opp, i) - taken;
      if (avail <= 0) continue;
      const q = avail < o.remaining ? avail : o.remaining;
      this.cReg[0] = p;
      this.cReg[1] = q;
      this.consume(inst, opp);
      this.fillPx[0] = liq === Liquidity.Taker ? p : o.price;
      this.fillQty[0] = q;
      this.fill(o, liq);
    }
  }

  /** A fill of fillQty[0] at fillPx[0], at clock[0] (registers: no double crosses the call). */
  private fill(o: SimOrder, liq: Liquidity): void {
    o.filled += this.fillQty[0];
    this.listener.onExchangeFill(o, liq);
    if (o.remaining <= 0) {
      if (o.state === ExchangeState.Resting) this.dirty[o.inst] = 1;
      this.finish(o, DoneReason.Filled, RefusalReason.None);
    }
  }

  /** The order ends at clock[0]. */
  private finish(o: SimOrder, reason: DoneReason, refusal: RefusalReason): void {
    // A range test, not two comparisons: the second would first run late in a run (no feedback).
    const st = o.state;
    if (st >= ExchangeState.Resting && st <= ExchangeState.Armed) this.dirty[o.inst] = 1;
    o.state = ExchangeState.Done;
    this.listener.onExchangeDone(o, reason, refusal);
  }

  // ------------------------------------------------------------------ market events

  /** Runs before the book applies `ev` (L3 queue arithmetic needs the book as it was). */
  beforeEvent(ev: MarketEvent, inst: number): void {
    const n = this.restN[inst];
    if (n === 0) return;
    this.clock[0] = ev.ts;
    const k = ev.kind;
    const l3 = this.l3[inst];
    if (l3 !== null && ((k >= EventKind.Cancel && k <= EventKind.Execute) || k === EventKind.Fill)) {
      const isFill = k === EventKind.Execute || k === EventKind.Fill;
      if (isFill) this.sawExecute[inst] = 1;
      // Most events are at a level none of our orders rests at: the resting extremes rule them out
      // here, without the call (touchesOurs then decides exactly).
      if (k !== EventKind.Modify && ev.side !== Side.None && !this.mayTouchOurs(inst, ev, isFill)) return;
      this.l3Event(ev, inst, l3);
      return;
    }
    if (l3 === null && (k === EventKind.LevelUpdate || k === EventKind.LevelSnapshot)) {
      const list = this.rest[inst];
      for (let i = 0; i < n; i++) {
        const o = this.pool.orders[list[i]];
        if (o.state === ExchangeState.Resting) {
          this.pReg[0] = o.price;
          o.levelBefore = this.sizeAt(inst, o.side);
        }
      }
    }
  }

  private l3Event(ev: MarketEvent, inst: number, l3: L3Lookup): void {
    const k = ev.kind;
    // Execute (LOBSTER, synthetic) reduces the order in the book; Fill (DBN 'F') is evidence only:
    // the Cancel that follows it reduces the book, and moves `ahead` through the Cancel rule.
    const isFill = k === EventKind.Execute || k === EventKind.Fill;
    // Cheap filter on the event's own side and price (sources carry the order's price on
    // cancels/executions): most events touch no level of ours, and asking the book returns
    // doubles through calls (boxed when V8 does not inline them).
    if (k !== EventKind.Modify && ev.side !== Side.None && !this.touchesOurs(inst, ev, isFill)) return;
    // The stranger's order as the book holds it (one lookup; registers, not returned doubles).
    const r = this.oReg;
    const handle = l3.orderInto(ev.orderIdHi, ev.orderIdLo, r);
    if (handle < 0) return;
    const side = r[0] as Side;
    if (side === Side.None) return;
    const price = r[1];
    const size = r[2];
    const list = this.rest[inst];
    const n = this.restN[inst];
    let pool = isFill ? ev.size : 0;
    let x = Number.NaN;
    if (isFill) {
      // Trade-through: our orders at better prices than the executed one fill first.
      for (let i = 0; i < n && pool > 0; i++) {
        const o = this.pool.orders[list[i]];
        if (o.state !== ExchangeState.Resting || o.side !== side) continue;
        if (side === Side.Bid ? o.price > price : o.price < price) {
          const q = o.remaining < pool ? o.remaining : pool;
          pool -= q;
          this.fillPx[0] = o.price;
          this.fillQty[0] = q;
          this.fill(o, Liquidity.Maker);
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Resting || o.side !== side || o.price !== price) continue;
      if (x !== x) x = l3.queueAheadOf(handle);
      if (x < o.ahead) {
        if (k === EventKind.Fill) continue;
        let d: number;
        switch (k) {
          case EventKind.Cancel:
            d = ev.size < size ? ev.size : size;
            break;
          case EventKind.Delete:
            d = size;
            break;
          case EventKind.Execute:
            d = ev.size;
            break;
          default:
            d = ev.price !== price || ev.size > size ? size : size - ev.size;
        }
        o.ahead = o.ahead > d ? o.ahead - d : 0;
      } else if (isFill && pool > 0) {
        const q = o.remaining < pool ? o.remaining : pool;
        pool -= q;
        this.fillPx[0] = o.price;
        this.fillQty[0] = q;
        this.fill(o, Liquidity.Maker);
      }
    }
  }

  /**
   * False when no resting order of ours can be at the event's (side, price) — nor, for executions,
   * better than it — judging from the resting extremes; true means "maybe" (touchesOurs decides).
   */
  private mayTouchOurs(inst: number, ev: MarketEvent, isFill: boolean): boolean {
    if (this.restStale[inst] === 1) this.refreshRestExtremes(inst);
    const price = ev.price;
    if (ev.side === Side.Bid) return price <= this.restBidMax[inst] && (isFill || price >= this.restBidMin[inst]);
    return price >= this.restAskMin[inst] && (isFill || price <= this.restAskMax[inst]);
  }

  /** True when one of our resting orders is at (side, price), or (executions) better than it. */
  private touchesOurs(inst: number, ev: MarketEvent, isFill: boolean): boolean {
    const side = ev.side;
    const price = ev.price;
    const list = this.rest[inst];
    const n = this.restN[inst];
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Resting || o.side !== side) continue;
      if (o.price === price) return true;
      if (isFill && (side === Side.Bid ? o.price > price : o.price < price)) return true;
    }
    return false;
  }

  /**
   * Runs after the book applied `ev`: L2 queue models, trade prints, stops, crossing strangers and
   * consumed-liquidity bookkeeping. `isPrint` tells whether the event counts as a trade print
   * (stops trigger on prints).
   */
  afterEvent(ev: MarketEvent, inst: number, isPrint: boolean): void {
    if (this.ownTouch) this.refreshTouch(inst);
    const n = this.restN[inst];
    if (n > 0) {
      this.clock[0] = ev.ts;
      const k = ev.kind;
      const book = this.books[inst];
      if (this.l3[inst] === null && (k === EventKind.LevelUpdate || k === EventKind.LevelSnapshot)) this.l2Decreases(inst);
      // Both tests of the callees' own early exits, here (no call per print): L3 fills come from
      // executions once the source sent one; an order turns Armed only through addRest (stale).
      if (k === EventKind.Trade && !(this.l3[inst] !== null && this.sawExecute[inst] === 1)) this.tradePrint(inst, ev);
      if (isPrint && (this.restStale[inst] === 1 || this.restArmed[inst] > 0)) this.triggerStops(inst, ev);
      // crossCheck's own fast exit, here: no call when the touch crosses none of our orders.
      if (this.restStale[inst] === 1 || this.touchAsk[inst] <= this.restBidMax[inst] || this.touchBid[inst] >= this.restAskMin[inst]) {
        this.crossCheck(inst, book);
      }
      if (this.dirty[inst] === 1) this.compact(inst);
    }
    if (this.cN[inst] > 0) this.reconcileConsumed(inst);
  }

  private l2Decreases(inst: number): void {
    const list = this.rest[inst];
    const n = this.restN[inst];
    const model = this.queueModel;
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Resting) continue;
      const before = o.levelBefore;
      this.pReg[0] = o.price;
      const after = this.sizeAt(inst, o.side);
      const d = before - after;
      if (d > 0) {
        const explained = d < o.pendingTrade ? d : o.pendingTrade;
        o.pendingTrade -= explained;
        const c = d - explained;
        if (c > 0 && model !== QueueModel.Worst) {
          const adv = model === QueueModel.Best ? c : (c * o.ahead) / before;
          o.ahead = o.ahead > adv ? o.ahead - adv : 0;
        }
      }
      if (o.ahead > after) o.ahead = after;
    }
  }

  /** A trade print (EventKind.Trade) at our levels or through them. */
  private tradePrint(inst: number, ev: MarketEvent): void {
    const exact = this.l3[inst] !== null;
    if (exact && this.sawExecute[inst] === 1) return; // fills come from executions
    const restSide = -ev.aggressor as Side; // None (0) when unknown: both sides
    const price = ev.price;
    const list = this.rest[inst];
    const n = this.restN[inst];
    let pool = ev.size;
    for (let i = 0; i < n && pool > 0; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Resting) continue;
      if (restSide !== Side.None && o.side !== restSide) continue;
      if (o.side === Side.Bid ? o.price > price : o.price < price) {
        const q = o.remaining < pool ? o.remaining : pool;
        pool -= q;
        this.fillPx[0] = o.price;
        this.fillQty[0] = q;
        this.fill(o, Liquidity.Maker);
      }
    }
    let takenHere = 0;
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Resting || o.price !== price) continue;
      if (restSide !== Side.None && o.side !== restSide) continue;
      // Fills are whole lots: a fractional queue position (pro-rata) rounds the reach down.
      const reach = Math.floor(ev.size - o.ahead) - takenHere;
      if (!exact) {
        o.ahead = o.ahead > ev.size ? o.ahead - ev.size : 0;
        o.pendingTrade += ev.size;
      }
      if (reach > 0 && pool > 0) {
        let q = o.remaining < reach ? o.remaining : reach;
        if (q > pool) q = pool;
        pool -= q;
        takenHere += q;
        this.fillPx[0] = o.price;
        this.fillQty[0] = q;
        this.fill(o, Liquidity.Maker);
      }
    }
  }

  private triggerStops(inst: number, ev: MarketEvent): void {
    const price = ev.price;
    const list = this.rest[inst];
    let n = this.restN[inst];
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Armed) continue;
      if (o.side === Side.Bid ? price >= o.stopPrice : price <= o.stopPrice) {
        // Triggered: leaves the list (orders appended by execute() land past n), then becomes a
        // market order, or a GTC limit at its limit price.
        list.copyWithin(i, i + 1, this.restN[inst]);
        this.restN[inst]--;
        this.restStale[inst] = 1;
        n--;
        i--;
        o.state = ExchangeState.InFlight;
        o.kind = o.kind === OrderKind.StopLimit ? OrderKind.Limit : OrderKind.Market;
        o.tif = TimeInForce.Gtc;
        this.execute(o);
      }
    }
  }

  /** Strangers' orders now crossing one of our resting orders fill it as maker. */
  private crossCheck(inst: number, book: BookView): void {
    const list = this.rest[inst];
    const n = this.restN[inst];
    const bid = this.touchBid[inst];
    const ask = this.touchAsk[inst];
    if (this.restStale[inst] === 1) this.refreshRestExtremes(inst);
    // Neither side crosses any resting order (NaN compares false): nothing to do.
    if (!(ask <= this.restBidMax[inst]) && !(bid >= this.restAskMin[inst])) return;
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Resting) continue;
      if (o.side === Side.Bid ? ask === ask && ask <= o.price : bid === bid && bid >= o.price) {
        this.take(o, -o.side as Side, book, Liquidity.Maker);
      }
    }
  }

  // ------------------------------------------------------------------ resting lists

  /** Recomputes the highest resting bid / lowest resting ask of an instrument. */
  private refreshRestExtremes(inst: number): void {
    const list = this.rest[inst];
    const n = this.restN[inst];
    let bidMax = Number.NEGATIVE_INFINITY;
    let bidMin = Number.POSITIVE_INFINITY;
    let askMin = Number.POSITIVE_INFINITY;
    let askMax = Number.NEGATIVE_INFINITY;
    let armed = 0;
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state === ExchangeState.Armed) armed++;
      if (o.state !== ExchangeState.Resting) continue;
      const p = o.price;
      if (o.side === Side.Bid) {
        if (p > bidMax) bidMax = p;
        if (p < bidMin) bidMin = p;
      } else {
        if (p < askMin) askMin = p;
        if (p > askMax) askMax = p;
      }
    }
    this.restBidMax[inst] = bidMax;
    this.restBidMin[inst] = bidMin;
    this.restAskMin[inst] = askMin;
    this.restAskMax[inst] = askMax;
    this.restArmed[inst] = armed;
    this.restStale[inst] = 0;
  }

  private addRest(o: SimOrder): void {
    const inst = o.inst;
    let list = this.rest[inst];
    if (this.restN[inst] === list.length) {
      const bigger = new Int32Array(list.length * 2);
      bigger.set(list);
      this.rest[inst] = list = bigger;
    }
    list[this.restN[inst]++] = o.slot;
    this.restStale[inst] = 1;
  }

  /** Takes an order out of its instrument's list now (outside the per-event loops). */
  private removeRest(o: SimOrder): void {
    if (o.state !== ExchangeState.Resting && o.state !== ExchangeState.Armed) return;
    const inst = o.inst;
    const list = this.rest[inst];
    const n = this.restN[inst];
    for (let i = 0; i < n; i++) {
      if (list[i] === o.slot) {
        list.copyWithin(i, i + 1, n);
        this.restN[inst] = n - 1;
        break;
      }
    }
    o.state = ExchangeState.InFlight;
    this.restStale[inst] = 1;
  }

  /** Drops finished / non-resting orders from the instrument's list, keeping arrival order. */
  private compact(inst: number): void {
    const list = this.rest[inst];
    const n = this.restN[inst];
    let w = 0;
    for (let r = 0; r < n; r++) {
      const o = this.pool.orders[list[r]];
      if (o.state === ExchangeState.Resting || o.state === ExchangeState.Armed) list[w++] = list[r];
    }
    this.restN[inst] = w;
    this.dirty[inst] = 0;
    this.restStale[inst] = 1;
  }

  /** Call after a batch of messages so finished orders leave the lists (cheap when clean). */
  tidy(): void {
    for (let i = 0; i < this.instrumentCount; i++) if (this.dirty[i] === 1) this.compact(i);
  }

  /** Resting (and armed) orders of an instrument, for diagnostics and tests. */
  restingCount(inst: number): number {
    this.tidy();
    return this.restN[inst];
  }

  /**
   * Queue ahead of our resting order on one side of an instrument (the one nearest the touch when
   * there are several), as the queue model estimates it; NaN when none rests there. Feeds
   * `book.queue_position`. PER-EVENT CODE: walks the instrument's resting list, allocates nothing.
   */
  queueAheadOn(inst: number, side: Side): number {
    const list = this.rest[inst];
    const n = this.restN[inst];
    let best = Number.NaN;
    let bestPrice = Number.NaN;
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Resting || o.side !== side) continue;
      if (bestPrice !== bestPrice || (side === Side.Bid ? o.price > bestPrice : o.price < bestPrice)) {
        bestPrice = o.price;
        best = o.ahead;
      }
    }
    return best;
  }

  /** Queue ahead of a resting order (tests and diagnostics). */
  aheadOf(o: SimOrder): number {
    return o.ahead;
  }

  // ------------------------------------------------------------------ consumed liquidity

  /**
   * Size our own orders already took at (side, cReg[0]) and that is still shown by the book, into
   * cReg[1]. Price and amount travel through the register, not as an argument and a return value
   * (doubles crossing a call V8 does not inline are boxed).
   */
  private consumedAt(inst: number, side: Side): void {
    const r = this.cReg;
    r[1] = 0;
    const n = this.cN[inst];
    if (n === 0) return;
    const price = r[0];
    const ps = this.cPrice[inst];
    const ss = this.cSide[inst];
    for (let i = 0; i < n; i++) {
      if (ps[i] === price && ss[i] === side) {
        r[1] = this.cAmt[inst][i];
        return;
      }
    }
  }

  /** Records that our order took cReg[1] at (side, cReg[0]). */
  private consume(inst: number, side: Side): void {
    const price = this.cReg[0];
    const q = this.cReg[1];
    const n = this.cN[inst];
    const ps = this.cPrice[inst];
    const ss = this.cSide[inst];
    for (let i = 0; i < n; i++) {
      if (ps[i] === price && ss[i] === side) {
        this.cAmt[inst][i] += q;
        return;
      }
    }
    if (n === MAX_CONSUMED) {
      // Full: forget the oldest entry (far from the touch by now in practice).
      ps.copyWithin(0, 1, n);
      ss.copyWithin(0, 1, n);
      this.cAmt[inst].copyWithin(0, 1, n);
      this.cN[inst] = n - 1;
    }
    const j = this.cN[inst]++;
    ps[j] = price;
    ss[j] = side;
    this.cAmt[inst][j] = q;
  }

  private reconcileConsumed(inst: number): void {
    const book = this.books[inst];
    const ps = this.cPrice[inst];
    const ss = this.cSide[inst];
    const as = this.cAmt[inst];
    const n = this.cN[inst];
    let w = 0;
    for (let i = 0; i < n; i++) {
      const side = ss[i] as Side;
      this.pReg[0] = ps[i];
      const visible = ps[i] === this.touchOf(inst, side) ? book.levelSize(side, 0) : this.sizeAt(inst, side);
      if (visible <= 0) continue;
      ps[w] = ps[i];
      ss[w] = ss[i];
      as[w] = as[i] < visible ? as[i] : visible;
      w++;
    }
    this.cN[inst] = w;
  }

  private growActions(): void {
    const cap = this.actKind.length;
    const k = new Int8Array(cap * 2);
    k.set(this.actKind);
    this.actKind = k;
    const o = new Int32Array(cap * 2);
    o.set(this.actOrder);
    this.actOrder = o;
    const p = new Float64Array(cap * 2);
    p.set(this.actPrice);
    this.actPrice = p;
    const q = new Float64Array(cap * 2);
    q.set(this.actQty);
    this.actQty = q;
    const f = new Int32Array(cap * 2);
    f.set(this.actFree.subarray(0, this.actFreeN));
    this.actFree = f;
    for (let i = 2 * cap - 1; i >= cap; i--) this.actFree[this.actFreeN++] = i;
  }
}

/** A book with nothing in it (before an instrument's first book event). */
class EmptyBook implements BookView {
  readonly instrument = -1;
  bestBid(): number {
    return Number.NaN;
  }
  bestAsk(): number {
    return Number.NaN;
  }
  levels(): number {
    return 0;
  }
  levelPrice(): number {
    return Number.NaN;
  }
  levelSize(): number {
    return 0;
  }
  levelCount(): number {
    return 0;
  }
  sizeAtPrice(): number {
    return 0;
  }
  lastUpdateTs(): number {
    return 0;
  }
}

/** The shared empty book. */
export const EMPTY_BOOK: BookView = new EmptyBook();
