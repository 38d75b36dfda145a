/**
 * PER-EVENT CODE: push() runs on every update. It must not allocate (except the documented
 * capacity doubling of a duration window), use closures or iterators, and no double crosses a call
 * boundary inside it (stdlib/core/index.ts, "Doubles and V8"): results are fields.
 *
 * RollingQuantile: an order-statistic structure over a ring buffer. The window's samples are split
 * between a max-heap `lo` (the smallest floor((count - 1) q) + 1 samples) and a min-heap `hi` (the
 * rest); heaps hold ring slot numbers and `where[slot]` tracks each slot's heap position so the
 * sample leaving the window is deleted in O(log n). The q-quantile with linear interpolation
 * (numpy's default, R type 7) is then read from the two heap tops in O(1).
 */
import { DEFAULT_TIME_CAPACITY, checkCount, checkDuration, powerOfTwoAtLeast } from "./capacity.js";

/** Sliding-window quantile (see the file comment). */
export class RollingQuantile {
  /** Window length in samples (Infinity for a duration window). */
  readonly windowCount: number;
  /** Window length in ns (Infinity for a count window). */
  readonly windowNs: number;
  /** The quantile in [0, 1]. */
  readonly q: number;
  /** Samples currently in the window. */
  count = 0;
  /** The q-quantile of the window after the last push (NaN when empty). */
  value = Number.NaN;
  /** True once the window is full (count) or has spanned its duration (time); set by push. */
  full = false;
  /** Time of the first sample since reset, and of the newest. */
  firstTs = Number.NaN;
  lastTs = Number.NaN;
  /** Times a duration window's ring doubled. */
  growths = 0;
  private readonly timed: boolean;
  private xs: Float64Array;
  private tss: Float64Array;
  private lo: Int32Array;
  private hi: Int32Array;
  private where: Int32Array;
  private loSize = 0;
  private hiSize = 0;
  private mask: number;
  private head = 0;
  /** push() arguments, read by step(). */
  private inX = Number.NaN;
  private inTs = Number.NaN;

