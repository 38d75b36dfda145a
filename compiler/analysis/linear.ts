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
  // The same system (same constraints in the same order, same atoms) gives the same answer:
  // symbolic execution asks it again for every order and limit sharing a path's facts, and for
  // every path's feasibility each time a statement leaves more than a few paths.
  const memo = memoOf(table);
  const key = systemKey(constraints);
  const known = memo.systems.get(key);
  if (known) return known.kind === "sat" ? { kind: "sat", point: new Map(known.point) } : known;
  if (boxRefutes(constraints, table) !== undefined) {
    memo.systems.set(key, UNSAT);
    return UNSAT;
  }
  const r = fourierMotzkin(constraints, table);
  memo.systems.set(key, r.kind === "sat" ? { kind: "sat", point: new Map(r.point) } : r);
  return r;
}

const UNSAT: SatResult = { kind: "unsat" };

/** What `solve` remembers per atom table: answers by system, by independent part, box minima by form. */
interface Memo {
  systems: Map<string, SatResult>;
  parts: Map<string, PartResult>;
  mins: WeakMap<Lin, number>;
}

const memos = new WeakMap<AtomTable, Memo>();

function memoOf(table: AtomTable): Memo {
  let memo = memos.get(table);
  if (!memo) memos.set(table, (memo = { systems: new Map(), parts: new Map(), mins: new WeakMap() }));
  return memo;
}

/** A form's exact text (constant, then `,id:coefficient` in its order), once per form (forms never change). */
const formTexts = new WeakMap<Lin, string>();

function formText(f: Lin): string {
  let text = formTexts.get(f);
  if (text === undefined) {
    text = `${f.constant}`;
    for (const [id, k] of f.coef) text += `,${id}:${k}`;
    formTexts.set(f, text);
  }
  return text;
}

