/**
 * Fourier–Motzkin by independent parts with a per-table memo (compiler/analysis/linear.ts) against
 * the whole-system elimination it replaced (kept below verbatim as the reference): the same verdict,
 * the same reason and, for "sat", the same point to the last bit, on random systems whose atoms fall
 * into several independent groups (the shape of a risk proof's facts), asked repeatedly on one table
 * so that parts are answered from the memo; and on systems large enough to reach the budget checks.
 * The interval pre-check (summing two forms without building the sum, box minima remembered per
 * form) against its previous code too, and `solve` (memo first, then pre-check, then elimination)
 * against the previous order (pre-check, memo, elimination).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AtomTable, Lin, boxRefutes, fourierMotzkin, solve, type Constraint, type SatResult } from "../../../compiler/analysis/linear.js";

const EPS = 1e-9;
const BUDGET = 4000;

// ---- the reference: the elimination as it was before the split into parts (unchanged code)

function referenceFourierMotzkin(constraints: readonly Constraint[], table: AtomTable): SatResult {
  const vars = new Set<number>();
  for (const c of constraints) for (const id of c.form.coef.keys()) vars.add(id);
  const all: Constraint[] = [...constraints];
  for (const id of vars) {
    const a = table.atoms[id]!;
    if (a.lo > -Infinity) all.push({ form: new Lin(new Map([[id, -1]]), a.lo), strict: false });
    if (a.hi < Infinity) all.push({ form: new Lin(new Map([[id, 1]]), -a.hi), strict: false });
  }
  // Elimination order: the atoms with the fewest pos×neg pairs first.
  const order: number[] = [];
  const stages: Constraint[][] = [];
  let current = all;
  const remaining = new Set(vars);
  while (remaining.size) {
    let best = -1;
    let bestCost = Infinity;
    for (const v of remaining) {
      let p = 0;
      let n = 0;
      for (const c of current) {
        const k = c.form.coef.get(v) ?? 0;
        if (k > 0) p++;
        else if (k < 0) n++;
      }
      const cost = p * n - p - n;
      if (cost < bestCost || (cost === bestCost && v < best)) {
        bestCost = cost;
        best = v;
      }
    }
    stages.push(current);
    order.push(best);
    remaining.delete(best);
    const pos: Constraint[] = [];
    const neg: Constraint[] = [];
    const next: Constraint[] = [];
    for (const c of current) {
      const k = c.form.coef.get(best) ?? 0;
      if (k > 0) pos.push(c);
      else if (k < 0) neg.push(c);
      else next.push(c);
    }
    for (const p of pos) {
      const kp = p.form.coef.get(best)!;
      for (const n of neg) {
        const kn = -n.form.coef.get(best)!;
        const form = p.form.scale(1 / kp).add(n.form.scale(1 / kn));
        const cleaned = new Map(form.coef);
        cleaned.delete(best);
        next.push({ form: new Lin(cleaned, form.constant), strict: p.strict || n.strict });
      }
    }
    if (next.length > BUDGET) return { kind: "unknown", reason: "the conditions are too complex to decide" };
    current = dedupe(next);
  }
  for (const c of current) {
    const v = c.form.constant;
    if (c.strict ? v >= -EPS : v > EPS) return { kind: "unsat" };
  }
  // Back-substitution: choose each eliminated atom's value given the later ones.
  const point = new Map<number, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i]!;
    let lo = -Infinity;
    let hi = Infinity;
    let loStrict = false;
    let hiStrict = false;
    for (const c of stages[i]!) {
      const k = c.form.coef.get(v) ?? 0;
      if (k === 0) continue;
      let rest = c.form.constant;
      for (const [id, cc] of c.form.coef) if (id !== v) rest += cc * (point.get(id) ?? 0);
      const bound = -rest / k;
      if (k > 0) {
        if (bound < hi || (bound === hi && c.strict)) {
          hi = bound;
          hiStrict = c.strict;
        }
      } else if (bound > lo || (bound === lo && c.strict)) {
        lo = bound;
        loStrict = c.strict;
      }
    }
    point.set(v, pick(lo, hi, loStrict, hiStrict, table.atoms[v]!.integer));
  }
  for (const c of all) {
    const val = c.form.eval(point);
    if (c.strict ? val >= -EPS : val > EPS) return { kind: "unknown", reason: "no whole-number counterexample was found" };
  }
  return { kind: "sat", point };
}


function pick(lo: number, hi: number, loStrict: boolean, hiStrict: boolean, integer: boolean): number {
  if (integer) {
    const a = loStrict ? Math.floor(lo + 1) : Math.ceil(lo - EPS);
    const b = hiStrict ? Math.ceil(hi - 1) : Math.floor(hi + EPS);
    if (a <= b) {
      // Prefer a value near the middle of small ranges, else the bound nearer zero.
      if (Number.isFinite(a) && Number.isFinite(b)) return b;
      if (Number.isFinite(a)) return a;
      if (Number.isFinite(b)) return b;
      return 0;
    }
    return Number.isFinite(lo) ? Math.ceil(lo) : Math.floor(hi);
  }
  if (Number.isFinite(lo) && Number.isFinite(hi)) {
    if (!hiStrict) return hi;
    if (!loStrict) return lo;
    return (lo + hi) / 2;
  }
  if (Number.isFinite(hi)) return hiStrict ? hi - 1 : hi;
  if (Number.isFinite(lo)) return loStrict ? lo + 1 : lo;
  return 0;
}


function dedupe(cs: Constraint[]): Constraint[] {
  const seen = new Set<string>();
  const out: Constraint[] = [];
  for (const c of cs) {
    if (c.form.coef.size === 0 && (c.strict ? c.form.constant < -EPS : c.form.constant <= EPS)) continue;
    const key = `${c.strict ? "<" : "<="}${c.form.constant.toPrecision(12)}|${[...c.form.coef].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${v.toPrecision(12)}`).join(",")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

function referenceBoxRefutes(constraints: readonly Constraint[], table: AtomTable): number | undefined {
  for (let i = 0; i < constraints.length; i++) {
    const c = constraints[i]!;
    if (refuted(boxMin(c.form, table), c.strict)) return i;
  }
  // The last constraint (the violation a proof asks about) plus a positive multiple of another one
  // that cancels an atom they share with opposite signs: `e + q ≤ 10` against `e + q > 10`.
  const n = constraints.length;
  const last = constraints[n - 1];
  if (!last) return undefined;
  for (let i = 0; i < n - 1; i++) {
    const c = constraints[i]!;
    for (const [id, k] of c.form.coef) {
      const kl = last.form.coef.get(id);
      if (kl === undefined || kl * k >= 0) continue;
      const sum = last.form.add(c.form, -kl / k);
      if (refuted(boxMin(sum, table), last.strict || c.strict)) return i;
    }
  }
  return undefined;
}

/** The smallest value of a form over the atoms' boxes (-Infinity when unbounded below). */
function boxMin(form: Lin, table: AtomTable): number {
  let min = form.constant;
  for (const [id, k] of form.coef) {
    const a = table.atoms[id]!;
    min += k > 0 ? k * a.lo : k * a.hi;
  }
  return min;
}

