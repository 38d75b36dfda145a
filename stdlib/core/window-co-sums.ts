/**
 * PER-EVENT CODE: push() runs on every update. It must not allocate (except the documented
 * capacity doubling of a duration window that outgrows its ring), use closures or iterators, and
 * no double crosses a call boundary inside it (stdlib/core/index.ts, "Doubles and V8"): the pair
 * is handed over in the fields `inX`, `inY`, `inTs`, results are read from fields.
 *
 * WindowCoSums keeps the shifted sums of pairs (x, y) in a count or duration window:
 * sum dx, sum dy, sum dx^2, sum dy^2, sum dx dy with dx = x - Kx, dy = y - Ky. Like WindowSums,
 * the sums are recomputed exactly from the ring (shifting by the window's means) once the pushes and
 * evictions since the last recompute reach 2 * count + 64 (amortized O(1)). A side whose window
 * holds a single repeated value is shifted onto it, so its variance and the covariance are exactly 0.
 */
import { DEFAULT_TIME_CAPACITY, checkCount, checkDuration, powerOfTwoAtLeast } from "./capacity.js";

/** Shifted co-moment sums of a sliding window of pairs (see the file comment). */
export class WindowCoSums {
  /** Window length in samples (Infinity for a duration window). */
  readonly windowCount: number;
  /** Window length in ns (Infinity for a count window). */
  readonly windowNs: number;
  /** Pairs currently in the window. */
  count = 0;
  /** Shifts Kx, Ky. */
  shiftX = 0;
  shiftY = 0;
  /** Shifted sums. */
  sx = 0;
  sy = 0;
  sxx = 0;
  syy = 0;
  sxy = 0;
  /** Central co-moment sums after the last push: sum (x - mean x)^2 (>= 0), the same of y, and sum (x - mean x)(y - mean y). */
  cxx = 0;
  cyy = 0;
  cxy = 0;
  /** The pair push() adds, and its time (ns; ignored by a count window). */
  inX = Number.NaN;
  inY = Number.NaN;
  inTs = Number.NaN;
  /** True once the window is full (count) or has spanned its duration (time); set by push. */
  full = false;
  /** Time of the first pair since reset, and of the newest. */
  firstTs = Number.NaN;
  lastTs = Number.NaN;
  /** Times a duration window's ring doubled. */
  growths = 0;
  private readonly timed: boolean;
  private xs: Float64Array;
  private ys: Float64Array;
  private tss: Float64Array;
  private mask: number;
  private head = 0;
  private ops = 0;
  private lastX = Number.NaN;
  private lastY = Number.NaN;
  private runX = 0;
  private runY = 0;
  /** The shifts recomputeAround() recomputes with (fields, not arguments). */
  private recX = Number.NaN;
  private recY = Number.NaN;

  private constructor(windowCount: number, windowNs: number, capacity: number) {
    this.windowCount = windowCount;
    this.windowNs = windowNs;
    this.timed = windowNs !== Infinity;
    const cap = powerOfTwoAtLeast(capacity);
    this.xs = new Float64Array(cap);
    this.ys = new Float64Array(cap);
    this.tss = new Float64Array(this.timed ? cap : 0);
    this.mask = cap - 1;
  }

  /** A window of the last n pairs. */
  static ofCount(n: number): WindowCoSums {
    return new WindowCoSums(checkCount("window", n), Infinity, n);
  }

  /** A window of the pairs with ts > now - ns; the ring starts at `capacity` and doubles when full. */
  static ofDuration(ns: number, capacity = DEFAULT_TIME_CAPACITY): WindowCoSums {
    return new WindowCoSums(Infinity, checkDuration("window", ns), checkCount("capacity", capacity));
  }

