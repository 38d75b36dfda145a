/**
 * Duration-window operators (`XTime`) against a naive recomputation over the samples with
 * ts > now - window, on random timestamps (bursts at the same ns, long pauses) in 4 regimes with
 * NaN gaps and constant runs — 108k inputs per operator, with a small initial ring capacity so
 * that the documented doubling is exercised (and counted).
 */
import { describe, expect, it } from "vitest";
import * as S from "../../stdlib/index.js";
import { centralSum, correlation, covariance, mean, quantile, variance } from "./naive.js";
import { POSITIVE_REGIMES, REGIMES, type Regime, makeStream, makeTimes } from "./streams.js";
import { sdOf } from "./harness.js";

const LENGTH = 27_000;
const D = 150e6; // 150 ms: about 150 samples, up to thousands in bursts
type TimeOp = { ready: boolean; value: number; growths: number; update(...a: number[]): void };

interface TimeCase {
  name: string;
  arity: number;
  make(): TimeOp;
  power: number;
  naive(win: number[][]): number;
  regimes?: readonly Regime[];
  /** Feeds something else than the raw input (realized vol reads log returns of x). */
  returns?: boolean;
}

const CAP = 64;
const sd = (w: number[]) => Math.sqrt(variance(w));
const CASES: TimeCase[] = [
  { name: "SmaTime", arity: 1, make: () => new S.SmaTime(D, CAP), power: 1, naive: ([w]) => mean(w) },
  { name: "SumTime", arity: 1, make: () => new S.SumTime(D, CAP), power: 1, naive: ([w]) => mean(w) * w.length },
  { name: "VarianceTime", arity: 1, make: () => new S.VarianceTime(D, 0, CAP), power: 2, naive: ([w]) => variance(w) },
  { name: "VarianceTime ddof 1", arity: 1, make: () => new S.VarianceTime(D, 1, CAP), power: 2, naive: ([w]) => (w.length > 1 ? variance(w, 1) : NaN) },
  { name: "StdevTime", arity: 1, make: () => new S.StdevTime(D, 0, CAP), power: 1, naive: ([w]) => sd(w) },
  { name: "ZscoreTime", arity: 1, make: () => new S.ZscoreTime(D, CAP), power: 0, naive: ([w]) => (sd(w) === 0 ? 0 : (w[w.length - 1] - mean(w)) / sd(w)) },
  { name: "RollingMaxTime", arity: 1, make: () => new S.RollingMaxTime(D, 4), power: 1, naive: ([w]) => Math.max(...w) },
  { name: "RollingMinTime", arity: 1, make: () => new S.RollingMinTime(D, 4), power: 1, naive: ([w]) => Math.min(...w) },
  { name: "MedianTime", arity: 1, make: () => new S.MedianTime(D, CAP), power: 1, naive: ([w]) => quantile(w, 0.5) },
  { name: "QuantileTime 0.9", arity: 1, make: () => new S.QuantileTime(D, 0.9, CAP), power: 1, naive: ([w]) => quantile(w, 0.9) },
  {
    name: "SkewTime",
    arity: 1,
    make: () => new S.SkewTime(D, CAP),
    power: -1,
    naive: ([w]) => {
      const m2 = centralSum(w, 2) / w.length;
      return m2 === 0 ? 0 : centralSum(w, 3) / w.length / m2 ** 1.5;
    },
  },
  {
    name: "KurtosisTime",
    arity: 1,
    make: () => new S.KurtosisTime(D, CAP),
    power: -1,
    naive: ([w]) => {
      const m2 = centralSum(w, 2) / w.length;
      return m2 === 0 ? 0 : centralSum(w, 4) / w.length / (m2 * m2) - 3;
    },
  },
  { name: "CovTime", arity: 2, make: () => new S.CovTime(D, 0, CAP), power: 2, naive: ([x, y]) => covariance(x, y), regimes: ["unit", "huge", "tiny"] },
  { name: "CorrTime", arity: 2, make: () => new S.CorrTime(D, CAP), power: 0, naive: ([x, y]) => correlation(x, y) },
  {
    name: "RealizedVolTime annualised",
    arity: 1,
    make: () => new S.RealizedVolTime(D, true, 252, CAP),
    power: 0,
    returns: true,
    naive: ([r]) => Math.sqrt((r.reduce((s, v) => s + v * v, 0) * S.YEAR_NS) / D),
    regimes: POSITIVE_REGIMES,
  },
];

