/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor. Bollinger bands, RSI, MACD, ROC, momentum. A NaN input is ignored. Each public
 * `update` only stores its argument and calls `step()` (stdlib/core/index.ts, "Doubles and V8").
 */
import { WindowSums } from "../core/window-sums.js";
import { DelayLine } from "../core/delay-line.js";
import { checkCount } from "../core/capacity.js";

/** Bollinger bands: SMA +/- k population standard deviations (TA-Lib BBANDS, SMA). */
export class Bollinger {
  /** middle + k sigma; NaN before ready. */
  upper = Number.NaN;
  /** SMA of the window; NaN before ready. */
  middle = Number.NaN;
  /** middle - k sigma; NaN before ready. */
  lower = Number.NaN;
  /** (x - lower) / (upper - lower); 0.5 when the bands touch. */
  percent_b = Number.NaN;
  /** (upper - lower) / middle; NaN when middle is 0. */
  width = Number.NaN;
  /** True after `period` updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private inX = Number.NaN;
  private readonly k: number;
  private readonly sums: WindowSums;

  constructor(period: number, k = 2) {
    this.sums = WindowSums.ofCount(period, 2);
    this.warmup = period;
    this.k = k;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const w = this.sums;
    w.push(x, 0);
    if (!w.full) return;
    this.ready = true;
    const n = w.count;
    const mean = w.shift + w.s1 / n;
    const m2 = w.s2 - (w.s1 * w.s1) / n;
    const dev = this.k * Math.sqrt(m2 > 0 ? m2 / n : 0);
    const upper = mean + dev;
    const lower = mean - dev;
    this.middle = mean;
    this.upper = upper;
    this.lower = lower;
    this.percent_b = upper > lower ? (x - lower) / (upper - lower) : 0.5;
    this.width = mean !== 0 ? (upper - lower) / mean : Number.NaN;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.sums.reset();
    this.upper = this.middle = this.lower = this.percent_b = this.width = Number.NaN;
    this.ready = false;
  }
}

/** Wilder RSI with TA-Lib's seeding (simple averages of the first n changes). */
export class Rsi {
  /** RSI in 0..100; NaN before ready. */
  value = Number.NaN;
  /** True after period + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private inX = Number.NaN;
  private readonly n: number;
  private seen = 0;
  private prev = 0;
  private gain = 0;
  private loss = 0;

  constructor(period: number) {
    this.n = checkCount("period", period);
    this.warmup = period + 1;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const seen = ++this.seen;
    const change = x - this.prev;
    this.prev = x;
    if (seen === 1) return;
    const n = this.n;
    if (seen <= n) {
      if (change > 0) this.gain += change;
      else this.loss -= change;
      return;
    }
    if (seen === n + 1) {
      if (change > 0) this.gain += change;
      else this.loss -= change;
      this.gain /= n;
      this.loss /= n;
      this.ready = true;
    } else {
      this.gain = (this.gain * (n - 1) + (change > 0 ? change : 0)) / n;
      this.loss = (this.loss * (n - 1) + (change < 0 ? -change : 0)) / n;
    }
    const total = this.gain + this.loss;
    this.value = total !== 0 ? 100 * (this.gain / total) : 0;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.seen = 0;
    this.prev = 0;
    this.gain = 0;
    this.loss = 0;
  }
}

/** MACD with TA-Lib's seeding of the fast, slow and signal EMAs. */
export class Macd {
  /** ema(fast) - ema(slow); NaN before ready. */
  line = Number.NaN;
  /** EMA of the line; NaN before ready. */
  signal = Number.NaN;
  /** line - signal; NaN before ready. */
  histogram = Number.NaN;
  /** True after slow + signal - 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private inX = Number.NaN;
  private readonly fastN: number;
  private readonly slowN: number;
  private readonly signalN: number;
  private readonly kf: number;
  private readonly ks: number;
  private readonly kg: number;
  private seen = 0;
  private fastSum = 0;
  private slowSum = 0;
  private fastEma = 0;
  private slowEma = 0;
  private sigSeen = 0;
  private sigSum = 0;
  private sig = 0;

  constructor(fast = 12, slow = 26, signal = 9) {
    checkCount("fast", fast);
    checkCount("slow", slow);
    checkCount("signal", signal);
    if (fast > slow) {
      const t = fast;
      fast = slow;
      slow = t;
    }
    this.fastN = fast;
    this.slowN = slow;
    this.signalN = signal;
    this.kf = 2 / (fast + 1);
    this.ks = 2 / (slow + 1);
    this.kg = 2 / (signal + 1);
    this.warmup = slow + signal - 1;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const i = this.seen++;
    const slow = this.slowN;
    if (i < slow) {
      this.slowSum += x;
      if (i >= slow - this.fastN) this.fastSum += x;
      if (i < slow - 1) return;
      this.slowEma = this.slowSum / slow;
      this.fastEma = this.fastSum / this.fastN;
    } else {
      this.fastEma = (x - this.fastEma) * this.kf + this.fastEma;
      this.slowEma = (x - this.slowEma) * this.ks + this.slowEma;
    }
    const line = this.fastEma - this.slowEma;
    if (this.sigSeen < this.signalN) {
      this.sigSum += line;
      if (++this.sigSeen < this.signalN) return;
      this.sig = this.sigSum / this.signalN;
      this.ready = true;
    } else {
      this.sig = (line - this.sig) * this.kg + this.sig;
    }
    this.line = line;
    this.signal = this.sig;
    this.histogram = line - this.sig;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.line = this.signal = this.histogram = Number.NaN;
    this.ready = false;
    this.seen = 0;
    this.fastSum = this.slowSum = this.fastEma = this.slowEma = 0;
    this.sigSeen = 0;
    this.sigSum = 0;
    this.sig = 0;
  }
}

/** Rate of change in percent, 100 (x / x[n] - 1), 0 when x[n] is 0 (TA-Lib ROC). */
export class Roc {
  /** ROC in percent; NaN before ready. */
  value = Number.NaN;
  /** True after period + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private inX = Number.NaN;
  private readonly line: DelayLine;

  constructor(period: number) {
    this.line = new DelayLine(checkCount("period", period));
    this.warmup = period + 1;
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
    const prev = d.delayed;
    this.ready = true;
    this.value = prev !== 0 ? (x / prev - 1) * 100 : 0;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.line.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Momentum x - x[n] (TA-Lib MOM). */
export class Momentum {
  /** x - x[n]; NaN before ready. */
  value = Number.NaN;
  /** True after period + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private inX = Number.NaN;
  private readonly line: DelayLine;

  constructor(period: number) {
    this.line = new DelayLine(checkCount("period", period));
    this.warmup = period + 1;
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
    this.value = x - d.delayed;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.line.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}
