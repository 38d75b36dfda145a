/**
 * book.mid_change_rate: mid-price changes per second over a count or time window. PER-EVENT CODE:
 * `update` is O(1) amortised; it must not allocate (count windows use typed arrays sized at
 * construction; time windows a TimeRing that grows only when its high-water mark rises).
 *
 * Doubles and V8: a call that V8 does not inline boxes every non-integer double argument (one
 * heap allocation each). So the public update method here only stores its arguments in fields and
 * calls a zero-argument `step()`: the small method inlines into the caller's loop, and `step()`
 * needs no boxing whether or not it is inlined.
 */
import type { InstrumentInfo } from "../../runtime/events.js";
import type { BookView } from "../../runtime/book/view.js";
import { TimeRing } from "../flow/time-ring.js";

function checkWindow(window: number, what: string): number {
  if (!(window >= 1) || !Number.isFinite(window)) {
    throw new RangeError(`${what} must be >= 1, got ${window}`);
  }
  return window;
}

/** Count window n: changes among the last n updates ÷ seconds spanned by those n updates. */
export class BookMidChangeRate {
  /** Mid changes per second; NaN before ready or when the span is 0. */
  value = Number.NaN;
  /** True after window + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  /** Window length in updates. */
  readonly window: number;
  /** The instrument whose book is read. */
  readonly inst: InstrumentInfo;
  /** Times of the last n + 1 updates (slot = update number mod n + 1). */
  private readonly times: Float64Array;
  /** 1 when update k changed the mid (slot = k mod n). */
  private readonly flags: Uint8Array;
  private changes = 0;
  private seen = 0;
  private lastMid = Number.NaN;

  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, window = 100) {
    this.inst = inst;
    this.window = checkWindow(Math.floor(window), "window");
    this.warmup = this.window + 1;
    this.times = new Float64Array(this.window + 1);
    this.flags = new Uint8Array(this.window);
  }

  /** Reads the book after a change. */
  update(book: BookView, ts: number): void {
    this.inTs = ts;
    this.step(book);
  }

  /** The update proper, reading the time from a field (see the file comment). */
  private step(book: BookView): void {
    const ts = this.inTs;
    const mid = book.bestBid() + book.bestAsk();
    let changed = 0;
    if (mid === mid) {
      if (this.lastMid === this.lastMid && mid !== this.lastMid) changed = 1;
      this.lastMid = mid;
    }
    const n = this.window;
    const k = this.seen;
    const slot = k % n;
    if (k >= n) this.changes -= this.flags[slot];
    this.flags[slot] = changed;
    this.changes += changed;
    this.times[k % (n + 1)] = ts;
    this.seen = k + 1;
    if (this.seen > n) {
      this.ready = true;
      // The update n before this one sits in the slot this one will overwrite next time round.
      const span = (ts - this.times[(k + 1) % (n + 1)]) * 1e-9;
      this.value = span > 0 ? this.changes / span : Number.NaN;
    }
  }

  /** Back to the state before the first update. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.changes = 0;
    this.seen = 0;
    this.lastMid = Number.NaN;
    this.flags.fill(0);
  }
}

/** Time window T (ns): mid changes with ts in (now − T, now] ÷ T seconds. */
export class BookMidChangeRateTime {
  /** Mid changes per second; NaN before ready. */
  value = Number.NaN;
  /** True once T has elapsed since the first update. */
  ready = false;
  /** Time windows have no count warm-up. */
  readonly warmup = 0;
  /** Window length in ns. */
  readonly window: number;
  /** The instrument whose book is read. */
  readonly inst: InstrumentInfo;
  private readonly changeTimes = new TimeRing();
  private firstTs = Number.NaN;
  private lastMid = Number.NaN;

  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, windowNs: number) {
    this.inst = inst;
    this.window = checkWindow(windowNs, "time window (ns)");
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
    const mid = book.bestBid() + book.bestAsk();
    const ring = this.changeTimes;
    if (mid === mid) {
      if (this.lastMid === this.lastMid && mid !== this.lastMid) ring.ts[ring.reserve()] = ts;
      this.lastMid = mid;
    }
    const cutoff = ts - this.window;
    while (ring.count > 0 && ring.ts[ring.head] <= cutoff) ring.dropOldest();
    if (!this.ready && ts - this.firstTs >= this.window) this.ready = true;
    if (this.ready) this.value = ring.count / (this.window * 1e-9);
  }

  /** Back to the state before the first update. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.changeTimes.clear();
    this.firstTs = Number.NaN;
    this.lastMid = Number.NaN;
  }
}
