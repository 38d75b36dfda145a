/**
 * Every count-window series operator (technical, statistical, utility) against an independent
 * naive recomputation over 4 regimes x 27k inputs (unit, 1e12, 1e-12, price-like walks; NaN gaps
 * and constant runs in each) for two window sizes — 108k inputs per operator and window.
 */
import { describe, expect, it } from "vitest";
import * as S from "../../stdlib/index.js";
import { type AnyOp, type Case, perStep, runCase, sdOf, wellConditioned } from "./harness.js";
import {
  centralSum,
  correlation,
  covariance,
  emaSeries,
  mean,
  quantile,
  rsiSeries,
  slope,
  variance,
  wma,
  wmaSeries,
} from "./naive.js";
import { POSITIVE_REGIMES, REGIMES } from "./streams.js";

const LENGTH = 27_000;
const op = (o: object): AnyOp => o as unknown as AnyOp;
const tail = (xs: number[], end: number, n: number): number[] => xs.slice(end - n, end);

function cases(n: number): Case[] {
  const dimless = wellConditioned(n);
  // Third and fourth moments from power sums lose (range / stdev)^p digits: compare where the
  // window's stdev is at least 5% of the recent range.
  const moments: Case["outputs"][number]["cond"] = (ins, r, m) => sdOf(ins[0].slice(-n)) >= 0.05 * (r + 1e-6 * m);
  const lagged = (lag: number): Case["outputs"][number]["cond"] => (ins, r, m) =>
    sdOf(ins[0].slice(-n)) >= 1e-3 * (r + 1e-6 * m) && sdOf(ins[0].slice(-n - lag, -lag)) >= 1e-3 * (r + 1e-6 * m);
  const one = (name: string, make: () => object, power: number, need: number, f: (xs: number[], end: number) => number, extra: Partial<Case> = {}): Case => ({
    name: `${name}(${n})`,
    arity: 1,
    window: n,
    make: () => op(make()),
    outputs: [{ name: "value", power, ...(power === 0 ? { cond: dimless } : {}) }],
    expected: (ins) => perStep(ins, need, (end) => [f(ins[0], end)]),
    ...extra,
  });
  const recursive = (name: string, make: () => object, power: number, series: (xs: number[]) => number[]): Case => ({
    name: `${name}(${n})`,
    arity: 1,
    window: n,
    make: () => op(make()),
    outputs: [{ name: "value", power }],
    expected: (ins) => series(ins[0]).map((v) => (Number.isNaN(v) ? null : [v])),
  });
  return [
    one("sma", () => new S.Sma(n), 1, n, (xs, e) => mean(tail(xs, e, n))),
    { ...one("sum", () => new S.Sum(n), 1, n, (xs, e) => mean(tail(xs, e, n)) * n), outputs: [{ name: "value", power: 1, floorMul: n }] },
    one("variance", () => new S.Variance(n), 2, n, (xs, e) => variance(tail(xs, e, n))),
    one("variance-ddof1", () => new S.Variance(n, 1), 2, n, (xs, e) => variance(tail(xs, e, n), 1)),
    one("stdev", () => new S.Stdev(n), 1, n, (xs, e) => Math.sqrt(variance(tail(xs, e, n)))),
    one("stdev-ddof1", () => new S.Stdev(n, 1), 1, n, (xs, e) => Math.sqrt(variance(tail(xs, e, n), 1))),
    one("zscore", () => new S.Zscore(n), 0, n, (xs, e) => {
      const w = tail(xs, e, n);
      const sd = Math.sqrt(variance(w));
      return sd === 0 ? 0 : (xs[e - 1] - mean(w)) / sd;
    }),
    one("rolling_max", () => new S.RollingMax(n), 1, n, (xs, e) => Math.max(...tail(xs, e, n))),
    one("rolling_min", () => new S.RollingMin(n), 1, n, (xs, e) => Math.min(...tail(xs, e, n))),
    one("median", () => new S.Median(n), 1, n, (xs, e) => quantile(tail(xs, e, n), 0.5)),
    one("quantile.1", () => new S.Quantile(n, 0.1), 1, n, (xs, e) => quantile(tail(xs, e, n), 0.1)),
    one("quantile.95", () => new S.Quantile(n, 0.95), 1, n, (xs, e) => quantile(tail(xs, e, n), 0.95)),
    one("quantile0", () => new S.Quantile(n, 0), 1, n, (xs, e) => Math.min(...tail(xs, e, n))),
    one("quantile1", () => new S.Quantile(n, 1), 1, n, (xs, e) => Math.max(...tail(xs, e, n))),
    one("skew", () => new S.Skew(n), 0, n, (xs, e) => {
      const w = tail(xs, e, n);
      const m2 = centralSum(w, 2) / n;
      return m2 === 0 ? 0 : centralSum(w, 3) / n / m2 ** 1.5;
    }, { outputs: [{ name: "value", power: 0, cond: moments }] }),
    one("kurtosis", () => new S.Kurtosis(n), 0, n, (xs, e) => {
      const w = tail(xs, e, n);
      const m2 = centralSum(w, 2) / n;
      return m2 === 0 ? 0 : centralSum(w, 4) / n / (m2 * m2) - 3;
    }, { outputs: [{ name: "value", power: 0, cond: moments }] }),
    one("slope", () => new S.Slope(n), 1, n, (xs, e) => slope(tail(xs, e, n))),
    one("wma", () => new S.Wma(n), 1, n, (xs, e) => wma(tail(xs, e, n))),
    one("momentum", () => new S.Momentum(n), 1, n + 1, (xs, e) => xs[e - 1] - xs[e - 1 - n]),
    one("diff", () => new S.Diff(n), 1, n + 1, (xs, e) => xs[e - 1] - xs[e - 1 - n]),
    one("lag", () => new S.Lag(n), 1, n + 1, (xs, e) => xs[e - 1 - n]),
    one("roc", () => new S.Roc(n), 0, n + 1, (xs, e) => {
      const p = xs[e - 1 - n];
      return p === 0 ? 0 : 100 * (xs[e - 1] / p - 1);
    }, { regimes: POSITIVE_REGIMES }),
    one("log_return", () => new S.LogReturn(n), 0, n + 1, (xs, e) => Math.log(xs[e - 1] / xs[e - 1 - n]), { regimes: POSITIVE_REGIMES }),
    one("simple_return", () => new S.SimpleReturn(n), 0, n + 1, (xs, e) => xs[e - 1] / xs[e - 1 - n] - 1, { regimes: POSITIVE_REGIMES }),
    one("autocorr", () => new S.Autocorr(n, 2), 0, n + 2, (xs, e) => correlation(tail(xs, e, n), tail(xs, e - 2, n)), { outputs: [{ name: "value", power: 0, cond: lagged(2) }] }),
    one("half_life", () => new S.HalfLife(n), 0, n + 1, (xs, e) => {
      const x0 = tail(xs, e - 1, n);
      const x1 = tail(xs, e, n);
      const vx = centralSum(x0, 2);
      const phi = vx > 0 ? (covariance(x0, x1) * n) / vx : NaN;
      return phi >= 1 ? Infinity : phi > 0 ? -Math.LN2 / Math.log(phi) : NaN;
    }, {
      // The half-life jumps at phi = 0 and phi = 1: compare away from those edges.
      outputs: [{ name: "value", power: 0, cond: (ins, r, m) => {
        const xs = ins[0];
        const x0 = xs.slice(-n - 1, -1);
        const x1 = xs.slice(-n);
        const vx = centralSum(x0, 2);
        const phi = vx > 0 ? (covariance(x0, x1) * n) / vx : NaN;
        return lagged(1)!(ins, r, m) && Math.abs(phi) > 1e-6 && Math.abs(phi - 1) > 1e-6;
      } }],
    }),
    {
      ...one("realized_vol", () => new S.RealizedVol(n), 0, n + 1, (xs, e) => {
        let s = 0;
        for (let j = e - n; j < e; j++) s += Math.log(xs[j] / xs[j - 1]) ** 2;
        return Math.sqrt(s);
      }, { regimes: POSITIVE_REGIMES }),
    },
    one("realized_vol-annual", () => new S.RealizedVol(n, true, 252), 0, n + 1, (xs, e) => {
      let s = 0;
      for (let j = e - n; j < e; j++) s += Math.log(xs[j] / xs[j - 1]) ** 2;
      return Math.sqrt((s * 252) / n);
    }, { regimes: POSITIVE_REGIMES }),
    recursive("ema", () => new S.Ema(n), 1, (xs) => emaSeries(xs, n)),
    recursive("dema", () => new S.Dema(n), 1, (xs) => {
      const e1 = emaSeries(xs, n);
      const e2 = emaSeries(e1.slice(n - 1), n);
      return e1.map((v, i) => (i < 2 * n - 2 ? NaN : 2 * v - e2[i - n + 1]));
    }),
    recursive("tema", () => new S.Tema(n), 1, (xs) => {
      const e1 = emaSeries(xs, n);
      const e2 = emaSeries(e1.slice(n - 1), n);
      const e3 = emaSeries(e2.slice(n - 1), n);
      return e1.map((v, i) => (i < 3 * n - 3 ? NaN : 3 * v - 3 * e2[i - n + 1] + e3[i - 2 * n + 2]));
    }),
    recursive("hma", () => new S.Hma(Math.max(n, 2)), 1, (xs) => {
      const p = Math.max(n, 2);
      const half = wmaSeries(xs, Math.floor(p / 2));
      const full = wmaSeries(xs, p);
      const diff = full.map((f, i) => 2 * half[i] - f).slice(p - 1);
      const sm = wmaSeries(diff, Math.floor(Math.sqrt(p)));
      return xs.map((_, i) => (i < p - 1 ? NaN : sm[i - p + 1]));
    }),
    {
      ...recursive("rsi", () => new S.Rsi(n), 0, (xs) => rsiSeries(xs, n)),
    },
    {
      name: `ewma_var(0.94)`,
      arity: 1,
      window: n,
      make: () => op(new S.EwmaVar(0.94)),
      outputs: [{ name: "value", power: 2 }],
      expected: (ins) => {
        let v = NaN;
        return ins[0].map((x, i) => {
          v = i === 0 ? x * x : 0.94 * v + 0.06 * x * x;
          return [v];
        });
      },
    },
    {
      name: `bollinger(${n}, 2)`,
      arity: 1,
      window: n,
      make: () => op(new S.Bollinger(n, 2)),
      outputs: [
        { name: "upper", power: 1 },
        { name: "middle", power: 1 },
        { name: "lower", power: 1 },
        { name: "percent_b", power: 0, cond: dimless },
        { name: "width", power: 0, cond: (w, r, m) => dimless!(w, r, m) && Math.abs(mean(w[0].slice(-n))) > 1e-3 * (r + 1e-6 * m) },
      ],
      expected: (ins) =>
        perStep(ins, n, (e) => {
          const w = tail(ins[0], e, n);
          const m = mean(w);
          const sd = Math.sqrt(variance(w));
          const up = m + 2 * sd;
          const lo = m - 2 * sd;
          return [up, m, lo, up > lo ? (ins[0][e - 1] - lo) / (up - lo) : 0.5, (up - lo) / m];
        }),
    },
    {
      name: "macd(n, 2n+1, 5)",
      arity: 1,
      window: 2 * n + 6,
      make: () => op(new S.Macd(n, 2 * n + 1, 5)),
      outputs: [
        { name: "line", power: 1 },
        { name: "signal", power: 1 },
        { name: "histogram", power: 1 },
      ],
      expected: (ins) => {
        const xs = ins[0];
        const fast = n;
        const slow = 2 * n + 1;
        const out: (number[] | null)[] = xs.map(() => null);
        if (xs.length < slow) return out;
        // TA-Lib: both EMAs start at index slow - 1; the fast one is seeded on x[slow - fast .. slow - 1].
        const f = emaSeries(xs.slice(slow - fast), fast);
        const s = emaSeries(xs, slow);
        const line = s.slice(slow - 1).map((sv, j) => f[j + fast - 1] - sv);
        const sig = emaSeries(line, 5);
        for (let j = 4; j < line.length; j++) out[j + slow - 1] = [line[j], sig[j], line[j] - sig[j]];
        return out;
      },
    },
    {
      name: `cov(${n})`,
      arity: 2,
      window: n,
      make: () => op(new S.Cov(n)),
      outputs: [{ name: "value", power: 2 }],
      expected: (ins) => perStep(ins, n, (e) => [covariance(tail(ins[0], e, n), tail(ins[1], e, n))]),
      regimes: ["unit", "huge", "tiny"],
    },
    {
      name: `corr(${n})`,
      arity: 2,
      window: n,
      make: () => op(new S.Corr(n)),
      outputs: [{ name: "value", power: 0, cond: dimless }],
      expected: (ins) => perStep(ins, n, (e) => [correlation(tail(ins[0], e, n), tail(ins[1], e, n))]),
    },
    {
      name: "crossover",
      arity: 2,
      window: 2,
      make: () => op(new S.Crossover()),
      outputs: [{ name: "value", power: 1 }],
      expected: (ins) => perStep(ins, 2, (e) => [ins[0][e - 1] > ins[1][e - 1] && ins[0][e - 2] <= ins[1][e - 2] ? 1 : 0]),
    },
    {
      name: "crossunder",
      arity: 2,
      window: 2,
      make: () => op(new S.Crossunder()),
      outputs: [{ name: "value", power: 1 }],
      expected: (ins) => perStep(ins, 2, (e) => [ins[0][e - 1] < ins[1][e - 1] && ins[0][e - 2] >= ins[1][e - 2] ? 1 : 0]),
    },
  ];
}

