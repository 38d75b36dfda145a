/**
 * LOBSTER conformance: for every LOBSTER day under the shared data folder, replay the messages and
 * check, after EVERY message, that the book equals the orderbook file's row at every level (prices
 * and sizes, empty levels as LOBSTER writes them). The comparison here is independent of the
 * replay's own counters.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Side } from "../../runtime/events.js";
import {
  LOBSTER_EMPTY_ASK_PRICE,
  LOBSTER_EMPTY_BID_PRICE,
  LobsterReplay,
  isLobsterMessageFile,
  openLobster,
} from "../../runtime/data/lobster/index.js";
import { sharedData } from "../support/shared-data.js";

const root = sharedData("lobster");
const days: Array<{ name: string; path: string }> = [];
if (root !== undefined) {
  for (const d of readdirSync(root).sort()) {
    if (!existsSync(join(root, d))) continue;
    for (const f of readdirSync(join(root, d))) if (isLobsterMessageFile(f)) days.push({ name: d, path: join(root, d, f) });
  }
}

describe.skipIf(root === undefined)("LOBSTER conformance (every day in shared data)", () => {
  it("finds the LOBSTER days of MANIFEST.md (levels 1, 5, 10; AAPL and GOOG; .csv.gz)", () => {
    expect(days.map((d) => d.name)).toEqual(["AAPL_2012-06-21_1", "GOOG_2012-06-21_1", "GOOG_2012-06-21_10", "GOOG_2012-06-21_5"]);
    expect(days.some((d) => d.path.endsWith(".csv.gz"))).toBe(true);
  });

  for (const day of days) {
    it(`${day.name}: the book equals the orderbook row after every message`, () => {
      const src = openLobster(day.path);
      const replay = new LobsterReplay(src);
      const n = src.levels;
      const row = src.bookRow;
      const book = replay.book;
      let rows = 0;
      let badRows = 0;
      let firstBad = "";
      while (replay.step()) {
        rows++;
        let ok = true;
        for (let i = 0; i < n && ok; i++) {
          const ap = book.levelPrice(Side.Ask, i);
          const bp = book.levelPrice(Side.Bid, i);
          const askPx = Number.isNaN(ap) ? LOBSTER_EMPTY_ASK_PRICE : ap;
          const bidPx = Number.isNaN(bp) ? LOBSTER_EMPTY_BID_PRICE : bp;
          if (
            askPx !== row[4 * i] ||
            book.levelSize(Side.Ask, i) !== row[4 * i + 1] ||
            bidPx !== row[4 * i + 2] ||
            book.levelSize(Side.Bid, i) !== row[4 * i + 3]
          ) {
            ok = false;
          }
        }
        if (!ok) {
          badRows++;
          if (firstBad === "") firstBad = `row ${src.row}`;
        }
        // Sanity of the book itself: never crossed after a message.
        if (book.levels(Side.Bid) > 0 && book.levels(Side.Ask) > 0 && !(book.bestBid() < book.bestAsk())) {
          badRows++;
          if (firstBad === "") firstBad = `row ${src.row} crossed`;
        }
      }
      src.close();
      console.log(
        `[lobster] ${day.name}: ${rows} rows, ${n} levels; seeded ${replay.seededLevels} levels; levels taken from the orderbook file on window entry: ${replay.levelsFromFile} (${replay.levelsCorrected} differed from the book); stale levels dropped ${replay.staleLevelsDropped}; anonymous draws ${replay.anonymousDraws} (uncovered ${replay.unexplainedDraws}); size repairs ${replay.sizeRepairs}`,
      );
      expect(firstBad).toBe("");
      expect(badRows).toBe(0);
      expect(replay.mismatchedRows).toBe(0);
      expect(book.anomalies.total()).toBe(0);
      expect(rows).toBeGreaterThan(40_000);
    });
  }

  it("decodes times exactly (ns after US Eastern midnight), ids, sides and the time base", () => {
    const goog = days.find((d) => d.name === "GOOG_2012-06-21_10");
    expect(goog).toBeDefined();
    const src = openLobster(goog!.path);
    expect(src.next()).toBe(true);
    // 34200.015105074,4,15818974,4,5794000,1
    const ev = src.event;
    expect(ev.ts).toBe(34_200_015_105_074);
    expect(ev.orderIdLo).toBe(15818974);
    expect(ev.orderIdHi).toBe(0);
    expect(ev.size).toBe(4);
    expect(ev.price).toBe(5794000);
    expect(ev.side).toBe(Side.Bid);
    expect(ev.aggressor).toBe(Side.Ask);
    expect(src.bookRow[2]).toBe(5794000);
    expect(src.bookRow[3]).toBe(496);
    expect(src.next()).toBe(true);
    expect(src.event.ts).toBe(34_200_059_901_970); // "34200.05990197": 8 decimals
    // 2012-06-21 is summer time: midnight EDT = 04:00 UTC.
    expect(src.timeBase).toBe(BigInt(Date.UTC(2012, 5, 21, 4)) * 1_000_000n);
    expect(src.instruments[0].symbol).toBe("GOOG");
    expect(src.instruments[0].priceScale).toBe(1e-4);
    src.close();
  });

  it("reads .csv.gz transparently (row count and last time as MANIFEST.md records)", () => {
    const gz = days.find((d) => d.path.endsWith(".csv.gz"));
    expect(gz).toBeDefined();
    const src = openLobster(gz!.path);
    let rows = 0;
    let lastTs = 0;
    let sizeSum = 0;
    while (src.next()) {
      rows++;
      expect(src.event.ts).toBeGreaterThanOrEqual(lastTs);
      lastTs = src.event.ts;
      sizeSum += src.event.size;
    }
    src.close();
    // MANIFEST.md: 112,673 rows, last time 57599.871751084.
    expect(rows).toBe(112_673);
    expect(lastTs).toBe(57_599_871_751_084);
    expect(sizeSum).toBeGreaterThan(0);
  });
});
