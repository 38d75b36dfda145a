/**
 * The exact market-by-order (L3) book. PER-EVENT CODE: `apply` and every query must not allocate in
 * steady state — no objects, closures, Maps, strings or iterators. State lives in typed arrays:
 *
 * - orders: a pool of slots (SoA: id halves, side, price, size, level, prev/next in the level FIFO)
 *   with a free list threaded through `oNext`;
 * - order id → slot: an open-addressing hash table (linear probing, backward-shift deletion) keyed
 *   by the two u32 halves of the u64 id (held as int32). An entry is just the order's slot (4 bytes);
 *   a probe compares the id against the pool's id columns. This keeps the table 4× smaller than
 *   storing the ids in it (32 KB at the default 4096-order capacity: it stays in L1/L2), and the
 *   pool lines a probe reads are those of the live orders, which the event touches anyway;
 *   rehashed (doubling) only when its load passes 1/2;
 * - price levels: a pool of slots (price, side, total size, order count, FIFO head/tail), and per
 *   side a sorted array of (key, level slot) with key = side × price, ascending, so the touch is the
 *   LAST element on both sides: the levels that change most are the cheapest to insert and remove
 *   (a shift of the few levels behind them). Each level knows its index in that array (kept
 *   through shifts), so dropping one needs no search;
 * - (side, price) → level slot: a second open-addressing table (hash of the price's low 32 bits),
 *   so an add or a move to an existing level — nearly all of them — is one probe, and only a new
 *   level searches the sorted array (from the touch) for its place;
 * - the touch prices are kept in a 2-slot array (NaN when a side is empty) for the cross check.
 *
 * Priority rules (CME and Nasdaq both do this; so does Databento's reference book): a size decrease
 * (partial cancel, execution, modify down) keeps the order's place in its level's FIFO; a price
 * change or a size increase sends the order to the back of its (new) level's queue.
 *
 * Event semantics (runtime/events.ts): Add, Cancel (size = size removed; at 0 the order goes),
 * Delete (the whole order goes), Modify (new price and size), Execute (resting order reduced by
 * size), Trade (no book change: in DBN MBO every fill is followed by the cancel that updates the
 * book, and LOBSTER hidden executions touch no visible order; likewise Fill and NoAction), Clear.
 * Inconsistencies are counted in `anomalies` per kind with the first offending event; the replay
 * always continues.
 */
import { EventKind, type MarketEvent, Side } from "../events.js";
import { AnomalyCounters, AnomalyKind } from "./anomalies.js";
import type { BookView } from "./view.js";

/** DBN's F_LAST flag: the last record of an exchange event for an instrument. */
export const F_LAST = 128 as const;

/** Construction options of an L3 book. */
export interface L3BookOptions {
  /** Expected number of resting orders (pre-sizes the pool and the id table; default 4096). */
  orderCapacity?: number;
  /** Expected number of price levels per side (default 1024). */
  levelCapacity?: number;
  /**
   * Check for a crossed/locked book only after records flagged F_LAST (DBN sources, where one
   * exchange event becomes several records and the book may be transiently crossed between them).
   * Default false: check after every event.
   */
  crossCheckOnLastOnly?: boolean;
}

// Constants of the per-event code are const enums declared in THIS file: esbuild inlines those as
// literals both bundled (dist/) and in a per-file transform (tsx, vitest), where a module-level
// `const` is a load from the module context (plus a type check) at every use and an imported
// const enum's member a property load from the enum object.

/** "No slot" in the pools, tables and links. */
const enum Slot {
  Empty = -1,
}

/** Indexes of the scratch registers (`reg`): price, size, ts, sequence, last update ts, search key. */
const enum Reg {
  Price = 0,
  Size = 1,
  Ts = 2,
  Seq = 3,
  Last = 4,
  Key = 5,
}

/** The event kinds `apply` dispatches on (values of EventKind, checked below). */
const enum Kind {
  Add = 1,
  Cancel = 2,
  Delete = 3,
  Modify = 4,
  Execute = 5,
  Clear = 7,
}

/** The sides (values of Side, checked below). */
const enum Sd {
  Bid = 1,
  Ask = -1,
}

/** DBN's F_LAST flag (the value of the exported F_LAST, checked below). */
const enum Flag {
  Last = 128,
}

/** Compile-time proof that the local copies above equal the shared definitions. */
type Same<A extends number, B extends number> = `${A}` extends `${B}` ? (`${B}` extends `${A}` ? true : false) : false;
const COPIES_AGREE: [
  Same<Kind.Add, EventKind.Add>,
  Same<Kind.Cancel, EventKind.Cancel>,
  Same<Kind.Delete, EventKind.Delete>,
  Same<Kind.Modify, EventKind.Modify>,
  Same<Kind.Execute, EventKind.Execute>,
  Same<Kind.Clear, EventKind.Clear>,
  Same<Sd.Bid, Side.Bid>,
  Same<Sd.Ask, Side.Ask>,
  Same<Flag.Last, typeof F_LAST>,
] = [true, true, true, true, true, true, true, true, true];
void COPIES_AGREE;

