/**
 * Every stdlib operator allocates nothing in steady state: test/stdlib/allocation-driver.ts feeds
 * each one (count and duration classes, built from the catalogue's metadata) a warm-up stream and
 * then 1,000,000 measured updates in a child process whose young generation is 1 MB, and reports
 * the garbage collections that started during the measured updates. An operator that allocated
 * one boxed double (16 bytes) per update would show ~15 collections; the assertion is 0 for all.
 * The count does not depend on timing: `--no-concurrent-recompilation` makes V8 optimise on the
 * main thread at deterministic points, and a collection counts by its start time (inside the
 * measured updates), not by when its entry is delivered, so a loaded machine changes how long this
 * takes, not what it counts.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OPERATORS, qualifiedName } from "../../stdlib/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Row {
  name: string;
  updates: number;
  gcs: number;
}

describe("allocation", () => {
  it("no operator triggers a garbage collection in 1M steady-state updates (1 MB young generation)", () => {
    const out = execFileSync(
      process.execPath,
      [
        "--expose-gc",
        "--max-semi-space-size=1",
        "--no-concurrent-recompilation",
        "--import",
        "tsx",
        "test/stdlib/allocation-driver.ts",
      ],
      { cwd: root, encoding: "utf8", maxBuffer: 1 << 24 },
    );
    const rows = out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Row);
    // Every operator of the catalogue was measured (aliases share a row with their twin).
    const measured = new Set(rows.map((r) => r.name.replace(/\(.*$/, "")));
    const aliases: Record<string, string> = { mean: "sma", rolling_min: "lowest", rolling_max: "highest" };
    for (const op of OPERATORS) {
      const q = qualifiedName(op);
      expect(measured.has(aliases[q] ?? q), `${q} measured`).toBe(true);
    }
    expect(rows.every((r) => r.updates === 1_000_000)).toBe(true);
    const allocating = rows.filter((r) => r.gcs !== 0).map((r) => `${r.name}: ${r.gcs} GCs`);
    expect(allocating).toEqual([]);
  }, 900_000);
});
