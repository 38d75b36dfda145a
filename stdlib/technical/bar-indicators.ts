/**
 * PER-EVENT CODE: every `onBar` runs once per bar. No allocation, closures or iterators after the
 * constructor. Bar-driven indicators (TA-Lib conventions): Stochastic, ATR, ADX, CCI, OBV.
 * `onBar(open, high, low, close, volume, ts)` with prices in currency units; a bar with a NaN
 * high, low, close (or volume, for OBV) is ignored. `onBar` only stores the fields it needs and
 * calls `step()`; TA-Lib's true range max(high - low, |high - prevClose|, |low - prevClose|) is
 * written out where it is used (stdlib/core/index.ts, "Doubles and V8").
 */
import { RollingExtreme } from "../core/monotonic-deque.js";
import { OrderStatisticSums } from "../core/order-statistic-sums.js";
import { checkCount } from "../core/capacity.js";

/**
 * Stochastic oscillator: slow %K = sma(fast %K, slowk), %D = sma(slow %K, slowd) (TA-Lib STOCH).
 * The two short SMAs are summed from their small rings on every bar (O(slowk + slowd), no drift).
 */
export class Stoch {
  /** Slow %K; NaN before ready. */
  k = Number.NaN;
  /** Slow %D; NaN before ready. */
  d = Number.NaN;
  /** True after fastk + slowk + slowd - 2 bars. */
  ready = false;
  /** Bars needed before ready. */
  readonly warmup: number;
  private inHigh = Number.NaN;
  private inLow = Number.NaN;
  private inClose = Number.NaN;
  private readonly hh: RollingExtreme;
  private readonly ll: RollingExtreme;
  private readonly kBuf: Float64Array;
  private readonly dBuf: Float64Array;
  private kCount = 0;
  private dCount = 0;

  constructor(fastk = 14, slowk = 3, slowd = 3) {
    checkCount("fastk", fastk);
    this.hh = RollingExtreme.ofCount(true, fastk);
    this.ll = RollingExtreme.ofCount(false, fastk);
    this.kBuf = new Float64Array(checkCount("slowk", slowk));
    this.dBuf = new Float64Array(checkCount("slowd", slowd));
    this.warmup = fastk + slowk + slowd - 2;
  }

  /** Adds one bar. */
  onBar(_open: number, high: number, low: number, close: number, _volume: number, _ts?: number): void {
    this.inHigh = high;
    this.inLow = low;
    this.inClose = close;
    this.step();
  }

  private step(): void {
    const high = this.inHigh;
    const low = this.inLow;
    const close = this.inClose;
    if (high !== high || low !== low || close !== close) return;
    this.hh.push(high, 0);
    this.ll.push(low, 0);
    if (!this.hh.full) return;
    const lowest = this.ll.value;
    const diff = (this.hh.value - lowest) / 100;
    const kb = this.kBuf;
    const nk = kb.length;
    kb[this.kCount % nk] = diff !== 0 ? (close - lowest) / diff : 0;
    if (++this.kCount < nk) return;
    let ks = 0;
    for (let i = 0; i < nk; i++) ks += kb[i];
    const slowK = ks / nk;
    const db = this.dBuf;
    const nd = db.length;
    db[this.dCount % nd] = slowK;
    if (++this.dCount < nd) return;
    let ds = 0;
    for (let i = 0; i < nd; i++) ds += db[i];
    this.ready = true;
    this.k = slowK;
    this.d = ds / nd;
    // Keep the counters bounded (they only index the rings modulo their length).
    if (this.kCount >= 1 << 30) this.kCount = nk + (this.kCount % nk);
    if (this.dCount >= 1 << 30) this.dCount = nd + (this.dCount % nd);
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.hh.reset();
    this.ll.reset();
    this.kCount = 0;
    this.dCount = 0;
    this.k = this.d = Number.NaN;
    this.ready = false;
  }
}

/** Average true range with Wilder smoothing, seeded with the mean of the first n TRs (TA-Lib ATR). */
export class Atr {
  /** ATR in currency units; NaN before ready. */
  value = Number.NaN;
  /** True after period + 1 bars. */
  ready = false;
  /** Bars needed before ready. */
  readonly warmup: number;
  private inHigh = Number.NaN;
  private inLow = Number.NaN;
  private inClose = Number.NaN;
  private readonly n: number;
  private bars = 0;
  private prevClose = 0;
  private acc = 0;

  constructor(period = 14) {
    this.n = checkCount("period", period);
    this.warmup = period + 1;
  }

  /** Adds one bar. */
  onBar(_open: number, high: number, low: number, close: number, _volume: number, _ts?: number): void {
    this.inHigh = high;
    this.inLow = low;
    this.inClose = close;
    this.step();
  }

