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
  onExchangeFill(o: SimOrder, price: number, qty: number, liquidity: Liquidity, ts: number): void;
  onExchangeDone(o: SimOrder, ts: number, reason: DoneReason, refusal: RefusalReason): void;
  /** An order reached the exchange (for queue-time statistics). */
  onExchangeArrive(o: SimOrder, ts: number): void;
}

const ACT_NEW = 1;
const ACT_CANCEL = 2;
const ACT_MODIFY = 3;
const MAX_CONSUMED = 64;

/** Simulated exchange for all instruments of a run. */
export class ExecutionSimulator {
  private readonly books: BookView[] = [];
  private readonly l3: Array<L3Lookup | null> = [];
  /** Per instrument: the source sent at least one Execute (L3 fills come from executions). */
  private readonly sawExecute: Uint8Array;
  // Resting + armed orders per instrument, in arrival order (slots).
  private readonly rest: Int32Array[] = [];
  private readonly restN: Int32Array;
  private readonly dirty: Uint8Array;
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

  constructor(
    readonly instrumentCount: number,
    private readonly pool: OrderPool,
    private readonly listener: ExecutionListener,
    readonly queueModel: QueueModel = QueueModel.ProRata,
  ) {
    this.sawExecute = new Uint8Array(instrumentCount);
    this.restN = new Int32Array(instrumentCount);
    this.dirty = new Uint8Array(instrumentCount);
    this.cN = new Int32Array(instrumentCount);
    for (let i = 0; i < instrumentCount; i++) {
      this.books.push(EMPTY_BOOK);
      this.l3.push(null);
      this.rest.push(new Int32Array(16));
      this.cSide.push(new Int8Array(MAX_CONSUMED));
      this.cPrice.push(new Float64Array(MAX_CONSUMED));
      this.cAmt.push(new Float64Array(MAX_CONSUMED));
    }
    for (let i = 255; i >= 0; i--) this.actFree[this.actFreeN++] = i;
  }

  // Best bid / ask per instrument after the event being applied, kept by the engine (registers:
  // reading them costs no call and no boxed double). Until setTouch, the books are asked.
  private touchBid: Float64Array | null = null;
  private touchAsk: Float64Array | null = null;

  /** Shares the engine's per-instrument best bid / ask registers (updated right after each apply). */
  setTouch(bids: Float64Array, asks: Float64Array): void {
    this.touchBid = bids;
    this.touchAsk = asks;
  }

  /** Sets the book of an instrument; `l3` when it can answer order-id queries (exact queue). */
  setBook(inst: number, book: BookView, l3: L3Lookup | null): void {
    this.books[inst] = book;
    this.l3[inst] = l3;
  }

