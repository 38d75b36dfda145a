/**
 * LOBSTER reader on hand-written files: exact decoding of every message type, the seeded replay on
 * a tiny day with pre-open depth and a level entering the window, and a clear error (file:line:col,
 * what was expected) for each kind of bad input — corrupt, truncated and wrong-format files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { EventKind, Side } from "../../runtime/events.js";
import { DataFormatError, LobsterReplay, openLobster } from "../../runtime/data/lobster/index.js";
import { Market } from "../../runtime/book/market.js";
import { LobsterMboSource } from "../../runtime/data/lobster-mbo.js";

const dir = mkdtempSync(join(tmpdir(), "algo-lobster-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function day(name: string, messages: string, orderbook: string | undefined, gzip = false): string {
  const ext = gzip ? ".csv.gz" : ".csv";
  const enc = (s: string) => (gzip ? gzipSync(Buffer.from(s)) : s);
  const mp = join(dir, `${name}_2012-01-03_34200000_57600000_message_2${ext}`);
  writeFileSync(mp, enc(messages));
  if (orderbook !== undefined) writeFileSync(join(dir, `${name}_2012-01-03_34200000_57600000_orderbook_2${ext}`), enc(orderbook));
  return mp;
}

const E = 9999999999;
// Two levels. Pre-open: bid 100.00 x 300 (anonymous), bid 99.90 x 50, ask 100.10 x 200, ask 100.20 x 10.
const MSG = [
  "34200.5,1,11,100,1001000,-1", // add ask 100.10 x100 → ask1 300
  "34201,2,11,40,1001000,-1", // partial cancel 40
  "34201.000000001,4,77,120,1000000,1", // execution of pre-open bid order 77 (unknown id) → 180
  "34202,5,0,30,1000500,1", // hidden execution, no change
  "34203,3,11,60,1001000,-1", // delete the rest of 11 → ask1 200
  "34204,4,78,180,1000000,1", // pre-open bid level executes fully → bid 99.90 is the touch, 99.80 enters
  "34205,7,0,0,-1,-1", // halt
].join("\n");
const ROWS = [
  `1001000,300,1000000,300,1002000,10,999000,50`,
  `1001000,260,1000000,300,1002000,10,999000,50`,
  `1001000,260,1000000,180,1002000,10,999000,50`,
  `1001000,260,1000000,180,1002000,10,999000,50`,
  `1001000,200,1000000,180,1002000,10,999000,50`,
  `1001000,200,999000,50,1002000,10,998000,25`,
  `1001000,200,999000,50,1002000,10,998000,25`,
].join("\n");

describe("LOBSTER reader on hand-written days", () => {
  it("maps every message type to its event kind with exact times", () => {
    const src = openLobster(day("MAP", MSG, ROWS));
    const kinds: number[] = [];
    const ts: number[] = [];
    const aggr: number[] = [];
    while (src.next()) {
      kinds.push(src.event.kind);
      ts.push(src.event.ts);
      aggr.push(src.event.aggressor);
    }
    expect(kinds).toEqual([EventKind.Add, EventKind.Cancel, EventKind.Execute, EventKind.Trade, EventKind.Delete, EventKind.Execute, EventKind.Status]);
    expect(ts).toEqual([34_200_500_000_000, 34_201_000_000_000, 34_201_000_000_001, 34_202_000_000_000, 34_203_000_000_000, 34_204_000_000_000, 34_205_000_000_000]);
    expect(aggr[2]).toBe(Side.Ask); // execution of a resting buy: seller-initiated
    expect(aggr[3]).toBe(Side.Ask);
    expect(src.event.aux).toBe(-1); // halt code
    // 2012-01-03 is winter time: midnight EST = 05:00 UTC.
    expect(src.timeBase).toBe(BigInt(Date.UTC(2012, 0, 3, 5)) * 1_000_000n);
    src.close();
  });

  for (const gzip of [false, true]) {
    it(`replays a day starting mid-state (${gzip ? ".csv.gz" : ".csv"}): seeds, draws down pre-open depth, takes the entering level from the file`, () => {
      const src = openLobster(day(gzip ? "REPG" : "REP", MSG, ROWS, gzip));
      const r = new LobsterReplay(src);
      const seen: string[] = [];
      while (r.step()) {
        const b = r.book;
        seen.push([b.levelPrice(Side.Ask, 0), b.levelSize(Side.Ask, 0), b.levelPrice(Side.Bid, 0), b.levelSize(Side.Bid, 0), b.levelPrice(Side.Ask, 1), b.levelSize(Side.Ask, 1), b.levelPrice(Side.Bid, 1), b.levelSize(Side.Bid, 1)].join(","));
      }
      src.close();
      expect(seen).toEqual(ROWS.split("\n"));
      expect(r.mismatchedRows).toBe(0);
      expect(r.seededLevels).toBe(4);
      expect(r.anonymousDraws).toBe(2);
      expect(r.unexplainedDraws).toBe(0);
      expect(r.levelsFromFile).toBe(1); // bid 99.80 x 25 at row 6 (beyond the row-5 window)
      expect(r.levelsCorrected).toBe(1); // the book had nothing there
      // Pre-open depth is anonymous and first in the queue: order 11 was behind 200 shares.
      expect(r.book.orders()).toBeGreaterThan(0);
    });
  }

  it("as an EventSource adopted by a Market: the Market's view is the exact, seeded book", () => {
    const replay = new LobsterReplay(openLobster(day("ADOPT", MSG, ROWS)));
    const market = new Market();
    market.adopt(0, replay.book);
    const seen: string[] = [];
    while (replay.next()) {
      market.apply(replay.event); // must not apply the order events a second time
      const v = market.view(0)!;
      seen.push([v.levelPrice(Side.Ask, 0), v.levelSize(Side.Ask, 0), v.levelPrice(Side.Bid, 0), v.levelSize(Side.Bid, 0), v.levelPrice(Side.Ask, 1), v.levelSize(Side.Ask, 1), v.levelPrice(Side.Bid, 1), v.levelSize(Side.Bid, 1)].join(","));
    }
    replay.close();
    expect(seen).toEqual(ROWS.split("\n"));
    expect(market.anomalies().total()).toBe(0);
    expect(replay.instruments[0].symbol).toBe("ADOPT");
  });

  it("queue priority: a pre-open level's anonymous depth is ahead of orders added in the file", () => {
    const src = openLobster(day("Q", MSG.split("\n").slice(0, 1).join("\n"), ROWS.split("\n").slice(0, 1).join("\n")));
    const r = new LobsterReplay(src);
    expect(r.step()).toBe(true);
    expect(r.book.queueAhead(0, 11)).toBe(200);
    src.close();
  });

  it("refuses to replay without the orderbook file: a clear error naming the file it expected", () => {
    const src = openLobster(day("NOBOOK", MSG, undefined));
    expect(src.levels).toBe(0);
    expect(src.dataLevels).toBe(2);
    let err: unknown;
    try {
      new LobsterReplay(src);
    } catch (e) {
      err = e;
    }
    src.close();
    expect(err).toBeInstanceOf(DataFormatError);
    const msg = (err as Error).message;
    expect(msg).toContain("NOBOOK_2012-01-03_34200000_57600000_message_2.csv:1:1: expected its paired orderbook file");
    expect(msg).toContain("NOBOOK_2012-01-03_34200000_57600000_orderbook_2.csv[.gz]");
    expect(msg).toContain("--lobster-book");
  });

  it("the self-contained MBO source (backtest, features, convert) refuses a missing orderbook file too", () => {
    expect(() => new LobsterMboSource(day("NOBOOK2", MSG, undefined))).toThrow(DataFormatError);
  });
});

describe("LOBSTER bad input: clear errors", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["time not a number", "abc,1,1,1,1,1", /:1:1: expected time/],
    ["too many decimals", "34200.0123456789,1,1,1,1,1", /:1:\d+: expected time with at most 9 fractional digits/],
    ["bad type", "34200,9,1,1,1,1", /:1:1: expected message type 1\.\.7/],
    ["missing column", "34200,1,1,1,1", /:1:14: expected ',' after price/],
    ["extra column", "34200,1,1,1,1,1,1", /:1:\d+: expected end of line after direction/],
    ["bad direction", "34200,1,1,1,1,0", /:1:\d+: expected direction 1 or -1/],
    ["letters in size", "34200.1,1,1,1x,1,1", /:1:14: expected ',' after size/],
    ["second row bad", "34200,1,1,1,1,1\n34200,1,2,,1,1", /:2:11: expected size/],
  ];
  for (const [what, text, re] of cases) {
    it(what, () => {
      const src = openLobster(day("BAD", text, undefined));
      let err: unknown;
      try {
        while (src.next()) {
          /* read */
        }
      } catch (e) {
        err = e;
      }
      src.close();
      expect(err).toBeInstanceOf(DataFormatError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).toContain("BAD_2012-01-03");
    });
  }

  it("time going backwards is an error naming the row and both times", () => {
    const back = MSG.split("\n");
    back[3] = "34200.9,5,0,30,1000500,1"; // row 4 is earlier than row 3 (34201.000000001)
    const src = openLobster(day("BACK", back.join("\n"), ROWS));
    let n = 0;
    let err: unknown;
    try {
      while (src.next()) n++;
    } catch (e) {
      err = e;
    }
    src.close();
    expect(n).toBe(3);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as Error).message).toMatch(
      /BACK_2012-01-03_34200000_57600000_message_2\.csv:4:1: expected a time at or after the previous row's 34201\.000000001 s .*found 34200\.900000000 s, which goes backwards/,
    );
  });

  it("equal times are fine (several messages in one nanosecond)", () => {
    const same = MSG.split("\n");
    same[1] = "34200.5,2,11,40,1001000,-1";
    const src = openLobster(day("SAME", same.join("\n"), ROWS));
    let n = 0;
    while (src.next()) n++;
    src.close();
    expect(n).toBe(7);
  });

  it("orderbook file shorter than the message file", () => {
    const src = openLobster(day("SHORT", MSG, ROWS.split("\n").slice(0, 3).join("\n")));
    expect(() => {
      while (src.next()) {
        /* read */
      }
    }).toThrow(/orderbook_2\.csv:4:1: expected a row for message row 4/);
    src.close();
  });

  it("orderbook row with a missing column", () => {
    const src = openLobster(day("ROWCOL", MSG, "1001000,300,1000000,300,1002000,10,999000"));
    expect(() => src.next()).toThrow(/orderbook_2\.csv:1:\d+: expected ',' after price/);
    src.close();
  });

  it("truncated gzip", () => {
    const mp = join(dir, "TRUNC_2012-01-03_34200000_57600000_message_2.csv.gz");
    const rows = Array.from({ length: 14000 }, (_, i) => `${34200 + i / 1000},1,${i + 1},100,1000000,1`).join("\n");
    const full = gzipSync(Buffer.from(rows));
    writeFileSync(mp, full.subarray(0, full.length >> 1));
    const src = openLobster(mp, { orderbook: false });
    expect(() => {
      while (src.next()) {
        /* read */
      }
    }).toThrow(/unexpected end of file|gzip/);
    src.close();
  });

  it("corrupt gzip", () => {
    const mp = join(dir, "CORR_2012-01-03_34200000_57600000_message_2.csv.gz");
    const full = Buffer.from(gzipSync(Buffer.from(MSG)));
    for (let i = 12; i < full.length - 8; i++) full[i] ^= 0x5a;
    writeFileSync(mp, full);
    const src = openLobster(mp, { orderbook: false });
    expect(() => {
      while (src.next()) {
        /* read */
      }
    }).toThrow(/gzip|expected/);
    src.close();
  });
});