  private step(): void {
    const high = this.inHigh;
    const low = this.inLow;
    const close = this.inClose;
    if (high !== high || low !== low || close !== close) return;
    const bars = ++this.bars;
    const pc = this.prevClose;
    this.prevClose = close;
    if (bars === 1) return;
    let tr = high - low;
    const trHigh = Math.abs(high - pc);
    if (trHigh > tr) tr = trHigh;
    const trLow = Math.abs(low - pc);
    if (trLow > tr) tr = trLow;
    const n = this.n;
    if (bars <= n) {
      this.acc += tr;
      return;
    }
    if (bars === n + 1) {
      this.acc = (this.acc + tr) / n;
      this.ready = true;
    } else {
      this.acc = (this.acc * (n - 1) + tr) / n;
    }
    this.value = this.acc;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.bars = 0;
    this.prevClose = 0;
    this.acc = 0;
  }
}

/** Average directional index, TA-Lib's accumulation and Wilder smoothing. */
export class Adx {
  /** ADX in 0..100; NaN before ready. */
  value = Number.NaN;
  /** True after 2 period bars. */
  ready = false;
  /** Bars needed before ready. */
  readonly warmup: number;
  private inHigh = Number.NaN;
  private inLow = Number.NaN;
  private inClose = Number.NaN;
  private readonly n: number;
  private bars = 0;
  private prevHigh = 0;
  private prevLow = 0;
  private prevClose = 0;
  private plusDM = 0;
  private minusDM = 0;
  private tr = 0;
  private sumDX = 0;
  private adx = 0;

  constructor(period = 14) {
    this.n = checkCount("period", period);
    this.warmup = 2 * period;
  }

  /** Adds one bar. */
  onBar(_open: number, high: number, low: number, close: number, _volume: number, _ts?: number): void {
    this.inHigh = high;
    this.inLow = low;
    this.inClose = close;
    this.step();
  }

  private step(): void {
    const high = this.inHigh;
    const low = this.inLow;
    const close = this.inClose;
    if (high !== high || low !== low || close !== close) return;
    const bars = ++this.bars;
    const n = this.n;
    const diffP = high - this.prevHigh;
    const diffM = this.prevLow - low;
    const pc = this.prevClose;
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;
    if (bars === 1) return;
    let tr = high - low;
    const trHigh = Math.abs(high - pc);
    if (trHigh > tr) tr = trHigh;
    const trLow = Math.abs(low - pc);
    if (trLow > tr) tr = trLow;
    if (bars > n) {
      // Wilder smoothing once the first n - 1 changes have been summed.
      this.minusDM -= this.minusDM / n;
      this.plusDM -= this.plusDM / n;
      this.tr = this.tr - this.tr / n + tr;
    } else {
      this.tr += tr;
    }
    if (diffM > 0 && diffP < diffM) this.minusDM += diffM;
    else if (diffP > 0 && diffP > diffM) this.plusDM += diffP;
    if (bars <= n) return;
    let dx = Number.NaN;
    if (this.tr !== 0) {
      const minusDI = 100 * (this.minusDM / this.tr);
      const plusDI = 100 * (this.plusDM / this.tr);
      const s = minusDI + plusDI;
      if (s !== 0) dx = 100 * (Math.abs(minusDI - plusDI) / s);
    }
    if (bars < 2 * n) {
      if (dx === dx) this.sumDX += dx;
      return;
    }
    if (bars === 2 * n) {
      if (dx === dx) this.sumDX += dx;
      this.adx = this.sumDX / n;
      this.ready = true;
    } else if (dx === dx) {
      this.adx = (this.adx * (n - 1) + dx) / n;
    }
    this.value = this.adx;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.bars = 0;
    this.prevHigh = this.prevLow = this.prevClose = 0;
    this.plusDM = this.minusDM = this.tr = 0;
    this.sumDX = 0;
    this.adx = 0;
  }
}

/** Cci sums the deviations directly up to this period, in the O(log n) treap above it. */
const DIRECT_MAX_PERIOD = 1024;

/**
 * Commodity channel index over typical prices tp = (high + low + close) / 3 (TA-Lib CCI):
 * (tp - mean) / (0.015 * mean |tp_i - mean|), 0 when either is 0 (a flat window gives exactly 0).
 *
 * The mean absolute deviation is summed afresh on every bar, so it never drifts: up to
 * DIRECT_MAX_PERIOD bars, directly over the window (a typed array of tp - K for a shift K near the
 * mean; four independent accumulators, so the adds pipeline: ~1 ns per value), which beats any
 * search structure at these sizes (at 20 bars, ~14x the O(log n) treap); above it, from the count
 * and sum of the values <= the mean in an order-statistic treap (stdlib/core/order-statistic-sums.ts,
 * O(log period)). The window's sum is updated by add/subtract and recomputed exactly, with K
 * re-chosen on the mean, every `period` bars (amortized O(1)).
 */