  /** True when the instrument's queue positions are exact (L3). */
  isExact(inst: number): boolean {
    return this.l3[inst] !== null;
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

  /** Queues a new order to arrive at `arriveTs`. */
  sendNew(o: SimOrder, arriveTs: number): void {
    this.queueAction(ACT_NEW, o, Number.NaN, 0, arriveTs);
  }

  /** Queues a cancel to arrive at `arriveTs`. */
  sendCancel(o: SimOrder, arriveTs: number): void {
    this.queueAction(ACT_CANCEL, o, Number.NaN, 0, arriveTs);
  }

  /** Queues a modify (new price, new TOTAL qty) to arrive at `arriveTs`. */
  sendModify(o: SimOrder, price: number, qty: number, arriveTs: number): void {
    this.queueAction(ACT_MODIFY, o, price, qty, arriveTs);
  }

  /** Processes every message arriving at or before `ts`, in arrival order. */
  advanceTo(ts: number): void {
    while (this.inflight.size > 0 && this.inflight.peekTime() <= ts) {
      const t = this.inflight.peekTime();
      const a = this.inflight.pop();
      this.runAction(a, t);
    }
  }

  /** Processes every message still in flight (end of data: against the last book). */
  drain(): void {
    this.advanceTo(Number.POSITIVE_INFINITY);
  }

  private queueAction(kind: number, o: SimOrder, price: number, qty: number, arriveTs: number): void {
    if (this.actFreeN === 0) this.growActions();
    const a = this.actFree[--this.actFreeN];
    this.actKind[a] = kind;
    this.actOrder[a] = o.slot;
    this.actPrice[a] = price;
    this.actQty[a] = qty;
    o.pending++;
    this.inflight.push(arriveTs, a);
  }

  private runAction(a: number, ts: number): void {
    const o = this.pool.orders[this.actOrder[a]];
    const kind = this.actKind[a];
    const price = this.actPrice[a];
    const qty = this.actQty[a];
    this.actFree[this.actFreeN++] = a;
    o.pending--;
    if (ts > this.now) this.now = ts;
    if (kind === ACT_NEW) {
      o.arrivedAt = ts;
      this.listener.onExchangeArrive(o, ts);
      if (o.cancelOnArrival) {
        this.finish(o, ts, DoneReason.Cancelled, RefusalReason.None);
      } else if (o.kind === OrderKind.Stop || o.kind === OrderKind.StopLimit) {
        o.state = ExchangeState.Armed;
        this.addRest(o);
      } else {
        this.execute(o, ts);
      }
    } else if (kind === ACT_CANCEL) {
      if (o.state === ExchangeState.InFlight) o.cancelOnArrival = true;
      else if (o.state !== ExchangeState.Done) {
        this.removeRest(o);
        this.finish(o, ts, DoneReason.Cancelled, RefusalReason.None);
      }
    } else {
      this.applyModify(o, price, qty, ts);
    }
    this.pool.releaseIfFinished(o);
  }

  private applyModify(o: SimOrder, price: number, qty: number, ts: number): void {
    if (o.state === ExchangeState.Done || o.state === ExchangeState.InFlight) return;
    if (qty <= o.filled) {
      this.removeRest(o);
      this.finish(o, ts, DoneReason.Cancelled, RefusalReason.None);
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
    this.execute(o, ts);
  }

  // ------------------------------------------------------------------ matching on arrival

  /** A (new or re-priced) order meets the book at `ts`. */
  private execute(o: SimOrder, ts: number): void {
    const inst = o.inst;
    const book = this.books[inst];
    const opp = -o.side as Side;
    const limit = o.kind === OrderKind.Market || o.kind === OrderKind.Stop ? Number.NaN : o.price;
    if (o.postOnly && this.wouldCross(o.side, limit, book)) {
      this.finish(o, ts, DoneReason.Rejected, RefusalReason.PostOnlyWouldCross);
      return;
    }
    if (o.tif === TimeInForce.Fok && o.kind === OrderKind.Limit && this.available(inst, opp, limit, book) < o.remaining) {
      this.finish(o, ts, DoneReason.Rejected, RefusalReason.FokUnfilled);
      return;
    }
    this.take(o, opp, limit, book, ts, Liquidity.Taker);
    if (o.state === ExchangeState.Done) return;
    if (limit !== limit || o.tif !== TimeInForce.Gtc) {
      this.finish(o, ts, DoneReason.Expired, RefusalReason.None);
      return;
    }
    // Join the back of the queue at our price.
    o.state = ExchangeState.Resting;
    o.joinedAt = ts;
    const visible = book.sizeAtPrice(o.side, o.price);
    const ahead = visible - this.consumedAt(inst, o.side, o.price);
    o.ahead = ahead > 0 ? ahead : 0;
    o.pendingTrade = 0;
    this.addRest(o);
  }

  private wouldCross(side: Side, limit: number, book: BookView): boolean {
    if (limit !== limit) return true;
    if (side === Side.Bid) {
      const a = book.bestAsk();
      return a === a && limit >= a;
    }
    const b = book.bestBid();
    return b === b && limit <= b;
  }

  /** Quantity available to take on side `opp` within `limit` (NaN = no limit), net of consumed. */
  private available(inst: number, opp: Side, limit: number, book: BookView): number {
    let total = 0;
    const n = book.levels(opp);
    for (let i = 0; i < n; i++) {
      const p = book.levelPrice(opp, i);
      if (limit === limit && (opp === Side.Ask ? p > limit : p < limit)) break;
      const avail = book.levelSize(opp, i) - this.consumedAt(inst, opp, p);
      if (avail > 0) total += avail;
    }
    return total;
  }

  /**
   * Walks side `opp` from the touch taking liquidity within `limit` (NaN = none). Taker fills are
   * at the level's price; maker fills (our resting order crossed by a stranger) at our price.
   */
  private take(o: SimOrder, opp: Side, limit: number, book: BookView, ts: number, liq: Liquidity): void {
    const inst = o.inst;
    const n = book.levels(opp);
    for (let i = 0; i < n && o.remaining > 0; i++) {
      const p = book.levelPrice(opp, i);
      if (limit === limit && (opp === Side.Ask ? p > limit : p < limit)) break;
      const avail = book.levelSize(opp, i) - this.consumedAt(inst, opp, p);
      if (avail <= 0) continue;
      const q = avail < o.remaining ? avail : o.remaining;
      this.consume(inst, opp, p, q);
      this.fill(o, liq === Liquidity.Taker ? p : o.price, q, liq, ts);
    }
  }

  private fill(o: SimOrder, price: number, qty: number, liq: Liquidity, ts: number): void {
    o.filled += qty;
    this.listener.onExchangeFill(o, price, qty, liq, ts);
    if (o.remaining <= 0) {
      if (o.state === ExchangeState.Resting) this.dirty[o.inst] = 1;
      this.finish(o, ts, DoneReason.Filled, RefusalReason.None);
    }
  }

  private finish(o: SimOrder, ts: number, reason: DoneReason, refusal: RefusalReason): void {
    if (o.state === ExchangeState.Resting || o.state === ExchangeState.Armed) this.dirty[o.inst] = 1;
    o.state = ExchangeState.Done;
    this.listener.onExchangeDone(o, ts, reason, refusal);
  }

  // ------------------------------------------------------------------ market events

  /** Runs before the book applies `ev` (L3 queue arithmetic needs the book as it was). */
  beforeEvent(ev: MarketEvent, inst: number): void {
    const n = this.restN[inst];
    if (n === 0) return;
    const k = ev.kind;
    const l3 = this.l3[inst];
    if (l3 !== null && ((k >= EventKind.Cancel && k <= EventKind.Execute) || k === EventKind.Fill)) {
      this.l3Event(ev, inst, l3);
      return;
    }
    if (l3 === null && (k === EventKind.LevelUpdate || k === EventKind.LevelSnapshot)) {
      const book = this.books[inst];
      const list = this.rest[inst];
      for (let i = 0; i < n; i++) {
        const o = this.pool.orders[list[i]];
        if (o.state === ExchangeState.Resting) o.levelBefore = book.sizeAtPrice(o.side, o.price);
      }
    }
  }

  private l3Event(ev: MarketEvent, inst: number, l3: L3Lookup): void {
    const k = ev.kind;
    // Execute (LOBSTER, synthetic) reduces the order in the book; Fill (DBN 'F') is evidence only:
    // the Cancel that follows it reduces the book, and moves `ahead` through the Cancel rule.
    const isFill = k === EventKind.Execute || k === EventKind.Fill;
    if (isFill) this.sawExecute[inst] = 1;
    // Cheap filter on the event's own side and price (sources carry the order's price on
    // cancels/executions): most events touch no level of ours, and asking the book returns
    // doubles through calls (boxed when V8 does not inline them).
    if (k !== EventKind.Modify && ev.side !== Side.None && !this.touchesOurs(inst, ev, isFill)) return;
    const hi = ev.orderIdHi;
    const lo = ev.orderIdLo;
    const side = l3.orderSide(hi, lo);
    if (side === Side.None) return;
    const price = l3.orderPrice(hi, lo);
    const size = l3.orderSize(hi, lo);
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
          this.fill(o, o.price, q, Liquidity.Maker, ev.ts);
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Resting || o.side !== side || o.price !== price) continue;
      if (x !== x) x = l3.queueAhead(hi, lo);
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
        this.fill(o, o.price, q, Liquidity.Maker, ev.ts);
      }
    }
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
    const n = this.restN[inst];
    if (n > 0) {
      const k = ev.kind;
      const book = this.books[inst];
      if (this.l3[inst] === null && (k === EventKind.LevelUpdate || k === EventKind.LevelSnapshot)) this.l2Decreases(inst, book);
      if (k === EventKind.Trade) this.tradePrint(inst, ev);
      if (isPrint) this.triggerStops(inst, ev);
      this.crossCheck(inst, book, ev);
      if (this.dirty[inst] === 1) this.compact(inst);
    }
    if (this.cN[inst] > 0) this.reconcileConsumed(inst);
  }

  private l2Decreases(inst: number, book: BookView): void {
    const list = this.rest[inst];
    const n = this.restN[inst];
    const model = this.queueModel;
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Resting) continue;
      const before = o.levelBefore;
      const after = book.sizeAtPrice(o.side, o.price);
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
        this.fill(o, o.price, q, Liquidity.Maker, ev.ts);
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
        this.fill(o, o.price, q, Liquidity.Maker, ev.ts);
      }
    }
  }

  private triggerStops(inst: number, ev: MarketEvent): void {
    const price = ev.price;
    const ts = ev.ts;
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
        n--;
        i--;
        o.state = ExchangeState.InFlight;
        o.kind = o.kind === OrderKind.StopLimit ? OrderKind.Limit : OrderKind.Market;
        o.tif = TimeInForce.Gtc;
        this.execute(o, ts);
      }
    }
  }

  /** Strangers' orders now crossing one of our resting orders fill it as maker. */
  private crossCheck(inst: number, book: BookView, ev: MarketEvent): void {
    const list = this.rest[inst];
    const n = this.restN[inst];
    const tb = this.touchBid;
    const ta = this.touchAsk;
    const bid = tb !== null ? tb[inst] : book.bestBid();
    const ask = ta !== null ? ta[inst] : book.bestAsk();
    const ts = ev.ts;
    for (let i = 0; i < n; i++) {
      const o = this.pool.orders[list[i]];
      if (o.state !== ExchangeState.Resting) continue;
      if (o.side === Side.Bid ? ask === ask && ask <= o.price : bid === bid && bid >= o.price) {
        this.take(o, -o.side as Side, o.price, book, ts, Liquidity.Maker);
      }
    }
  }

  // ------------------------------------------------------------------ resting lists

  private addRest(o: SimOrder): void {
    const inst = o.inst;
    let list = this.rest[inst];
    if (this.restN[inst] === list.length) {
      const bigger = new Int32Array(list.length * 2);
      bigger.set(list);
      this.rest[inst] = list = bigger;
    }
    list[this.restN[inst]++] = o.slot;
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

  /** Size our own orders already took at (side, price) and that is still shown by the book. */
  consumedAt(inst: number, side: Side, price: number): number {
    const n = this.cN[inst];
    if (n === 0) return 0;
    const ps = this.cPrice[inst];
    const ss = this.cSide[inst];
    for (let i = 0; i < n; i++) if (ps[i] === price && ss[i] === side) return this.cAmt[inst][i];
    return 0;
  }

  private consume(inst: number, side: Side, price: number, q: number): void {
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
      const visible = book.sizeAtPrice(ss[i] as Side, ps[i]);
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
