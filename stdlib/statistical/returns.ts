/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor (a duration window's ring may double, counted in `growths`). Log and simple
 * returns, realized volatility, RiskMetrics EWMA variance. A NaN input is ignored. A public
 * `update` only stores its arguments (count classes ignore ts) and calls `step()`
 * (stdlib/core/index.ts, "Doubles and V8").
 */
import { WindowSums } from "../core/window-sums.js";
import { DelayLine } from "../core/delay-line.js";
import { DEFAULT_TIME_CAPACITY, checkCount } from "../core/capacity.js";

/** Nanoseconds in a year of 365.25 days (annualising a duration window). */
export const YEAR_NS = 365.25 * 86_400 * 1e9;

/** Log return ln(x / x[lag]). */
export class LogReturn {
  /** The log return; NaN before ready. */
  value = Number.NaN;
  /** True after lag + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly line: DelayLine;
  private inX = Number.NaN;

  constructor(lag = 1) {
    this.line = new DelayLine(checkCount("lag", lag));
    this.warmup = lag + 1;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const d = this.line;
    d.push(x);
    if (d.pushed <= d.k) return;
    this.ready = true;
    this.value = Math.log(x / d.delayed);
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.line.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Simple return x / x[lag] - 1. */
export class SimpleReturn {
  /** The simple return; NaN before ready. */
  value = Number.NaN;
  /** True after lag + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly line: DelayLine;
  private inX = Number.NaN;

  constructor(lag = 1) {
    this.line = new DelayLine(checkCount("lag", lag));
    this.warmup = lag + 1;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const d = this.line;
    d.push(x);
    if (d.pushed <= d.k) return;
    this.ready = true;
    this.value = x / d.delayed - 1;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.line.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Realized volatility sqrt(sum r^2) of x's log returns over the last `window` returns, optionally annualised. */
export class RealizedVol {
  /** The realized volatility; NaN before ready. */
  value = Number.NaN;
  /** True after window + 1 updates (count) or once the returns span the duration. */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  readonly warmup: number;
  protected readonly sums: WindowSums;
  private readonly scale: number;
  private readonly perCount: boolean;
  private prev = Number.NaN;
  protected inX = Number.NaN;
  protected inTs = Number.NaN;

  constructor(
    window: number,
    annualize = false,
    periodsPerYear = 252,
    sums: WindowSums = WindowSums.ofCount(window, 1),
  ) {
    this.sums = sums;
    const timed = sums.windowCount === Infinity;
    this.warmup = timed ? 0 : window + 1;
    this.perCount = annualize && !timed;
    this.scale = !annualize ? 1 : timed ? YEAR_NS / sums.windowNs : periodsPerYear;
  }

  /** Adds x (ts is ignored by a count window; RealizedVolTime overrides this to keep it). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  protected step(): void {
    const x = this.inX;
    if (x !== x) return;
    const prev = this.prev;
    this.prev = x;
    if (prev !== prev) return;
    const r = Math.log(x / prev);
    const w = this.sums;
    w.push(r * r, this.inTs);
    if (!w.full) return;
    this.ready = true;
    const ss = w.shift * w.count + w.s1;
    const v = (ss > 0 ? ss : 0) * this.scale;
    this.value = Math.sqrt(this.perCount ? v / w.count : v);
  }

  /** Times a duration window's ring doubled. */
  get growths(): number {
    return this.sums.growths;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.sums.reset();
    this.prev = Number.NaN;
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Realized volatility over the returns with ts > now - windowNs (annualised by year / duration). */
export class RealizedVolTime extends RealizedVol {
  constructor(windowNs: number, annualize = false, periodsPerYear = 252, capacity = DEFAULT_TIME_CAPACITY) {
    super(0, annualize, periodsPerYear, WindowSums.ofDuration(windowNs, 1, capacity));
  }

  /** Adds x observed at ts (ns since the time base). */
  override update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
}

/** RiskMetrics EWMA variance v = lambda v + (1 - lambda) x^2, seeded with the first x^2. */
export class EwmaVar {
  /** The EWMA variance; NaN before the first update. */
  value = Number.NaN;
  /** True after one update. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup = 1;
  private readonly lambda: number;
  private inX = Number.NaN;

  constructor(lambda = 0.94) {
    if (!(lambda >= 0 && lambda <= 1)) throw new RangeError(`lambda must be in [0, 1], got ${lambda}`);
    this.lambda = lambda;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    if (!this.ready) {
      this.value = x * x;
      this.ready = true;
      return;
    }
    this.value = this.lambda * this.value + (1 - this.lambda) * x * x;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}
