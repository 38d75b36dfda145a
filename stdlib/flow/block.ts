/**
 * flow.block: large-trade detection against a rolling quantile of previous trade sizes. PER-EVENT
 * CODE: `onTrade` is O(log) for integer sizes below SMALL_SIZE_LIMIT (see size-quantiles.ts) and
 * allocates nothing (count windows are sized at construction; time windows and the sorted part
 * for large sizes grow only at a new high-water mark).
 *
 * Doubles and V8: a call that V8 does not inline boxes every non-integer double argument (one
 * heap allocation each). So the public update method here only stores its arguments in fields and
 * calls a zero-argument `step()`: the small method inlines into the caller's loop, and `step()`
 * needs no boxing whether or not it is inlined.
 */
import type { InstrumentInfo, Side } from "../../runtime/events.js";
import { SizeQuantiles } from "./size-quantiles.js";
import { TimeRing } from "./time-ring.js";
import { checkCount, checkDuration } from "./trades.js";

function checkQuantile(q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  return q;
}

/** `flow.block(inst, n, quantile)`: is the last trade larger than the quantile of the n before it? */
export class FlowBlock {
  /** True when the last trade's size is strictly above `threshold`. */
  hit = false;
  /** The quantile of the previous n trade sizes; NaN before ready. */
  threshold = Number.NaN;
  /** True after window + 1 trades. */
  ready = false;
  /** Trades needed before ready. */
  readonly warmup: number;
  /** Window length in trades. */
  readonly window: number;
  /** Quantile in [0, 1]. */
  readonly quantile: number;
  /** The instrument whose trades are read. */
  readonly inst: InstrumentInfo;
  private readonly sizes: Float64Array;
  private readonly sorted: SizeQuantiles;
  private seen = 0;

  private inPrice = Number.NaN;
  private inSize = Number.NaN;
  private inAggressor: Side = 0 as Side;
  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, window = 1000, quantile = 0.99) {
    this.inst = inst;
    this.window = checkCount(window, 1);
    this.quantile = checkQuantile(quantile);
    this.warmup = this.window + 1;
    this.sizes = new Float64Array(this.window);
    this.sorted = new SizeQuantiles(this.quantile);
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
    const n = this.window;
    if (this.seen >= n) {
      this.ready = true;
      this.sorted.evaluate();
      this.threshold = this.sorted.result;
      this.hit = size > this.threshold;
    }
    const slot = this.seen % n;
    const sorted = this.sorted;
    if (this.seen >= n) {
      sorted.arg = this.sizes[slot];
      sorted.remove();
    }
    this.sizes[slot] = size;
    sorted.arg = size;
    sorted.insert();
    this.seen++;
  }

  /** Back to the state before the first trade. */
  reset(): void {
    this.hit = false;
    this.threshold = Number.NaN;
    this.ready = false;
    this.sorted.clear();
    this.seen = 0;
  }
}

/** `flow.block(inst, T, quantile)`: compares with the trades of (now − T, now) before this one. */
export class FlowBlockTime {
  /** True when the last trade's size is strictly above `threshold`. */
  hit = false;
  /** The quantile of the window's previous trade sizes; NaN before ready or when none. */
  threshold = Number.NaN;
  /** True once T has elapsed since the first trade. */
  ready = false;
  /** Time windows have no count warm-up. */
  readonly warmup = 0;
  /** Window length in ns. */
  readonly window: number;
  /** Quantile in [0, 1]. */
  readonly quantile: number;
  /** The instrument whose trades are read. */
  readonly inst: InstrumentInfo;
  private readonly ring = new TimeRing();
  private readonly sorted: SizeQuantiles;
  private firstTs = Number.NaN;

  private inPrice = Number.NaN;
  private inSize = Number.NaN;
  private inAggressor: Side = 0 as Side;
  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, windowNs: number, quantile = 0.99) {
    this.inst = inst;
    this.window = checkDuration(windowNs);
    this.quantile = checkQuantile(quantile);
    this.sorted = new SizeQuantiles(this.quantile);
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
    const ts = this.inTs;
    if (this.firstTs !== this.firstTs) this.firstTs = ts;
    const ring = this.ring;
    const cutoff = ts - this.window;
    while (ring.count > 0 && ring.ts[ring.head] <= cutoff) {
      this.sorted.arg = ring.a[ring.head];
      this.sorted.remove();
      ring.dropOldest();
    }
    if (!this.ready && ts - this.firstTs >= this.window) this.ready = true;
    if (this.ready) {
      this.sorted.evaluate();
      this.threshold = this.sorted.result;
      this.hit = size > this.threshold;
    }
    const i = ring.reserve();
    ring.ts[i] = ts;
    ring.a[i] = size;
    this.sorted.arg = size;
    this.sorted.insert();
  }

  /** Back to the state before the first trade. */
  reset(): void {
    this.hit = false;
    this.threshold = Number.NaN;
    this.ready = false;
    this.ring.clear();
    this.sorted.clear();
    this.firstTs = Number.NaN;
  }
}
