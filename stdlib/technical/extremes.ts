/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor (a duration window's deque may double, counted in `growths`). Rolling max/min
 * (`highest`/`lowest`, `rolling_max`/`rolling_min`) and crossover/crossunder. A NaN input is ignored.
 */
import { RollingExtreme } from "../core/monotonic-deque.js";
import { DEFAULT_TIME_CAPACITY } from "../core/capacity.js";

/** Shared body of the rolling extreme operators. */
abstract class ExtremeOperator {
  /** The extreme of the window; NaN before ready. */
  value = NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  abstract readonly warmup: number;
  protected readonly deque: RollingExtreme;

  protected constructor(deque: RollingExtreme) {
    this.deque = deque;
  }

  /** Adds x observed at ts (ns; ignored by count windows). */
  update(x: number, ts = 0): void {
    if (x !== x) return;
    const d = this.deque;
    d.push(x, ts);
    if (d.full) {
      this.ready = true;
      this.value = d.value;
    }
  }

  /** Times a duration window's deque doubled. */
  get growths(): number {
    return this.deque.growths;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.deque.reset();
    this.value = NaN;
    this.ready = false;
  }
}

/** Highest value of the last `window` updates (TA-Lib MAX). */
export class RollingMax extends ExtremeOperator {
  readonly warmup: number;
  constructor(window: number) {
    super(RollingExtreme.ofCount(true, window));
    this.warmup = window;
  }
}

/** Lowest value of the last `window` updates (TA-Lib MIN). */
export class RollingMin extends ExtremeOperator {
  readonly warmup: number;
  constructor(window: number) {
    super(RollingExtreme.ofCount(false, window));
    this.warmup = window;
  }
}

/** Highest value of the samples with ts > now - windowNs. */
export class RollingMaxTime extends ExtremeOperator {
  readonly warmup = 0;
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(RollingExtreme.ofDuration(true, windowNs, capacity));
  }
}

/** Lowest value of the samples with ts > now - windowNs. */
export class RollingMinTime extends ExtremeOperator {
  readonly warmup = 0;
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(RollingExtreme.ofDuration(false, windowNs, capacity));
  }
}

/** True on the update where a crosses above b (a > b now, a <= b before). */
export class Crossover {
  /** The crossing flag; false before ready. */
  value = false;
  /** True after two updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup = 2;
  private seen = 0;
  private pa = 0;
  private pb = 0;

  /** Adds the pair (a, b) (ts is ignored). */
  update(a: number, b: number, _ts = 0): void {
    if (a !== a || b !== b) return;
    if (++this.seen >= 2) {
      this.ready = true;
      this.value = a > b && this.pa <= this.pb;
    }
    this.pa = a;
    this.pb = b;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = false;
    this.ready = false;
    this.seen = 0;
  }
}

/** True on the update where a crosses below b (a < b now, a >= b before). */
export class Crossunder {
  /** The crossing flag; false before ready. */
  value = false;
  /** True after two updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup = 2;
  private seen = 0;
  private pa = 0;
  private pb = 0;

  /** Adds the pair (a, b) (ts is ignored). */
  update(a: number, b: number, _ts = 0): void {
    if (a !== a || b !== b) return;
    if (++this.seen >= 2) {
      this.ready = true;
      this.value = a < b && this.pa >= this.pb;
    }
    this.pa = a;
    this.pb = b;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = false;
    this.ready = false;
    this.seen = 0;
  }
}
