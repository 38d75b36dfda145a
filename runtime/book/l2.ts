/**
 * The market-by-price (L2) book: per side a sorted array of (price, size, count) levels. PER-EVENT
 * CODE: `apply` and the queries must not allocate in steady state (typed arrays only; capacity grows
 * by doubling, never per event). As in the L3 book, key = side × price ascending, touch LAST.
 *
 * Sources: LevelUpdate (MBP / price-keyed updates: the level at `price` on `side` now has `size`
 * and `count`; size 0 removes it — `depth` is informational), LevelSnapshot (MBP-1, MBP-10, BBO:
 * the top `depth` levels of both sides replace the book), Clear, and `copyFrom` any BookView (an L3
 * book) for L2-from-L3.
 */
import { EventKind, type MarketEvent, Side } from "../events.js";
import { AnomalyCounters, AnomalyKind } from "./anomalies.js";
import type { BookView } from "./view.js";

/** Construction options of an L2 book. */
export interface L2BookOptions {
  /** Expected number of levels per side (default 64). */
  levelCapacity?: number;
  /** Keep at most this many levels per side (0 = unlimited); deeper levels are dropped. */
  maxLevels?: number;
}

/** A market-by-price book of one instrument; implements BookView. */
export class L2Book implements BookView {
  readonly instrument: number;
  /** Inconsistencies seen so far (crossed/locked after an update, bad fields). */
  readonly anomalies = new AnomalyCounters();
  private cap: number;
  private readonly maxLevels: number;
  private bidKey: Float64Array;
  private bidSz: Float64Array;
  private bidCt: Float64Array;
  private bidN = 0;
  private askKey: Float64Array;
  private askSz: Float64Array;
  private askCt: Float64Array;
  private askN = 0;
  private lastTs = 0;
  private readonly reg = new Float64Array(3);

  constructor(instrument = 0, options: L2BookOptions = {}) {
    this.instrument = instrument;
    this.maxLevels = options.maxLevels ?? 0;
    const c = Math.max(16, options.levelCapacity ?? 64);
    this.cap = c;
    this.bidKey = new Float64Array(c);
    this.bidSz = new Float64Array(c);
    this.bidCt = new Float64Array(c);
    this.askKey = new Float64Array(c);
    this.askSz = new Float64Array(c);
    this.askCt = new Float64Array(c);
  }

  /** Applies a LevelUpdate, LevelSnapshot or Clear; other kinds are ignored. */
  apply(ev: MarketEvent): void {
    switch (ev.kind) {
      case EventKind.LevelUpdate:
        if ((ev.side !== Side.Bid && ev.side !== Side.Ask) || ev.price !== ev.price) {
          this.anomalies.note(AnomalyKind.BadField, ev.sequence, ev.ts);
          return;
        }
        this.put(ev.side, ev.price, ev.size, ev.count);
        break;
      case EventKind.LevelSnapshot: {
        this.bidN = 0;
        this.askN = 0;
        const n = ev.depth;
        for (let i = 0; i < n; i++) {
          const bp = ev.bidPx[i];
          if (bp === bp && ev.bidSz[i] > 0) this.put(Side.Bid, bp, ev.bidSz[i], ev.bidCt[i]);
          const ap = ev.askPx[i];
          if (ap === ap && ev.askSz[i] > 0) this.put(Side.Ask, ap, ev.askSz[i], ev.askCt[i]);
        }
        break;
      }
      case EventKind.Clear:
        this.bidN = 0;
        this.askN = 0;
        this.lastTs = ev.ts;
        return;
      default:
        return;
    }
    this.lastTs = ev.ts;
    if (this.bidN > 0 && this.askN > 0) {
      const bid = this.bidKey[this.bidN - 1];
      const ask = -this.askKey[this.askN - 1];
      if (bid > ask) this.anomalies.note(AnomalyKind.Crossed, ev.sequence, ev.ts);
      else if (bid === ask) this.anomalies.note(AnomalyKind.Locked, ev.sequence, ev.ts);
    }
  }

  /** Sets the level at (side, price) to (size, count); size ≤ 0 removes it. */
  setLevel(side: Side, price: number, size: number, count: number): void {
    this.put(side, price, size, count);
  }

  // Doubles go through `reg` (a typed array) into `store`: V8 boxes a non-Smi double passed as an
  // argument to a call it does not inline; this tiny wrapper is always inlined.
  private put(side: Side, price: number, size: number, count: number): void {
    const r = this.reg;
    r[0] = price;
    r[1] = size;
    r[2] = count;
    this.store(side);
  }

  private store(side: Side): void {
    const bid = side === Side.Bid;
    const r = this.reg;
    const price = r[0];
    const size = r[1];
    const count = r[2];
    const key = bid ? price : -price;
    let keys = bid ? this.bidKey : this.askKey;
    const n = bid ? this.bidN : this.askN;
    let pos = search(keys, n, key);
    if (pos >= 0) {
      const sz = bid ? this.bidSz : this.askSz;
      if (size > 0) {
        sz[pos] = size;
        (bid ? this.bidCt : this.askCt)[pos] = count;
        return;
      }
      const ct = bid ? this.bidCt : this.askCt;
      if (pos < n - 1) {
        keys.copyWithin(pos, pos + 1, n);
        sz.copyWithin(pos, pos + 1, n);
        ct.copyWithin(pos, pos + 1, n);
      }
      if (bid) this.bidN = n - 1;
      else this.askN = n - 1;
      return;
    }
    if (!(size > 0)) return;
    if (n === this.cap) {
      this.grow();
      keys = bid ? this.bidKey : this.askKey;
    }
    const sz = bid ? this.bidSz : this.askSz;
    const ct = bid ? this.bidCt : this.askCt;
    pos = -pos - 1;
    if (pos < n) {
      keys.copyWithin(pos + 1, pos, n);
      sz.copyWithin(pos + 1, pos, n);
      ct.copyWithin(pos + 1, pos, n);
    }
    keys[pos] = key;
    sz[pos] = size;
    ct[pos] = count;
    let m = n + 1;
    if (this.maxLevels > 0 && m > this.maxLevels) {
      // Drop the deepest levels (the front of the array).
      const drop = m - this.maxLevels;
      keys.copyWithin(0, drop, m);
      sz.copyWithin(0, drop, m);
      ct.copyWithin(0, drop, m);
      m = this.maxLevels;
    }
    if (bid) this.bidN = m;
    else this.askN = m;
  }

