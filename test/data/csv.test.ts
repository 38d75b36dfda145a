/**
 * CSV readers: header aliases, every timestamp form (ISO with offsets, epoch s/ms/us/ns), exact
 * fixed-point decimals (checked against BigInt arithmetic with fast-check), gzip streaming over
 * many read chunks, and errors that name file:line:column and the expected format.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "../../cli/errors.js";
import { EventKind, Side } from "../../runtime/events.js";
import { openCsv } from "../../runtime/data/csv/reader.js";
import { parseFixed, parseTimestamp, daysFromCivil } from "../../runtime/data/csv/parse.js";
import { detectFormat, openDataSource } from "../../runtime/data/open.js";

const dir = mkdtempSync(join(tmpdir(), "algo-csv-"));
let n = 0;
function file(text: string | Uint8Array, ext = ".csv"): string {
  const p = join(dir, `f${n++}${ext}`);
  writeFileSync(p, text);
  return p;
}
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const DAY_2024_01_02 = 1_704_153_600; // seconds

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

describe("CSV field parsers", () => {
  it("parses decimals exactly (property, against BigInt)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 9 }), (units, dec) => {
        const scale = 10n ** BigInt(dec);
        const neg = units < 0n;
        const abs = neg ? -units : units;
        const text = `${neg ? "-" : ""}${abs / scale}${dec > 0 ? "." + (abs % scale).toString().padStart(dec, "0") : ""}`;
        const b = bytes(text);
        expect(parseFixed(b, 0, b.length, dec)).toBe(Number(units));
      }),
      { numRuns: 500 },
    );
  });

  it("rejects decimals beyond the scale, garbage and empty fields", () => {
    const p = (s: string, d: number) => parseFixed(bytes(s), 0, s.length, d);
    expect(p("1.25", 1)).toBeNaN();
    expect(p("1.20", 1)).toBe(12);
    expect(p("1e3", 9)).toBeNaN();
    expect(p("", 9)).toBeNaN();
    expect(p("-", 9)).toBeNaN();
    expect(p(".5", 1)).toBe(5);
  });

  it("parses ISO-8601 and epoch timestamps to ns since the base", () => {
    const t = (s: string) => parseTimestamp(bytes(s), 0, s.length, DAY_2024_01_02);
    const at1430 = 14.5 * 3600e9;
    expect(t("2024-01-02T14:30:00Z")).toBe(at1430);
    expect(t("2024-01-02 14:30:00.123456789Z")).toBe(at1430 + 123456789);
    expect(t("2024-01-02T09:30:00-05:00")).toBe(at1430);
    expect(t("2024-01-02T15:30:00+0100")).toBe(at1430);
    expect(t("2024-01-02T14:30")).toBe(at1430);
    expect(t("2024-01-02")).toBe(0);
    expect(t("1704205800")).toBe(at1430);
    expect(t("1704205800.5")).toBe(at1430 + 5e8);
    expect(t("1704205800123")).toBe(at1430 + 123e6);
    expect(t("1704205800123456")).toBe(at1430 + 123456e3);
    expect(t("1704205800123456789")).toBe(at1430 + 123456789);
    expect(t("2024-13-02")).toBeNaN();
    expect(t("yesterday")).toBeNaN();
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2024, 1, 2)).toBe(DAY_2024_01_02 / 86400);
  });
});

describe("CSV trades and bars", () => {
  it("reads trades with aliases, sides and symbols", () => {
    const p = file("Time;PX;Qty;Side;Ticker\n2024-01-02T14:30:00Z;4801.25;3;BUY;ESH4\n2024-01-02T14:30:01Z;4801.5;1;s;NQH4\n2024-01-02T14:30:02Z;4801.75;2;;ESH4\n");
    const r = openCsv(p);
    expect(r.kind).toBe("trades");
    const got: unknown[] = [];
    while (r.next()) {
      const e = r.event;
      got.push([e.kind, r.instruments[e.instrument].symbol, e.ts, e.price, e.size, e.aggressor]);
    }
    expect(got).toEqual([
      [EventKind.Trade, "ESH4", 14.5 * 3600e9, 4_801_250_000_000, 3, Side.Bid],
      [EventKind.Trade, "NQH4", 14.5 * 3600e9 + 1e9, 4_801_500_000_000, 1, Side.Ask],
      [EventKind.Trade, "ESH4", 14.5 * 3600e9 + 2e9, 4_801_750_000_000, 2, Side.None],
    ]);
    expect(r.timeBase).toBe(BigInt(DAY_2024_01_02) * 1_000_000_000n);
    expect(r.instruments[0].priceScale).toBe(1e-9);
  });

  it("reads OHLCV bars and infers the bar length", () => {
    const p = file('ts,o,h,l,c,v\n"1704205800","1.5","2","1","1.75","100"\n1704205860,1.75,2.5,1.5,2,200\n1704205920,2,2,2,2,0\n');
    const r = openCsv(p, { symbol: "X" });
    expect(r.kind).toBe("bars");
    const rows: number[][] = [];
    while (r.next()) rows.push([r.event.kind, r.event.ts, r.event.open, r.event.high, r.event.low, r.event.close, r.event.volume, r.event.aux]);
    expect(rows).toEqual([
      [EventKind.Bar, 14.5 * 3600e9, 1.5e9, 2e9, 1e9, 1.75e9, 100, 60e9],
      [EventKind.Bar, 14.5 * 3600e9 + 60e9, 1.75e9, 2.5e9, 1.5e9, 2e9, 200, 60e9],
      [EventKind.Bar, 14.5 * 3600e9 + 120e9, 2e9, 2e9, 2e9, 2e9, 0, 60e9],
    ]);
    expect(r.instruments[0].symbol).toBe("X");
  });

  it("streams a gzip file larger than the read buffer, lines split across chunks", () => {
    const lines = ["timestamp,price,size"];
    for (let i = 0; i < 80_000; i++) lines.push(`${1704205800000000000 + i * 1000},${(100 + i / 100).toFixed(2)},${(i % 9) + 1}`);
    const text = `${lines.join("\r\n")}\r\n`;
    expect(text.length).toBeGreaterThan(1 << 21);
    const p = file(gzipSync(bytes(text)), ".csv.gz");
    expect(detectFormat(p)).toBe("csv");
    const { source } = openDataSource(p);
    let i = 0;
    let sumSize = 0;
    while (source.next()) {
      expect(source.event.ts).toBe(14.5 * 3600e9 + i * 1000);
      expect(source.event.price).toBe((10000 + i) * 1e7);
      sumSize += source.event.size;
      i++;
    }
    expect(i).toBe(80_000);
    let expected = 0;
    for (let k = 0; k < 80_000; k++) expected += (k % 9) + 1;
    expect(sumSize).toBe(expected);
  });

  it("names file:line:column and the expected format on a bad price", () => {
    const p = file("timestamp,price,size\n2024-01-02T14:30:00Z,4801.25,3\n2024-01-02T14:30:01Z,48o1.5,1\n");
    const r = openCsv(p);
    expect(r.next()).toBe(true);
    const err = errorOf(() => r.next());
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`${p}:3:22: expected a decimal price with at most 9 decimal places in column "price", found "48o1.5"`);
  });

  it("names the line of a bad timestamp, a short row, a bad side", () => {
    const bad = (text: string, re: RegExp) => {
      const p = file(text);
      const err = errorOf(() => {
        const r = openCsv(p);
        while (r.next());
      });
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(re);
      expect(err.message).toContain(p);
    };
    bad("timestamp,price,size\nnoon,1,1\n", /:2:1: expected a timestamp/);
    bad("timestamp,price,size\n2024-01-02,1,1\n2024-01-02,1\n", /:3:\d+: expected 3 fields as in the header, found 2/);
    bad("timestamp,price,size,side\n2024-01-02,1,1,maybe\n", /:2:\d+: expected a side/);
    bad("timestamp,price,size\n2024-01-02,1,1.5\n", /expected a size with at most 0 decimal places/);
  });

  it("rejects a header without the needed columns, listing both layouts", () => {
    const p = file("when,what\n1,2\n");
    const err = errorOf(() => openCsv(p));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/:1:1: the CSV header \(when,what\) lacks a time column.*expected trades \(timestamp,price,size\[,side\]\[,symbol\]\) or bars/);
  });

  it("unknown formats list the supported ones", () => {
    const p = file(new Uint8Array([0, 1, 2, 3, 4, 5]), ".bin");
    const err = errorOf(() => openDataSource(p));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/unrecognised data format \(starts with bytes 00 01 02 03\); supported: DBN v1-v3.*LOBSTER.*CSV/);
  });
});
