/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor (a duration window's deque may double, counted in `growths`). Rolling max/min
 * (`highest`/`lowest`, `rolling_max`/`rolling_min`) and crossover/crossunder. A NaN input is ignored.
 * A public `update` only stores its arguments (count windows ignore ts) and calls `step()`
 * (stdlib/core/index.ts, "Doubles and V8").
 */
import { RollingExtreme } from "../core/monotonic-deque.js";
import { DEFAULT_TIME_CAPACITY } from "../core/capacity.js";

/** Shared body of the rolling extreme operators. */
abstract class ExtremeOperator {
  /** The extreme of the window; NaN before ready. */
  value = Number.NaN;
  /** True once the window is full (or spans its duration). */
  ready = false;
  /** Updates needed before ready (0 for a duration window). */
  abstract readonly warmup: number;
  protected readonly deque: RollingExtreme;
  protected inX = Number.NaN;
  protected inTs = Number.NaN;

  protected constructor(deque: RollingExtreme) {
    this.deque = deque;
  }

  protected step(): void {
    const x = this.inX;
    if (x !== x) return;
    const d = this.deque;
    d.push(x, this.inTs);
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
    this.value = Number.NaN;
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

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }
}

/** Lowest value of the last `window` updates (TA-Lib MIN). */
export class RollingMin extends ExtremeOperator {
  readonly warmup: number;
  constructor(window: number) {
    super(RollingExtreme.ofCount(false, window));
    this.warmup = window;
  }

  /** Adds x (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }
}

/** Highest value of the samples with ts > now - windowNs. */
export class RollingMaxTime extends ExtremeOperator {
  readonly warmup = 0;
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(RollingExtreme.ofDuration(true, windowNs, capacity));
  }

  /** Adds x observed at ts (ns since the time base). */
  update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }
}

/** Lowest value of the samples with ts > now - windowNs. */
export class RollingMinTime extends ExtremeOperator {
  readonly warmup = 0;
  constructor(windowNs: number, capacity = DEFAULT_TIME_CAPACITY) {
    super(RollingExtreme.ofDuration(false, windowNs, capacity));
  }

  /** Adds x observed at ts (ns since the time base). */
  update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
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
  private inA = Number.NaN;
  private inB = Number.NaN;

  /** Adds the pair (a, b) (ts is ignored). */
  update(a: number, b: number, _ts?: number): void {
    this.inA = a;
    this.inB = b;
    this.step();
  }

  private step(): void {
    const a = this.inA;
    const b = this.inB;
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
  private inA = Number.NaN;
  private inB = Number.NaN;

  /** Adds the pair (a, b) (ts is ignored). */
  update(a: number, b: number, _ts?: number): void {
    this.inA = a;
    this.inB = b;
    this.step();
  }

  private step(): void {
    const a = this.inA;
    const b = this.inB;
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
