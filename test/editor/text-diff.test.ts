// The edit region between two texts (editor/server/text-diff.ts), which the server uses to carry
// diagnostics onto a new version and to reuse an analysis for completion: the texts agree outside
// it, it is as small as a single region can be, and spans outside it keep their characters.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { editRegion, mapOffset } from "../../editor/server/text-diff.js";

// Small alphabets, so that random texts share long prefixes and suffixes.
const text = fc.string({ unit: fc.constantFrom("a", "b", "\n", " "), maxLength: 30 });

describe("editRegion", () => {
  it("leaves equal text outside one minimal region, and spans outside it keep their characters", () => {
    fc.assert(
      fc.property(text, text, text, (prefix, middle, suffix) => {
        const before = prefix + suffix;
        const after = prefix + middle + suffix;
        for (const [x, y] of [[before, after], [after, before]] as const) {
          const r = editRegion(x, y);
          expect(x.slice(0, r.start)).toBe(y.slice(0, r.start));
          expect(x.slice(r.oldEnd)).toBe(y.slice(r.newEnd));
          // Minimal: the region cannot start later or end earlier.
          if (r.start < r.oldEnd && r.start < r.newEnd) expect(x[r.start]).not.toBe(y[r.start]);
          if (r.start < r.oldEnd && r.start < r.newEnd) expect(x[r.oldEnd - 1]).not.toBe(y[r.newEnd - 1]);
          expect(Math.min(r.oldEnd - r.start, r.newEnd - r.start)).toBeLessThanOrEqual(Math.abs(x.length - y.length) + middle.length);
          for (let o = 0; o < x.length; o++) {
            if (o >= r.start && o < r.oldEnd) continue;
            // A character outside the region is found at its mapped start; a span ending just
            // after it ends just after it in the new text too.
            expect(y[mapOffset(r, o, "start")]).toBe(x[o]);
            expect(y[mapOffset(r, o + 1, "end") - 1]).toBe(x[o]);
          }
          // A non-empty span stays a span: its mapped start is not after its mapped end.
          for (let s = 0; s < x.length; s++) expect(mapOffset(r, s, "start")).toBeLessThanOrEqual(mapOffset(r, s + 1, "end"));
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it("is empty for equal texts", () => {
    expect(editRegion("abc", "abc")).toEqual({ start: 3, oldEnd: 3, newEnd: 3 });
  });
});
