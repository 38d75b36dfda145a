/**
 * PER-EVENT CODE: push() runs on every update. It must not allocate (except the documented
 * capacity doubling of a duration window that outgrows its ring), use closures or iterators, and
 * (see stdlib/core/index.ts, "Doubles and V8") no double crosses a call boundary inside it.
 *
 * WindowSums keeps the shifted power sums s_p = sum (x_i - K)^p, p = 1..order (order <= 4), of
 * the samples in a count window (the last n) or a duration window (ts > now - D). Subtracting the
 * samples that leave makes rounding error drift, so the sums are recomputed exactly from the ring
 * (with K = the window's mean) once the number of pushes and evictions since the last recompute
 * reaches 2 * count + 64: amortized O(1), error bounded by a few ulps of the largest |x - K| seen
 * in the last two windows. A window made only of identical samples is re-shifted onto that value,
 * so its variance is exactly 0 (flat prices are common). The shift K removes the cancellation of sum(x^2) - sum(x)^2 / n for
 * series far from zero (prices).
 */
import { DEFAULT_TIME_CAPACITY, checkCount, checkDuration, powerOfTwoAtLeast } from "./capacity.js";

/** Shifted power sums of a sliding count or duration window (see the file comment). */
export class WindowSums {
  /** Window length in samples (Infinity for a duration window). */
  readonly windowCount: number;
  /** Window length in ns (Infinity for a count window). */
  readonly windowNs: number;
  /** Highest power summed (1..4). */
  readonly order: number;
  /** Samples currently in the window. */
  count = 0;
  /** The shift K. */
  shift = 0;
  /** sum (x - K), sum (x - K)^2, ^3, ^4 over the window. */
  s1 = 0;
  s2 = 0;
  s3 = 0;
  s4 = 0;
  /** Central sums, set by centralSums(). */
  m2 = 0;
  m3 = 0;
  m4 = 0;
  /** Time of the first sample since reset, and of the newest (NaN when empty). */
  firstTs = Number.NaN;
  lastTs = Number.NaN;
  /** True once the window is full (count) or has spanned its duration (time); set by push. */
  full = false;
  /** Times a duration window's ring doubled because it held more samples than its capacity. */
  growths = 0;
  private readonly timed: boolean;
  private xs: Float64Array;
  private tss: Float64Array;
  private mask: number;
  private head = 0;
  private ops = 0;
  private lastX = Number.NaN;
  private run = 0;
  /** push() arguments, read by step() (so that step takes no double argument). */
  private inX = Number.NaN;
  private inTs = Number.NaN;
  /** The shift recomputeAround() recomputes with (a field, not an argument: see the file comment). */
  private recShift = Number.NaN;

  private constructor(windowCount: number, windowNs: number, order: number, capacity: number) {
    if (!Number.isInteger(order) || order < 1 || order > 4) throw new RangeError(`order must be 1..4, got ${order}`);
    this.windowCount = windowCount;
    this.windowNs = windowNs;
    this.order = order;
    this.timed = windowNs !== Infinity;
    const cap = powerOfTwoAtLeast(capacity);
    this.xs = new Float64Array(cap);
    this.tss = new Float64Array(this.timed ? cap : 0);
    this.mask = cap - 1;
  }

  /** A window of the last n samples. */
  static ofCount(n: number, order: number): WindowSums {
    return new WindowSums(checkCount("window", n), Infinity, order, n);
  }

  /** A window of the samples with ts > now - ns; the ring starts at `capacity` and doubles when full. */
  static ofDuration(ns: number, order: number, capacity = DEFAULT_TIME_CAPACITY): WindowSums {
    return new WindowSums(Infinity, checkDuration("window", ns), order, checkCount("capacity", capacity));
  }

  /** Adds a sample (x must not be NaN), evicting what leaves the window; updates `full`. */
  push(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (this.timed) {
      this.stepTimed();
      return;
    }
    const d = x - this.shift;
    const order = this.order;
    if (this.count === this.windowCount) {
      // Full: the oldest sample leaves as the new one enters (one combined update per sum).
      const o = this.xs[this.head] - this.shift;
      this.xs[(this.head + this.count) & this.mask] = x;
      this.head = (this.head + 1) & this.mask;
      this.ops += 2;
      this.s1 += d - o;
      if (order > 1) {
        const d2 = d * d;
        const o2 = o * o;
        this.s2 += d2 - o2;
        if (order > 2) {
          this.s3 += d2 * d - o2 * o;
          this.s4 += d2 * d2 - o2 * o2;
        }
      }
    } else {
      this.xs[(this.head + this.count) & this.mask] = x;
      this.count++;
      this.ops++;
      this.s1 += d;
      if (order > 1) {
        const d2 = d * d;
        this.s2 += d2;
        if (order > 2) {
          this.s3 += d2 * d;
          this.s4 += d2 * d2;
        }
      }
      this.full = this.count === this.windowCount;
    }
    if (order > 1) this.trackRun();
    if (this.ops >= 2 * this.count + 64) this.recompute();
  }