  private constructor(q: number, windowCount: number, windowNs: number, capacity: number) {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be in [0, 1], got ${q}`);
    this.q = q;
    this.windowCount = windowCount;
    this.windowNs = windowNs;
    this.timed = windowNs !== Infinity;
    const cap = powerOfTwoAtLeast(capacity);
    this.xs = new Float64Array(cap);
    this.tss = new Float64Array(this.timed ? cap : 0);
    this.lo = new Int32Array(cap);
    this.hi = new Int32Array(cap);
    this.where = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** The q-quantile of the last n samples. */
  static ofCount(q: number, n: number): RollingQuantile {
    return new RollingQuantile(q, checkCount("window", n), Infinity, n);
  }

  /** The q-quantile of the samples with ts > now - ns; the ring starts at `capacity` and doubles when full. */
  static ofDuration(q: number, ns: number, capacity = DEFAULT_TIME_CAPACITY): RollingQuantile {
    return new RollingQuantile(q, Infinity, checkDuration("window", ns), checkCount("capacity", capacity));
  }

  /** Adds a sample (not NaN), drops what left the window, rebalances the heaps; updates `value` and `full`. */
  push(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    const ts = this.inTs;
    if (this.timed) {
      if (this.count === this.xs.length) this.grow();
      if (this.firstTs !== this.firstTs) this.firstTs = ts;
      this.lastTs = ts;
    } else if (this.count === this.windowCount) {
      this.removeOldest();
    }
    const slot = (this.head + this.count) & this.mask;
    this.xs[slot] = x;
    if (this.timed) this.tss[slot] = ts;
    this.count++;
    if (this.loSize > 0 && x <= this.xs[this.lo[0]]) {
      this.lo[this.loSize] = slot;
      this.where[slot] = this.loSize + 1;
      this.loSize++;
      this.loUp(this.loSize - 1);
    } else {
      this.hi[this.hiSize] = slot;
      this.where[slot] = -(this.hiSize + 1);
      this.hiSize++;
      this.hiUp(this.hiSize - 1);
    }
    if (this.timed) {
      const limit = ts - this.windowNs;
      while (this.count > 1 && this.tss[this.head] <= limit) this.removeOldest();
    }
    const target = Math.floor((this.count - 1) * this.q) + 1;
    while (this.loSize > target) this.hiInsert(this.loPopTop());
    while (this.loSize < target) this.loInsert(this.hiPopTop());
    // The q-quantile with linear interpolation between the two heap tops.
    const h = (this.count - 1) * this.q;
    const frac = h - Math.floor(h);
    const a = this.xs[this.lo[0]];
    this.value = frac === 0 || this.hiSize === 0 ? a : a + frac * (this.xs[this.hi[0]] - a);
    this.full = this.timed ? this.lastTs - this.firstTs >= this.windowNs : this.count === this.windowCount;
  }

  /** Empties the window (keeps the capacity reached). */
  reset(): void {
    this.count = 0;
    this.head = 0;
    this.loSize = 0;
    this.hiSize = 0;
    this.value = Number.NaN;
    this.full = false;
    this.firstTs = Number.NaN;
    this.lastTs = Number.NaN;
  }

  private removeOldest(): void {
    const slot = this.head;
    const w = this.where[slot];
    if (w > 0) this.loRemoveAt(w - 1);
    else this.hiRemoveAt(-w - 1);
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  private loInsert(slot: number): void {
    this.lo[this.loSize] = slot;
    this.where[slot] = this.loSize + 1;
    this.loSize++;
    this.loUp(this.loSize - 1);
  }

  private hiInsert(slot: number): void {
    this.hi[this.hiSize] = slot;
    this.where[slot] = -(this.hiSize + 1);
    this.hiSize++;
    this.hiUp(this.hiSize - 1);
  }

  private loPopTop(): number {
    const top = this.lo[0];
    this.loRemoveAt(0);
    return top;
  }

  private hiPopTop(): number {
    const top = this.hi[0];
    this.hiRemoveAt(0);
    return top;
  }

  private loRemoveAt(p: number): void {
    const last = --this.loSize;
    if (p === last) return;
    const moved = this.lo[last];
    this.lo[p] = moved;
    this.where[moved] = p + 1;
    this.loDown(p);
    this.loUp(p);
  }

  private hiRemoveAt(p: number): void {
    const last = --this.hiSize;
    if (p === last) return;
    const moved = this.hi[last];
    this.hi[p] = moved;
    this.where[moved] = -(p + 1);
    this.hiDown(p);
    this.hiUp(p);
  }

  private loUp(p: number): void {
    const h = this.lo;
    const xs = this.xs;
    const slot = h[p];
    const v = xs[slot];
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const ps = h[parent];
      if (xs[ps] >= v) break;
      h[p] = ps;
      this.where[ps] = p + 1;
      p = parent;
    }
    h[p] = slot;
    this.where[slot] = p + 1;
  }

  private loDown(p: number): void {
    const h = this.lo;
    const xs = this.xs;
    const n = this.loSize;
    const slot = h[p];
    const v = xs[slot];
    for (;;) {
      let c = 2 * p + 1;
      if (c >= n) break;
      if (c + 1 < n && xs[h[c + 1]] > xs[h[c]]) c++;
      if (xs[h[c]] <= v) break;
      h[p] = h[c];
      this.where[h[p]] = p + 1;
      p = c;
    }
    h[p] = slot;
    this.where[slot] = p + 1;
  }

  private hiUp(p: number): void {
    const h = this.hi;
    const xs = this.xs;
    const slot = h[p];
    const v = xs[slot];
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const ps = h[parent];
      if (xs[ps] <= v) break;
      h[p] = ps;
      this.where[ps] = -(p + 1);
      p = parent;
    }
    h[p] = slot;
    this.where[slot] = -(p + 1);
  }

  private hiDown(p: number): void {
    const h = this.hi;
    const xs = this.xs;
    const n = this.hiSize;
    const slot = h[p];
    const v = xs[slot];
    for (;;) {
      let c = 2 * p + 1;
      if (c >= n) break;
      if (c + 1 < n && xs[h[c + 1]] < xs[h[c]]) c++;
      if (xs[h[c]] >= v) break;
      h[p] = h[c];
      this.where[h[p]] = -(p + 1);
      p = c;
    }
    h[p] = slot;
    this.where[slot] = -(p + 1);
  }

  private grow(): void {
    const oldMask = this.mask;
    const head = this.head;
    const cap = this.xs.length * 2;
    const xs = new Float64Array(cap);
    const tss = new Float64Array(cap);
    const where = new Int32Array(cap);
    for (let i = 0; i < this.count; i++) {
      const j = (head + i) & oldMask;
      xs[i] = this.xs[j];
      tss[i] = this.tss[j];
      where[i] = this.where[j];
    }
    const lo = new Int32Array(cap);
    const hi = new Int32Array(cap);
    for (let i = 0; i < this.loSize; i++) lo[i] = (this.lo[i] - head) & oldMask;
    for (let i = 0; i < this.hiSize; i++) hi[i] = (this.hi[i] - head) & oldMask;
    this.xs = xs;
    this.tss = tss;
    this.where = where;
    this.lo = lo;
    this.hi = hi;
    this.mask = cap - 1;
    this.head = 0;
    this.growths++;
  }
}
