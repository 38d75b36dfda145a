/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor. Moving averages: SMA (count and duration windows), EMA, WMA, DEMA, TEMA, HMA.
 * A NaN input is ignored (state, value and warm-up unchanged). Each public `update` only stores its
 * arguments and calls `step()`, so that no double crosses a call V8 may not inline
 * (stdlib/core/index.ts, "Doubles and V8"); count windows ignore ts.
 */
import { WindowSums } from "../core/window-sums.js";
import { DEFAULT_TIME_CAPACITY, checkCount, powerOfTwoAtLeast } from "../core/capacity.js";

/** The mean of a WindowSums (SmaTime; Sma has a dedicated count ring). */
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

/**
 * Simple moving average of the last `window` updates (TA-Lib SMA). A dedicated ring rather than
 * the shared WindowSums (which SmaTime uses): a count window needs only the shifted running sum
 * s = sum (x - K), so each update is one ring read and write and one addition (s += x - leaving:
 * the shift cancels, and x - leaving is as exact as (x - K) - (leaving - K)). Every window + 32
 * updates once full — WindowSums' rule of 2 * window + 64 pushes and evictions — s is recomputed
 * exactly from the ring with K = the window's mean, so rounding error does not drift.
 */
export class Sma {
  /** The mean of the last `window` inputs; NaN before ready. */
  value = Number.NaN;
  /** True once `window` inputs were seen. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly n: number;
  /** The last n inputs; `pos` is the slot of the next write (the oldest input once full). */
  private readonly ring: Float64Array;
  private pos = 0;
  private count = 0;
  /** The shift K and s = sum (x - K) over the ring. */
  private shift = 0;
  private sum = 0;
  /** Full-window updates left before the next exact recompute (of `period`). */
  private left: number;
  private readonly period: number;
  private inX = Number.NaN;

  constructor(window: number) {
    this.n = checkCount("window", window);
    this.warmup = window;
    this.ring = new Float64Array(window);
    this.period = window + 32;
    this.left = this.period;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    if (x !== x) return;
    const ring = this.ring;
    const pos = this.pos;
    if (this.ready) {
      // Full: the oldest input (in the slot written next) leaves as x enters.
      this.sum += x - ring[pos];
      ring[pos] = x;
      this.pos = pos + 1 === this.n ? 0 : pos + 1;
      if (--this.left === 0) this.recompute();
      this.value = this.shift + this.sum / this.n;
      return;
    }
    ring[pos] = x;
    this.pos = pos + 1 === this.n ? 0 : pos + 1;
    this.sum += x - this.shift;
    if (++this.count === this.n) {
      this.ready = true;
      this.value = this.shift + this.sum / this.n;
    }
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.pos = 0;
    this.count = 0;
    this.shift = 0;
    this.sum = 0;
    this.left = this.period;
  }