  private stepTimed(): void {
    const x = this.inX;
    const ts = this.inTs;
    if (this.count === this.xs.length) this.grow();
    if (this.firstTs !== this.firstTs) this.firstTs = ts;
    this.lastTs = ts;
    const idx = (this.head + this.count) & this.mask;
    this.xs[idx] = x;
    this.tss[idx] = ts;
    this.count++;
    this.ops++;
    const d = x - this.shift;
    this.s1 += d;
    if (this.order > 1) {
      const d2 = d * d;
      this.s2 += d2;
      if (this.order > 2) {
        this.s3 += d2 * d;
        this.s4 += d2 * d2;
      }
    }
    const limit = ts - this.windowNs;
    while (this.count > 1 && this.tss[this.head] <= limit) this.evictOldest();
    this.full = this.lastTs - this.firstTs >= this.windowNs;
    if (this.order > 1) this.trackRun();
    if (this.ops >= 2 * this.count + 64) this.recompute();
  }

  /** A window made of one repeated value is re-shifted onto it, so its higher sums are exactly 0. */
  private trackRun(): void {
    const x = this.inX;
    if (x === this.lastX) this.run++;
    else {
      this.lastX = x;
      this.run = 1;
    }
    if (this.run >= this.count && (x !== this.shift || this.s1 !== 0 || this.s2 !== 0)) {
      this.recShift = x;
      this.recomputeAround();
    }
  }

  /**
   * Sets `m2`, `m3`, `m4`: the sums of squared, cubed and fourth-power deviations from the mean
   * (m3 needs order >= 3, m4 order 4; m2 >= 0). Results in fields, not a return value (see the
   * file comment).
   */
  centralSums(): void {
    const n = this.count;
    const a = this.s1 / n;
    const a2 = a * a;
    const v = this.s2 - (this.s1 * this.s1) / n;
    this.m2 = v > 0 ? v : 0;
    this.m3 = this.s3 - 3 * a * this.s2 + 2 * n * a2 * a;
    this.m4 = this.s4 - 4 * a * this.s3 + 6 * a2 * this.s2 - 3 * n * a2 * a2;
  }

  /** Empties the window (keeps the capacity reached). */
  reset(): void {
    this.count = 0;
    this.head = 0;
    this.shift = 0;
    this.s1 = this.s2 = this.s3 = this.s4 = 0;
    this.m2 = this.m3 = this.m4 = 0;
    this.firstTs = Number.NaN;
    this.lastTs = Number.NaN;
    this.full = false;
    this.ops = 0;
    this.lastX = Number.NaN;
    this.run = 0;
  }

  /** Recomputes the sums exactly from the ring, shifting by the window's mean. */
  recompute(): void {
    let m = 0;
    for (let i = 0; i < this.count; i++) m += this.xs[(this.head + i) & this.mask];
    this.recShift = this.count === 0 ? 0 : this.run >= this.count ? this.lastX : m / this.count;
    this.recomputeAround();
  }

  /** Recomputes the sums exactly from the ring with the shift K = recShift. */
  private recomputeAround(): void {
    const k = this.recShift;
    const order = this.order;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    for (let i = 0; i < this.count; i++) {
      const d = this.xs[(this.head + i) & this.mask] - k;
      const d2 = d * d;
      s1 += d;
      s2 += d2;
      s3 += d2 * d;
      s4 += d2 * d2;
    }
    this.ops = 0;
    this.shift = k;
    this.s1 = s1;
    this.s2 = order > 1 ? s2 : 0;
    this.s3 = order > 2 ? s3 : 0;
    this.s4 = order > 2 ? s4 : 0;
  }

  private evictOldest(): void {
    const d = this.xs[this.head] - this.shift;
    this.s1 -= d;
    if (this.order > 1) {
      const d2 = d * d;
      this.s2 -= d2;
      if (this.order > 2) {
        this.s3 -= d2 * d;
        this.s4 -= d2 * d2;
      }
    }
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.ops++;
  }

  private grow(): void {
    const cap = this.xs.length * 2;
    const xs = new Float64Array(cap);
    const tss = new Float64Array(cap);
    for (let i = 0; i < this.count; i++) {
      const j = (this.head + i) & this.mask;
      xs[i] = this.xs[j];
      tss[i] = this.tss[j];
    }
    this.xs = xs;
    this.tss = tss;
    this.mask = cap - 1;
    this.head = 0;
    this.growths++;
  }
}
