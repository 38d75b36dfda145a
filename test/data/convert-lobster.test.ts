/**
 * LOBSTER → DBN conversion is self-contained: the DBN file, replayed through a plain L3 book
 * (no LOBSTER knowledge), gives after every message the same visible book as LOBSTER's own
 * orderbook file, at every level — 100% of rows.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Side } from "../../runtime/events.js";
import { L3Book } from "../../runtime/book/l3.js";
import { openDbn } from "../../runtime/data/dbn/reader.js";
import { DbnWriter } from "../../runtime/data/dbn/writer.js";
import { LobsterMboSource } from "../../runtime/data/lobster-mbo.js";
import { openLobster, LOBSTER_EMPTY_ASK_PRICE, LOBSTER_EMPTY_BID_PRICE } from "../../runtime/data/lobster/index.js";
import { sharedData } from "../support/shared-data.js";

const dir = mkdtempSync(join(tmpdir(), "algo-convlob-"));

function checkDay(rel: string): { rows: number; mismatches: number; corrections: number } {
  const msg = sharedData(rel)!;
  const conv = new LobsterMboSource(msg);
  const out = join(dir, `${rel.split("/").pop()}.dbn`);
  const w = new DbnWriter(out, { schema: "mbo", timeBase: conv.timeBase });
  while (conv.next()) w.write(conv.event, conv.instruments);
  w.finish();

  const rows = openLobster(msg);
  const dbn = openDbn(out);
  const book = new L3Book(0, { orderCapacity: 1 << 16, levelCapacity: 4096 });
  const L = rows.levels;
  let n = 0;
  let mismatches = 0;
  while (dbn.next()) {
    book.apply(dbn.event);
    if ((dbn.event.flags & 128) === 0) continue;
    expect(rows.next()).toBe(true);
    n++;
    const r = rows.bookRow;
    for (let i = 0; i < L; i++) {
      const ap = i < book.levels(Side.Ask) ? book.levelPrice(Side.Ask, i) / 1e5 : LOBSTER_EMPTY_ASK_PRICE;
      const as = i < book.levels(Side.Ask) ? book.levelSize(Side.Ask, i) : 0;
      const bp = i < book.levels(Side.Bid) ? book.levelPrice(Side.Bid, i) / 1e5 : LOBSTER_EMPTY_BID_PRICE;
      const bs = i < book.levels(Side.Bid) ? book.levelSize(Side.Bid, i) : 0;
      if (ap !== r[4 * i] || as !== r[4 * i + 1] || bp !== r[4 * i + 2] || bs !== r[4 * i + 3]) {
        mismatches++;
        break;
      }
    }
  }
  expect(rows.next()).toBe(false);
  return { rows: n, mismatches, corrections: conv.corrections };
}

describe.skipIf(!sharedData("lobster"))("LOBSTER → DBN conversion", () => {
  it("GOOG level 1: every row of the orderbook file is reproduced by the converted DBN", () => {
    const r = checkDay("lobster/GOOG_2012-06-21_1/GOOG_2012-06-21_34200000_57600000_message_1.csv");
    expect(r.rows).toBe(49_482);
    expect(r.mismatches).toBe(0);
    expect(r.corrections).toBeGreaterThan(0);
  });

  it("GOOG level 5 (.csv.gz): every row, all 5 levels", () => {
    const r = checkDay("lobster/GOOG_2012-06-21_5/GOOG_2012-06-21_34200000_57600000_message_5.csv.gz");
    expect(r.rows).toBe(112_673);
    expect(r.mismatches).toBe(0);
  });

  it("AAPL level 1: every row", () => {
    const r = checkDay("lobster/AAPL_2012-06-21_1/AAPL_2012-06-21_34200000_57600000_message_1.csv");
    expect(r.rows).toBe(118_497);
    expect(r.mismatches).toBe(0);
  });

  it("GOOG level 10: every row, all 10 levels", () => {
    const r = checkDay("lobster/GOOG_2012-06-21_10/GOOG_2012-06-21_34200000_57600000_message_10.csv");
    expect(r.rows).toBe(147_916);
    expect(r.mismatches).toBe(0);
  });
});
