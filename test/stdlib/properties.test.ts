/**
 * fast-check properties of the stdlib operators: extremes bound their window, dispersion is
 * non-negative, quantiles are ordered in q, correlations stay in [-1, 1], and reset() gives a
 * state indistinguishable from a fresh instance.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as S from "../../stdlib/index.js";

const values = fc.array(
  fc.oneof(
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    fc.constant(NaN),
    fc.constantFrom(0, 1, -1, 1e12, 1e-12),
  ),
  { minLength: 1, maxLength: 300 },
);

describe("operator properties", () => {
  it("rolling max / min bound every value of their window and are one of them", () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 40 }), (xs, n) => {
        const mx = new S.RollingMax(n);
        const mn = new S.RollingMin(n);
        const seen: number[] = [];
        for (const x of xs) {
          mx.update(x);
          mn.update(x);
          if (Number.isNaN(x)) continue;
          seen.push(x);
          if (!mx.ready) continue;
          const win = seen.slice(-n);
          for (const w of win) {
            if (mx.value < w || mn.value > w) return false;
          }
          if (!win.includes(mx.value) || !win.includes(mn.value)) return false;
        }
        return true;
      }),
    );
  });

  it("stdev and variance are never negative; stdev^2 is the variance", () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 2, max: 40 }), (xs, n) => {
        const sd = new S.Stdev(n);
        const v = new S.Variance(n);
        for (const x of xs) {
          sd.update(x);
          v.update(x);
          if (sd.ready && (!(sd.value >= 0) || !(v.value >= 0))) return false;
          if (sd.ready && Math.abs(sd.value * sd.value - v.value) > 1e-9 * Math.max(1e-300, v.value)) return false;
        }
        return true;
      }),
    );
  });

  it("quantiles are ordered in q and the median lies between min and max", () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, n, q) => {
        const a = new S.Quantile(n, q * 0.5);
        const b = new S.Quantile(n, 0.5 + q * 0.5);
        const med = new S.Median(n);
        const mx = new S.RollingMax(n);
        const mn = new S.RollingMin(n);
        for (const x of xs) {
          for (const o of [a, b, med, mx, mn]) o.update(x);
          if (!a.ready) continue;
          if (a.value > b.value) return false;
          if (med.value > mx.value || med.value < mn.value) return false;
        }
        return true;
      }),
    );
  });

  it("correlation stays within [-1, 1]", () => {
    fc.assert(
      fc.property(values, values, fc.integer({ min: 2, max: 30 }), (xs, ys, n) => {
        const c = new S.Corr(n);
        for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
          c.update(xs[i], ys[i]);
          if (c.ready && !(c.value >= -1 && c.value <= 1)) return false;
        }
        return true;
      }),
    );
  });

  it("reset() equals a fresh instance", () => {
    const makers: (() => { update(x: number, ts?: number): void; reset(): void; ready: boolean } & Record<string, unknown>)[] = [
      () => new S.Sma(5) as never,
      () => new S.Ema(4) as never,
      () => new S.Wma(6) as never,
      () => new S.Dema(3) as never,
      () => new S.Tema(3) as never,
      () => new S.Hma(6) as never,
      () => new S.Bollinger(5, 2) as never,
      () => new S.Rsi(4) as never,
      () => new S.Macd(3, 6, 3) as never,
      () => new S.Roc(3) as never,
      () => new S.Momentum(3) as never,
      () => new S.RollingMax(4) as never,
      () => new S.RollingMin(4) as never,
      () => new S.Sum(5) as never,
      () => new S.Variance(5) as never,
      () => new S.Stdev(5) as never,
      () => new S.Zscore(5) as never,
      () => new S.Median(5) as never,
      () => new S.Quantile(5, 0.3) as never,
      () => new S.Skew(5) as never,
      () => new S.Kurtosis(5) as never,
      () => new S.Slope(5) as never,
      () => new S.Autocorr(5, 2) as never,
      () => new S.HalfLife(5) as never,
      () => new S.LogReturn(2) as never,
      () => new S.SimpleReturn(2) as never,
      () => new S.RealizedVol(5) as never,
      () => new S.EwmaVar(0.9) as never,
      () => new S.Lag(3) as never,
      () => new S.Diff(2) as never,
      () => new S.SmaTime(5) as never,
      () => new S.StdevTime(5) as never,
      () => new S.MedianTime(5) as never,
      () => new S.RollingMaxTime(5) as never,
      () => new S.Sample(3) as never,
    ];
    const positive = fc.array(fc.oneof(fc.double({ min: 0.5, max: 2, noNaN: true }), fc.constant(NaN)), {
      minLength: 1,
      maxLength: 60,
    });
    fc.assert(
      fc.property(positive, positive, (prefix, xs) => {
        for (const make of makers) {
          const used = make();
          let t = 0;
          for (const x of prefix) used.update(x, ++t);
          used.reset();
          const fresh = make();
          let t2 = 0;
          for (const x of xs) {
            used.update(x, ++t2 + 1000);
            fresh.update(x, t2 + 1000);
            const ka = Object.keys(fresh).filter((k) => typeof fresh[k] === "number" || typeof fresh[k] === "boolean");
            for (const k of ka) {
              if (!Object.is(used[k], fresh[k])) throw new Error(`${fresh.constructor.name}.${k}: ${used[k]} vs ${fresh[k]}`);
            }
          }
        }
        return true;
      }),
      { numRuns: 60 },
    );
  });
});
