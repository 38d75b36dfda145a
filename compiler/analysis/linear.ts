/**
 * Linear arithmetic for the static analyses: linear forms over named atoms (params, exposures,
 * book prices, opaque feature values), constraints `form ≤ 0` / `form < 0`, and a decision
 * procedure (Fourier–Motzkin elimination) that either proves a system infeasible or finds a
 * concrete point satisfying it — the counterexample the risk analysis reports.
 *
 * Soundness over speed: systems here are tiny (a handful of atoms, a few dozen constraints). When
 * elimination would blow up past a fixed budget the answer is "unknown", never a wrong "proven".
 */

/** An atom: a quantity the analysis reasons about without knowing its value. */
export interface Atom {
  id: number;
  /** How it reads in a counterexample: `size`, `exposure(es, buy)`, `book.best_ask(es)`. */
  label: string;
  /** Box bounds (inclusive; ±Infinity when unbounded). */
  lo: number;
  hi: number;
  /** Takes whole values only (params of type int/qty, positions, exposures). */
  integer: boolean;
  /**
   * Opaque atoms stand for values the analysis knows nothing about (features, state variables,
   * products of unknowns). A counterexample that needs one is reported as "unknown", not "unsafe".
   */
  opaque: boolean;
}

/** Σ coef·atom + constant. Coefficients keyed by atom id; zero coefficients are dropped. */
export class Lin {
  constructor(
    readonly coef: ReadonlyMap<number, number>,
    readonly constant: number,
  ) {}

  static of(c: number): Lin {
    return new Lin(new Map(), c);
  }

  static atom(a: Atom, k = 1): Lin {
    return new Lin(new Map([[a.id, k]]), 0);
  }

  isConstant(): boolean {
    return this.coef.size === 0;
  }

  add(o: Lin, k = 1): Lin {
    const m = new Map(this.coef);
    for (const [id, c] of o.coef) {
      const v = (m.get(id) ?? 0) + k * c;
      if (Math.abs(v) < 1e-12) m.delete(id);
      else m.set(id, v);
    }
    return new Lin(m, this.constant + k * o.constant);
  }

  sub(o: Lin): Lin {
    return this.add(o, -1);
  }

  scale(k: number): Lin {
    if (k === 0) return Lin.of(0);
    const m = new Map<number, number>();
    for (const [id, c] of this.coef) m.set(id, c * k);
    return new Lin(m, this.constant * k);
  }

  /** Value at a point (atom id → value); atoms missing from the point count as 0. */
  eval(point: ReadonlyMap<number, number>): number {
    let v = this.constant;
    for (const [id, c] of this.coef) v += c * (point.get(id) ?? 0);
    return v;
  }
}

/** `form ≤ 0`, or `form < 0` when strict. */
export interface Constraint {
  form: Lin;
  strict: boolean;
}

/** a ≤ b */
export function le(a: Lin, b: Lin): Constraint {
  return { form: a.sub(b), strict: false };
}

/** a < b */
export function lt(a: Lin, b: Lin): Constraint {
  return { form: a.sub(b), strict: true };
}

/** The result of a satisfiability question. */
export type SatResult =
  | { kind: "unsat" }
  | { kind: "sat"; point: Map<number, number> }
  | { kind: "unknown"; reason: string };

const EPS = 1e-9;
const BUDGET = 4000;

/** The table of atoms a problem refers to. */
export class AtomTable {
  readonly atoms: Atom[] = [];
  private readonly byKey = new Map<string, Atom>();

  /** The atom for a key, created on first use. */
  get(key: string, make: () => Omit<Atom, "id">): Atom {
    const found = this.byKey.get(key);
    if (found) return found;
    const a: Atom = { id: this.atoms.length, ...make() };
    this.atoms.push(a);
    this.byKey.set(key, a);
    return a;
  }

  /** A fresh atom that is never shared. */
  fresh(make: Omit<Atom, "id">): Atom {
    const a: Atom = { id: this.atoms.length, ...make };
    this.atoms.push(a);
    return a;
  }
}

/**
 * Decides whether the constraints (plus every mentioned atom's box) have a solution. A "sat" answer
 * carries a point that was checked against every constraint; integer atoms get whole values.
 */
export function solve(constraints: readonly Constraint[], table: AtomTable): SatResult {
  solveStats.asked++;
  if (boxRefutes(constraints, table) !== undefined) return UNSAT;
  // The same system (same constraints in the same order, same atoms) gives the same answer:
  // symbolic execution asks it again for every order and limit sharing a path's facts.
  let memo = memos.get(table);
  if (!memo) memos.set(table, (memo = new Map()));
  const key = systemKey(constraints);
  const known = memo.get(key);
  if (known) return known.kind === "sat" ? { kind: "sat", point: new Map(known.point) } : known;
  const r = fourierMotzkin(constraints, table);
  memo.set(key, r.kind === "sat" ? { kind: "sat", point: new Map(r.point) } : r);
  return r;
}

const UNSAT: SatResult = { kind: "unsat" };
const memos = new WeakMap<AtomTable, Map<string, SatResult>>();

/** An exact text key of a system, in order (coefficients and constants as written in binary). */
function systemKey(cs: readonly Constraint[]): string {
  let key = "";
  for (const c of cs) {
    key += c.strict ? "<" : "≤";
    key += c.form.constant;
    for (const [id, k] of c.form.coef) key += `,${id}:${k}`;
    key += ";";
  }
  return key;
}

/**
 * The interval pre-check: the index of a constraint that no point of the atoms' boxes can satisfy
 * (its smallest value over the box, by interval arithmetic, is clearly positive), else undefined.
 * Then the system is unsatisfiable; Fourier–Motzkin, which keeps every box bound, could find no
 * point either (test/compiler/analysis/linear.property.test.ts checks that it never claims more).
 * The margin keeps it off the borderline cases that FM decides with its own tolerance.
 */
export function boxRefutes(constraints: readonly Constraint[], table: AtomTable): number | undefined {
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

/** Counters for bench/risk.ts: systems asked, and how many went through elimination. */
export const solveStats = { asked: 0, eliminations: 0 };

/** Full Fourier–Motzkin elimination with a checked back-substituted point (see `solve`). */
export function fourierMotzkin(constraints: readonly Constraint[], table: AtomTable): SatResult {
  solveStats.eliminations++;
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

/** A readable value in [lo, hi] (open ends when strict), whole when asked. */
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
