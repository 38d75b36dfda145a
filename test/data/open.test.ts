/**
 * `openDataSource` format detection on real files of every kind (DBN plain / zstd / fragment /
 * legacy DBZ, LOBSTER plain and gzip, CSV) and the shared time base option.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/events.js";
import { detectFormat, openDataSource } from "../../runtime/data/open.js";
import { sharedData } from "../support/shared-data.js";

const dbn = sharedData("dbn");
const lobster = sharedData("lobster");

describe.skipIf(!dbn || !lobster)("openDataSource on ../shared/data", () => {
  const cases: Array<[string, string, EventKind]> = [
    ["dbn/test_data.mbo.v3.dbn", "dbn", EventKind.Cancel],
    ["dbn/test_data.trades.v1.dbn.zst", "dbn", EventKind.Trade],
    ["dbn/test_data.definition.v1.dbn.frag", "dbn-fragment", EventKind.Definition],
    ["dbn/multi-frame.definition.v1.dbn.frag.zst", "dbn-fragment", EventKind.Definition],
    ["dbn/test_data.ohlcv-1m.dbz", "dbz", EventKind.Bar],
    ["lobster/GOOG_2012-06-21_1/GOOG_2012-06-21_34200000_57600000_message_1.csv", "lobster", EventKind.Execute],
    ["lobster/GOOG_2012-06-21_5/GOOG_2012-06-21_34200000_57600000_message_5.csv.gz", "lobster", EventKind.Execute],
  ];
  for (const [rel, format, firstKind] of cases) {
    it(`detects ${rel} as ${format}`, () => {
      const path = sharedData(rel)!;
      expect(detectFormat(path)).toBe(format);
      const { format: f, source } = openDataSource(path);
      expect(f).toBe(format);
      expect(source.next()).toBe(true);
      expect(source.event.kind).toBe(firstKind);
      source.close();
    });
  }

  it("the multi-frame zstd fragment yields all 8 definitions", () => {
    const { source } = openDataSource(sharedData("dbn/multi-frame.definition.v1.dbn.frag.zst")!);
    let n = 0;
    while (source.next()) n++;
    expect(n).toBe(8);
  });

  it("puts several files on one time base", () => {
    const a = openDataSource(sharedData("dbn/test_data.mbo.v3.dbn")!).source;
    const base = a.timeBase - 3_600_000_000_000n; // one hour earlier
    const b = openDataSource(sharedData("dbn/test_data.mbo.v3.dbn")!, { timeBase: base }).source;
    expect(a.next() && b.next()).toBe(true);
    expect(b.timeBase).toBe(base);
    expect(b.event.ts - a.event.ts).toBe(3600e9);
  });

  it("detects a CSV by its header (a UTF-8 byte-order mark is allowed)", () => {
    const p = join(mkdtempSync(join(tmpdir(), "algo-open-")), "prices.txt");
    writeFileSync(p, "\uFEFFdate,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,10\n");
    expect(detectFormat(p)).toBe("csv");
    const { source } = openDataSource(p);
    expect(source.next()).toBe(true);
    expect(source.event.kind).toBe(EventKind.Bar);
  });
});
