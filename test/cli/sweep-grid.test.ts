/**
 * The `--grid` flags of `algo sweep`: exact decimal stepping (property-tested against scaled-integer
 * arithmetic), lists, the cartesian product's order, and the exact messages of malformed flags.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { combination, decimalRange, decimalText, gridSize, parseGrid, parseGridFlag } from "../../cli/commands/sweep-grid.js";

describe("decimal ranges", () => {
  it("steps exactly: 0.1..0.3:0.1 is 0.1, 0.2, 0.3 (no float drift)", () => {
    const a = parseGridFlag("threshold=0.1..0.3:0.1");
    expect(a).toEqual({ name: "threshold", spec: "0.1..0.3:0.1", values: ["0.1", "0.2", "0.3"] });
    expect(a.values.map(Number)).toEqual([0.1, 0.2, 0.3]);
    // The float loop a quant would write drifts: 0.1 + 0.1 + 0.1 = 0.30000000000000004 > 0.3.
    expect(0.1 + 0.1 + 0.1 > 0.3).toBe(true);
    expect(parseGridFlag("k=0..1:0.1").values).toEqual(["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"]);
    expect(parseGridFlag("k=-0.5..0.5:0.25").values).toEqual(["-0.5", "-0.25", "0", "0.25", "0.5"]);
    expect(parseGridFlag("k=1..5").values).toEqual(["1", "2", "3", "4", "5"]);
    expect(parseGridFlag("k=10..20:4").values).toEqual(["10", "14", "18"]);
    expect(parseGridFlag("k=1_000..3_000:1_000").values).toEqual(["1000", "2000", "3000"]);
    expect(parseGridFlag("k=0.05..0.9:0.85").values).toEqual(["0.05", "0.9"]);
    expect(parseGridFlag("k=2.50..2.50:0.01").values).toEqual(["2.5"]);
  });

  it("property: a..b:step gives a + i·step exactly, for i = 0.. while ≤ b, each value the double of its decimal text", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -1_000_000n, max: 1_000_000n }),
        fc.bigInt({ min: 1n, max: 10_000n }),
        fc.integer({ min: 1, max: 60 }),
        fc.bigInt({ min: 0n, max: 9_999n }),
        fc.integer({ min: 0, max: 6 }),
        (a, step, n, extra, scale) => {
          const slack = extra % step; // hi lies in [last value, last value + step)
          const hi = a + BigInt(n - 1) * step + slack;
          const values = decimalRange(decimalText(a, scale), decimalText(hi, scale), decimalText(step, scale));
          expect(values.length).toBe(n);
          for (let i = 0; i < n; i++) {
            const exact = decimalText(a + BigInt(i) * step, scale);
            expect(values[i]).toBe(exact);
            // The number a sweep run gets is the one `--set k=<that text>` gives.
            expect(Number(values[i])).toBe(Number(exact));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("property: decimalText round-trips through the parser (canonical text, no trailing zeros)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 9 }), (u, scale) => {
        const text = decimalText(u, scale);
        expect(text).toMatch(/^-?\d+(\.\d*[1-9])?$/);
        expect(parseGridFlag(`k=${text}`).values).toEqual([text]);
        expect(decimalRange(text, text, "1")).toEqual([text]);
      }),
    );
  });
});

describe("lists and the cartesian product", () => {
  it("a list keeps its order; true/false are values; a single value is a list of one", () => {
    expect(parseGridFlag("size=3,1,2").values).toEqual(["3", "1", "2"]);
    expect(parseGridFlag("flag=true,false").values).toEqual(["true", "false"]);
    expect(parseGridFlag("w=0.50").values).toEqual(["0.5"]);
    expect(parseGridFlag("params.size=1,2").name).toBe("size");
  });

  it("property: combination(i) enumerates every tuple once, the first axis slowest", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), (sizes) => {
        const axes = parseGrid(sizes.map((n, k) => `p${k}=1..${n}`));
        const total = Number(gridSize(axes));
        expect(total).toBe(sizes.reduce((x, y) => x * y, 1));
        const seen = new Set<string>();
        const expected: string[] = [];
        const loop = (k: number, prefix: string[]): void => {
          if (k === sizes.length) {
            expected.push(prefix.join(","));
            return;
          }
          for (let v = 1; v <= sizes[k]!; v++) loop(k + 1, [...prefix, String(v)]);
        };
        loop(0, []);
        for (let i = 0; i < total; i++) {
          const key = combination(axes, i).join(",");
          seen.add(key);
          expect(key).toBe(expected[i]);
        }
        expect(seen.size).toBe(total);
      }),
    );
  });
});

describe("malformed --grid flags: exact messages", () => {
  const cases: Array<[string[], string]> = [
    [["size"], "--grid size: expected name=values, for example --grid size=1..5:1 or --grid threshold=0.1,0.2,0.4"],
    [["=1,2"], "--grid =1,2: expected name=values, for example --grid size=1..5:1 or --grid threshold=0.1,0.2,0.4"],
    [["9x=1"], "--grid 9x=1: `9x` is not a param name"],
    [["size="], "--grid size=: no values after `=`"],
    [["size=1..x:1"], "--grid size=1..x:1: `x` is not a decimal number"],
    [["size=1..5:0"], "--grid size=1..5:0: the step must be greater than 0, got 0"],
    [["size=1..5:-1"], "--grid size=1..5:-1: the step must be greater than 0, got -1"],
    [["size=5..1"], "--grid size=5..1: the range is empty (5 > 1); write the smaller bound first"],
    [["size=1..5:"], "--grid size=1..5:: expected a step after `:`"],
    [["size=..5"], "--grid size=..5: expected a range a..b or a..b:step with both bounds"],
    [["size=1:2"], "--grid size=1:2: a step (`:step`) needs a range a..b before it"],
    [["size=1..3,5"], "--grid size=1..3,5: a range (a..b:step) and a list (v1,v2) cannot be mixed"],
    [["size=1,,2"], "--grid size=1,,2: empty value in the list"],
    [["size=1,two"], "--grid size=1,two: `two` is not a number (or true/false)"],
    [["size=1,2,1.0"], "--grid size=1,2,1.0: 1 is listed twice"],
    [["size=1e3"], "--grid size=1e3: `1e3` is not a number (or true/false)"],
    [["k=0..1:0.0000001"], "--grid k=0..1:0.0000001: the range has 10000001 values, more than 1,000,000; use a larger step"],
    [["size=1,2", "size=3"], "--grid size=3: param `size` already has a grid (--grid size=1,2); give it one"],
  ];
  it.each(cases)("%j", (flags, message) => {
    expect(() => parseGrid(flags)).toThrow(message);
    try {
      parseGrid(flags);
    } catch (err) {
      expect((err as Error).message).toBe(message);
      expect((err as Error).name).toBe("GridSyntaxError");
    }
  });
});
