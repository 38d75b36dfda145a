/**
 * Random input streams for the stdlib tests: regimes of different magnitudes, NaN gaps, constant
 * runs, and price-like random walks far from zero. Deterministic (seeded xorshift).
 */

/** A small deterministic PRNG (xorshift128+ folded to [0, 1)). */
export class Rng {
  private a: number;
  private b: number;
  constructor(seed: number) {
    this.a = (seed * 2654435761) >>> 0 || 1;
    this.b = (seed * 40503 + 12345) >>> 0 || 7;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let s1 = this.a;
    const s0 = this.b;
    this.a = s0;
    s1 ^= s1 << 23;
    s1 ^= s1 >>> 17;
    s1 ^= s0;
    s1 ^= s0 >>> 26;
    this.b = s1 >>> 0;
    return ((this.a + this.b) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** How the values of a regime are drawn. */
export type Regime = "unit" | "huge" | "tiny" | "price" | "positive" | "positive_huge" | "positive_tiny";

/** Regimes every windowed operator is tested on (each with NaN gaps and constant runs). */
export const REGIMES: readonly Regime[] = ["unit", "huge", "tiny", "price"];

/**
 * A stream of `length` values in one regime: about 2% NaN gaps, runs of a repeated value (up to
 * `maxRun` long, about 3% of starts), otherwise fresh draws. "positive" stays in [0.5, 1.5).
 */
export function makeStream(regime: Regime, length: number, seed: number, maxRun = 120): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(length);
  let walk = 5000;
  let i = 0;
  const draw = (): number => {
    switch (regime) {
      case "unit":
        return rng.next() * 2 - 1;
      case "huge":
        return (rng.next() * 2 - 1) * 1e12;
      case "tiny":
        return (rng.next() * 2 - 1) * 1e-12;
      case "price":
        walk += (rng.int(5) - 2) * 0.25;
        return walk;
      case "positive":
        return 0.5 + rng.next();
      case "positive_huge":
        return (0.5 + rng.next()) * 1e12;
      case "positive_tiny":
        return (0.5 + rng.next()) * 1e-12;
    }
  };
  while (i < length) {
    const r = rng.next();
    if (r < 0.02) {
      out[i++] = NaN;
    } else if (r < 0.05) {
      const v = draw();
      const run = 1 + rng.int(maxRun);
      for (let k = 0; k < run && i < length; k++) out[i++] = v;
    } else {
      out[i++] = draw();
    }
  }
  return out;
}

/** Regimes of the operators that need positive inputs (returns, realized volatility). */
export const POSITIVE_REGIMES: readonly Regime[] = ["positive", "positive_huge", "positive_tiny", "price"];

/** Timestamps (ns) with random gaps: mostly small steps, sometimes bursts at the same ns, sometimes long pauses. */
export function makeTimes(length: number, seed: number, meanStepNs = 1e6): Float64Array {
  const rng = new Rng(seed ^ 0x5bd1e995);
  const out = new Float64Array(length);
  let t = 1e15;
  for (let i = 0; i < length; i++) {
    const r = rng.next();
    if (r < 0.1) t += 0;
    else if (r < 0.12) t += meanStepNs * 50 * rng.next();
    else t += Math.floor(meanStepNs * 2 * rng.next()) + 1;
    out[i] = t;
  }
  return out;
}
