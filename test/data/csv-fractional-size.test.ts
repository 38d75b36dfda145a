/**
 * A CSV of crypto trades or bars has fractional sizes (0.006 BTC). The reader counts sizes in
 * whole lots (`algo backtest` has no option for size decimals), and its error named the column
 * but not the way out: it now says to convert with `algo data convert --size-decimals N` — and
 * that conversion reads the same file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCsv } from "../../runtime/data/csv/reader.js";

const dir = mkdtempSync(join(tmpdir(), "algo-csv-frac-"));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("no error");
}

describe("fractional sizes in CSV data", () => {
  it("trades: the error says how to convert the file", () => {
    const p = join(dir, "btc.csv");
    writeFileSync(p, "timestamp,symbol,price,qty,side\n1723161256322,BTCUSDT,61800.30,0.006,B\n");
    const msg = errorOf(() => openCsv(p).next());
    expect(msg).toBe(
      `${p}:2:32: expected a size with at most 0 decimal places in column "qty", found "0.006"; sizes count whole lots: convert the file with \`algo data convert ${p} -o OUT.dbn --size-decimals N\` (N = the decimals your sizes have; one lot is then 10^-N units) and use the .dbn`,
    );
    const r = openCsv(p, { sizeDecimals: 3 });
    expect(r.next()).toBe(true);
    expect(r.event.size).toBe(6);
  });

  it("bars: the same for a fractional volume; a malformed size gets no such hint", () => {
    const p = join(dir, "bars.csv");
    writeFileSync(p, "datetime,open,high,low,close,volume\n2024-08-08T23:54:00Z,61800.30,61839.8,61800.0,61807.80,125.967\n");
    expect(errorOf(() => openCsv(p).next())).toContain("--size-decimals N");
    const q = join(dir, "bad.csv");
    writeFileSync(q, "timestamp,price,size\n2024-01-02T14:30:00Z,4801.25,3x\n");
    expect(errorOf(() => openCsv(q).next())).toBe(`${q}:2:30: expected a size with at most 0 decimal places in column "size", found "3x"`);
  });
});
