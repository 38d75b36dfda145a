/**
 * The comparison harness of the stdlib tests: feeds an operator a stream (with NaN gaps), and
 * checks at every step `ready`, every output against an independent expectation, and that a NaN
 * input leaves the outputs unchanged. Tolerance: 1e-9 relative, with an absolute floor of
 * 1e-9 * (R + 1e-5 M)^power, R and M the range and largest magnitude of the recent inputs
 * (last 2 * window + 64), `power` the output's unit power (1 for a price-like output, 2 for a
 * variance); dimensionless outputs are compared where `cond` says the window is well conditioned.
 */
import { makeStream, type Regime } from "./streams.js";

/** One output of an operator under test. */
export interface OutputSpec {
  name: string;
  /** Unit power for the absolute floor; 0 = dimensionless (floor 1e-9 * max(1, |v|)). */
  power: number;
  /** Multiplier of the floor (e.g. window for a sum). */
  floorMul?: number;
  /** For this step's window (defined inputs), whether to compare. Default: always. */
  cond?: (win: number[][], recentRange: number, recentMax: number) => boolean;
}

/** An operator with update(x..., ts) and numeric/boolean outputs. */
export type AnyOp = { ready: boolean; reset(): void; update(...args: number[]): void } & Record<string, unknown>;

/** A test case: how to build the operator and the expected outputs per defined step. */
export interface Case {
  name: string;
  /** Number of series inputs (1 or 2). */
  arity: number;
  window: number;
  make(): AnyOp;
  outputs: OutputSpec[];
  /**
   * Expected outputs for every prefix of the defined inputs (ins[k][i] = input k at step i):
   * result[i] null when not ready, else one number per output.
   */
  expected(ins: number[][]): (number[] | null)[];
  regimes?: readonly Regime[];
}

/** Standard deviation helper for `cond` functions (plain two-pass). */
export function sdOf(a: readonly number[]): number {
  let m = 0;
  for (const v of a) m += v;
  m /= a.length;
  let s = 0;
  for (const v of a) s += (v - m) * (v - m);
  return Math.sqrt(s / a.length);
}

/** `cond` for dimensionless outputs: every input's window spread is not tiny against the recent range. */
export function wellConditioned(window: number): OutputSpec["cond"] {
  return (ins, r, m) => ins.every((xs) => sdOf(xs.slice(-window)) >= 1e-3 * (r + 1e-6 * m));
}

/** Runs a case over one regime; returns up to 5 failure descriptions and the steps compared. */
export function runCase(c: Case, regime: Regime, length: number, seed: number): { failures: string[]; compared: number } {
  const streams: Float64Array[] = [];
  for (let k = 0; k < c.arity; k++) streams.push(makeStream(regime, length, seed * 31 + k * 7 + 1, c.window * 3));
  const defined: number[][] = Array.from({ length: c.arity }, () => []);
  const stepOf: number[] = [];
  for (let i = 0; i < length; i++) {
    let ok = true;
    for (let k = 0; k < c.arity; k++) if (Number.isNaN(streams[k][i])) ok = false;
    if (!ok) continue;
    for (let k = 0; k < c.arity; k++) defined[k].push(streams[k][i]);
    stepOf.push(i);
  }
  const exp = c.expected(defined);
  const op = c.make();
  const failures: string[] = [];
  let compared = 0;
  let d = 0;
  const span = 2 * c.window + 64;
  const args: number[] = new Array(c.arity + 1).fill(0);
  for (let i = 0; i < length && failures.length < 5; i++) {
    for (let k = 0; k < c.arity; k++) args[k] = streams[k][i];
    const before = c.outputs.map((o) => op[o.name]);
    const readyBefore = op.ready;
    op.update(...args);
    if (stepOf[d] !== i) {
      const after = c.outputs.map((o) => op[o.name]);
      if (op.ready !== readyBefore || after.some((v, j) => !Object.is(v, before[j]))) {
        failures.push(`${c.name}/${regime} step ${i}: a NaN input changed the outputs`);
      }
      continue;
    }
    const e = exp[d];
    d++;
    if (e === null) {
      if (op.ready) failures.push(`${c.name}/${regime} step ${i}: ready too early (defined ${d})`);
      continue;
    }
    if (!op.ready) {
      failures.push(`${c.name}/${regime} step ${i}: not ready (defined ${d})`);
      continue;
    }
    let lo = Infinity;
    let hi = -Infinity;
    let mag = 0;
    for (let k = 0; k < c.arity; k++) {
      const from = Math.max(0, d - span);
      for (let j = from; j < d; j++) {
        const v = defined[k][j];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (Math.abs(v) > mag) mag = Math.abs(v);
      }
    }
    const range = hi - lo;
    let win: number[][] | null = null;
    for (let j = 0; j < c.outputs.length; j++) {
      const o = c.outputs[j];
      const want = e[j];
      const raw = op[o.name];
      const got = typeof raw === "boolean" ? (raw ? 1 : 0) : (raw as number);
      if (o.cond) {
        win ??= defined.map((xs) => xs.slice(Math.max(0, d - span), d));
        if (!o.cond(win, range, mag)) continue;
      }
      if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) {
        compared++;
        continue;
      }
      const floor =
        o.power === 0 ? 1e-9 * Math.max(1, Math.abs(want)) : 1e-9 * (o.floorMul ?? 1) * (range + 1e-5 * mag) ** o.power;
      const tol = 1e-9 * Math.abs(want) + floor;
      if (!(Math.abs(got - want) <= tol)) {
        failures.push(`${c.name}/${regime} step ${i} output ${o.name}: got ${got}, want ${want} (tol ${tol})`);
      }
      compared++;
    }
  }
  return { failures, compared };
}

/** Maps each prefix of the defined inputs with a windowed naive function (null until `need` inputs). */
export function perStep(
  ins: number[][],
  need: number,
  f: (end: number) => number[],
): (number[] | null)[] {
  const n = ins[0].length;
  const out: (number[] | null)[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = i + 1 < need ? null : f(i + 1);
  return out;
}
