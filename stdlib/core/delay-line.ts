/**
 * PER-EVENT CODE: push() runs on every update; it must not allocate, and no double crosses a call
 * boundary inside it (stdlib/core/index.ts, "Doubles and V8"): the delayed value is a field.
 *
 * DelayLine: a fixed ring of the last k + 1 values, so that `push(x)` can hand back x[k] (the
 * value k pushes ago) in O(1).
 */
import { checkCount, powerOfTwoAtLeast } from "./capacity.js";

/** The last k + 1 values of a series; after push, `delayed` is x[k]. */
export class DelayLine {
  /** The delay. */
  readonly k: number;
  /** Values pushed since reset. */
  pushed = 0;
  /** x[k] after the last push: the value k pushes before it (NaN while fewer than k + 1 were pushed). */
  delayed = Number.NaN;
  private readonly xs: Float64Array;
  private readonly mask: number;
  private pos = 0;
  /** push()'s argument, read by step(). */
  private inX = Number.NaN;

  /** A delay line returning the value k pushes ago (k >= 0). */
  constructor(k: number) {
    this.k = checkCount("k", k, 0);
    const cap = powerOfTwoAtLeast(k + 1);
    this.xs = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** Stores x as the newest value (x[0]) and sets `delayed` to x[k]. */
  push(x: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    this.pos = (this.pos + 1) & this.mask;
    this.xs[this.pos] = this.inX;
    const p = ++this.pushed;
    this.delayed = p > this.k ? this.xs[(this.pos - this.k) & this.mask] : Number.NaN;
  }

  /** Forgets every value. */
  reset(): void {
    this.pushed = 0;
    this.pos = 0;
    this.delayed = Number.NaN;
  }
}
