/**
 * PER-EVENT CODE: push() runs on every update. It must not allocate (except the documented
 * capacity doubling of a duration window), use closures or iterators, and no double crosses a call
 * boundary inside it (stdlib/core/index.ts, "Doubles and V8"): results are fields.
 *
 * RollingExtreme: the maximum (or minimum) of a count or duration window in a monotonic deque —
 * the deque holds the samples that can still become the extreme, in arrival order, with values
 * strictly decreasing (for max); each sample enters and leaves once, so push is amortized O(1).
 * The minimum is kept as the maximum of -x (negation is exact).
 */
import { DEFAULT_TIME_CAPACITY, checkCount, checkDuration, powerOfTwoAtLeast } from "./capacity.js";

/** Sliding-window maximum or minimum (see the file comment). */
export class RollingExtreme {
  /** Window length in samples (Infinity for a duration window). */
  readonly windowCount: number;
  /** Window length in ns (Infinity for a count window). */
  readonly windowNs: number;
  /** True for the maximum, false for the minimum. */
  readonly isMax: boolean;
  /** Samples pushed since reset. */
  pushed = 0;
  /** The extreme of the window after the last push (NaN when empty). */
  value = Number.NaN;
  /** True once the window is full (count) or has spanned its duration (time); set by push. */
  full = false;
  /** Time of the first sample since reset, and of the newest. */
  firstTs = Number.NaN;
  lastTs = Number.NaN;
  /** Times a duration window's deque doubled. */
  growths = 0;
  private readonly timed: boolean;
  private vals: Float64Array;
  private keys: Float64Array;
  private mask: number;
  private head = 0;
  private size = 0;
  /** push() arguments, read by step(). */
  private inX = Number.NaN;
  private inTs = Number.NaN;

  private constructor(isMax: boolean, windowCount: number, windowNs: number, capacity: number) {
    this.isMax = isMax;
    this.windowCount = windowCount;
    this.windowNs = windowNs;
    this.timed = windowNs !== Infinity;
    const cap = powerOfTwoAtLeast(capacity);
    this.vals = new Float64Array(cap);
    this.keys = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** Extreme of the last n samples. */
  static ofCount(isMax: boolean, n: number): RollingExtreme {
    return new RollingExtreme(isMax, checkCount("window", n), Infinity, n + 1);
  }

  /** Extreme of the samples with ts > now - ns; the deque starts at `capacity` and doubles when full. */
  static ofDuration(isMax: boolean, ns: number, capacity = DEFAULT_TIME_CAPACITY): RollingExtreme {
    return new RollingExtreme(isMax, Infinity, checkDuration("window", ns), checkCount("capacity", capacity));
  }

  /** Adds a sample (not NaN) and drops what left the window; updates `value` and `full`. */
  push(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    const ts = this.inTs;
    const v = this.isMax ? x : -x;
    const mask = this.mask;
    // Drop from the back every sample that can no longer be the extreme.
    while (this.size > 0 && this.vals[(this.head + this.size - 1) & mask] <= v) this.size--;
    if (this.timed) {
      if (this.firstTs !== this.firstTs) this.firstTs = ts;
      this.lastTs = ts;
      if (this.size === this.vals.length) this.grow();
    }
    const key = this.timed ? ts : this.pushed;
    const idx = (this.head + this.size) & this.mask;
    this.vals[idx] = v;
    this.keys[idx] = key;
    this.size++;
    this.pushed++;
    // Drop from the front what left the window.
    if (this.timed) {
      const limit = ts - this.windowNs;
      while (this.keys[this.head] <= limit) {
        this.head = (this.head + 1) & this.mask;
        this.size--;
      }
    } else {
      const limit = this.pushed - 1 - this.windowCount;
      while (this.keys[this.head] <= limit) {
        this.head = (this.head + 1) & this.mask;
        this.size--;
      }
    }
    const top = this.vals[this.head];
    this.value = this.isMax ? top : -top;
    this.full = this.timed ? this.lastTs - this.firstTs >= this.windowNs : this.pushed >= this.windowCount;
  }

  /** Empties the window (keeps the capacity reached). */
  reset(): void {
    this.head = 0;
    this.size = 0;
    this.pushed = 0;
    this.value = Number.NaN;
    this.full = false;
    this.firstTs = Number.NaN;
    this.lastTs = Number.NaN;
  }

  private grow(): void {
    const cap = this.vals.length * 2;
    const vals = new Float64Array(cap);
    const keys = new Float64Array(cap);
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) & this.mask;
      vals[i] = this.vals[j];
      keys[i] = this.keys[j];
    }
    this.vals = vals;
    this.keys = keys;
    this.mask = cap - 1;
    this.head = 0;
    this.growths++;
  }
}
