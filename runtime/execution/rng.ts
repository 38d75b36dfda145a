/**
 * A small seeded PRNG (xoshiro128**, 32-bit state words in a Uint32Array) so that simulated
 * latencies are deterministic and independent of Math.random. PER-EVENT CODE: `next()` allocates
 * nothing.
 */

/** Deterministic uniform random numbers from a 32-bit seed. */
export class SeededRandom {
  private readonly s = new Uint32Array(4);

  constructor(seed: number) {
    // splitmix32 expands the seed into the four state words (never all zero).
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /**
   * [0] = the uniform in [0, 1) drawn by the last `draw()`. Per-event callers call draw() and read
   * it here: a double (or a u32 above 2^30) returned from a call V8 does not inline is boxed.
   */
  readonly u = new Float64Array(1);
  private readonly word = new Uint32Array(1);

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    this.step();
    return this.word[0];
  }

  /** Uniform double in [0, 1) with 32 random bits. */
  next(): number {
    this.draw();
    return this.u[0];
  }

  /** Draws the next uniform into u[0] (the same sequence as next()). */
  draw(): void {
    this.step();
    this.u[0] = this.word[0] / 4294967296;
  }

  /** Advances the generator; the output word goes to word[0]. */
  private step(): void {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    this.word[0] = result;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
