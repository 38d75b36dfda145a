/**
 * The unit algebra of DESIGN.md (price − price = price, price × qty = notional, price ÷ price =
 * f64, price + qty is an error, literals adapt), as unit tests and fast-check properties.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addUnits, assignable, divUnits, mulUnits, sameUnit } from "../../../compiler/index.js";
import type { ScalarType } from "../../../stdlib/meta.js";

const UNITS: ScalarType[] = ["price", "qty", "notional"];
const NUMBERS: ScalarType[] = ["f64", "int", "price", "qty", "notional"];

describe("unit arithmetic", () => {
  it("follows the design's table", () => {
    expect(addUnits("-", "price", false, "price", false)).toEqual({ ok: true, type: "price", literal: false });
    expect(mulUnits("price", false, "qty", false)).toEqual({ ok: true, type: "notional", literal: false });
    expect(mulUnits("qty", false, "price", false)).toEqual({ ok: true, type: "notional", literal: false });
    expect(divUnits("price", false, "price", false)).toEqual({ ok: true, type: "f64", literal: false });
    expect(addUnits("+", "price", false, "qty", false)).toEqual({ ok: false, reason: "unit" });
    expect(mulUnits("price", false, "price", false)).toEqual({ ok: false, reason: "product" });
    expect(divUnits("notional", false, "qty", false)).toEqual({ ok: true, type: "price", literal: false });
    expect(divUnits("notional", false, "price", false)).toEqual({ ok: true, type: "qty", literal: false });
    expect(divUnits("qty", false, "price", false)).toEqual({ ok: false, reason: "product" });
  });

  it("lets a bare literal take the other side's unit", () => {
    expect(addUnits("+", "price", false, "f64", true)).toEqual({ ok: true, type: "price", literal: false });
    expect(addUnits("+", "int", true, "qty", false)).toEqual({ ok: true, type: "qty", literal: false });
    expect(sameUnit("int", true, "int", true)).toEqual({ ok: true, type: "int", literal: true });
    expect(addUnits("+", "price", false, "f64", false)).toEqual({ ok: false, reason: "unit" });
  });

  it("handles time and duration", () => {
    expect(addUnits("-", "time", false, "time", false)).toEqual({ ok: true, type: "duration", literal: false });
    expect(addUnits("+", "time", false, "duration", false)).toEqual({ ok: true, type: "time", literal: false });
    expect(addUnits("+", "time", false, "time", false).ok).toBe(false);
    expect(addUnits("+", "bool", false, "int", false)).toEqual({ ok: false, reason: "non-numeric" });
  });

  it("assignability: int into f64, integer literals into qty, not fractions", () => {
    expect(assignable("f64", { type: "int", series: false }, false)).toBe(true);
    expect(assignable("int", { type: "f64", series: false }, false)).toBe(false);
    expect(assignable("qty", { type: "int", series: false, literal: true }, true)).toBe(true);
    expect(assignable("qty", { type: "f64", series: false, literal: true }, false)).toBe(false);
    expect(assignable("price", { type: "f64", series: false, literal: true }, false)).toBe(true);
    expect(assignable("price", { type: "qty", series: false }, false)).toBe(false);
  });

  it("property: addition is commutative and same-unit addition keeps the unit", () => {
    const unit = fc.constantFrom(...NUMBERS);
    fc.assert(
      fc.property(unit, fc.boolean(), unit, fc.boolean(), (a, al0, b, bl0) => {
        // Only plain numbers are ever literals.
        const al = al0 && (a === "f64" || a === "int");
        const bl = bl0 && (b === "f64" || b === "int");
        expect(addUnits("+", a, al, b, bl)).toEqual(addUnits("+", b, bl, a, al));
        if (a === b && !al && !bl) expect(addUnits("+", a, false, b, false)).toEqual({ ok: true, type: a, literal: false });
      }),
    );
  });

  it("property: (x × plain) ÷ plain and (x ÷ x) give back x's unit and f64", () => {
    fc.assert(
      fc.property(fc.constantFrom(...UNITS), fc.constantFrom<ScalarType>("f64", "int"), (u, plain) => {
        const m = mulUnits(u, false, plain, false);
        expect(m).toEqual({ ok: true, type: u, literal: false });
        expect(divUnits(u, false, plain, false)).toEqual({ ok: true, type: u, literal: false });
        expect(divUnits(u, false, u, false)).toEqual({ ok: true, type: "f64", literal: false });
      }),
    );
  });

  it("property: mixing two different units by + or comparison is always an error", () => {
    fc.assert(
      fc.property(fc.constantFrom(...UNITS), fc.constantFrom(...UNITS), (a, b) => {
        fc.pre(a !== b);
        expect(addUnits("+", a, false, b, false).ok).toBe(false);
        expect(sameUnit(a, false, b, false).ok).toBe(false);
      }),
    );
  });
});
