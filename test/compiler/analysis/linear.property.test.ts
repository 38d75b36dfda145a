/**
 * The linear prover against brute force: random small systems of integer-coefficient constraints
 * over integer atoms in small boxes. "unsat" must mean no integer point satisfies them (the
 * rational relaxation being empty implies that); a "sat" point must satisfy every constraint and
 * respect integrality and boxes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AtomTable, Lin, solve, type Constraint } from "../../../compiler/analysis/linear.js";

const N_ATOMS = 3;
const BOX = 4;

const constraintArb = fc.record({
  coef: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: N_ATOMS, maxLength: N_ATOMS }),
  constant: fc.integer({ min: -8, max: 8 }),
  strict: fc.boolean(),
});

function build(specs: Array<{ coef: number[]; constant: number; strict: boolean }>) {
  const table = new AtomTable();
  const atoms = Array.from({ length: N_ATOMS }, (_, i) => table.get(`x${i}`, () => ({ label: `x${i}`, lo: -BOX, hi: BOX, integer: true, opaque: false })));
  const cs: Constraint[] = specs.map((s) => {
    let f = Lin.of(s.constant);
    s.coef.forEach((k, i) => {
      if (k !== 0) f = f.add(Lin.atom(atoms[i]!, k));
    });
    return { form: f, strict: s.strict };
  });
  return { table, atoms, cs };
}

function holds(cs: Constraint[], point: Map<number, number>): boolean {
  return cs.every((c) => {
    const v = c.form.eval(point);
    return c.strict ? v < -1e-9 : v <= 1e-9;
  });
}

describe("linear prover", () => {
  it("agrees with brute force over integer boxes", () => {
    fc.assert(
      fc.property(fc.array(constraintArb, { minLength: 1, maxLength: 6 }), (specs) => {
        const { table, atoms, cs } = build(specs);
        const r = solve(cs, table);
        let anyInteger = false;
        const p = new Map<number, number>();
        for (let a = -BOX; a <= BOX && !anyInteger; a++)
          for (let b = -BOX; b <= BOX && !anyInteger; b++)
            for (let c = -BOX; c <= BOX && !anyInteger; c++) {
              p.set(atoms[0]!.id, a).set(atoms[1]!.id, b).set(atoms[2]!.id, c);
              if (holds(cs, p)) anyInteger = true;
            }
        if (r.kind === "unsat") expect(anyInteger).toBe(false);
        if (r.kind === "sat") {
          expect(holds(cs, r.point)).toBe(true);
          for (const a of atoms) {
            const v = r.point.get(a.id) ?? 0;
            expect(Number.isInteger(v)).toBe(true);
            expect(Math.abs(v)).toBeLessThanOrEqual(BOX);
          }
        }
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it("proves the textbook guard and finds the edge counterexample", () => {
    const table = new AtomTable();
    const e = table.get("e", () => ({ label: "exposure", lo: -Infinity, hi: 10, integer: true, opaque: false }));
    const s = table.get("s", () => ({ label: "size", lo: 1, hi: 5, integer: true, opaque: false }));
    const after = Lin.atom(e).add(Lin.atom(s));
    const guard: Constraint = { form: after.sub(Lin.of(10)), strict: false };
    const violation: Constraint = { form: Lin.of(10).sub(after), strict: true };
    expect(solve([guard, violation], table).kind).toBe("unsat");
    const r = solve([violation], table);
    expect(r.kind).toBe("sat");
    if (r.kind === "sat") expect(after.eval(r.point)).toBeGreaterThan(10);
  });
});
