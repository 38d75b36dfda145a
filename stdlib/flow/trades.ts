/**
 * Simple trade-driven operators: last price/size, CVD, signed volume, trade intensity. PER-EVENT
 * CODE: `onTrade` is O(1) amortised and allocates nothing (count windows: typed arrays sized at
 * construction; time windows: a TimeRing that grows only at a new high-water mark).
 *
 * Doubles and V8: a call that V8 does not inline boxes every non-integer double argument (one
 * heap allocation each). So the public update method here only stores its arguments in fields and
 * calls a zero-argument `step()`: the small method inlines into the caller's loop, and `step()`
 * needs no boxing whether or not it is inlined.
 */
import type { InstrumentInfo, Side } from "../../runtime/events.js";
import { TimeRing } from "./time-ring.js";

/** Validates a count window. */
export function checkCount(window: number, min: number): number {
  if (!Number.isInteger(window) || window < min) {
    throw new RangeError(`window must be an integer >= ${min}, got ${window}`);
  }
  return window;
}

/** Validates a time window in ns. */
export function checkDuration(windowNs: number): number {
  if (!(windowNs >= 1) || !Number.isFinite(windowNs)) {
    throw new RangeError(`time window must be a positive number of ns, got ${windowNs}`);
  }
  return windowNs;
}

/** Shared state of single-output trade operators. */
abstract class TradeOperator {
  /** The current value (NaN before ready unless the doc says otherwise). */
  value = Number.NaN;
  /** True once warm. */
  ready = false;
  /** The instrument whose trades are read. */
  readonly inst: InstrumentInfo;

  constructor(inst: InstrumentInfo) {
    this.inst = inst;
  }
}

/** `flow.last_price(inst)`: price of the last trade (currency units). */
export class FlowLastPrice extends TradeOperator {
  /** Trades needed before ready. */
  readonly warmup = 1;
  /** Receives one trade. */
  onTrade(price: number, _size: number, _aggressor: Side, _ts: number): void {
    this.value = price;
    this.ready = true;
  }
  /** Back to the state before the first trade. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** `flow.last_size(inst)`: size of the last trade. */
export class FlowLastSize extends TradeOperator {
  /** Trades needed before ready. */
  readonly warmup = 1;
  /** Receives one trade. */
  onTrade(_price: number, size: number, _aggressor: Side, _ts: number): void {
    this.value = size;
    this.ready = true;
  }
  /** Back to the state before the first trade. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** `flow.cvd(inst)`: Σ aggressor · size since the start (0 before the first trade). */
export class FlowCvd extends TradeOperator {
  /** Trades needed before ready. */
  readonly warmup = 1;
  override value = 0;
  /** Receives one trade. */
  onTrade(_price: number, size: number, aggressor: Side, _ts: number): void {
    this.value += aggressor * size;
    this.ready = true;
  }
  /** Back to zero. */
  reset(): void {
    this.value = 0;
    this.ready = false;
  }
}

/** `flow.signed_volume(inst, n)`: Σ aggressor · size over the last n trades. */
export class FlowSignedVolume extends TradeOperator {
  /** Trades needed before ready. */
  readonly warmup: number;
  /** Window length in trades. */
  readonly window: number;
  private readonly terms: Float64Array;
  private sum = 0;
  private seen = 0;

  constructor(inst: InstrumentInfo, window = 1) {
    super(inst);
    this.window = checkCount(window, 1);
    this.warmup = this.window;
    this.terms = new Float64Array(this.window);
  }

  /** Receives one trade. */
  onTrade(_price: number, size: number, aggressor: Side, _ts: number): void {
    const v = aggressor * size;
    const slot = this.seen % this.window;
    this.sum += v - this.terms[slot];
    this.terms[slot] = v;
    this.seen++;
    if (this.seen >= this.window) {
      this.ready = true;
      this.value = this.sum;
    }
  }

  /** Back to the state before the first trade. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.terms.fill(0);
    this.sum = 0;
    this.seen = 0;
  }
}

/** `flow.signed_volume(inst, T)`: Σ aggressor · size over trades with ts in (now − T, now]. */
export class FlowSignedVolumeTime extends TradeOperator {
  /** Time windows have no count warm-up. */
  readonly warmup = 0;
  /** Window length in ns. */
  readonly window: number;
  private readonly ring = new TimeRing();
  private sum = 0;
  private firstTs = Number.NaN;