  /** s afresh from the (full) ring, shifted by the window's mean. */
  private recompute(): void {
    const ring = this.ring;
    const n = this.n;
    let m = 0;
    for (let i = 0; i < n; i++) m += ring[i];
    const k = m / n;
    let s = 0;
    for (let i = 0; i < n; i++) s += ring[i] - k;
    this.shift = k;
    this.sum = s;
    this.left = this.period;
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
  /** 1 - alpha. */
  private readonly beta: number;
  private seen = 0;
  private seed = 0;
  private inX = Number.NaN;

  constructor(period: number) {
    this.n = checkCount("period", period);
    this.warmup = period;
    this.alpha = 2 / (period + 1);
    this.beta = 1 - this.alpha;
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
      // value * (1 - alpha) + x * alpha rather than TA-Lib's (x - value) * alpha + value: the same
      // recursion (to an ulp), with one operation fewer on the chain from one update's value to the
      // next (~20% faster; the chain through memory is what bounds an EMA update).
      this.value = this.value * this.beta + x * this.alpha;
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

/**
 * DEMA = 2 ema(x) - ema(ema(x)), each EMA seeded with an SMA (TA-Lib DEMA). The two EMAs are
 * fused into one step (as Ema computes each: e = e * (1 - alpha) + input * alpha once seeded with
 * the mean of its first n inputs), so that an update is two multiply-adds on this object's fields
 * rather than two calls into Ema objects.
 */
export class Dema {
  /** The DEMA; NaN before ready. */
  value = Number.NaN;
  /** True after 2 period - 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly n: number;
  private readonly alpha: number;
  private readonly beta: number;
  /** ema(x) and ema(ema(x)); each NaN-free once its stage is seeded. */
  private e1 = 0;
  private e2 = 0;
  /** Seeding: inputs seen and summed by each stage, and whether the first is seeded. */
  private seen1 = 0;
  private seed1 = 0;
  private seen2 = 0;
  private seed2 = 0;
  private ready1 = false;
  private inX = Number.NaN;

  constructor(period: number) {
    this.n = checkCount("period", period);
    this.alpha = 2 / (period + 1);
    this.beta = 1 - this.alpha;
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
    if (this.ready) {
      const e1 = this.e1 * this.beta + x * this.alpha;
      const e2 = this.e2 * this.beta + e1 * this.alpha;
      this.e1 = e1;
      this.e2 = e2;
      this.value = 2 * e1 - e2;
      return;
    }
    this.warm();
  }

  /** Before ready: seeds the first EMA, then feeds it to the second and seeds that. */
  private warm(): void {
    const x = this.inX;
    const n = this.n;
    let e1: number;
    if (this.ready1) {
      e1 = this.e1 * this.beta + x * this.alpha;
    } else {
      this.seed1 += x;
      if (++this.seen1 < n) return;
      e1 = this.seed1 / n;
      this.ready1 = true;
    }
    this.e1 = e1;
    this.seed2 += e1;
    if (++this.seen2 < n) return;
    const e2 = this.seed2 / n;
    this.e2 = e2;
    this.ready = true;
    this.value = 2 * e1 - e2;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.e1 = 0;
    this.e2 = 0;
    this.seen1 = 0;
    this.seed1 = 0;
    this.seen2 = 0;
    this.seed2 = 0;
    this.ready1 = false;
  }
}

/**
 * TEMA = 3 e1 - 3 e2 + e3 over chained seeded EMAs (TA-Lib TEMA), fused into one step like Dema:
 * each stage e = e * (1 - alpha) + input * alpha once seeded with the mean of its first n inputs.
 */
export class Tema {
  /** The TEMA; NaN before ready. */
  value = Number.NaN;
  /** True after 3 period - 2 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly n: number;
  private readonly alpha: number;
  private readonly beta: number;
  /** ema(x), ema(e1), ema(e2). */
  private e1 = 0;
  private e2 = 0;
  private e3 = 0;
  /** Seeding: inputs seen and summed by each stage; the stages seeded so far (0..3). */
  private seen1 = 0;
  private seed1 = 0;
  private seen2 = 0;
  private seed2 = 0;
  private seen3 = 0;
  private seed3 = 0;
  private stages = 0;
  private inX = Number.NaN;

  constructor(period: number) {
    this.n = checkCount("period", period);
    this.alpha = 2 / (period + 1);
    this.beta = 1 - this.alpha;
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
    if (this.ready) {
      const a = this.alpha;
      const b = this.beta;
      const e1 = this.e1 * b + x * a;
      const e2 = this.e2 * b + e1 * a;
      const e3 = this.e3 * b + e2 * a;
      this.e1 = e1;
      this.e2 = e2;
      this.e3 = e3;
      this.value = e3 + 3 * e1 - 3 * e2;
      return;
    }
    this.warm();
  }

  /** Before ready: each stage seeds on its first n inputs, then feeds the next. */
  private warm(): void {
    const x = this.inX;
    const n = this.n;
    let e1: number;
    if (this.stages >= 1) {
      e1 = this.e1 * this.beta + x * this.alpha;
    } else {
      this.seed1 += x;
      if (++this.seen1 < n) return;
      e1 = this.seed1 / n;
      this.stages = 1;
    }
    this.e1 = e1;
    let e2: number;
    if (this.stages >= 2) {
      e2 = this.e2 * this.beta + e1 * this.alpha;
    } else {
      this.seed2 += e1;
      if (++this.seen2 < n) return;
      e2 = this.seed2 / n;
      this.stages = 2;
    }
    this.e2 = e2;
    this.seed3 += e2;
    if (++this.seen3 < n) return;
    const e3 = this.seed3 / n;
    this.e3 = e3;
    this.stages = 3;
    this.ready = true;
    this.value = e3 + 3 * e1 - 3 * e2;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.e1 = this.e2 = this.e3 = 0;
    this.seen1 = this.seen2 = this.seen3 = 0;
    this.seed1 = this.seed2 = this.seed3 = 0;
    this.stages = 0;
  }
}

/**
 * Hull moving average wma(2 wma(x, n/2) - wma(x, n), sqrt n) with floored periods. The three WMAs
 * are fused into one step (one ring of x serves the half and the full window): each is a running
 * weighted sum w += p x - plain, plain += x - leaving, recomputed from its ring every `period` of
 * its own updates (as Wma does), so rounding does not drift.
 */
export class Hma {
  /** The HMA; NaN before ready. */
  value = Number.NaN;
  /** True after period + floor(sqrt(period)) - 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  /** Periods of the half, full and smoothing WMAs, and their weight sums p (p + 1) / 2. */
  private readonly h: number;
  private readonly n: number;
  private readonly s: number;
  private readonly hDiv: number;
  private readonly nDiv: number;
  private readonly sDiv: number;
  /** x (ring of capacity > n, newest at pos - 1) and the smoothed series' input y (capacity > s). */
  private readonly xs: Float64Array;
  private readonly xMask: number;
  private readonly ys: Float64Array;
  private readonly yMask: number;
  private xPos = 0;
  private yPos = 0;
  private hCount = 0;
  private nCount = 0;
  private sCount = 0;
  private hW = 0;
  private hP = 0;
  private nW = 0;
  private nP = 0;
  private sW = 0;
  private sP = 0;
  private hSince = 0;
  private nSince = 0;
  private sSince = 0;
  private inX = Number.NaN;

  constructor(period: number) {
    checkCount("period", period, 2);
    const sq = Math.floor(Math.sqrt(period));
    this.h = Math.floor(period / 2);
    this.n = period;
    this.s = sq;
    this.hDiv = (this.h * (this.h + 1)) / 2;
    this.nDiv = (period * (period + 1)) / 2;
    this.sDiv = (sq * (sq + 1)) / 2;
    const xCap = powerOfTwoAtLeast(period + 1);
    this.xs = new Float64Array(xCap);
    this.xMask = xCap - 1;
    const yCap = powerOfTwoAtLeast(sq + 1);
    this.ys = new Float64Array(yCap);
    this.yMask = yCap - 1;
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
    const xs = this.xs;
    const pos = this.xPos;
    xs[pos] = x;
    this.xPos = (pos + 1) & this.xMask;
    const h = this.h;
    if (this.hCount < h) {
      this.hCount++;
      this.hW += this.hCount * x;
      this.hP += x;
    } else {
      const old = xs[(pos - h) & this.xMask];
      this.hW += h * x - this.hP;
      this.hP += x - old;
      if (++this.hSince >= h) this.recomputeHalf();
    }
    const n = this.n;
    if (this.nCount < n) {
      this.nCount++;
      this.nW += this.nCount * x;
      this.nP += x;
      if (this.nCount < n) return;
    } else {
      const old = xs[(pos - n) & this.xMask];
      this.nW += n * x - this.nP;
      this.nP += x - old;
      if (++this.nSince >= n) this.recomputeFull();
    }
    const y = 2 * (this.hW / this.hDiv) - this.nW / this.nDiv;
    const ys = this.ys;
    const yp = this.yPos;
    ys[yp] = y;
    this.yPos = (yp + 1) & this.yMask;
    const s = this.s;
    if (this.sCount < s) {
      this.sCount++;
      this.sW += this.sCount * y;
      this.sP += y;
      if (this.sCount < s) return;
      this.ready = true;
    } else {
      const old = ys[(yp - s) & this.yMask];
      this.sW += s * y - this.sP;
      this.sP += y - old;
      if (++this.sSince >= s) this.recomputeSmooth();
    }
    this.value = this.sW / this.sDiv;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.xPos = this.yPos = 0;
    this.hCount = this.nCount = this.sCount = 0;
    this.hW = this.hP = this.nW = this.nP = this.sW = this.sP = 0;
    this.hSince = this.nSince = this.sSince = 0;
  }

  /** The half window's sums afresh (oldest value weight 1). */
  private recomputeHalf(): void {
    this.hSince = 0;
    const h = this.h;
    const first = this.xPos - h;
    let p = 0;
    let w = 0;
    for (let i = 0; i < h; i++) {
      const v = this.xs[(first + i) & this.xMask];
      p += v;
      w += (i + 1) * v;
    }
    this.hP = p;
    this.hW = w;
  }

  /** The full window's sums afresh. */
  private recomputeFull(): void {
    this.nSince = 0;
    const n = this.n;
    const first = this.xPos - n;
    let p = 0;
    let w = 0;
    for (let i = 0; i < n; i++) {
      const v = this.xs[(first + i) & this.xMask];
      p += v;
      w += (i + 1) * v;
    }
    this.nP = p;
    this.nW = w;
  }

  /** The smoothing window's sums afresh. */
  private recomputeSmooth(): void {
    this.sSince = 0;
    const s = this.s;
    const first = this.yPos - s;
    let p = 0;
    let w = 0;
    for (let i = 0; i < s; i++) {
      const v = this.ys[(first + i) & this.yMask];
      p += v;
      w += (i + 1) * v;
    }
    this.sP = p;
    this.sW = w;
  }
}