  /** Replaces this book with the top `n` levels of any BookView (L2 from L3). */
  copyFrom(view: BookView, n: number): void {
    this.bidN = 0;
    this.askN = 0;
    const nb = Math.min(n, view.levels(Side.Bid));
    for (let i = nb - 1; i >= 0; i--) this.setLevel(Side.Bid, view.levelPrice(Side.Bid, i), view.levelSize(Side.Bid, i), view.levelCount(Side.Bid, i));
    const na = Math.min(n, view.levels(Side.Ask));
    for (let i = na - 1; i >= 0; i--) this.setLevel(Side.Ask, view.levelPrice(Side.Ask, i), view.levelSize(Side.Ask, i), view.levelCount(Side.Ask, i));
    this.lastTs = view.lastUpdateTs();
  }

  /** Removes every level. */
  clear(): void {
    this.bidN = 0;
    this.askN = 0;
  }

  /** Best bid price, NaN when empty. */
  bestBid(): number {
    return this.bidN === 0 ? Number.NaN : this.bidKey[this.bidN - 1];
  }

  /** Best ask price, NaN when empty. */
  bestAsk(): number {
    return this.askN === 0 ? Number.NaN : -this.askKey[this.askN - 1];
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
      bids[h] = this.bidKey[nb - 1];
      bidSizes[h] = this.bidSz[nb - 1];
    }
    const na = this.askN;
    if (na === 0) {
      asks[h] = Number.NaN;
      askSizes[h] = 0;
    } else {
      asks[h] = -this.askKey[na - 1];
      askSizes[h] = this.askSz[na - 1];
    }
  }

  /** Number of non-empty levels on a side. */
  levels(side: Side): number {
    return side === Side.Bid ? this.bidN : side === Side.Ask ? this.askN : 0;
  }

  /** Price of level i (0 = touch), NaN past the last level. */
  levelPrice(side: Side, i: number): number {
    if (side === Side.Bid) return i >= 0 && i < this.bidN ? this.bidKey[this.bidN - 1 - i] : Number.NaN;
    if (side === Side.Ask) return i >= 0 && i < this.askN ? -this.askKey[this.askN - 1 - i] : Number.NaN;
    return Number.NaN;
  }

  /** Size of level i, 0 past the last level. */
  levelSize(side: Side, i: number): number {
    if (side === Side.Bid) return i >= 0 && i < this.bidN ? this.bidSz[this.bidN - 1 - i] : 0;
    if (side === Side.Ask) return i >= 0 && i < this.askN ? this.askSz[this.askN - 1 - i] : 0;
    return 0;
  }

  /** Order count of level i (0 when the source does not say). */
  levelCount(side: Side, i: number): number {
    if (side === Side.Bid) return i >= 0 && i < this.bidN ? this.bidCt[this.bidN - 1 - i] : 0;
    if (side === Side.Ask) return i >= 0 && i < this.askN ? this.askCt[this.askN - 1 - i] : 0;
    return 0;
  }

  /** sizeAtPrice with the price in reg[0] (no double argument: see L3Book.sizeAtPriceIn). */
  sizeAtPriceIn(side: Side, reg: Float64Array): number {
    return this.sizeAtPrice(side, reg[0]);
  }

  /** Size resting at an exact price on a side. */
  sizeAtPrice(side: Side, price: number): number {
    if (side === Side.Bid) {
      const p = search(this.bidKey, this.bidN, price);
      return p >= 0 ? this.bidSz[p] : 0;
    }
    if (side === Side.Ask) {
      const p = search(this.askKey, this.askN, -price);
      return p >= 0 ? this.askSz[p] : 0;
    }
    return 0;
  }

  /** Total size of the top n levels on a side. */
  depth(side: Side, n: number): number {
    const m = Math.min(n, this.levels(side));
    let t = 0;
    for (let i = 0; i < m; i++) t += this.levelSize(side, i);
    return t;
  }

  /** Event time of the last change applied. */
  lastUpdateTs(): number {
    return this.lastTs;
  }

  private grow(): void {
    const c = this.cap * 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(c);
      b.set(a);
      return b;
    };
    this.bidKey = g(this.bidKey);
    this.bidSz = g(this.bidSz);
    this.bidCt = g(this.bidCt);
    this.askKey = g(this.askKey);
    this.askSz = g(this.askSz);
    this.askCt = g(this.askCt);
    this.cap = c;
  }
}

/** Position of key in ascending keys[0..n), or -(insertion point + 1); checks the touch first. */
function search(keys: Float64Array, n: number, key: number): number {
  if (n > 0) {
    const top = keys[n - 1];
    if (top === key) return n - 1;
    if (key > top) return -(n + 1);
  }
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid];
    if (k < key) lo = mid + 1;
    else if (k > key) hi = mid - 1;
    else return mid;
  }
  return -(lo + 1);
}
