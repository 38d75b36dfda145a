/**
 * flow.ofi: Cont–Kukanov–Stoikov order-flow imbalance, per event or summed over a count or time
 * window. PER-EVENT CODE: `update` is O(1) amortised and allocates nothing (count windows use a
 * typed array sized at construction; time windows a TimeRing that grows only at a new high-water
 * mark). Prices are compared in fixed point, so "price went up" is exact.
 *
 * Doubles and V8: a call that V8 does not inline boxes every non-integer double argument (one
 * heap allocation each). So the public update method here only stores its arguments in fields and
 * calls a zero-argument `step()`: the small method inlines into the caller's loop, and `step()`
 * needs no boxing whether or not it is inlined.
 */
import { Side, type InstrumentInfo } from "../../runtime/events.js";
import type { BookView } from "../../runtime/book/view.js";
import { TimeRing } from "../flow/time-ring.js";

/**
 * The touch state OFI compares successive updates against, and eₙ for the latest update. Shared by
 * the count and time classes; exported for tests and hand-written strategies.
 */
export class OfiState {
  private bid = 0;
  private bidSize = 0;
  private ask = 0;
  private askSize = 0;
  private hasPrev = false;

  /**
   * Reads the touch and returns eₙ (0 for the first two-sided state, and for updates where a side
   * is empty — those leave the reference state unchanged).
   */
  next(book: BookView): number {
    const b = book.bestBid();
    const a = book.bestAsk();
    if (b !== b || a !== a) return 0;
    const qb = book.levelSize(Side.Bid, 0);
    const qa = book.levelSize(Side.Ask, 0);
    let e = 0;
    if (this.hasPrev) {
      if (b >= this.bid) e += qb;
      if (b <= this.bid) e -= this.bidSize;
      if (a <= this.ask) e -= qa;
      if (a >= this.ask) e += this.askSize;
    }
    this.bid = b;
    this.bidSize = qb;
    this.ask = a;
    this.askSize = qa;
    this.hasPrev = true;
    return e;
  }

  /** Forgets the reference state. */
  clear(): void {
    this.hasPrev = false;
  }
}

/** Count window n (default 1): Σ eₙ over the last n book updates. */
export class OrderFlowImbalance {
  /** Σ eₙ over the window (quantity); NaN before ready. */
  value = Number.NaN;
  /** True after window + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  /** Window length in updates. */
  readonly window: number;
  /** The instrument whose book is read. */
  readonly inst: InstrumentInfo;
  private readonly state = new OfiState();
  private readonly terms: Float64Array;
  private sum = 0;
  private seen = 0;
  /** Slot of the oldest term (= seen mod window, kept without a division). */
  private slot = 0;

  constructor(inst: InstrumentInfo, window = 1) {
    if (!(window >= 1) || !Number.isInteger(window)) {
      throw new RangeError(`window must be an integer >= 1, got ${window}`);
    }
    this.inst = inst;
    this.window = window;
    this.warmup = window + 1;
    this.terms = new Float64Array(window);
  }

  /** Reads the book after a change. */
  update(book: BookView, _ts = 0): void {
    const e = this.state.next(book);
    const slot = this.slot;
    this.sum += e - this.terms[slot];
    this.terms[slot] = e;
    this.slot = slot + 1 === this.window ? 0 : slot + 1;
    this.seen++;
    if (this.seen > this.window) this.ready = true;
    if (this.ready) this.value = this.sum;
  }

  /** Back to the state before the first update. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.state.clear();
    this.terms.fill(0);
    this.sum = 0;
    this.seen = 0;
    this.slot = 0;
  }
}

/** Time window T (ns): Σ eₙ over book updates with ts in (now − T, now]. */
export class OrderFlowImbalanceTime {
  /** Σ eₙ over the window (quantity); NaN before ready. */
  value = Number.NaN;
  /** True once T has elapsed since the first update. */
  ready = false;
  /** Time windows have no count warm-up. */
  readonly warmup = 0;
  /** Window length in ns. */
  readonly window: number;
  /** The instrument whose book is read. */
  readonly inst: InstrumentInfo;
  private readonly state = new OfiState();
  private readonly ring = new TimeRing();
  private sum = 0;
  private firstTs = Number.NaN;

  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, windowNs: number) {
    if (!(windowNs >= 1) || !Number.isFinite(windowNs)) {
      throw new RangeError(`time window must be >= 1 ns, got ${windowNs}`);
    }
    this.inst = inst;
    this.window = windowNs;
  }

  /** Reads the book after a change. */
  update(book: BookView, ts: number): void {
    this.inTs = ts;
    this.step(book);
  }

  /** The update proper, reading the time from a field (see the file comment). */
  private step(book: BookView): void {
    const ts = this.inTs;
    if (this.firstTs !== this.firstTs) this.firstTs = ts;
    const e = this.state.next(book);
    const ring = this.ring;
    if (e !== 0) {
      const i = ring.reserve();
      ring.ts[i] = ts;
      ring.a[i] = e;
      this.sum += e;
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

  /** Back to the state before the first update. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.state.clear();
    this.ring.clear();
    this.sum = 0;
    this.firstTs = Number.NaN;
  }
}