/** Whether `form ≤ 0` (`< 0` when strict) is impossible given the form's smallest value. */
function refuted(min: number, strict: boolean): boolean {
  // Strict: `0 < 0` is impossible (Fourier–Motzkin calls a strict form unsat from -1e-9 up).
  return strict ? min >= 0 : min > PRECHECK_MARGIN;
}

const PRECHECK_MARGIN = 1e-6;

// ---- generators

const N_ATOMS = 7;
const atomArb = fc.record({
  lo: fc.oneof(fc.constant(-Infinity), fc.integer({ min: -6, max: 6 })),
  width: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 8 })),
  integer: fc.boolean(),
});
const coefArb = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, -0.25, 1.5, 1e-3, 1 / 3, -0.1));
// Each constraint reads atoms of one group (groups of 1–3 atoms), sometimes of two: parts of
// several sizes, as in a risk proof (exposure facts, a guard's param and feature, the book).
const constraintArb = fc.record({
  group: fc.integer({ min: 0, max: 3 }),
  bridge: fc.integer({ min: 0, max: 9 }),
  coef: fc.array(coefArb, { minLength: N_ATOMS, maxLength: N_ATOMS }),
  constant: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.double({ min: -10, max: 10, noNaN: true })),
  strict: fc.boolean(),
});
const GROUPS = [[0, 1], [2, 3, 4], [5], [6]];

interface Spec {
  group: number;
  bridge: number;
  coef: number[];
  constant: number;
  strict: boolean;
}

function systemOf(table: AtomTable, atoms: ReturnType<AtomTable["get"]>[], specs: Spec[]): Constraint[] {
  return specs.map((s) => {
    const members = new Set(GROUPS[s.group]);
    // One constraint in ten joins two groups.
    if (s.bridge === 0) for (const a of GROUPS[(s.group + 1) % GROUPS.length]!) members.add(a);
    let f = Lin.of(s.constant);
    s.coef.forEach((k, i) => {
      if (k !== 0 && members.has(i)) f = f.add(Lin.atom(atoms[i]!, k));
    });
    return { form: f, strict: s.strict };
  });
}

function same(a: SatResult, b: SatResult): void {
  expect(a.kind).toBe(b.kind);
  if (a.kind === "unknown" && b.kind === "unknown") expect(a.reason).toBe(b.reason);
  if (a.kind === "sat" && b.kind === "sat") {
    expect([...a.point.keys()].sort((x, y) => x - y)).toEqual([...b.point.keys()].sort((x, y) => x - y));
    for (const [id, v] of b.point) expect(Object.is(a.point.get(id), v)).toBe(true);
  }
}

