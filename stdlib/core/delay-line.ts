/**
 * PER-EVENT CODE: push() runs on every update; it must not allocate.
 *
 * DelayLine: a fixed ring of the last k + 1 values, so that `push(x)` can hand back x[k] (the
 * value k pushes ago) in O(1).
 */
import { checkCount, powerOfTwoAtLeast } from "./capacity.js";

/** The last k + 1 values of a series; `ago(j)` reads x[j] for j <= k. */
export class DelayLine {
  /** The largest delay readable. */
  readonly k: number;
  /** Values pushed since reset. */
  pushed = 0;
  private readonly xs: Float64Array;
  private readonly mask: number;
  private pos = 0;

  /** A delay line able to return the value k pushes ago (k >= 0). */
  constructor(k: number) {
    this.k = checkCount("k", k, 0);
    const cap = powerOfTwoAtLeast(k + 1);
    this.xs = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** Stores x as the newest value (x[0]). */
  push(x: number): void {
    this.pos = (this.pos + 1) & this.mask;
    this.xs[this.pos] = x;
    this.pushed++;
  }

  /** x[j]: the value j pushes ago (0 is the newest); NaN when fewer than j + 1 values were pushed. */
  ago(j: number): number {
    return j < this.pushed ? this.xs[(this.pos - j) & this.mask] : NaN;
  }

  /** Forgets every value. */
  reset(): void {
    this.pushed = 0;
    this.pos = 0;
  }
}
