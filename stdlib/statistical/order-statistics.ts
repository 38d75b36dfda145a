/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor (a duration window's ring may double, counted in `growths`). Rolling median and
 * quantile (linear interpolation, numpy's default) in O(log n) per update. A NaN input is ignored.
 * A public `update` only stores its arguments (count classes ignore ts) and calls `step()`
 * (stdlib/core/index.ts, "Doubles and V8").
 */
import { RollingQuantile } from "../core/rolling-quantile.js";
import { DEFAULT_TIME_CAPACITY } from "../core/capacity.js";

/** Rolling q-quantile of the last `window` updates. */
export class Quantile {
  /** The quantile; NaN before ready. */
  value = Number.NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly rq: RollingQuantile;
  protected inX = Number.NaN;
  protected inTs = Number.NaN;

  constructor(window: number, q = 0.5, rq: RollingQuantile = RollingQuantile.ofCount(q, window)) {
    this.rq = rq;
    this.warmup = rq.windowCount === Infinity ? 0 : window;
  }

  /** Adds x (ts is ignored by a count window; the Time subclasses override this to keep it). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  protected step(): void {
    const x = this.inX;
    if (x !== x) return;
    const r = this.rq;
    r.push(x, this.inTs);
    if (!r.full) return;
    this.ready = true;
    this.value = r.value;
  }

  /** Times a duration window's ring doubled. */
  get growths(): number {
    return this.rq.growths;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.rq.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Rolling q-quantile of the samples with ts > now - windowNs. */
export class QuantileTime extends Quantile {
  constructor(windowNs: number, q = 0.5, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, q, RollingQuantile.ofDuration(q, windowNs, capacity));
  }

  /** Adds x observed at ts (ns since the time base). */
  override update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
}

/** Rolling median of the last `window` updates. */
export class Median extends Quantile {
  constructor(window: number, rq: RollingQuantile = RollingQuantile.ofCount(0.5, window)) {
    super(window, 0.5, rq);
  }
}

/** Rolling median of the samples with ts > now - windowNs. */
export class MedianTime extends Median {
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, RollingQuantile.ofDuration(0.5, windowNs, capacity));
  }

  /** Adds x observed at ts (ns since the time base). */
  override update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
}