  private inPrice = Number.NaN;
  private inSize = Number.NaN;
  private inAggressor: Side = 0 as Side;
  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, windowNs: number) {
    super(inst);
    this.window = checkDuration(windowNs);
  }

  /** Receives one trade. */
  onTrade(price: number, size: number, aggressor: Side, ts: number): void {
    this.inPrice = price;
    this.inSize = size;
    this.inAggressor = aggressor;
    this.inTs = ts;
    this.step();
  }

  /** The update proper, reading its inputs from fields (see the file comment). */
  private step(): void {
    const size = this.inSize;
    const aggressor = this.inAggressor;
    const ts = this.inTs;
    if (this.firstTs !== this.firstTs) this.firstTs = ts;
    const v = aggressor * size;
    const ring = this.ring;
    if (v !== 0) {
      const i = ring.reserve();
      ring.ts[i] = ts;
      ring.a[i] = v;
      this.sum += v;
    }
    const cutoff = ts - this.window;
    while (ring.count > 0 && ring.ts[ring.head] <= cutoff) {
      this.sum -= ring.a[ring.head];
      ring.dropOldest();
    }
    if (ring.count === 0) this.sum = 0;
    if (!this.ready && ts - this.firstTs >= this.window) this.ready = true;
    if (this.ready) this.value = this.sum;
  }

  /** Back to the state before the first trade. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.ring.clear();
    this.sum = 0;
    this.firstTs = Number.NaN;
  }
}

/** `flow.intensity(inst, n)`: (n − 1) ÷ seconds between the oldest and newest of the last n trades. */
export class FlowIntensity extends TradeOperator {
  /** Trades needed before ready. */
  readonly warmup: number;
  /** Window length in trades. */
  readonly window: number;
  private readonly times: Float64Array;
  private seen = 0;

  constructor(inst: InstrumentInfo, window = 100) {
    super(inst);
    this.window = checkCount(window, 2);
    this.warmup = this.window;
    this.times = new Float64Array(this.window);
  }

  /** Receives one trade. */
  onTrade(_price: number, _size: number, _aggressor: Side, ts: number): void {
    const n = this.window;
    const k = this.seen;
    this.times[k % n] = ts;
    this.seen = k + 1;
    if (this.seen >= n) {
      this.ready = true;
      const span = (ts - this.times[(k + 1) % n]) * 1e-9;
      this.value = span > 0 ? (n - 1) / span : Number.NaN;
    }
  }

  /** Back to the state before the first trade. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.seen = 0;
  }
}

/** `flow.intensity(inst, T)`: trades with ts in (now − T, now] ÷ T seconds. */
export class FlowIntensityTime extends TradeOperator {
  /** Time windows have no count warm-up. */
  readonly warmup = 0;
  /** Window length in ns. */
  readonly window: number;
  private readonly ring = new TimeRing();
  private firstTs = Number.NaN;

  private inPrice = Number.NaN;
  private inSize = Number.NaN;
  private inAggressor: Side = 0 as Side;
  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, windowNs: number) {
    super(inst);
    this.window = checkDuration(windowNs);
  }

  /** Receives one trade. */
  onTrade(price: number, size: number, aggressor: Side, ts: number): void {
    this.inPrice = price;
    this.inSize = size;
    this.inAggressor = aggressor;
    this.inTs = ts;
    this.step();
  }

  /** The update proper, reading its inputs from fields (see the file comment). */
  private step(): void {
    const ts = this.inTs;
    if (this.firstTs !== this.firstTs) this.firstTs = ts;
    const ring = this.ring;
    ring.ts[ring.reserve()] = ts;
    const cutoff = ts - this.window;
    while (ring.count > 0 && ring.ts[ring.head] <= cutoff) ring.dropOldest();
    if (!this.ready && ts - this.firstTs >= this.window) this.ready = true;
    if (this.ready) this.value = ring.count / (this.window * 1e-9);
  }

  /** Back to the state before the first trade. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.ring.clear();
    this.firstTs = Number.NaN;
  }
}
