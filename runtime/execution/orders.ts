/**
 * Order records and their pool. PER-EVENT CODE: orders are preallocated objects recycled through a
 * free list; `acquire`/`release` allocate nothing (the pool only grows — doubling — when more orders
 * are alive at once than ever before).
 *
 * An order has two states: the EXCHANGE's (in flight, resting, armed stop, done; filled qty) and the
 * STRATEGY's view of it (filled qty and done flag as delivered after the response latency). The
 * record is recycled only when both sides are done and no queued message still points at it.
 *
 * References: `ref = generation × capacity + slot + 1` would change with growth, so refs are simply
 * a run-wide counter; `slotOfRef` maps a ref to its slot through a ring indexed by ref, and checks
 * the slot still holds that ref (a stale ref answers -1).
 */
import type { Side } from "../events.js";
import { TimeInForce } from "../engine/strategy.js";

/** Order kinds. */
export const enum OrderKind {
  Market = 0,
  Limit = 1,
  Stop = 2,
  StopLimit = 3,
}

/** Exchange-side state. */
export const enum ExchangeState {
  /** Sent, not yet arrived at the exchange. */
  InFlight = 0,
  /** Resting in the book (a limit). */
  Resting = 1,
  /** A stop waiting for its trigger at the exchange. */
  Armed = 2,
  /** Filled, cancelled, expired or rejected. */
  Done = 3,
}

/** One order. Fields are plain numbers; the record is reused (see the file comment). */
export class SimOrder {
  slot: number;
  ref = 0;
  inst = 0;
  side: Side = 1;
  kind: OrderKind = OrderKind.Market;
  tif: TimeInForce = TimeInForce.Gtc;
  postOnly = false;
  /** OrderTypeCode reported to the recorder. */
  typeCode = 0;
  /** Total quantity (changes with modify). */
  qty = 0;
  /** Largest total quantity the strategy ever gave it (fill-ratio denominator). */
  peakQty = 0;
  /** Limit price (fixed point; NaN for market). */
  price = Number.NaN;
  stopPrice = Number.NaN;
  /** Strategy time it was sent. */
  sentAt = 0;
  // ---- exchange side ----
  state: ExchangeState = ExchangeState.InFlight;
  filled = 0;
  /** Exchange time it (last) joined a queue. */
  joinedAt = 0;
  /** Stranger quantity queued ahead of it at its level (see simulator.ts). */
  ahead = 0;
  /** L2: trade volume at its level not yet matched by a visible size decrease. */
  pendingTrade = 0;
  /** L2: the level's visible size before the event being applied. */
  levelBefore = 0;
  /** A cancel arrived before the order itself (random latencies): cancel it on arrival. */
  cancelOnArrival = false;
  /** Exchange time it reached the exchange (queue-time statistics). */
  arrivedAt = 0;
  // ---- strategy view ----
  /** Total qty and price as the strategy last set them (a modify in flight changes these first). */
  cQty = 0;
  cPrice = Number.NaN;
  /** A cancel was sent (further cancels are no-ops). */
  cancelSent = false;
  /** Delivery time of the last report for this order (reports of one order stay in order). */
  lastReportAt = 0;
  seenFilled = 0;
  seenDone = false;
  /** Messages (in-flight actions, queued reports) still pointing at this record. */
  pending = 0;

  constructor(slot: number) {
    this.slot = slot;
  }

  /** Quantity still open at the exchange. */
  get remaining(): number {
    return this.qty - this.filled;
  }
}

/** The pool of order records plus the ref → slot ring. */
export class OrderPool {
  orders: SimOrder[] = [];
  private free: Int32Array;
  private freeN = 0;
  private refRing: Int32Array;
  private nextRef = 1;
  /** Records in use. */
  live = 0;

  constructor(capacity = 1024) {
    this.free = new Int32Array(capacity);
    this.refRing = new Int32Array(capacity * 4).fill(-1);
    for (let i = 0; i < capacity; i++) this.orders.push(new SimOrder(i));
    for (let i = capacity - 1; i >= 0; i--) this.free[this.freeN++] = i;
  }

  /** Takes a free record, gives it a new ref, resets its state. */
  acquire(): SimOrder {
    if (this.freeN === 0) this.grow();
    const o = this.orders[this.free[--this.freeN]];
    o.ref = this.nextRef++;
    o.state = ExchangeState.InFlight;
    o.filled = 0;
    o.ahead = 0;
    o.pendingTrade = 0;
    o.levelBefore = 0;
    o.cancelOnArrival = false;
    o.seenFilled = 0;
    o.seenDone = false;
    o.cancelSent = false;
    o.lastReportAt = 0;
    o.arrivedAt = 0;
    o.pending = 0;
    o.postOnly = false;
    o.price = Number.NaN;
    o.stopPrice = Number.NaN;
    const mask = this.refRing.length - 1;
    if (this.refRing[o.ref & mask] !== -1) this.growRing();
    this.refRing[o.ref & (this.refRing.length - 1)] = o.slot;
    this.live++;
    return o;
  }

  /** Returns a record to the pool once nothing refers to it any more. */
  releaseIfFinished(o: SimOrder): void {
    if (o.ref === 0 || o.state !== ExchangeState.Done || !o.seenDone || o.pending !== 0) return;
    this.refRing[o.ref & (this.refRing.length - 1)] = -1;
    o.ref = 0;
    this.free[this.freeN++] = o.slot;
    this.live--;
  }

  /** The record of a ref, or null when the ref is finished or unknown. */
  byRef(ref: number): SimOrder | null {
    if (!(ref > 0) || ref >= this.nextRef) return null;
    const slot = this.refRing[ref & (this.refRing.length - 1)];
    if (slot < 0) return null;
    const o = this.orders[slot];
    return o.ref === ref ? o : null;
  }

  private grow(): void {
    const cap = this.orders.length;
    const next = new Int32Array(cap * 2);
    next.set(this.free.subarray(0, this.freeN));
    this.free = next;
    for (let i = cap; i < 2 * cap; i++) this.orders.push(new SimOrder(i));
    for (let i = 2 * cap - 1; i >= cap; i--) this.free[this.freeN++] = i;
    if (this.refRing.length < 4 * this.orders.length) this.growRing();
  }

  /**
   * Rebuilds the ring at twice the size (or more, until no two live refs share an entry). Happens
   * O(log refs) times in a run: only a long-lived order colliding with a new ref triggers it.
   */
  private growRing(): void {
    let size = this.refRing.length * 2;
    while (size < 4 * this.orders.length) size *= 2;
    for (;;) {
      const ring = new Int32Array(size).fill(-1);
      let clash = false;
      for (let i = 0; i < this.orders.length && !clash; i++) {
        const o = this.orders[i];
        if (o.ref === 0) continue;
        const k = o.ref & (size - 1);
        if (ring[k] !== -1) clash = true;
        else ring[k] = i;
      }
      if (!clash) {
        this.refRing = ring;
        return;
      }
      size *= 2;
    }
  }
}
