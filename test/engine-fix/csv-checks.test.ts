// CSV trades: a row going back in time and a size that is not positive are errors naming
// file:line:col and what was expected (they were accepted silently).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openCsv } from "../../runtime/data/csv/reader.js";

const dir = mkdtempSync(join(tmpdir(), "algo-engfix-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readAll(name: string, text: string): { error?: string; events: number } {
  const path = join(dir, name);
  writeFileSync(path, text);
  let events = 0;
  try {
    const r = openCsv(path, {});
    while (r.next()) events++;
    r.close();
    return { events };
  } catch (e) {
    return { error: (e as Error).message, events };
  }
}

const HEAD = "timestamp,price,size,side\n";

describe("CSV trade checks", () => {
  it("a timestamp going backwards is an error at its line and column", () => {
    const r = readAll("back.csv", `${HEAD}2024-03-05T14:30:05Z,100,3,B\n2024-03-05T14:30:00Z,101,2,B\n`);
    expect(r.error).toBe(
      `${join(dir, "back.csv")}:3:1: expected a time at or after the previous row's (rows in non-decreasing time order) in column "timestamp", found "2024-03-05T14:30:00Z"`,
    );
  });

  it("equal timestamps are fine", () => {
    const r = readAll("eq.csv", `${HEAD}2024-03-05T14:30:05Z,100,3,B\n2024-03-05T14:30:05Z,101,2,S\n2024-03-05T14:30:06Z,101,1,S\n`);
    expect(r).toEqual({ events: 3 });
  });

  it("a negative or zero size is an error at its line and column", () => {
    const neg = readAll("neg.csv", `${HEAD}2024-03-05T14:30:05Z,100,3,B\n2024-03-05T14:30:06Z,101,-2,B\n`);
    expect(neg.error).toBe(`${join(dir, "neg.csv")}:3:26: expected a size > 0 in column "size", found "-2"`);
    const zero = readAll("zero.csv", `${HEAD}2024-03-05T14:30:05Z,100,0,B\n`);
    expect(zero.error).toBe(`${join(dir, "zero.csv")}:2:26: expected a size > 0 in column "size", found "0"`);
  });
});
