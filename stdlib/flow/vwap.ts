/**
 * flow.vwap: session, rolling-count and rolling-time volume-weighted average price. PER-EVENT
 * CODE: `onTrade` is O(1) amortised and allocates nothing. The notional and volume sums are
 * compensated (Neumaier: each running sum s carries the rounding error c of every addition and
 * removal), so removing a huge trade from the window leaves the small ones exact. The summation
 * is written out inline on purpose: a helper call that V8 does not inline would box its double
 * argument on every trade.
 *
 * Doubles and V8: a call that V8 does not inline boxes every non-integer double argument (one
 * heap allocation each). So the public update method here only stores its arguments in fields and
 * calls a zero-argument `step()`: the small method inlines into the caller's loop, and `step()`
 * needs no boxing whether or not it is inlined.
 */
import type { InstrumentInfo, Side } from "../../runtime/events.js";
import { TimeRing } from "./time-ring.js";
import { checkCount, checkDuration } from "./trades.js";

/** `flow.vwap(inst)` (window 0: session) or `flow.vwap(inst, n)` (last n trades). */
export class FlowVwap {
  /** Σ p·q / Σ q over the window; NaN before ready or while the windowed volume is 0. */
  value = Number.NaN;
  /** True after max(1, window) trades. */
  ready = false;
  /** Trades needed before ready. */
  readonly warmup: number;
  /** Window length in trades (0: session). */
  readonly window: number;
  /** The instrument whose trades are read. */
  readonly inst: InstrumentInfo;
  private ns = 0;
  private nc = 0;
  private vs = 0;
  private vc = 0;
  private readonly pq: Float64Array;
  private readonly q: Float64Array;
  private seen = 0;

  private inPrice = Number.NaN;
  private inSize = Number.NaN;
  private inAggressor: Side = 0 as Side;
  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, window = 0) {
    this.inst = inst;
    this.window = window === 0 ? 0 : checkCount(window, 1);
    this.warmup = Math.max(1, this.window);
    this.pq = new Float64Array(this.window);
    this.q = new Float64Array(this.window);
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
    const price = this.inPrice;
    const size = this.inSize;
    let x = price * size;
    let y = size;
    const n = this.window;
    if (n > 0) {
      const slot = this.seen % n;
      if (this.seen >= n) {
        // Add the new trade and remove the leaving one in one compensated step each.
        const leaving = this.pq[slot];
        const t0 = this.ns - leaving;
        this.nc += Math.abs(this.ns) >= Math.abs(leaving) ? this.ns - t0 - leaving : -leaving - t0 + this.ns;
        this.ns = t0;
        const leavingQ = this.q[slot];
        const t1 = this.vs - leavingQ;
        this.vc += Math.abs(this.vs) >= Math.abs(leavingQ) ? this.vs - t1 - leavingQ : -leavingQ - t1 + this.vs;
        this.vs = t1;
      }
      this.pq[slot] = x;
      this.q[slot] = y;
    }
    const t2 = this.ns + x;
    this.nc += Math.abs(this.ns) >= Math.abs(x) ? this.ns - t2 + x : x - t2 + this.ns;
    this.ns = t2;
    const t3 = this.vs + y;
    this.vc += Math.abs(this.vs) >= Math.abs(y) ? this.vs - t3 + y : y - t3 + this.vs;
    this.vs = t3;
    this.seen++;
    if (this.seen >= this.warmup) this.ready = true;
    if (this.ready) {
      x = this.vs + this.vc;
      y = this.ns + this.nc;
      this.value = x > 0 ? y / x : Number.NaN;
    }
  }

  /** Back to the state before the first trade. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.ns = 0;
    this.nc = 0;
    this.vs = 0;
    this.vc = 0;
    this.seen = 0;
  }
}

/** `flow.vwap(inst, T)`: VWAP of trades with ts in (now − T, now]. */
export class FlowVwapTime {
  /** Σ p·q / Σ q over the window; NaN before ready or while the windowed volume is 0. */
  value = Number.NaN;
  /** True once T has elapsed since the first trade. */
  ready = false;
  /** Time windows have no count warm-up. */
  readonly warmup = 0;
  /** Window length in ns. */
  readonly window: number;
  /** The instrument whose trades are read. */
  readonly inst: InstrumentInfo;
  private ns = 0;
  private nc = 0;
  private vs = 0;
  private vc = 0;
  private readonly ring = new TimeRing();
  private firstTs = Number.NaN;

  private inPrice = Number.NaN;
  private inSize = Number.NaN;
  private inAggressor: Side = 0 as Side;
  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, windowNs: number) {
    this.inst = inst;
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
    const price = this.inPrice;
    const size = this.inSize;
    const ts = this.inTs;
    if (this.firstTs !== this.firstTs) this.firstTs = ts;
    const x = price * size;
    const ring = this.ring;
    const i = ring.reserve();
    ring.ts[i] = ts;
    ring.a[i] = x;
    ring.b[i] = size;
    const t0 = this.ns + x;
    this.nc += Math.abs(this.ns) >= Math.abs(x) ? this.ns - t0 + x : x - t0 + this.ns;
    this.ns = t0;
    const t1 = this.vs + size;
    this.vc += Math.abs(this.vs) >= Math.abs(size) ? this.vs - t1 + size : size - t1 + this.vs;
    this.vs = t1;
    const cutoff = ts - this.window;
    while (ring.count > 0 && ring.ts[ring.head] <= cutoff) {
      const leaving = ring.a[ring.head];
      const t2 = this.ns - leaving;
      this.nc += Math.abs(this.ns) >= Math.abs(leaving) ? this.ns - t2 - leaving : -leaving - t2 + this.ns;
      this.ns = t2;
      const leavingQ = ring.b[ring.head];
      const t3 = this.vs - leavingQ;
      this.vc += Math.abs(this.vs) >= Math.abs(leavingQ) ? this.vs - t3 - leavingQ : -leavingQ - t3 + this.vs;
      this.vs = t3;
      ring.dropOldest();
    }
    if (!this.ready && ts - this.firstTs >= this.window) this.ready = true;
    if (this.ready) {
      const v = this.vs + this.vc;
      this.value = v > 0 ? (this.ns + this.nc) / v : Number.NaN;
    }
  }

  /** Back to the state before the first trade. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.ns = 0;
    this.nc = 0;
    this.vs = 0;
    this.vc = 0;
    this.ring.clear();
    this.firstTs = Number.NaN;
  }
}