  /** Adds the pair (inX, inY) observed at inTs (neither NaN), evicting what leaves the window. */
  push(): void {
    const x = this.inX;
    const y = this.inY;
    const ts = this.inTs;
    if (this.timed) {
      if (this.count === this.xs.length) this.grow();
      if (this.firstTs !== this.firstTs) this.firstTs = ts;
      this.lastTs = ts;
    } else if (this.count === this.windowCount) {
      this.evictOldest();
    }
    const idx = (this.head + this.count) & this.mask;
    this.xs[idx] = x;
    this.ys[idx] = y;
    if (this.timed) this.tss[idx] = ts;
    this.count++;
    const dx = x - this.shiftX;
    const dy = y - this.shiftY;
    this.sx += dx;
    this.sy += dy;
    this.sxx += dx * dx;
    this.syy += dy * dy;
    this.sxy += dx * dy;
    if (this.timed) {
      const limit = ts - this.windowNs;
      while (this.count > 1 && this.tss[this.head] <= limit) this.evictOldest();
      this.full = this.lastTs - this.firstTs >= this.windowNs;
    } else {
      this.full = this.count === this.windowCount;
    }
    // A side whose window holds one repeated value gets exact zero sums by shifting onto it.
    if (x === this.lastX) this.runX++;
    else {
      this.lastX = x;
      this.runX = 1;
    }
    if (y === this.lastY) this.runY++;
    else {
      this.lastY = y;
      this.runY = 1;
    }
    if (++this.ops >= 2 * this.count + 64) this.recompute();
    else {
      const flatX = this.runX >= this.count && (x !== this.shiftX || this.sx !== 0 || this.sxx !== 0 || this.sxy !== 0);
      const flatY = this.runY >= this.count && (y !== this.shiftY || this.sy !== 0 || this.syy !== 0 || this.sxy !== 0);
      if (flatX || flatY) {
        this.recX = this.runX >= this.count ? x : this.shiftX;
        this.recY = this.runY >= this.count ? y : this.shiftY;
        this.recomputeAround();
      }
    }
    const n = this.count;
    const vx = this.sxx - (this.sx * this.sx) / n;
    const vy = this.syy - (this.sy * this.sy) / n;
    this.cxx = vx > 0 ? vx : 0;
    this.cyy = vy > 0 ? vy : 0;
    this.cxy = this.sxy - (this.sx * this.sy) / n;
  }

  /** Empties the window (keeps the capacity reached). */
  reset(): void {
    this.count = 0;
    this.head = 0;
    this.shiftX = this.shiftY = 0;
    this.sx = this.sy = this.sxx = this.syy = this.sxy = 0;
    this.cxx = this.cyy = this.cxy = 0;
    this.firstTs = Number.NaN;
    this.lastTs = Number.NaN;
    this.full = false;
    this.ops = 0;
    this.lastX = this.lastY = Number.NaN;
    this.runX = this.runY = 0;
  }

  /** Recomputes the sums exactly from the ring, shifting by the window's means. */
  recompute(): void {
    let mx = 0;
    let my = 0;
    for (let i = 0; i < this.count; i++) {
      const j = (this.head + i) & this.mask;
      mx += this.xs[j];
      my += this.ys[j];
    }
    const n = this.count > 0 ? this.count : 1;
    this.recX = this.runX >= this.count ? this.lastX : mx / n;
    this.recY = this.runY >= this.count ? this.lastY : my / n;
    this.recomputeAround();
  }

  /** Recomputes the sums exactly from the ring with the shifts (recX, recY). */
  private recomputeAround(): void {
    const kx = this.recX;
    const ky = this.recY;
    this.ops = 0;
    this.sx = this.sy = this.sxx = this.syy = this.sxy = 0;
    this.shiftX = kx;
    this.shiftY = ky;
    for (let i = 0; i < this.count; i++) {
      const j = (this.head + i) & this.mask;
      const dx = this.xs[j] - kx;
      const dy = this.ys[j] - ky;
      this.sx += dx;
      this.sy += dy;
      this.sxx += dx * dx;
      this.syy += dy * dy;
      this.sxy += dx * dy;
    }
  }

  private evictOldest(): void {
    const dx = this.xs[this.head] - this.shiftX;
    const dy = this.ys[this.head] - this.shiftY;
    this.sx -= dx;
    this.sy -= dy;
    this.sxx -= dx * dx;
    this.syy -= dy * dy;
    this.sxy -= dx * dy;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.ops++;
  }

  private grow(): void {
    const cap = this.xs.length * 2;
    const xs = new Float64Array(cap);
    const ys = new Float64Array(cap);
    const tss = new Float64Array(cap);
    for (let i = 0; i < this.count; i++) {
      const j = (this.head + i) & this.mask;
      xs[i] = this.xs[j];
      ys[i] = this.ys[j];
      tss[i] = this.tss[j];
    }
    this.xs = xs;
    this.ys = ys;
    this.tss = tss;
    this.mask = cap - 1;
    this.head = 0;
    this.growths++;
  }
}