/** An exact text key of a system, in order (coefficients and constants as written in binary). */
function systemKey(cs: readonly Constraint[]): string {
  let key = "";
  for (const c of cs) key += `${c.strict ? "<" : "<="}${formText(c.form)};`;
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
  const mins = memoOf(table).mins;
  for (let i = 0; i < constraints.length; i++) {
    const c = constraints[i]!;
    let min = mins.get(c.form);
    if (min === undefined) mins.set(c.form, (min = boxMin(c.form, table)));
    if (refuted(min, c.strict)) return i;
  }
  // The last constraint (the violation a proof asks about) plus a positive multiple of another one
  // that cancels an atom they share with opposite signs: `e + q ≤ 10` against `e + q > 10`.
  const n = constraints.length;
  const last = constraints[n - 1];
  if (!last) return undefined;
  const lc = last.form.coef;
  for (let i = 0; i < n - 1; i++) {
    const c = constraints[i]!;
    const cc = c.form.coef;
    for (const [id, k] of cc) {
      const kl = lc.get(id);
      if (kl === undefined || kl * k >= 0) continue;
      // boxMin(last.form.add(c.form, f)) without building the sum: Lin.add's arithmetic, in the
      // order of the form it would build (last's atoms, those cancelling below 1e-12 dropped,
      // then c's other atoms).
      const f = -kl / k;
      let min = last.form.constant + f * c.form.constant;
      for (const [lid, lk] of lc) {
        const ck = cc.get(lid);
        let v = lk;
        if (ck !== undefined) {
          v = lk + f * ck;
          if (Math.abs(v) < 1e-12) continue;
        }
        const a = table.atoms[lid]!;
        min += v > 0 ? v * a.lo : v * a.hi;
      }
      for (const [cid, ck] of cc) {
        if (lc.has(cid)) continue;
        const v = 0 + f * ck;
        if (Math.abs(v) < 1e-12) continue;
        const a = table.atoms[cid]!;
        min += v > 0 ? v * a.lo : v * a.hi;
      }
      if (refuted(min, last.strict || c.strict)) return i;
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

/**
 * Counters for bench/risk.ts: systems asked, how many went through elimination, and the
 * independent parts of those that were eliminated (the others were answered by the part memo).
 */
export const solveStats = { asked: 0, eliminations: 0, parts: 0 };

/**
 * Full Fourier–Motzkin elimination with a checked back-substituted point (see `solve`).
 *
 * The system is split into its independent parts (constraints linked by the atoms they share),
 * each eliminated on its own and remembered per atom table: a risk proof's path facts (the
 * standing exposure/position facts, each guard's atoms) recur in many systems that differ in one
 * part only. This gives exactly the answer of eliminating the whole system at once: an atom's
 * elimination cost, its combinations and its back-substituted value depend on its own part only
 * (the order among one part's atoms is the same minimum (cost, id) either way), a contradiction in
 * any part makes the whole unsatisfiable, and a point failing its check in any part makes it
 * unknown. The one global quantity, the elimination budget, is checked per part and, when the
 * parts together could exceed it, by eliminating the whole system as one part.
 */
export function fourierMotzkin(constraints: readonly Constraint[], table: AtomTable): SatResult {
  solveStats.eliminations++;
  // Atoms in first-use order; the parts by union–find over the atoms each constraint mentions.
  const varIndex = new Map<number, number>();
  const vars: number[] = [];
  const parent: number[] = [];
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  let constantsHold = true;
  let constants = 0;
  for (const c of constraints) {
    let first = -1;
    for (const id of c.form.coef.keys()) {
      let i = varIndex.get(id);
      if (i === undefined) {
        i = vars.length;
        varIndex.set(id, i);
        vars.push(id);
        parent.push(i);
      }
      if (first < 0) first = find(i);
      else {
        const r = find(i);
        if (r !== first) parent[r] = first;
      }
    }
    // A constraint over no atom: only its own truth matters (the elimination keeps a false one to
    // the end, where it makes the system unsatisfiable).
    if (first < 0) {
      constants++;
      if (violated(c.form.constant, c.strict)) constantsHold = false;
    }
  }
  if (vars.length === 0) return constantsHold ? { kind: "sat", point: new Map() } : { kind: "unsat" };
  // The parts, each with its constraints in order (then the box bounds of its atoms, in first-use
  // order, as the whole system would list them).
  const partOf = new Map<number, number>();
  const parts: Constraint[][] = [];
  const partVars: number[][] = [];
  for (let i = 0; i < vars.length; i++) {
    const r = find(i);
    let k = partOf.get(r);
    if (k === undefined) {
      k = parts.length;
      partOf.set(r, k);
      parts.push([]);
      partVars.push([]);
    }
    partVars[k]!.push(vars[i]!);
  }
  for (const c of constraints) {
    const id = firstKey(c.form.coef);
    if (id !== undefined) parts[partOf.get(find(varIndex.get(id)!))!]!.push(c);
  }
  const memo = memoOf(table).parts;
  const results: PartResult[] = [];
  let size = constants; // rows over no atom, carried along
  for (let k = 0; k < parts.length; k++) {
    const key = systemKey(parts[k]!);
    let r = memo.get(key);
    if (!r) {
      solveStats.parts++;
      r = eliminate(rowsOf(parts[k]!, partVars[k]!, table), table);
      memo.set(key, r);
    }
    if (r.kind === "unknown" && r.overBudget) return { kind: "unknown", reason: TOO_COMPLEX };
    results.push(r);
    size += r.largest;
  }
  // The parts' largest lists together stay within the budget: so would the whole system's.
  if (parts.length > 1 && size > BUDGET) {
    const whole = eliminate(rowsOf(constraints, vars, table), table);
    if (whole.kind === "unknown") return { kind: "unknown", reason: whole.reason };
    if (whole.kind === "unsat") return { kind: "unsat" };
    return { kind: "sat", point: pointOf([whole]) };
  }
  if (!constantsHold || results.some((r) => r.kind === "unsat")) return { kind: "unsat" };
  const unknown = results.find((r) => r.kind === "unknown");
  if (unknown?.kind === "unknown") return { kind: "unknown", reason: unknown.reason };
  return { kind: "sat", point: pointOf(results) };
}

const TOO_COMPLEX = "the conditions are too complex to decide";
const NO_WHOLE_POINT = "no whole-number counterexample was found";

/** What eliminating one part gave; `largest`: its longest list of constraints at any stage. */
type PartResult =
  | { kind: "unsat"; largest: number }
  | { kind: "unknown"; reason: string; overBudget: boolean; largest: number }
  | { kind: "sat"; ids: number[]; values: number[]; largest: number };

function pointOf(results: readonly PartResult[]): Map<number, number> {
  const point = new Map<number, number>();
  for (const r of results) if (r.kind === "sat") for (let i = 0; i < r.ids.length; i++) point.set(r.ids[i]!, r.values[i]!);
  return point;
}

function firstKey(m: ReadonlyMap<number, number>): number | undefined {
  for (const id of m.keys()) return id;
  return undefined;
}

/** Whether `constant ≤ 0` (`< 0` when strict) is false, with FM's tolerance (NaN is never false). */
function violated(constant: number, strict: boolean): boolean {
  return strict ? constant >= -EPS : constant > EPS;
}

/**
 * A constraint during elimination: its atoms and coefficients in the order `Lin.add` would keep
 * them (the order the back-substitution sums in), and its dedupe key once computed.
 */
interface Row {
  ids: number[];
  ks: number[];
  constant: number;
  strict: boolean;
  key: string | undefined;
}

/** Constraints as rows, then the box bounds of their atoms (`lo − x ≤ 0`, `x − hi ≤ 0`). */
function rowsOf(cs: readonly Constraint[], vars: readonly number[], table: AtomTable): Row[] {
  const rows: Row[] = [];
  for (const c of cs) {
    const ids: number[] = [];
    const ks: number[] = [];
    for (const [id, k] of c.form.coef) {
      ids.push(id);
      ks.push(k);
    }
    rows.push({ ids, ks, constant: c.form.constant, strict: c.strict, key: undefined });
  }
  for (const id of vars) {
    const a = table.atoms[id]!;
    if (a.lo > -Infinity) rows.push({ ids: [id], ks: [-1], constant: a.lo, strict: false, key: undefined });
    if (a.hi < Infinity) rows.push({ ids: [id], ks: [1], constant: -a.hi, strict: false, key: undefined });
  }
  return rows;
}

function coefOf(r: Row, id: number): number {
  const i = r.ids.indexOf(id);
  return i < 0 ? 0 : r.ks[i]!;
}

/**
 * Eliminates every atom of `all`, then back-substitutes a point and checks it against the rows it
 * started from.
 */
function eliminate(all: Row[], table: AtomTable): PartResult {
  const remaining: number[] = [];
  for (const r of all) for (const id of r.ids) if (!remaining.includes(id)) remaining.push(id);
  const order: number[] = [];
  const stages: Row[][] = [];
  let current = all;
  let largest = all.length;
  while (remaining.length) {
    // Elimination order: the atoms with the fewest pos×neg pairs first (ties: the smaller id).
    let best = -1;
    let bestCost = Infinity;
    let bestAt = -1;
    for (let j = 0; j < remaining.length; j++) {
      const v = remaining[j]!;
      let p = 0;
      let n = 0;
      for (const c of current) {
        const k = coefOf(c, v);
        if (k > 0) p++;
        else if (k < 0) n++;
      }
      const cost = p * n - p - n;
      if (cost < bestCost || (cost === bestCost && v < best)) {
        bestCost = cost;
        best = v;
        bestAt = j;
      }
    }
    stages.push(current);
    order.push(best);
    remaining.splice(bestAt, 1);
    const pos: Row[] = [];
    const neg: Row[] = [];
    const next: Row[] = [];
    for (const c of current) {
      const k = coefOf(c, best);
      if (k > 0) pos.push(c);
      else if (k < 0) neg.push(c);
      else next.push(c);
    }
    for (const p of pos) {
      const kp = coefOf(p, best);
      for (const n of neg) next.push(combine(p, 1 / kp, n, 1 / -coefOf(n, best), best));
    }
    if (next.length > largest) largest = next.length;
    if (next.length > BUDGET) return { kind: "unknown", reason: TOO_COMPLEX, overBudget: true, largest };
    current = dedupe(next);
  }
  for (const c of current) if (violated(c.constant, c.strict)) return { kind: "unsat", largest };
  // Back-substitution: choose each eliminated atom's value given the later ones.
  const point = new Map<number, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i]!;
    let lo = -Infinity;
    let hi = Infinity;
    let loStrict = false;
    let hiStrict = false;
    for (const c of stages[i]!) {
      const k = coefOf(c, v);
      if (k === 0) continue;
      let rest = c.constant;
      for (let j = 0; j < c.ids.length; j++) if (c.ids[j] !== v) rest += c.ks[j]! * (point.get(c.ids[j]!) ?? 0);
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
    let val = c.constant;
    for (let j = 0; j < c.ids.length; j++) val += c.ks[j]! * (point.get(c.ids[j]!) ?? 0);
    if (violated(val, c.strict)) return { kind: "unknown", reason: NO_WHOLE_POINT, overBudget: false, largest };
  }
  const ids: number[] = [];
  const values: number[] = [];
  for (const [id, v] of point) {
    ids.push(id);
    values.push(v);
  }
  return { kind: "sat", ids, values, largest };
}

/**
 * `p·sp + n·sn` without the atom `best`: the arithmetic of `p.scale(sp).add(n.scale(sn))`, in its
 * order (a coefficient of n's that cancels below 1e-12 is dropped, one of p's alone is kept).
 */
function combine(p: Row, sp: number, n: Row, sn: number, best: number): Row {
  const ids: number[] = [];
  const ks: number[] = [];
  // Lin.scale(0) is the zero form (its constant +0).
  let constant = 0;
  if (sp !== 0) {
    for (let j = 0; j < p.ids.length; j++) {
      ids.push(p.ids[j]!);
      ks.push(p.ks[j]! * sp);
    }
    constant = p.constant * sp;
  }
  if (sn !== 0) {
    for (let j = 0; j < n.ids.length; j++) {
      const id = n.ids[j]!;
      const c = n.ks[j]! * sn;
      const at = ids.indexOf(id);
      const v = (at < 0 ? 0 : ks[at]!) + c;
      if (Math.abs(v) < 1e-12) {
        if (at >= 0) {
          ids.splice(at, 1);
          ks.splice(at, 1);
        }
      } else if (at >= 0) ks[at] = v;
      else {
        ids.push(id);
        ks.push(v);
      }
    }
  }
  // `+ 0` when n scales to the zero form: -0 becomes +0 as in Lin.add.
  constant += sn !== 0 ? n.constant * sn : 0;
  const at = ids.indexOf(best);
  if (at >= 0) {
    ids.splice(at, 1);
    ks.splice(at, 1);
  }
  return { ids, ks, constant, strict: p.strict || n.strict, key: undefined };
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

/**
 * The rows without repeats (equal to 12 significant digits: constant, strictness and every
 * coefficient) and without rows over no atom that hold.
 */
function dedupe(cs: Row[]): Row[] {
  const seen = new Set<string>();
  const out: Row[] = [];
  for (const c of cs) {
    // A row over no atom that holds (NaN: neither holds nor fails; kept, as the form was).
    if (c.ids.length === 0 && (c.strict ? c.constant < -EPS : c.constant <= EPS)) continue;
    const key = (c.key ??= rowKey(c));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

function rowKey(c: Row): string {
  // Coefficients by atom id (a row has a handful: insertion sort of the positions).
  const at: number[] = [];
  for (let j = 0; j < c.ids.length; j++) {
    let i = at.length;
    while (i > 0 && c.ids[at[i - 1]!]! > c.ids[j]!) i--;
    at.splice(i, 0, j);
  }
  let key = `${c.strict ? "<" : "<="}${c.constant.toPrecision(12)}|`;
  for (let i = 0; i < at.length; i++) key += `${i ? "," : ""}${c.ids[at[i]!]}:${c.ks[at[i]!]!.toPrecision(12)}`;
  return key;
}
