/**
 * PER-EVENT CODE: every `update` runs once per input. No allocation, closures or iterators after
 * the constructor. Lag, diff (stateful: a NaN input is ignored) and the stateless point-wise
 * utilities clamp, sign, abs, min, max, iff (a NaN input gives NaN), plus time_of_day and
 * clock sampling. A stateful `update` only stores its arguments and calls `step()`
 * (stdlib/core/index.ts, "Doubles and V8").
 */
import { DelayLine } from "../core/delay-line.js";
import { checkCount, checkDuration } from "../core/capacity.js";
import { ZoneClock } from "../core/zone-clock.js";


/** x as it was k updates ago (x[k]). */
export class Lag {
  /** x[k]; NaN before ready. */
  value = Number.NaN;
  /** True after k + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly line: DelayLine;
  private inX = Number.NaN;

  constructor(k = 1) {
    this.line = new DelayLine(checkCount("k", k));
    this.warmup = k + 1;
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
    this.value = d.delayed;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.line.reset();
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** x - x[k]. */
export class Diff {
  /** x - x[k]; NaN before ready. */
  value = Number.NaN;
  /** True after k + 1 updates. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup: number;
  private readonly line: DelayLine;
  private inX = Number.NaN;

  constructor(k = 1) {
    this.line = new DelayLine(checkCount("k", k));
    this.warmup = k + 1;
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

/** min(max(x, lo), hi). */
export class Clamp {
  /** The clamped value; NaN before the first update. */
  value = Number.NaN;
  /** True after the first update. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup = 1;

  /** Computes the value from this update's inputs (ts is ignored). */
  update(x: number, lo: number, hi: number, _ts?: number): void {
    this.ready = true;
    this.value = Math.min(Math.max(x, lo), hi);
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** Sign of x: -1, 0 or 1 (NaN for NaN). */
export class Sign {
  /** -1, 0, 1 or NaN; NaN before the first update. */
  value = Number.NaN;
  /** True after the first update. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup = 1;

  private inX = Number.NaN;

  /** Computes the value from this update's input (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    this.ready = true;
    this.value = x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** |x|. */
export class Abs {
  /** |x|; NaN before the first update. */
  value = Number.NaN;
  /** True after the first update. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup = 1;

  private inX = Number.NaN;

  /** Computes the value from this update's input (ts is ignored). */
  update(x: number, _ts?: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    this.ready = true;
    this.value = Math.abs(this.inX);
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** The smaller of two series (language name `min`). */
export class Min2 {
  /** min(a, b); NaN before the first update. */
  value = Number.NaN;
  /** True after the first update. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup = 1;

  private inA = Number.NaN;
  private inB = Number.NaN;

  /** Computes the value from this update's inputs (ts is ignored). */
  update(a: number, b: number, _ts?: number): void {
    this.inA = a;
    this.inB = b;
    this.step();
  }

  private step(): void {
    this.ready = true;
    this.value = Math.min(this.inA, this.inB);
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** The larger of two series (language name `max`). */
export class Max2 {
  /** max(a, b); NaN before the first update. */
  value = Number.NaN;
  /** True after the first update. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup = 1;

  private inA = Number.NaN;
  private inB = Number.NaN;

  /** Computes the value from this update's inputs (ts is ignored). */
  update(a: number, b: number, _ts?: number): void {
    this.inA = a;
    this.inB = b;
    this.step();
  }

  private step(): void {
    this.ready = true;
    this.value = Math.max(this.inA, this.inB);
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** If-then-else series: `then` when cond is true, else `otherwise`. */
export class Iff {
  /** The chosen value; NaN before the first update. */
  value = Number.NaN;
  /** True after the first update. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup = 1;

  /** Computes the value from this update's inputs; cond may be a boolean or 0/1 (ts is ignored). */
  update(cond: boolean | number, then: number, otherwise: number, _ts?: number): void {
    this.ready = true;
    this.value = cond ? then : otherwise;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/**
 * Wall-clock time of day of the event, ns in [0, 24h): in a fixed UTC offset, or — DST-aware — in
 * an IANA time zone ("America/Chicago"), from the absolute time timeBase + ts. Allocation-free
 * per update; the zone's offset is looked up (Intl) only at the start and at each transition.
 */
export class TimeOfDay {
  /** Time since local midnight in ns, in [0, 24h); NaN before the first update. */
  value = Number.NaN;
  /** True after the first update. */
  ready = false;
  /** Updates needed before ready. */
  readonly warmup = 1;
  /** The clock (exposed for its `offsetNs`, the UTC offset in force). */
  clock: ZoneClock;
  private inTs = Number.NaN;
  private readonly utcOffsetNs: number;
  private readonly timeZone: string;

  /**
   * `utcOffsetNs` is added to UTC (e.g. -5h for New York in winter) when no `timeZone` is given;
   * with a `timeZone` (IANA name) the offset follows the zone's rules and `utcOffsetNs` must be 0.
   * `timeBase` is the run's time base (absolute time of ts = 0, ns since the Unix epoch).
   */
  constructor(utcOffsetNs = 0, timeZone = "", timeBase: bigint | number = 0n) {
    this.utcOffsetNs = utcOffsetNs;
    this.timeZone = timeZone;
    this.clock = new ZoneClock(timeZone, utcOffsetNs, timeBase);
  }

  /**
   * Sets the run's time base (ns since the Unix epoch of ts = 0) when it was not known at
   * construction: generated code calls it in onStart with `ctx.timeBase`. Not per-event code.
   */
  attachTimeBase(timeBase: bigint): void {
    this.clock = new ZoneClock(this.timeZone, this.utcOffsetNs, timeBase);
  }

  /** Reads the clock time of ts (ns since the time base). */
  update(ts: number): void {
    this.inTs = ts;
    this.step();
  }

  private step(): void {
    const c = this.clock;
    c.push(this.inTs);
    this.ready = true;
    this.value = c.timeOfDay;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/**
 * x sampled on a clock of period `everyNs`: the value is the last x with ts <= the latest tick
 * k * everyNs (never a later one), updated only on updates that cross a tick.
 */
export class Sample {
  /** x as of the latest tick; NaN before ready. */
  value = Number.NaN;
  /** True from the first tick preceded by a value. */
  ready = false;
  /** True on the update that crossed a tick (the value may have changed). */
  ticked = false;
  /** Updates needed before ready (time driven: 0). */
  readonly warmup = 0;
  private readonly every: number;
  private bucket = Number.NaN;
  private last = Number.NaN;
  private inX = Number.NaN;
  private inTs = Number.NaN;

  constructor(everyNs: number) {
    this.every = checkDuration("every", everyNs);
  }

  /** Observes x at ts (ns since the time base). */
  update(x: number, ts: number): void {
    this.inX = x;
    this.inTs = ts;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    const ts = this.inTs;
    if (x !== x) {
      this.ticked = false;
      return;
    }
    const bucket = Math.floor(ts / this.every);
    if (bucket > this.bucket) {
      // A tick at bucket * every lies in (previous update, ts]: x counts when it sits on the tick.
      const onTick = ts === bucket * this.every;
      const v = onTick ? x : this.last;
      if (v === v) {
        this.value = v;
        this.ready = true;
        this.ticked = true;
      } else {
        this.ticked = false;
      }
    } else {
      this.ticked = false;
    }
    if (!(bucket <= this.bucket)) this.bucket = bucket;
    this.last = x;
  }

  /** Back to the freshly constructed state. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
    this.ticked = false;
    this.bucket = Number.NaN;
    this.last = Number.NaN;
  }
}
