/**
 * CCI's mean deviation is summed afresh per bar (directly up to 1024 bars, from the order-statistic
 * treap of stdlib/core/order-statistic-sums.ts above): property test (fast-check) of both paths
 * against a naive O(n) recomputation of TA-Lib's CCI on every bar, over bars with NaN gaps, constant runs and magnitudes from 1e-6 to 1e9, to 1e-9 relative.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as S from "../../stdlib/index.js";

interface B {
  h: number;
  l: number;
  c: number;
}

/** TA-Lib CCI of the last n valid bars, recomputed from scratch (NaN before n bars). */
function naiveCci(tps: readonly number[], n: number): number {
  if (tps.length < n) return Number.NaN;
  const w = tps.slice(tps.length - n);
  // Deviations from the first value (d = t - w0 is exact for nearby values), so that a flat window
  // has a mean deviation of exactly 0 rather than the rounding error of sum / n.
  const w0 = w[0];
  let m = 0;
  for (const t of w) m += t - w0;
  m /= n;
  let md = 0;
  for (const t of w) md += Math.abs(t - w0 - m);
  md /= n;
  const num = w[n - 1] - w0 - m;
  return num !== 0 && md !== 0 ? num / (0.015 * md) : 0;
}

/** A bar: close on a quarter-tick grid around a base, high/low a few ticks away, scaled. */
const STEP = fc.record({
  kind: fc.integer({ min: 0, max: 99 }),
  move: fc.integer({ min: -8, max: 8 }),
  up: fc.integer({ min: 0, max: 6 }),
  down: fc.integer({ min: 0, max: 6 }),
  run: fc.integer({ min: 1, max: 40 }),
});

function bars(steps: ReadonlyArray<{ kind: number; move: number; up: number; down: number; run: number }>, scale: number, base: number): B[] {
  const out: B[] = [];
  let p = base;
  for (const s of steps) {
    if (s.kind < 3) {
      out.push({ h: Number.NaN, l: Number.NaN, c: Number.NaN }); // a NaN gap
      continue;
    }
    p += s.move;
    const b = { h: (p + s.up * 0.25) * scale, l: (p - s.down * 0.25) * scale, c: p * scale };
    const reps = s.kind < 12 ? s.run : 1; // constant runs: the same bar repeated
    for (let r = 0; r < reps; r++) out.push(b);
  }
  return out;
}

describe("cci (exact mean deviation)", () => {
  const matchesNaive = (minN: number, maxN: number, minSteps: number, numRuns: number) => {
    let readyBars = 0;
    fc.assert(
      fc.property(
        fc.array(STEP, { minLength: minSteps, maxLength: minSteps + 400, size: "max" }),
        fc.integer({ min: minN, max: maxN }),
        fc.constantFrom(1e-6, 0.01, 0.25, 1, 1000, 1e9),
        fc.integer({ min: 0, max: 20_000 }),
        (steps, n, scale, base) => {
          const op = new S.Cci(n);
          const tps: number[] = [];
          for (const b of bars(steps, scale, base)) {
            op.onBar(0, b.h, b.l, b.c, 0, 0);
            if (b.h === b.h && b.l === b.l && b.c === b.c) tps.push((b.h + b.l + b.c) / 3);
            const want = naiveCci(tps, n);
            if (Number.isNaN(want)) {
              expect(op.ready).toBe(false);
              expect(op.value).toBeNaN();
              continue;
            }
            expect(op.ready).toBe(true);
            readyBars++;
            const err = Math.abs(op.value - want);
            if (!(err <= 1e-9 * Math.max(1, Math.abs(want)))) {
              throw new Error(`n=${n} scale=${scale} bar ${tps.length}: got ${op.value}, want ${want}`);
            }
          }
        },
      ),
      { numRuns, seed: 4 },
    );
    expect(readyBars).toBeGreaterThan(numRuns * 100);
  };

  it("matches a naive recomputation on every bar to 1e-9 relative (direct sum, periods 1..60)", () => matchesNaive(1, 60, 1, 300));
  it("matches a naive recomputation on every bar to 1e-9 relative (treap, periods 1025..1100)", () => matchesNaive(1025, 1100, 700, 12));

  it("stays exact over a long run (200k bars, window 20, 500 and 1100: the direct sum and the treap)", () => {
    for (const n of [20, 500, 1100]) {
      const op = new S.Cci(n);
      const tps: number[] = [];
      let seed = 7;
      let p = 5000;
      let worst = 0;
      for (let i = 0; i < 200_000; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        p += ((seed >>> 8) % 9) - 4;
        const h = p + 0.5;
        const l = p - 0.75;
        op.onBar(0, h, l, p, 0, 0);
        tps.push((h + l + p) / 3);
        if (tps.length > n) tps.shift();
        if (i % 97 === 0 && tps.length === n) {
          const want = naiveCci(tps, n);
          worst = Math.max(worst, Math.abs(op.value - want) / Math.max(1, Math.abs(want)));
        }
      }
      expect(worst).toBeLessThan(1e-9);
    }
  });
});
