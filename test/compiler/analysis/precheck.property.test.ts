/**
 * The interval pre-check and the memo in front of Fourier–Motzkin (compiler/analysis/linear.ts):
 * the pre-check never proves unsatisfiable what full FM finds satisfiable (its answers are a subset
 * of FM's "unsat"), and `solve` (pre-check + memo + FM) gives exactly FM's verdict and point.
 * Random systems mix bounded, half-bounded and unbounded atoms, real and integer ones, fractional
 * coefficients, and a last constraint that often negates an earlier one (as a risk proof's
 * violation does).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AtomTable, Lin, boxRefutes, fourierMotzkin, solve, type Constraint } from "../../../compiler/analysis/linear.js";

const N_ATOMS = 4;

const atomArb = fc.record({
  lo: fc.oneof(fc.constant(-Infinity), fc.integer({ min: -6, max: 6 })),
  width: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 8 })),
  integer: fc.boolean(),
});
const coefArb = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, -0.25, 1.5, 1e-3));
const constraintArb = fc.record({
  coef: fc.array(coefArb, { minLength: N_ATOMS, maxLength: N_ATOMS }),
  constant: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.double({ min: -10, max: 10, noNaN: true })),
  strict: fc.boolean(),
});
const systemArb: fc.Arbitrary<System> = fc.record({
  atoms: fc.array(atomArb, { minLength: N_ATOMS, maxLength: N_ATOMS }),
  specs: fc.array(constraintArb, { minLength: 1, maxLength: 6 }),
  negateLast: fc.boolean(),
});

interface System {
  atoms: Array<{ lo: number; width: number; integer: boolean }>;
  specs: Array<{ coef: number[]; constant: number; strict: boolean }>;
  negateLast: boolean;
}

function build(sys: System) {
  const table = new AtomTable();
  const atoms = sys.atoms.map((a, i) =>
    table.get(`x${i}`, () => ({ label: `x${i}`, lo: a.lo, hi: a.lo + a.width, integer: a.integer, opaque: false })),
  );
  const cs: Constraint[] = sys.specs.map((s) => {
    let f = Lin.of(s.constant);
    s.coef.forEach((k, i) => {
      if (k !== 0) f = f.add(Lin.atom(atoms[i]!, k));
    });
    return { form: f, strict: s.strict };
  });
  // A risk proof asks "facts ∧ ¬claim": negate an earlier constraint (¬(f ≤ 0) is −f < 0).
  if (sys.negateLast && cs.length > 1) cs.push({ form: cs[0]!.form.scale(-1), strict: !cs[0]!.strict });
  return { table, cs };
}

describe("interval pre-check before Fourier–Motzkin", () => {
  it("never refutes a system that full Fourier–Motzkin satisfies", () => {
    fc.assert(
      fc.property(systemArb, (sys) => {
        const { table, cs } = build(sys);
        if (boxRefutes(cs, table) !== undefined) expect(fourierMotzkin(cs, table).kind).not.toBe("sat");
      }),
      { numRuns: 3000 },
    );
  });

  it("solve (pre-check + memo) gives FM's verdict and point, also when asked again", () => {
    fc.assert(
      fc.property(systemArb, (sys) => {
        const { table, cs } = build(sys);
        const full = fourierMotzkin(cs, table);
        for (let round = 0; round < 2; round++) {
          const r = solve(cs, table);
          if (full.kind === "sat") expect(r).toEqual(full);
          else expect(r.kind === "unsat" || r.kind === full.kind).toBe(true);
          // Only the pre-check may turn FM's "unknown" into a (sound) "unsat".
          if (r.kind !== full.kind) expect(boxRefutes(cs, table)).not.toBeUndefined();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("refutes the typical easy cases: a box bound, and a guard against its negation", () => {
    const table = new AtomTable();
    const size = table.get("size", () => ({ label: "size", lo: 1, hi: 5, integer: true, opaque: false }));
    const exp = table.get("exp", () => ({ label: "exposure", lo: -Infinity, hi: Infinity, integer: true, opaque: false }));
    // size > 5 (box hi is 5)
    expect(boxRefutes([{ form: Lin.of(5).sub(Lin.atom(size)), strict: true }], table)).toBe(0);
    // exp + size ≤ 10  ∧  exp + size > 10
    const guard = Lin.atom(exp).add(Lin.atom(size)).sub(Lin.of(10));
    expect(boxRefutes([{ form: guard, strict: false }, { form: guard.scale(-1), strict: true }], table)).toBe(0);
    // exp + size ≤ 10  ∧  exp + size > 9: satisfiable, not refuted
    expect(boxRefutes([{ form: guard, strict: false }, { form: Lin.of(9).sub(Lin.atom(exp)).sub(Lin.atom(size)), strict: true }], table)).toBeUndefined();
  });
});