describe("Fourier–Motzkin by parts", () => {
  it("gives the whole-system elimination's verdict and point, also from the memo", () => {
    fc.assert(
      fc.property(
        fc.array(atomArb, { minLength: N_ATOMS, maxLength: N_ATOMS }),
        fc.array(fc.array(constraintArb, { minLength: 1, maxLength: 9 }), { minLength: 1, maxLength: 4 }),
        (atomSpecs, systems) => {
          const table = new AtomTable();
          const atoms = atomSpecs.map((a, i) => table.get(`x${i}`, () => ({ label: `x${i}`, lo: a.lo, hi: a.lo + a.width, integer: a.integer, opaque: false })));
          // Several systems on one table, each asked twice: later ones share parts with earlier ones.
          let prev: Constraint[] = [];
          for (const specs of systems) {
            const cs = [...prev.slice(0, 3), ...systemOf(table, atoms, specs)];
            for (let round = 0; round < 2; round++) same(fourierMotzkin(cs, table), referenceFourierMotzkin(cs, table));
            // A proof's shape: the facts, then the negation of one of them (sometimes scaled).
            const proof = [...cs, { form: cs[0]!.form.scale(-(specs[0]!.bridge % 3) - 0.5), strict: !cs[0]!.strict }];
            for (const sys of [cs, proof]) {
              expect(boxRefutes(sys, table)).toBe(referenceBoxRefutes(sys, table));
              const want = referenceBoxRefutes(sys, table) !== undefined ? ({ kind: "unsat" } as SatResult) : referenceFourierMotzkin(sys, table);
              for (let round = 0; round < 2; round++) same(solve(sys, table), want);
            }
            prev = cs;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("handles constraints over no atom like the whole elimination (true ones dropped, a false one refutes)", () => {
    const table = new AtomTable();
    const x = table.get("x", () => ({ label: "x", lo: 0, hi: 5, integer: true, opaque: false }));
    const y = table.get("y", () => ({ label: "y", lo: -Infinity, hi: Infinity, integer: false, opaque: false }));
    const systems: Constraint[][] = [
      [{ form: Lin.of(-1), strict: true }],
      [{ form: Lin.of(1), strict: false }],
      [{ form: Lin.of(0), strict: true }, { form: Lin.atom(x), strict: false }],
      [{ form: Lin.of(-2), strict: false }, { form: Lin.atom(x).sub(Lin.of(3)), strict: false }, { form: Lin.atom(y, -1), strict: true }],
      [{ form: Lin.of(NaN), strict: false }, { form: Lin.atom(x).sub(Lin.of(3)), strict: false }],
      [{ form: Lin.of(-0), strict: false }, { form: Lin.atom(y).add(Lin.atom(x, 0.5)), strict: true }, { form: Lin.atom(x, -1).add(Lin.of(2)), strict: false }],
    ];
    for (const cs of systems) same(fourierMotzkin(cs, table), referenceFourierMotzkin(cs, table));
  });

  it("agrees when the parts together could exceed the budget (the whole system is eliminated) and when one part does", () => {
    const table = new AtomTable();
    // Three parts, each an atom between 40 upper and 40 lower bounds: 1,600 combinations each.
    const parts: Constraint[] = [];
    for (let p = 0; p < 3; p++) {
      const x = table.get(`x${p}`, () => ({ label: `x${p}`, lo: -Infinity, hi: Infinity, integer: false, opaque: false }));
      for (let i = 0; i < 40; i++) parts.push({ form: Lin.atom(x).sub(Lin.of(100 + i)), strict: false });
      for (let i = 0; i < 40; i++) parts.push({ form: Lin.of(i).sub(Lin.atom(x)), strict: i % 2 === 0 });
    }
    const r = fourierMotzkin(parts, table);
    expect(r.kind).toBe("sat");
    same(r, referenceFourierMotzkin(parts, table));
    // One part alone over the budget: 70 × 70 combinations.
    const z = table.get("z", () => ({ label: "z", lo: -Infinity, hi: Infinity, integer: false, opaque: false }));
    const w = table.get("w", () => ({ label: "w", lo: -Infinity, hi: Infinity, integer: false, opaque: false }));
    const big: Constraint[] = [];
    for (let i = 0; i < 70; i++) big.push({ form: Lin.atom(z).add(Lin.atom(w, i / 7)).sub(Lin.of(i)), strict: false });
    for (let i = 0; i < 70; i++) big.push({ form: Lin.of(i / 3).sub(Lin.atom(z)).add(Lin.atom(w, -i / 11)), strict: false });
    const u = fourierMotzkin(big, table);
    expect(u.kind).toBe("unknown");
    same(u, referenceFourierMotzkin(big, table));
  });
});
