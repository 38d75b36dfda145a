// Infinities in the CSV outputs: one spelling everywhere ("Infinity" / "-Infinity"), read back as
// numbers by JavaScript's Number() (and pandas / Python's float(), which accept it too).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { num } from "../../runtime/analytics/write.js";
import { FeatureTable } from "../../runtime/features/table.js";
import { writeFeatureTable } from "../../runtime/features/write.js";

describe("CSV infinities", () => {
  it("report CSVs and feature CSVs write ±Infinity the same way, and it reads back", () => {
    expect(num(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(num(Number.NEGATIVE_INFINITY)).toBe("-Infinity");
    expect(num(Number.NaN)).toBe("");
    const dir = mkdtempSync(join(tmpdir(), "algo-inf-"));
    try {
      const t = new FeatureTable(["a", "b"], 1_700_000_000_000_000_000n, 4);
      t.row(1, new Float64Array([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]));
      t.row(2, new Float64Array([Number.NaN, 1.5]));
      writeFeatureTable(t, join(dir, "f.csv"), "csv");
      const lines = readFileSync(join(dir, "f.csv"), "utf8").trim().split("\n");
      expect(lines[0]).toBe("ts,ts_ns,a,b");
      const r1 = lines[1]!.split(",");
      expect(r1.slice(2)).toEqual([num(Number.POSITIVE_INFINITY), num(Number.NEGATIVE_INFINITY)]);
      expect(r1.slice(2).map(Number)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      expect(lines[2]!.split(",").slice(2)).toEqual(["", "1.5"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
