/**
 * The count-window Sma (its own ring and shifted running sum, not WindowSums) against a naive
 * re-computation of every window's mean, over streams long enough for hundreds of thousands of
 * exact recomputes. The bound is an error analysis, not a loose tolerance: between recomputes the
 * sum takes at most window + 32 rounded additions, so |sma - mean| <= 4 (window + 32) eps max|x|
 * over the last two windows and a bit (eps = 2^-52). Without the periodic recompute, the rounding
 * error of large inputs outlives them and breaks this bound once the inputs are small.
 */
import { describe, expect, it } from "vitest";
import { Sma } from "../../stdlib/index.js";
import { Rng, makeStream, REGIMES } from "./streams.js";

const EPS = 2 ** -52;

/** Mean of xs[from, to) by Neumaier's compensated sum (independent of the operator's method). */
function exactMean(xs: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const v = xs[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return (s + c) / (to - from);
}

/**
 * Feeds xs (NaN entries are skipped by the operator and by the reference) and checks every step:
 * not ready and NaN before n defined inputs, a NaN input changes nothing, then within the bound.
 */
function check(n: number, xs: Float64Array, op = new Sma(n)): void {
  const defined = new Float64Array(xs.length);
  let d = 0;
  const fail = (i: number, what: string): never => {
    throw new Error(`sma(${n}) step ${i}: ${what}`);
  };
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const before = op.value;
    op.update(x);
    if (x !== x) {
      if (!Object.is(op.value, before)) fail(i, "a NaN input changed the value");
      continue;
    }
    defined[d++] = x;
    if (d < n) {
      if (op.ready || !Number.isNaN(op.value)) fail(i, `ready after ${d} of ${n} inputs`);
      continue;
    }
    if (!op.ready) fail(i, "not ready");
    const want = exactMean(defined, d - n, d);
    const err = Math.abs(op.value - want);
    const scale = 4 * (n + 32) * EPS;
    if (err <= scale * Math.abs(want)) continue;
    let maxAbs = 0;
    for (let j = Math.max(0, d - 2 * n - 64); j < d; j++) maxAbs = Math.max(maxAbs, Math.abs(defined[j]));
    if (!(err <= scale * maxAbs)) fail(i, `got ${op.value}, want ${want} (error ${err}, bound ${scale * maxAbs})`);
  }
}

describe("Sma (count window)", () => {
  it("matches a naive mean within its rounding bound over 400k updates alternating 1e8-scale and unit-scale blocks (no drift)", () => {
    // The rounding error of a 1e8-scale block stays in a running sum after the block leaves; only
    // the exact recompute brings the error back to the unit-scale inputs' bound.
    const rng = new Rng(7);
    const xs = new Float64Array(400_000);
    for (let i = 0; i < xs.length; i++) xs[i] = (rng.next() - 0.5) * (Math.floor(i / 5000) % 2 === 0 ? 1e8 : 1);
    for (const n of [20, 300]) check(n, xs);
  });

  it("matches a naive mean in every regime (NaN gaps, constant runs, 1e12 and 1e-12, prices) for windows 1, 2, 20, 257", () => {
    for (const n of [1, 2, 20, 257]) {
      for (const [k, regime] of REGIMES.entries()) check(n, makeStream(regime, 40_000, 100 * n + k, 3 * n));
    }
  });

  it("a price walk far from zero (1e9 + quarter ticks) stays within the bound", () => {
    const xs = makeStream("price", 200_000, 3);
    for (let i = 0; i < xs.length; i++) xs[i] += 1e9;
    check(50, xs);
  });

  it("reset() returns to the fresh state", () => {
    const op = new Sma(5);
    for (let i = 0; i < 1000; i++) op.update(Math.sin(i) * 100);
    op.reset();
    expect(op.ready).toBe(false);
    expect(op.value).toBeNaN();
    const xs = makeStream("unit", 5000, 11);
    const fresh = new Sma(5);
    for (const x of xs) {
      op.update(x);
      fresh.update(x);
      expect(Object.is(op.value, fresh.value)).toBe(true);
    }
  });

  it("rejects a window that is not a positive integer", () => {
    expect(() => new Sma(0)).toThrow(RangeError);
    expect(() => new Sma(2.5)).toThrow(/window must be an integer >= 1/);
  });
});