describe.each([5, 48])("count-window operators vs naive recomputation, window %i", (n) => {
  for (const c of cases(n)) {
    it(c.name, () => {
      let compared = 0;
      const failures: string[] = [];
      for (const regime of c.regimes ?? REGIMES) {
        const r = runCase(c, regime, LENGTH, n * 1000 + (c.regimes ?? REGIMES).indexOf(regime));
        failures.push(...r.failures);
        compared += r.compared;
      }
      expect(failures).toEqual([]);
      // The comparison must actually have happened on most of the 100k+ inputs.
      expect(compared).toBeGreaterThan(40_000);
    });
  }
});

describe("point-wise utilities", () => {
  const xs = [3, -2, 0, -0, NaN, 1e12, -1e-12, Infinity];
  it("abs, sign, clamp, min, max, iff compute per update and propagate NaN", () => {
    const abs = new S.Abs();
    const sign = new S.Sign();
    const clamp = new S.Clamp();
    const mn = new S.Min2();
    const mx = new S.Max2();
    const iff = new S.Iff();
    for (const x of xs) {
      abs.update(x);
      sign.update(x);
      clamp.update(x, -1, 2);
      mn.update(x, 1);
      mx.update(x, 1);
      iff.update(x > 0, x, -x);
      expect(Object.is(abs.value, Math.abs(x))).toBe(true);
      expect(sign.value).toBe(Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0);
      expect(clamp.value).toBe(Number.isNaN(x) ? NaN : x < -1 ? -1 : x > 2 ? 2 : x);
      expect(mn.value).toBe(Number.isNaN(x) ? NaN : x < 1 ? x : 1);
      expect(mx.value).toBe(Number.isNaN(x) ? NaN : x > 1 ? x : 1);
      expect(iff.value).toBe(x > 0 ? x : -x);
      expect(abs.ready && sign.ready && clamp.ready && mn.ready && mx.ready && iff.ready).toBe(true);
    }
    clamp.update(5, 3, 1);
    expect(clamp.value).toBe(1);
  });

  it("time_of_day wraps at midnight and applies the offset and the time base", () => {
    const H = 3600e9;
    const t = new S.TimeOfDay(-5 * H, "", 23 * H);
    t.update(0);
    expect(t.value).toBe(18 * H);
    t.update(7 * H);
    expect(t.value).toBe(1 * H);
    t.update(3 * 24 * H + 30e9);
    expect(t.value).toBe(18 * H + 30e9);
    const u = new S.TimeOfDay();
    u.update(86_400e9 - 1);
    expect(u.value).toBe(86_400e9 - 1);
  });

  it("sample(x, every) reads x as of each tick, never a later value", () => {
    const s = new S.Sample(1000);
    const feed: [number, number][] = [
      [1, 100],
      [2, 900],
      [3, 1500], // crosses tick 1000: value as of 1000 is 2
      [4, 1999],
      [5, 2000], // exactly on tick 2000: 5 counts
      [NaN, 2500],
      [6, 5100], // crosses ticks 3000..5000: last value before is 5
    ];
    const got: [number, boolean][] = [];
    for (const [x, ts] of feed) {
      s.update(x, ts);
      got.push([s.value, s.ticked]);
    }
    expect(got).toEqual([
      [NaN, false],
      [NaN, false],
      [2, true],
      [2, false],
      [5, true],
      [5, false],
      [5, true],
    ]);
    expect(s.ready).toBe(true);
    s.reset();
    expect(s.ready).toBe(false);
  });
});