export class Cci {
  /** CCI; NaN before ready. */
  value = Number.NaN;
  /** True after `period` bars. */
  ready = false;
  /** Bars needed before ready. */
  readonly warmup: number;
  private inHigh = Number.NaN;
  private inLow = Number.NaN;
  private inClose = Number.NaN;
  private readonly n: number;
  /** Direct path: the window's tp (ring) and tp - shift in the same slots. Empty on the treap path. */
  private readonly raw: Float64Array;
  private readonly dev: Float64Array;
  private head = 0;
  private count = 0;
  private shift = 0;
  /** Sum of tp - shift over the window (direct path). */
  private total = 0;
  private pushes = 0;
  /** Length of the run of equal tp ending at the newest bar. */
  private run = 0;
  private lastTp = Number.NaN;
  /** Treap path (period > DIRECT_MAX_PERIOD). */
  private readonly tree: OrderStatisticSums | null;

  constructor(period = 20) {
    this.n = checkCount("period", period);
    this.warmup = period;
    const direct = period <= DIRECT_MAX_PERIOD;
    this.raw = new Float64Array(direct ? period : 0);
    this.dev = new Float64Array(direct ? period : 0);
    this.tree = direct ? null : new OrderStatisticSums(period);
  }

  /** Adds one bar. */
  onBar(_open: number, high: number, low: number, close: number, _volume: number, _ts?: number): void {
    this.inHigh = high;
    this.inLow = low;
    this.inClose = close;
    this.step();
  }

  private step(): void {
    const high = this.inHigh;
    const low = this.inLow;
    const close = this.inClose;
    if (high !== high || low !== low || close !== close) return;
    const tp = (high + low + close) / 3;
    const n = this.n;
    if (this.tree !== null) {
      // Shifted by K: b = mean - K, sum |v - b| = total - 2 below - b (n - 2 c) over v = tp - K.
      const w = this.tree;
      w.push(tp);
      if (!w.full) return;
      const b = w.total / n;
      w.threshold = w.shift + b;
      w.query();
      const devSum = w.total - 2 * w.belowSum - b * (n - 2 * w.belowCount);
      const num = tp - w.shift - b;
      this.ready = true;
      this.value = num !== 0 && devSum > 0 ? num / (0.015 * (devSum / n)) : 0;
      return;
    }
    const d = this.dev;
    const slot = this.head;
    this.head = slot + 1 === n ? 0 : slot + 1;
    if (this.count === n) this.total -= d[slot];
    else this.count++;
    this.raw[slot] = tp;
    const v = tp - this.shift;
    d[slot] = v;
    this.total += v;
    if (tp === this.lastTp) this.run++;
    else {
      this.lastTp = tp;
      this.run = 1;
    }
    if (++this.pushes >= n) this.recentre();
    if (this.count < n) return;
    this.ready = true;
    if (this.run >= n) {
      // One repeated value: tp - mean and the deviation are both exactly 0.
      this.value = 0;
      return;
    }
    const b = this.total / n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += Math.abs(d[j] - b);
      s1 += Math.abs(d[j + 1] - b);
      s2 += Math.abs(d[j + 2] - b);
      s3 += Math.abs(d[j + 3] - b);
    }
    for (; j < n; j++) s0 += Math.abs(d[j] - b);
    const devSum = s0 + s1 + (s2 + s3);
    const num = d[slot] - b;
    this.value = num !== 0 && devSum > 0 ? num / (0.015 * (devSum / n)) : 0;
  }

  /** Direct path: shift onto the window's mean and recompute the shifted values and their sum. */
  private recentre(): void {
    this.pushes = 0;
    const r = this.raw;
    const d = this.dev;
    const c = this.count;
    let m = 0;
    for (let j = 0; j < c; j++) m += r[j];
    const k = m / c;
    this.shift = k;
    let t = 0;
    for (let j = 0; j < c; j++) {
      const v = r[j] - k;
      d[j] = v;
      t += v;
    }
    this.total = t;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    if (this.tree !== null) this.tree.reset();
    this.head = 0;
    this.count = 0;
    this.shift = 0;
    this.total = 0;
    this.pushes = 0;
    this.run = 0;
    this.lastTp = Number.NaN;
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** On-balance volume (TA-Lib OBV): starts at the first bar's volume. */
export class Obv {
  /** OBV; NaN before the first bar. */
  value = Number.NaN;
  /** True after the first bar. */
  ready = false;
  /** Bars needed before ready. */
  readonly warmup = 1;
  private prevClose = Number.NaN;
  private inClose = Number.NaN;
  private inVolume = Number.NaN;

  /** Adds one bar. */
  onBar(_open: number, _high: number, _low: number, close: number, volume: number, _ts?: number): void {
    this.inClose = close;
    this.inVolume = volume;
    this.step();
  }

  private step(): void {
    const close = this.inClose;
    const volume = this.inVolume;
    if (close !== close || volume !== volume) return;
    if (!this.ready) {
      this.value = volume;
      this.ready = true;
    } else if (close > this.prevClose) {
      this.value += volume;
    } else if (close < this.prevClose) {
      this.value -= volume;
    }
    this.prevClose = close;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.prevClose = Number.NaN;
  }
}