function run(c: TimeCase, regime: Regime, seed: number): { failures: string[]; compared: number; growths: number } {
  const ins: Float64Array[] = [];
  for (let k = 0; k < c.arity; k++) ins.push(makeStream(regime, LENGTH, seed * 17 + k, 400));
  const ts = makeTimes(LENGTH, seed);
  const op = c.make();
  const hist: number[][] = Array.from({ length: c.arity }, () => []);
  const hts: number[] = [];
  let firstTs = NaN;
  let prevX = NaN;
  let start = 0;
  const failures: string[] = [];
  let compared = 0;
  const args: number[] = new Array(c.arity + 1);
  for (let i = 0; i < LENGTH && failures.length < 5; i++) {
    for (let k = 0; k < c.arity; k++) args[k] = ins[k][i];
    args[c.arity] = ts[i];
    op.update(...args);
    if (args.slice(0, c.arity).some((v) => Number.isNaN(v))) continue;
    let sampleTs = ts[i];
    if (c.returns) {
      const x = ins[0][i];
      const p = prevX;
      prevX = x;
      if (Number.isNaN(p)) continue;
      hist[0].push(Math.log(x / p));
    } else {
      for (let k = 0; k < c.arity; k++) hist[k].push(ins[k][i]);
    }
    hts.push(sampleTs);
    if (Number.isNaN(firstTs)) firstTs = sampleTs;
    while (hts[start] <= sampleTs - D) start++;
    const ready = sampleTs - firstTs >= D;
    if (op.ready !== ready) {
      failures.push(`${c.name}/${regime} step ${i}: ready ${op.ready}, want ${ready}`);
      continue;
    }
    if (!ready) continue;
    const win = hist.map((h) => h.slice(start));
    const want = c.naive(win);
    const got = op.value;
    if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) {
      compared++;
      continue;
    }
    // Recent range / magnitude for the absolute floor (see harness.ts).
    let lo = Infinity;
    let hi = -Infinity;
    let m = 0;
    for (const h of hist) {
      for (let j = Math.max(0, start - 2 * win[0].length - 64); j < h.length; j++) {
        const v = h[j];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (Math.abs(v) > m) m = Math.abs(v);
      }
    }
    const r = hi - lo;
    if (c.power <= 0) {
      const need = c.power === -1 ? 0.05 : 1e-3;
      if (!win.every((w) => sdOf(w) >= need * (r + 1e-6 * m))) continue;
    }
    const floor = c.power <= 0 ? 1e-9 * Math.max(1, Math.abs(want)) : 1e-9 * (r + 1e-5 * m) ** c.power;
    if (!(Math.abs(got - want) <= 1e-9 * Math.abs(want) + floor)) {
      failures.push(`${c.name}/${regime} step ${i}: got ${got}, want ${want}, window ${win[0].length}`);
    }
    compared++;
  }
  return { failures, compared, growths: op.growths };
}

describe("duration-window operators vs naive recomputation", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const failures: string[] = [];
      let compared = 0;
      let growths = 0;
      const regimes = c.regimes ?? REGIMES;
      for (const regime of regimes) {
        const r = run(c, regime, 100 + regimes.indexOf(regime));
        failures.push(...r.failures);
        compared += r.compared;
        growths += r.growths;
      }
      expect(failures).toEqual([]);
      expect(compared).toBeGreaterThan(40_000);
      // Bursts hold more samples than the initial capacity: the ring doubled, and says so.
      expect(growths).toBeGreaterThan(0);
    });
  }

  it("a generous capacity never grows; growth is bounded by doubling", () => {
    const big = new S.StdevTime(D);
    const small = new S.StdevTime(D, 0, 4);
    const ts = makeTimes(20_000, 5);
    for (let i = 0; i < ts.length; i++) {
      big.update(i % 7, ts[i]);
      small.update(i % 7, ts[i]);
    }
    expect(big.growths).toBe(0);
    expect(small.growths).toBeGreaterThan(0);
    expect(small.growths).toBeLessThan(16);
    expect(small.value).toBe(big.value);
  });

  it("a duration window is ready once its samples span the duration", () => {
    const s = new S.SmaTime(1000);
    s.update(1, 0);
    s.update(2, 999);
    expect(s.ready).toBe(false);
    s.update(3, 1000);
    expect(s.ready).toBe(true);
    // Window (0, 1000]: the sample at ts 0 has left.
    expect(s.value).toBe(2.5);
    expect(s.warmup).toBe(0);
  });
});