function nextPow2(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

/** The exact L3 book of one instrument; implements BookView. */
export class L3Book implements BookView {
  // Fields without an initializer are `declare`d: no class-field definition (to undefined) is
  // emitted, so each is first stored by the constructor with its final kind of value (an
  // Int32Array, a small integer...), and V8 keeps that field's exact type: optimised code loads a
  // table or a mask without a map or small-integer check. A field defined as undefined first and
  // then set would be generalised, and checked at every use in the per-event code.
  readonly declare instrument: number;
  /** Inconsistencies seen so far, per kind. */
  readonly anomalies = new AnomalyCounters();

  // ---- order pool (SoA) ----
  private declare oCap: number;
  private declare oIdHi: Int32Array;
  private declare oIdLo: Int32Array;
  private declare oSide: Int8Array;
  private declare oPrice: Float64Array;
  private declare oSize: Float64Array;
  private declare oLevel: Int32Array;
  private declare oHash: Int32Array; // the order's position in the id table (kept through shifts)
  private declare oHome: Int32Array; // the order's home bucket (its id's hash), so deletions need not rehash
  private declare oPrev: Int32Array;
  private declare oNext: Int32Array;
  private oFree = Slot.Empty;
  private oUsed = 0; // high-water mark of slots ever handed out
  private orderCount = 0;

  // ---- id → slot hash table ----
  private declare hMask: number;
  private declare hShift: number; // 32 - log2(table size)
  private home = 0; // home bucket of the id last probed (saves rehashing it on insert)
  // Entry i = the order's slot, or -1 (the id is read from oIdHi/oIdLo[slot]).
  private declare hTab: Int32Array;
  private hCount = 0;

  // ---- level pool (SoA) ----
  private declare lCap: number;
  private declare lPrice: Float64Array;
  private declare lSize: Float64Array;
  private declare lCount: Int32Array;
  private declare lHead: Int32Array;
  private declare lTail: Int32Array;
  private declare lSide: Int8Array;
  private declare lPos: Int32Array; // the level's index in its side's sorted arrays (kept through shifts)
  private declare lHash: Int32Array; // the level's position in the price table (kept through shifts)
  private declare lHome: Int32Array; // the level's home bucket in the price table
  private lFree = Slot.Empty;
  private lUsed = 0;

  // ---- (side, price) → level slot hash table (same scheme as the id table) ----
  private declare pMask: number;
  private declare pShift: number;
  private declare pTab: Int32Array;
  private pCount = 0;

  // ---- per side sorted levels: key = side × price ascending, touch at the end ----
  private declare bidKeys: Float64Array;
  private declare bidSlots: Int32Array;
  private bidN = 0;
  private declare askKeys: Float64Array;
  private declare askSlots: Int32Array;
  private askN = 0;
  /** The touch: [0] = best bid, [1] = best ask price, NaN when the side is empty (kept by newLevel/dropLevel). */
  private readonly touch = new Float64Array(2).fill(Number.NaN);

  // Scratch registers (see the op* methods): price, size, ts, sequence, last update ts, search key.
  private readonly reg = new Float64Array(6);
  private readonly declare crossOnLastOnly: boolean;

  constructor(instrument = 0, options: L3BookOptions = {}) {
    this.instrument = instrument;
    this.crossOnLastOnly = options.crossCheckOnLastOnly ?? false;
    const oc = Math.max(16, options.orderCapacity ?? 4096);
    this.oCap = oc;
    this.oIdHi = new Int32Array(oc);
    this.oIdLo = new Int32Array(oc);
    this.oSide = new Int8Array(oc);
    this.oPrice = new Float64Array(oc);
    this.oSize = new Float64Array(oc);
    this.oLevel = new Int32Array(oc);
    this.oHash = new Int32Array(oc);
    this.oHome = new Int32Array(oc);
    this.oPrev = new Int32Array(oc);
    this.oNext = new Int32Array(oc);
    const hc = nextPow2(oc * 2);
    this.hMask = hc - 1;
    this.hShift = (32 - Math.log2(hc)) | 0;
    this.hTab = L3Book.emptyTable(hc);
    const lc = Math.max(16, options.levelCapacity ?? 1024);
    this.lCap = lc;
    this.lPrice = new Float64Array(lc);
    this.lSize = new Float64Array(lc);
    this.lCount = new Int32Array(lc);
    this.lHead = new Int32Array(lc);
    this.lTail = new Int32Array(lc);
    this.lSide = new Int8Array(lc);
    this.lPos = new Int32Array(lc);
    this.lHash = new Int32Array(lc);
    this.lHome = new Int32Array(lc);
    const pc = nextPow2(lc * 2);
    this.pMask = pc - 1;
    this.pShift = (32 - Math.log2(pc)) | 0;
    this.pTab = L3Book.emptyTable(pc);
    this.bidKeys = new Float64Array(lc);
    this.bidSlots = new Int32Array(lc);
    this.askKeys = new Float64Array(lc);
    this.askSlots = new Int32Array(lc);
  }

  // ======================= event dispatch =======================

  /**
   * Applies one event to the book (kinds that do not concern an L3 book are ignored).
   *
   * The common cases — an add of a new id at a valid side/price/size, and a cancel or execution of
   * a known order for at most its size — run inline here, on locals; every other case (anomalies,
   * duplicate ids, a full table or pool, modifies, deletes, clears) goes to the op* methods, which
   * the public mutators use too and which define the semantics. Deliberately one large function:
   * V8 never inlines it into its caller (too large), so it is compiled on its own with the whole
   * inlining budget for its few small helpers, whoever calls it (bench loop, Market, engine) —
   * instead of its hot path being split over calls wherever the caller's budget runs out.
   */
  apply(ev: MarketEvent): void {
    // The registers for sequence and ts are written only where an anomaly may be noted (slow paths).
    const r = this.reg;
    const kind: number = ev.kind;
    if (kind === Kind.Add) {
      r[Reg.Last] = ev.ts;
      const side: number = ev.side;
      const price = ev.price;
      const size = ev.size;
      const hi = ev.orderIdHi | 0;
      const lo = ev.orderIdLo | 0;
      const t = this.hTab;
      const mask = this.hMask;
      const home = this.hashOf(hi, lo);
      let i = home;
      let s = t[i];
      while (s !== Slot.Empty) {
        if (this.oIdLo[s] === lo && this.oIdHi[s] === hi) break;
        i = (i + 1) & mask;
        s = t[i];
      }
      if (
        s === Slot.Empty &&
        (side === Sd.Bid || side === Sd.Ask) &&
        size > 0 &&
        price === price &&
        (this.hCount + 1) * 2 <= mask + 1 &&
        (this.oFree !== Slot.Empty || this.oUsed < this.oCap)
      ) {
        // The level: one price-table probe; a new level is the rare case.
        const pt = this.pTab;
        const pmask = this.pMask;
        let j = this.priceHash(side, price | 0);
        let lv = pt[j];
        while (lv !== Slot.Empty) {
          if (this.lPrice[lv] === price && this.lSide[lv] === side) break;
          j = (j + 1) & pmask;
          lv = pt[j];
        }
        if (lv === Slot.Empty) {
          r[Reg.Price] = price;
          lv = this.newLevel(side as number, j);
        }
        // The order: a pool slot, at the back of the level's queue, and its id-table entry.
        let slot = this.oFree;
        if (slot !== Slot.Empty) this.oFree = this.oNext[slot];
        else slot = this.oUsed++;
        this.oIdHi[slot] = hi;
        this.oIdLo[slot] = lo;
        this.oSide[slot] = side;
        this.oPrice[slot] = price;
        this.oSize[slot] = size;
        this.oLevel[slot] = lv;
        const tail = this.lTail[lv];
        this.oPrev[slot] = tail;
        this.oNext[slot] = Slot.Empty;
        if (tail === Slot.Empty) this.lHead[lv] = slot;
        else this.oNext[tail] = slot;
        this.lTail[lv] = slot;
        this.lSize[lv] += size;
        this.lCount[lv]++;
        this.orderCount++;
        t[i] = slot;
        this.oHash[slot] = i;
        this.oHome[slot] = home;
        this.hCount++;
      } else {
        this.eventRegs(ev);
        this.opAdd(hi, lo, side, false);
      }
    } else if (kind === Kind.Cancel || kind === Kind.Execute) {
      r[Reg.Last] = ev.ts;
      const hi = ev.orderIdHi | 0;
      const lo = ev.orderIdLo | 0;
      const t = this.hTab;
      const mask = this.hMask;
      let i = this.hashOf(hi, lo);
      let slot = t[i];
      while (slot !== Slot.Empty) {
        if (this.oIdLo[slot] === lo && this.oIdHi[slot] === hi) break;
        i = (i + 1) & mask;
        slot = t[i];
      }
      const size = ev.size;
      if (slot === Slot.Empty) {
        r[Reg.Seq] = ev.sequence;
        r[Reg.Ts] = ev.ts;
        this.note(kind === Kind.Cancel ? AnomalyKind.UnknownCancel : AnomalyKind.UnknownExecute);
      } else {
        const old = this.oSize[slot];
        const lv = this.oLevel[slot];
        if (size < old && size >= 0) {
          // Partial: the order keeps its place.
          this.oSize[slot] = old - size;
          this.lSize[lv] -= size;
        } else if (size === old) {
          // Full: unlink from the level's queue, drop an emptied level, free the id entry and slot.
          const p = this.oPrev[slot];
          const nx = this.oNext[slot];
          if (p === Slot.Empty) this.lHead[lv] = nx;
          else this.oNext[p] = nx;
          if (nx === Slot.Empty) this.lTail[lv] = p;
          else this.oPrev[nx] = p;
          this.lSize[lv] -= old;
          if (--this.lCount[lv] === 0) this.dropLevel(lv);
          // Backward-shift deletion at the entry's position i (no tombstones).
          let j = i;
          for (;;) {
            j = (j + 1) & mask;
            const sj = t[j];
            if (sj === Slot.Empty) break;
            const k = this.oHome[sj];
            if (i <= j ? k <= i || k > j : k <= i && k > j) {
              t[i] = sj;
              this.oHash[sj] = i;
              i = j;
            }
          }
          t[i] = Slot.Empty;
          this.hCount--;
          this.oNext[slot] = this.oFree;
          this.oFree = slot;
          this.orderCount--;
        } else {
          this.eventRegs(ev);
          this.reduceSlot(slot);
        }
      }
    } else if (kind === Kind.Modify) {
      this.eventRegs(ev);
      this.opModify(ev.orderIdHi | 0, ev.orderIdLo | 0, ev.side);
    } else if (kind === Kind.Delete) {
      this.eventRegs(ev);
      this.opDelete(ev.orderIdHi | 0, ev.orderIdLo | 0);
    } else if (kind === Kind.Clear) {
      this.clear();
      r[Reg.Last] = ev.ts;
      return;
    } else if (!this.crossOnLastOnly) {
      // Trade / Fill / NoAction change nothing, but may close an exchange event (Flag.Last).
      return;
    }
    // The cross check (NaN, an empty side, compares false).
    if ((!this.crossOnLastOnly || (ev.flags & Flag.Last) !== 0) && this.touch[0] >= this.touch[1]) {
      r[Reg.Seq] = ev.sequence;
      r[Reg.Ts] = ev.ts;
      this.crossCheck();
    }
  }

  /** Counts a crossed or locked book, attributing it to the event (sequence, ts). */
  checkCrossed(sequence: number, ts: number): void {
    this.reg[Reg.Seq] = sequence;
    this.reg[Reg.Ts] = ts;
    this.crossCheck();
  }

  private crossCheck(): void {
    // NaN (an empty side) compares false: no anomaly.
    const bid = this.touch[0];
    const ask = this.touch[1];
    if (bid >= ask) this.note(bid > ask ? AnomalyKind.Crossed : AnomalyKind.Locked);
  }

  private note(kind: AnomalyKind): void {
    this.anomalies.note(kind, this.reg[Reg.Seq], this.reg[Reg.Ts]);
  }

  /** Loads the registers from an event (an object argument: nothing is boxed, inlined or not). */
  private eventRegs(ev: MarketEvent): void {
    const r = this.reg;
    r[Reg.Price] = ev.price;
    r[Reg.Size] = ev.size;
    r[Reg.Seq] = ev.sequence;
    r[Reg.Ts] = ev.ts;
  }

  private setRegs(price: number, size: number, sequence: number, ts: number): void {
    const r = this.reg;
    r[Reg.Price] = price;
    r[Reg.Size] = size;
    r[Reg.Seq] = sequence;
    r[Reg.Ts] = ts;
  }

  // ======================= operations =======================

  /** Adds a resting order at the back of its level's queue (a duplicate id replaces the old order). */
  add(idHi: number, idLo: number, side: Side, price: number, size: number, sequence = 0, ts = 0): void {
    this.setRegs(price, size, sequence, ts);
    this.opAdd(idHi | 0, idLo | 0, side, false);
  }

  /**
   * Adds a resting order at the FRONT of its level's queue: for depth that was resting before the
   * data began (e.g. LOBSTER's pre-open book), which has time priority over everything later.
   */
  addFront(idHi: number, idLo: number, side: Side, price: number, size: number): void {
    this.setRegs(price, size, this.reg[Reg.Seq], this.reg[Reg.Last]);
    this.opAdd(idHi | 0, idLo | 0, side, true);
  }

  /** Reduces an order by `size` keeping its priority; removes it at 0. */
  cancel(idHi: number, idLo: number, size: number, sequence = 0, ts = 0): void {
    this.setRegs(0, size, sequence, ts);
    this.opReduce(idHi | 0, idLo | 0, AnomalyKind.UnknownCancel);
  }

  /** Removes an order entirely. */
  delete(idHi: number, idLo: number, sequence = 0, ts = 0): void {
    this.setRegs(0, 0, sequence, ts);
    this.opDelete(idHi | 0, idLo | 0);
  }

  /** Executes `size` of a resting order (keeps priority; removed at 0). */
  execute(idHi: number, idLo: number, size: number, sequence = 0, ts = 0): void {
    this.setRegs(0, size, sequence, ts);
    this.opReduce(idHi | 0, idLo | 0, AnomalyKind.UnknownExecute);
  }

  /**
   * Changes an order's price and/or size. A price change (or side change) or a size increase loses
   * priority (back of the queue); a size decrease keeps it; size 0 removes the order. A modify of an
   * unknown id is counted and the order is added (as venues that send modifies for orders first seen
   * mid-stream mean).
   */
  modify(idHi: number, idLo: number, side: Side, price: number, size: number, sequence = 0, ts = 0): void {
    this.setRegs(price, size, sequence, ts);
    this.opModify(idHi | 0, idLo | 0, side);
  }

  // The op* methods take int32 id halves and read price/size/ts from `reg`: a double passed as a
  // call argument that V8 does not inline is boxed (allocated), a typed-array slot never is.

  private opAdd(hi: number, lo: number, side: Side, front: boolean): void {
    const r = this.reg;
    if (!front) r[Reg.Last] = r[Reg.Ts];
    const price = r[Reg.Price];
    if ((side !== Side.Bid && side !== Side.Ask) || price !== price || !(r[Reg.Size] > 0)) {
      if (!front) this.note(AnomalyKind.BadField);
      return;
    }
    let pos = this.probe(hi, lo);
    if (pos >= 0) {
      if (!front) this.note(AnomalyKind.DuplicateAdd);
      this.removeSlot(this.hTab[pos]);
      pos = this.probe(hi, lo);
    }
    this.insertOrder(hi, lo, side, front, pos);
  }

  private opReduce(hi: number, lo: number, unknown: AnomalyKind): void {
    this.reg[Reg.Last] = this.reg[Reg.Ts];
    const slot = this.find(hi, lo);
    if (slot === Slot.Empty) this.note(unknown);
    else this.reduceSlot(slot);
  }

  private opDelete(hi: number, lo: number): void {
    this.reg[Reg.Last] = this.reg[Reg.Ts];
    const slot = this.find(hi, lo);
    if (slot === Slot.Empty) this.note(AnomalyKind.UnknownCancel);
    else this.removeSlot(slot);
  }

  private opModify(hi: number, lo: number, side: Side): void {
    const r = this.reg;
    r[Reg.Last] = r[Reg.Ts];
    const slot = this.find(hi, lo);
    const size = r[Reg.Size];
    if (slot === Slot.Empty) {
      this.note(AnomalyKind.UnknownModify);
      if (size > 0) this.opAdd(hi, lo, side, false);
      return;
    }
    if (!(size > 0)) {
      this.removeSlot(slot);
      return;
    }
    const oldSide = this.oSide[slot];
    const newSide = side === Side.Bid || side === Side.Ask ? side : oldSide;
    const price = r[Reg.Price];
    if (price !== this.oPrice[slot] || newSide !== oldSide) {
      if (price !== price) {
        this.note(AnomalyKind.BadField);
        return;
      }
      this.moveSlot(slot, newSide as Side);
      return;
    }
    const old = this.oSize[slot];
    const lv = this.oLevel[slot];
    if (size < old) {
      this.oSize[slot] = size;
      this.lSize[lv] -= old - size;
    } else if (size > old) {
      this.lSize[lv] += size - old;
      this.oSize[slot] = size;
      // Loses priority: move to the back of the same level.
      if (this.lTail[lv] !== slot) {
        this.unlinkFromLevel(slot, lv);
        this.linkBack(slot, lv);
      }
    }
  }

  /** Removes every order and level (keeps the anomaly counters). */
  clear(): void {
    this.hTab.fill(Slot.Empty);
    this.hCount = 0;
    this.oFree = Slot.Empty;
    this.oUsed = 0;
    this.orderCount = 0;
    this.lFree = Slot.Empty;
    this.lUsed = 0;
    this.pTab.fill(Slot.Empty);
    this.pCount = 0;
    this.bidN = 0;
    this.askN = 0;
    this.touch.fill(Number.NaN);
  }

  /** Removes every order at (side, price); returns the size removed. */
  clearLevel(side: Side, price: number): number {
    const lv = this.levelSlotAt(side, price);
    if (lv === Slot.Empty) return 0;
    const removed = this.lSize[lv];
    let s = this.lHead[lv];
    while (s !== Slot.Empty) {
      const nx = this.oNext[s];
      this.removeSlot(s);
      s = nx;
    }
    return removed;
  }

  /**
   * Takes `size` from the orders at (side, price) starting at the front of the queue (for depth
   * whose order ids are unknown); returns the part the level could not cover.
   */
  reduceAtPrice(side: Side, price: number, size: number): number {
    let left = size;
    while (left > 0) {
      const lv = this.levelSlotAt(side, price);
      if (lv === Slot.Empty) break;
      const s = this.lHead[lv];
      const sz = this.oSize[s];
      if (sz > left) {
        this.oSize[s] = sz - left;
        this.lSize[lv] -= left;
        return 0;
      }
      left -= sz;
      this.removeSlot(s);
    }
    return left;
  }

  // ======================= queries (BookView + orders) =======================

  /** Best bid price, NaN when empty. */
  bestBid(): number {
    return this.touch[0];
  }

  /** Best ask price, NaN when empty. */
  bestAsk(): number {
    return this.touch[1];
  }

  /**
   * Writes the touch into the caller's registers at index h: best bid / ask (NaN when a side is
   * empty) and the sizes there (0 when empty). One call instead of four getters, and no price
   * crosses a call boundary as a return value (a non-inlined double return is a heap number).
   */
  touchInto(h: number, bids: Float64Array, asks: Float64Array, bidSizes: Float64Array, askSizes: Float64Array): void {
    const nb = this.bidN;
    if (nb === 0) {
      bids[h] = Number.NaN;
      bidSizes[h] = 0;
    } else {
      const lv = this.bidSlots[nb - 1];
      bids[h] = this.lPrice[lv];
      bidSizes[h] = this.lSize[lv];
    }
    const na = this.askN;
    if (na === 0) {
      asks[h] = Number.NaN;
      askSizes[h] = 0;
    } else {
      const lv = this.askSlots[na - 1];
      asks[h] = this.lPrice[lv];
      askSizes[h] = this.lSize[lv];
    }
  }

  /** Number of non-empty levels on a side. */
  levels(side: Side): number {
    return side === Side.Bid ? this.bidN : side === Side.Ask ? this.askN : 0;
  }

  /** Level slot at depth i from the touch, or -1. */
  private levelSlot(side: Side, i: number): number {
    if (side === Side.Bid) return i >= 0 && i < this.bidN ? this.bidSlots[this.bidN - 1 - i] : Slot.Empty;
    if (side === Side.Ask) return i >= 0 && i < this.askN ? this.askSlots[this.askN - 1 - i] : Slot.Empty;
    return Slot.Empty;
  }

  /** Price of level i (0 = touch), NaN past the last level. */
  levelPrice(side: Side, i: number): number {
    const lv = this.levelSlot(side, i);
    return lv === Slot.Empty ? Number.NaN : this.lPrice[lv];
  }

  /** Total size of level i, 0 past the last level. */
  levelSize(side: Side, i: number): number {
    const lv = this.levelSlot(side, i);
    return lv === Slot.Empty ? 0 : this.lSize[lv];
  }

  /** Number of orders at level i, 0 past the last level. */
  levelCount(side: Side, i: number): number {
    const lv = this.levelSlot(side, i);
    return lv === Slot.Empty ? 0 : this.lCount[lv];
  }

  /** Total size resting at an exact price on a side. */
  sizeAtPrice(side: Side, price: number): number {
    const lv = this.levelSlotAt(side, price);
    return lv === Slot.Empty ? 0 : this.lSize[lv];
  }

  /**
   * sizeAtPrice with the price in reg[0]: per-event callers (the simulator) pass no double, which
   * V8 boxes — one allocation per call — whenever it does not inline the call.
   */
  sizeAtPriceIn(side: Side, reg: Float64Array): number {
    const lv = this.levelSlotAt(side, reg[0]);
    return lv === Slot.Empty ? 0 : this.lSize[lv];
  }

  /** Number of orders resting at an exact price on a side. */
  countAtPrice(side: Side, price: number): number {
    const lv = this.levelSlotAt(side, price);
    return lv === Slot.Empty ? 0 : this.lCount[lv];
  }

  /** Total size of the top n levels on a side. */
  depth(side: Side, n: number): number {
    const m = Math.min(n, this.levels(side));
    let t = 0;
    for (let i = 0; i < m; i++) t += this.lSize[this.levelSlot(side, i)];
    return t;
  }

  /** Event time of the last change applied. */
  lastUpdateTs(): number {
    return this.reg[Reg.Last];
  }

  /** Number of resting orders. */
  orders(): number {
    return this.orderCount;
  }

  /** True when the order id rests in the book. */
  hasOrder(idHi: number, idLo: number): boolean {
    return this.find(idHi | 0, idLo | 0) !== Slot.Empty;
  }

  /** Price of a resting order, NaN when unknown. */
  orderPrice(idHi: number, idLo: number): number {
    const s = this.find(idHi | 0, idLo | 0);
    return s === Slot.Empty ? Number.NaN : this.oPrice[s];
  }

  /** Remaining size of a resting order, 0 when unknown. */
  orderSize(idHi: number, idLo: number): number {
    const s = this.find(idHi | 0, idLo | 0);
    return s === Slot.Empty ? 0 : this.oSize[s];
  }

  /** Side of a resting order, None when unknown. */
  orderSide(idHi: number, idLo: number): Side {
    const s = this.find(idHi | 0, idLo | 0);
    return s === Slot.Empty ? Side.None : (this.oSide[s] as Side);
  }

  /** Size queued ahead of an order in its level's FIFO (O(position)); NaN when unknown. */
  queueAhead(idHi: number, idLo: number): number {
    const s = this.find(idHi | 0, idLo | 0);
    return s === Slot.Empty ? Number.NaN : this.queueAheadOf(s);
  }

  /**
   * One id lookup for the simulator's per-event queue arithmetic: writes the resting order's side,
   * price and remaining size into out[0], out[1], out[2] (registers: no double is returned through
   * a call) and returns its handle for `queueAheadOf`; -1 when the id does not rest (out untouched).
   */
  orderInto(idHi: number, idLo: number, out: Float64Array): number {
    const s = this.find(idHi | 0, idLo | 0);
    if (s === Slot.Empty) return -1;
    out[0] = this.oSide[s];
    out[1] = this.oPrice[s];
    out[2] = this.oSize[s];
    return s;
  }

  /** Size queued ahead of the order whose handle `orderInto` returned (valid until the book changes). */
  queueAheadOf(handle: number): number {
    let ahead = 0;
    let p = this.oPrev[handle];
    while (p !== Slot.Empty) {
      ahead += this.oSize[p];
      p = this.oPrev[p];
    }
    return ahead;
  }

  /**
   * Visits the orders of level i (0 = touch) on a side in queue order, writing ids and sizes into
   * the given arrays; returns how many were written (at most the arrays' length).
   */
  levelOrders(side: Side, i: number, idHi: Uint32Array, idLo: Uint32Array, size: Float64Array): number {
    const lv = this.levelSlot(side, i);
    if (lv === Slot.Empty) return 0;
    let n = 0;
    let s = this.lHead[lv];
    while (s !== Slot.Empty && n < size.length) {
      idHi[n] = this.oIdHi[s];
      idLo[n] = this.oIdLo[s];
      size[n] = this.oSize[s];
      n++;
      s = this.oNext[s];
    }
    return n;
  }

  // ======================= internals =======================

  /** Home bucket of an id: Fibonacci hashing (multiply, keep the top bits), spreads sequential ids. */
  private hashOf(hi: number, lo: number): number {
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.hShift;
  }

  private static emptyTable(entries: number): Int32Array {
    return new Int32Array(entries).fill(Slot.Empty);
  }

  /**
   * Slot of an order id, or -1.
   *
   * The probe loops (here, `probe`, `levelSlotAt`, `levelFor`) compute the next position before the
   * match test, not after it: a lookup that hits at its first position then still runs the
   * increment, so its type feedback exists from the first call. Otherwise the first collision met
   * after V8 optimised the caller (rare for modifies) deoptimises it in the middle of a run, and the
   * caller runs unoptimised — boxing every double — until V8 optimises it again.
   */
  private find(hi: number, lo: number): number {
    const mask = this.hMask;
    const t = this.hTab;
    const idLo = this.oIdLo;
    const idHi = this.oIdHi;
    let i = this.hashOf(hi, lo);
    for (;;) {
      const s = t[i];
      if (s === Slot.Empty) return Slot.Empty;
      // before the match test (see the comment above)
      const next = (i + 1) & mask;
      if (idLo[s] === lo && idHi[s] === hi) return s;
      i = next;
    }
  }

  /** Table position holding (hi, lo), or -(empty position + 1) where it would go. */
  private probe(hi: number, lo: number): number {
    const mask = this.hMask;
    const t = this.hTab;
    const idLo = this.oIdLo;
    const idHi = this.oIdHi;
    let i = this.hashOf(hi, lo);
    this.home = i;
    for (;;) {
      const s = t[i];
      if (s === Slot.Empty) return -(i + 1);
      const next = (i + 1) & mask; // before the match test (see `find`)
      if (idLo[s] === lo && idHi[s] === hi) return i;
      i = next;
    }
  }

  /**
   * Stores (hi, lo) → slot at an empty table position found by `probe` (-(pos + 1)). The slot's
   * oIdHi/oIdLo must already hold (hi, lo).
   */
  private hashInsertAt(neg: number, hi: number, lo: number, slot: number): void {
    let i = -neg - 1;
    if ((this.hCount + 1) * 2 > this.hMask + 1) {
      this.rehash((this.hMask + 1) * 2);
      i = -this.probe(hi, lo) - 1;
    }
    this.hTab[i] = slot;
    this.oHash[slot] = i;
    this.oHome[slot] = this.home;
    this.hCount++;
  }

  /** Deletes the entry at table position i with backward-shift deletion (no tombstones). */
  private hashRemoveAt(i: number): void {
    const mask = this.hMask;
    const t = this.hTab;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const sj = t[j];
      if (sj === Slot.Empty) break;
      const k = this.oHome[sj];
      // Move j's entry into the hole at i when its home k is not cyclically in (i, j].
      if (i <= j ? k <= i || k > j : k <= i && k > j) {
        t[i] = sj;
        this.oHash[sj] = i;
        i = j;
      }
    }
    t[i] = Slot.Empty;
    this.hCount--;
  }

  private rehash(cap: number): void {
    const old = this.hTab;
    this.hMask = cap - 1;
    this.hShift = (32 - Math.log2(cap)) | 0;
    this.hTab = L3Book.emptyTable(cap);
    this.hCount = 0;
    const t = this.hTab;
    for (let b = 0; b < old.length; b++) {
      const s = old[b];
      if (s === Slot.Empty) continue;
      let j = this.hashOf(this.oIdHi[s], this.oIdLo[s]);
      this.oHome[s] = j;
      while (t[j] !== Slot.Empty) j = (j + 1) & this.hMask;
      t[j] = s;
      this.oHash[s] = j;
      this.hCount++;
    }
  }

  private allocOrder(): number {
    if (this.oFree !== Slot.Empty) {
      const s = this.oFree;
      this.oFree = this.oNext[s];
      return s;
    }
    if (this.oUsed === this.oCap) this.growOrders();
    return this.oUsed++;
  }

  private growOrders(): void {
    const cap = this.oCap * 2;
    const gi32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const gf = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.oIdHi = gi32(this.oIdHi);
    this.oIdLo = gi32(this.oIdLo);
    const side = new Int8Array(cap);
    side.set(this.oSide);
    this.oSide = side;
    this.oPrice = gf(this.oPrice);
    this.oSize = gf(this.oSize);
    this.oLevel = gi32(this.oLevel);
    this.oHash = gi32(this.oHash);
    this.oHome = gi32(this.oHome);
    this.oPrev = gi32(this.oPrev);
    this.oNext = gi32(this.oNext);
    this.oCap = cap;
  }

  private allocLevel(): number {
    if (this.lFree !== Slot.Empty) {
      const s = this.lFree;
      this.lFree = this.lHead[s];
      return s;
    }
    if (this.lUsed === this.lCap) this.growLevels();
    return this.lUsed++;
  }

  private growLevels(): void {
    const cap = this.lCap * 2;
    const gf = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const gi = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.lPrice = gf(this.lPrice);
    this.lSize = gf(this.lSize);
    this.lCount = gi(this.lCount);
    this.lHead = gi(this.lHead);
    this.lTail = gi(this.lTail);
    const ls = new Int8Array(cap);
    ls.set(this.lSide);
    this.lSide = ls;
    this.lPos = gi(this.lPos);
    this.lHash = gi(this.lHash);
    this.lHome = gi(this.lHome);
    this.bidKeys = gf(this.bidKeys);
    this.bidSlots = gi(this.bidSlots);
    this.askKeys = gf(this.askKeys);
    this.askSlots = gi(this.askSlots);
    this.lCap = cap;
  }

  /**
   * Position of the key in reg[Reg.Key] in a side's sorted key array, or -(insertion point + 1).
   * Scans the 8 levels nearest the touch first (most events are there), then binary-searches.
   */
  private search(keys: Float64Array, n: number): number {
    const key = this.reg[Reg.Key];
    let i = n - 1;
    const stop = n > 8 ? n - 8 : 0;
    while (i >= stop) {
      const k = keys[i];
      if (k === key) return i;
      if (k < key) return -(i + 2);
      i--;
    }
    if (stop === 0) return -1;
    let lo = 0;
    let hi = stop - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid];
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return -(lo + 1);
  }

  /**
   * Home bucket of a (side, price) in the price table, given `price | 0`: it keeps the low 32 bits of the
   * fixed-point integer (a single truncating conversion for any |price| < 2^63); a non-integer
   * price only collides more, the probe compares the exact price.
   */
  private priceHash(side: number, low32: number): number {
    return Math.imul(low32 ^ side, 0x9e3779b1) >>> this.pShift;
  }

  /** Level slot at an exact (side, price), or -1. */
  private levelSlotAt(side: Side, price: number): number {
    if (side !== Side.Bid && side !== Side.Ask) return Slot.Empty;
    const t = this.pTab;
    const mask = this.pMask;
    const lp = this.lPrice;
    const lsd = this.lSide;
    let i = this.priceHash(side, price | 0);
    for (;;) {
      const lv = t[i];
      if (lv === Slot.Empty) return Slot.Empty;
      const next = (i + 1) & mask; // before the match test (see `find`)
      if (lp[lv] === price && lsd[lv] === side) return lv;
      i = next;
    }
  }

  /**
   * Level slot at (side, reg[Reg.Price]), created empty when absent: a price-table probe finds an
   * existing level without touching the sorted arrays; only a new level searches them for its place.
   */
  private levelFor(side: Side): number {
    const price = this.reg[Reg.Price];
    const t = this.pTab;
    const mask = this.pMask;
    const lp = this.lPrice;
    const lsd = this.lSide;
    let i = this.priceHash(side, price | 0);
    for (;;) {
      const lv = t[i];
      if (lv === Slot.Empty) break;
      const next = (i + 1) & mask; // before the match test (see `find`)
      if (lp[lv] === price && lsd[lv] === side) return lv;
      i = next;
    }
    return this.newLevel(side, i);
  }

  /** Creates the level (side, reg[Reg.Price]) whose price-table position `pos` is empty. */
  private newLevel(side: Side, pos: number): number {
    const bid = side === Side.Bid;
    const price = this.reg[Reg.Price];
    let home = this.priceHash(side, price | 0);
    this.reg[Reg.Key] = bid ? price : -price;
    const n = bid ? this.bidN : this.askN;
    let at = this.search(bid ? this.bidKeys : this.askKeys, n);
    const lv = this.allocLevel(); // may grow (and replace) the key arrays
    const keys = bid ? this.bidKeys : this.askKeys;
    const slots = bid ? this.bidSlots : this.askSlots;
    const lpos = this.lPos;
    at = -at - 1;
    // A plain loop, not copyWithin: deep inserts are rare, and a rare call site is one whose type
    // feedback a forced GC may flush — its first use then deoptimises the whole apply path.
    for (let i = n; i > at; i--) {
      const s = slots[i - 1];
      keys[i] = keys[i - 1];
      slots[i] = s;
      lpos[s] = i;
    }
    keys[at] = this.reg[Reg.Key];
    slots[at] = lv;
    lpos[lv] = at;
    if (at === n) this.touch[bid ? 0 : 1] = price;
    if (bid) this.bidN = n + 1;
    else this.askN = n + 1;
    this.lPrice[lv] = price;
    this.lSide[lv] = side;
    this.lSize[lv] = 0;
    this.lCount[lv] = 0;
    this.lHead[lv] = Slot.Empty;
    this.lTail[lv] = Slot.Empty;
    if ((this.pCount + 1) * 2 > this.pMask + 1) {
      this.rehashPrices((this.pMask + 1) * 2);
      home = this.priceHash(side, price | 0);
      pos = home;
      while (this.pTab[pos] !== Slot.Empty) pos = (pos + 1) & this.pMask;
    }
    this.pTab[pos] = lv;
    this.lHash[lv] = pos;
    this.lHome[lv] = home;
    this.pCount++;
    return lv;
  }

  /** Removes an empty level from its side and from the price table, and frees its slot. */
  private dropLevel(lv: number): void {
    const bid = this.lSide[lv] === Side.Bid;
    const keys = bid ? this.bidKeys : this.askKeys;
    const slots = bid ? this.bidSlots : this.askSlots;
    const lpos = this.lPos;
    const n = bid ? this.bidN : this.askN;
    const at = lpos[lv];
    if (at === n - 1) this.touch[bid ? 0 : 1] = at === 0 ? Number.NaN : this.lPrice[slots[at - 1]];
    for (let i = at + 1; i < n; i++) {
      const s = slots[i];
      keys[i - 1] = keys[i];
      slots[i - 1] = s;
      lpos[s] = i - 1;
    }
    if (bid) this.bidN = n - 1;
    else this.askN = n - 1;
    // Backward-shift deletion from the price table.
    const mask = this.pMask;
    const t = this.pTab;
    let i = this.lHash[lv];
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const sj = t[j];
      if (sj === Slot.Empty) break;
      const k = this.lHome[sj];
      if (i <= j ? k <= i || k > j : k <= i && k > j) {
        t[i] = sj;
        this.lHash[sj] = i;
        i = j;
      }
    }
    t[i] = Slot.Empty;
    this.pCount--;
    this.lHead[lv] = this.lFree;
    this.lFree = lv;
  }

  private rehashPrices(cap: number): void {
    this.pMask = cap - 1;
    this.pShift = (32 - Math.log2(cap)) | 0;
    this.pTab = L3Book.emptyTable(cap);
    this.pCount = 0;
    const t = this.pTab;
    for (let side = 0; side < 2; side++) {
      const slots = side === 0 ? this.bidSlots : this.askSlots;
      const n = side === 0 ? this.bidN : this.askN;
      for (let p = 0; p < n; p++) {
        const lv = slots[p];
        let j = this.priceHash(this.lSide[lv], this.lPrice[lv] | 0);
        this.lHome[lv] = j;
        while (t[j] !== Slot.Empty) j = (j + 1) & this.pMask;
        t[j] = lv;
        this.lHash[lv] = j;
        this.pCount++;
      }
    }
  }

  private linkBack(slot: number, lv: number): void {
    const tail = this.lTail[lv];
    this.oPrev[slot] = tail;
    this.oNext[slot] = Slot.Empty;
    if (tail === Slot.Empty) this.lHead[lv] = slot;
    else this.oNext[tail] = slot;
    this.lTail[lv] = slot;
  }

  private linkFront(slot: number, lv: number): void {
    const head = this.lHead[lv];
    this.oPrev[slot] = Slot.Empty;
    this.oNext[slot] = head;
    if (head === Slot.Empty) this.lTail[lv] = slot;
    else this.oPrev[head] = slot;
    this.lHead[lv] = slot;
  }

  private unlinkFromLevel(slot: number, lv: number): void {
    const p = this.oPrev[slot];
    const nx = this.oNext[slot];
    if (p === Slot.Empty) this.lHead[lv] = nx;
    else this.oNext[p] = nx;
    if (nx === Slot.Empty) this.lTail[lv] = p;
    else this.oPrev[nx] = p;
  }

  /**
   * Inserts order (hi, lo) at (side, reg[Reg.Price]) with size reg[Reg.Size]; `hashPos` is the
   * id table's empty position for it, as returned by `probe`.
   */
  private insertOrder(hi: number, lo: number, side: Side, front: boolean, hashPos: number): void {
    const slot = this.allocOrder();
    const size = this.reg[Reg.Size];
    this.oIdHi[slot] = hi;
    this.oIdLo[slot] = lo;
    this.oSide[slot] = side;
    this.oPrice[slot] = this.reg[Reg.Price];
    this.oSize[slot] = size;
    const lv = this.levelFor(side);
    this.oLevel[slot] = lv;
    if (front) this.linkFront(slot, lv);
    else this.linkBack(slot, lv);
    this.lSize[lv] += size;
    this.lCount[lv]++;
    this.orderCount++;
    this.hashInsertAt(hashPos, hi, lo, slot);
  }

  /** Reduces an order by reg[Reg.Size] (keeps priority), removing it at 0. */
  private reduceSlot(slot: number): void {
    const size = this.reg[Reg.Size];
    const old = this.oSize[slot];
    if (size < old) {
      if (!(size >= 0)) {
        this.note(AnomalyKind.BadField);
        return;
      }
      this.oSize[slot] = old - size;
      this.lSize[this.oLevel[slot]] -= size;
      return;
    }
    if (size > old) this.note(AnomalyKind.NegativeSize);
    this.removeSlot(slot);
  }

  /**
   * Moves a resting order to (side, reg[Reg.Price]) with `size`, at the back of its new level's queue.
   * The order keeps its pool slot and its id-table entry: one id lookup for the whole modify.
   */
  /** Moves an order to the level of (side, reg price) with the reg size (no double argument: it would be boxed when not inlined). */
  private moveSlot(slot: number, side: Side): void {
    const size = this.reg[Reg.Size];
    const lv = this.oLevel[slot];
    this.unlinkFromLevel(slot, lv);
    this.lSize[lv] -= this.oSize[slot];
    if (--this.lCount[lv] === 0) this.dropLevel(lv);
    this.oSide[slot] = side;
    this.oPrice[slot] = this.reg[Reg.Price];
    this.oSize[slot] = size;
    const nl = this.levelFor(side);
    this.oLevel[slot] = nl;
    this.linkBack(slot, nl);
    this.lSize[nl] += size;
    this.lCount[nl]++;
  }

  private removeSlot(slot: number): void {
    const lv = this.oLevel[slot];
    this.unlinkFromLevel(slot, lv);
    this.lSize[lv] -= this.oSize[slot];
    if (--this.lCount[lv] === 0) this.dropLevel(lv);
    this.hashRemoveAt(this.oHash[slot]);
    this.oNext[slot] = this.oFree;
    this.oFree = slot;
    this.orderCount--;
  }
}
