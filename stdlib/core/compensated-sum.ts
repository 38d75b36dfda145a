/**
 * PER-EVENT CODE: add() runs on every update; it must not allocate.
 *
 * NeumaierSum: a running sum with Neumaier's compensation (an improved Kahan sum): the rounding
 * error of every addition is accumulated separately and added back when read, so the result is
 * as accurate as summing in about twice the precision, for any order of magnitudes.
 */

/** Compensated running sum (see the file comment). */
export class NeumaierSum {
  private s = 0;
  private c = 0;

  /** Adds x (subtract with add(-x)). */
  add(x: number): void {
    const t = this.s + x;
    if (Math.abs(this.s) >= Math.abs(x)) this.c += this.s - t + x;
    else this.c += x - t + this.s;
    this.s = t;
  }

  /** The compensated sum. */
  get value(): number {
    return this.s + this.c;
  }

  /** Back to zero. */
  reset(): void {
    this.s = 0;
    this.c = 0;
  }
}
