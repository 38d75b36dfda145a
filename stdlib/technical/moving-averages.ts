/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor. Moving averages: SMA (count and duration windows), EMA, WMA, DEMA, TEMA, HMA.
 * A NaN input is ignored (state, value and warm-up unchanged). Each public `update` only stores its
 * arguments and calls `step()`, so that no double crosses a call V8 may not inline
 * (stdlib/core/index.ts, "Doubles and V8"); count windows ignore ts.
 */
import { WindowSums } from "../core/window-sums.js";
import { DEFAULT_TIME_CAPACITY, checkCount, powerOfTwoAtLeast } from "../core/capacity.js";

/** Shared body of Sma / SmaTime: the mean of a WindowSums. */
abstract class WindowMean {
  /** The mean of the window; NaN before ready. */
  value = Number.NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  abstract readonly warmup: number;
  protected readonly sums: WindowSums;
  protected inX = Number.NaN;
  protected inTs = Number.NaN;

  protected constructor(sums: WindowSums) {
    this.sums = sums;
  }

  protected step(): void {
    const x = this.inX;
    if (x !== x) return;
    const w = this.sums;
    w.push(x, this.inTs);
    if (w.full) {
      this.ready = true;
      this.value = w.shift + w.s1 / w.count;
    }
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.sums.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Simple moving average of the last `window` updates (TA-Lib SMA). */
export class Sma extends WindowMean {
  readonly warmup: number;
  constructor(window: number) {
    super(WindowSums.ofCount(window, 1));
    this.warmup = window;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }
}

/** Simple moving average of the samples with ts > now - windowNs; `capacity` is the ring's initial size. */
export class SmaTime extends WindowMean {
  readonly warmup = 0;
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(WindowSums.ofDuration(windowNs, 1, capacity));
  }

  /** Adds x observed at ts (ns since the time base). */
  update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
  /** Times the ring doubled because the window held more samples than its capacity. */
  get growths(): number {
    return this.sums.growths;
  }
}

/** Exponential moving average, alpha = 2 / (n + 1), seeded with the SMA of the first n values (TA-Lib EMA). */
export class Ema {
  /** The EMA; NaN before ready. */
  value = Number.NaN;
  /** True after `period` updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly n: number;
  private readonly alpha: number;
  private seen = 0;
  private seed = 0;
  private inX = Number.NaN;

  constructor(period: number) {
    this.n = checkCount("period", period);
    this.warmup = period;
    this.alpha = 2 / (period + 1);
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    if (this.ready) {
      this.value = (x - this.value) * this.alpha + this.value;
      return;
    }
    this.seed += x;
    if (++this.seen === this.n) {
      this.value = this.seed / this.n;
      this.ready = true;
    }
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.seen = 0;
    this.seed = 0;
  }
}

/** Linearly weighted moving average, newest weight n (TA-Lib WMA); sums recomputed every n updates. */
export class Wma {
  /** The WMA; NaN before ready. */
  value = Number.NaN;
  /** True after `period` updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly n: number;
  private readonly divisor: number;
  private readonly xs: Float64Array;
  private readonly mask: number;
  private head = 0;
  private count = 0;
  private plain = 0;
  private weighted = 0;
  private sinceRecompute = 0;
  private inX = Number.NaN;

  constructor(period: number) {
    this.n = checkCount("period", period);
    this.warmup = period;
    this.divisor = (period * (period + 1)) / 2;
    const cap = powerOfTwoAtLeast(period);
    this.xs = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const n = this.n;
    if (this.count < n) {
      this.xs[(this.head + this.count) & this.mask] = x;
      this.count++;
      this.weighted += this.count * x;
      this.plain += x;
      if (this.count < n) return;
      this.ready = true;
    } else {
      const old = this.xs[this.head];
      this.xs[(this.head + n) & this.mask] = x;
      this.head = (this.head + 1) & this.mask;
      this.weighted += n * x - this.plain;
      this.plain += x - old;
      if (++this.sinceRecompute >= n) this.recompute();
    }
    this.value = this.weighted / this.divisor;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.head = 0;
    this.count = 0;
    this.plain = 0;
    this.weighted = 0;
    this.sinceRecompute = 0;
  }

  private recompute(): void {
    this.sinceRecompute = 0;
    let p = 0;
    let w = 0;
    for (let i = 0; i < this.n; i++) {
      const x = this.xs[(this.head + i) & this.mask];
      p += x;
      w += (i + 1) * x;
    }
    this.plain = p;
    this.weighted = w;
  }
}

/** DEMA = 2 ema(x) - ema(ema(x)), each EMA seeded with an SMA (TA-Lib DEMA). */
export class Dema {
  /** The DEMA; NaN before ready. */
  value = Number.NaN;
  /** True after 2 period - 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly e1: Ema;
  private readonly e2: Ema;
  private inX = Number.NaN;

  constructor(period: number) {
    this.e1 = new Ema(period);
    this.e2 = new Ema(period);
    this.warmup = 2 * period - 1;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const e1 = this.e1;
    e1.update(x);
    if (!e1.ready) return;
    this.e2.update(e1.value);
    if (!this.e2.ready) return;
    this.ready = true;
    this.value = 2 * e1.value - this.e2.value;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** TEMA = 3 e1 - 3 e2 + e3 over chained seeded EMAs (TA-Lib TEMA). */
export class Tema {
  /** The TEMA; NaN before ready. */
  value = Number.NaN;
  /** True after 3 period - 2 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly e1: Ema;
  private readonly e2: Ema;
  private readonly e3: Ema;
  private inX = Number.NaN;

  constructor(period: number) {
    this.e1 = new Ema(period);
    this.e2 = new Ema(period);
    this.e3 = new Ema(period);
    this.warmup = 3 * period - 2;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const e1 = this.e1;
    const e2 = this.e2;
    e1.update(x);
    if (!e1.ready) return;
    e2.update(e1.value);
    if (!e2.ready) return;
    this.e3.update(e2.value);
    if (!this.e3.ready) return;
    this.ready = true;
    this.value = this.e3.value + 3 * e1.value - 3 * e2.value;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.e3.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Hull moving average wma(2 wma(x, n/2) - wma(x, n), sqrt n) with floored periods. */
export class Hma {
  /** The HMA; NaN before ready. */
  value = Number.NaN;
  /** True after period + floor(sqrt(period)) - 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly half: Wma;
  private readonly full: Wma;
  private readonly smooth: Wma;
  private inX = Number.NaN;

  constructor(period: number) {
    checkCount("period", period, 2);
    const sq = Math.floor(Math.sqrt(period));
    this.half = new Wma(Math.floor(period / 2));
    this.full = new Wma(period);
    this.smooth = new Wma(sq);
    this.warmup = period + sq - 1;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    this.half.update(x);
    this.full.update(x);
    if (!this.full.ready) return;
    this.smooth.update(2 * this.half.value - this.full.value);
    if (!this.smooth.ready) return;
    this.ready = true;
    this.value = this.smooth.value;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.half.reset();
    this.full.reset();
    this.smooth.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}
