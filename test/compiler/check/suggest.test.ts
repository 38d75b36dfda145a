/**
 * "Did you mean": the edit distance against an independent full-matrix implementation, its
 * properties, and the suggestions the checker makes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkText, editDistance, suggest } from "../../../compiler/index.js";

/** Optimal-string-alignment distance by the textbook full matrix (the oracle). */
function naiveOsa(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push([]);
    for (let j = 0; j <= b.length; j++) {
      if (i === 0) d[i]![j] = j;
      else if (j === 0) d[i]![j] = i;
      else {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
        d[i]![j] = v;
      }
    }
  }
  return d[a.length]![b.length]!;
}

const word = fc.string({ unit: fc.constantFrom("a", "b", "c", "e", "m", "_"), maxLength: 9 });

describe("edit distance", () => {
  it("matches the full-matrix oracle", () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        expect(editDistance(a, b)).toBe(naiveOsa(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it("is symmetric, zero exactly on equal strings, at most the longer length", () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("emaa", "ema")).toBe(1);
    expect(editDistance("mdi", "mid")).toBe(1);
    expect(editDistance("zscore", "zcsore")).toBe(1);
  });
});

describe("suggestions", () => {
  it("picks the closest name within the length-scaled limit", () => {
    expect(suggest("emaa", ["sma", "ema", "wma"])).toBe("ema");
    expect(suggest("Ema", ["ema"])).toBe("ema");
    expect(suggest("qwertyuiop", ["ema", "sma"])).toBeUndefined();
    expect(suggest("x", ["ema"])).toBeUndefined();
  });

  it("suggests names in scope and stdlib operators in diagnostics", () => {
    const src = 'strategy T "t"\ninstrument es = "ESZ4"\nfeatures {\n  midpoint = book.mid(es)\n  f = ema(midpont, 20)\n  g = zscor(midpoint, 50)\n}\non book(es) { record("f", f)\n record("g", g) }\n';
    const hints = checkText(src, "t.algo", { analyses: [] }).diagnostics.map((d) => [d.code, d.hint]);
    expect(hints).toEqual([
      ["E0201", "did you mean `midpoint`?"],
      ["E0204", "did you mean `zscore`?"],
    ]);
  });
});
