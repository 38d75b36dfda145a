/**
 * Book operators on real data: a LOBSTER day (GOOG, 10 levels) replayed into the runtime's L3 book;
 * after every message each operator, fed the book, must equal the same feature computed naively
 * from LOBSTER's own orderbook row for that message (an independent oracle: the vendor's file).
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
import {
  BookDepth,
  BookImbalance,
  BookMicroprice,
  BookMid,
  BookPressure,
  BookSpreadBps,
  OrderFlowImbalance,
  OrderFlowImbalanceTime,
} from "../../stdlib/index.js";
import { sharedData } from "../support/shared-data.js";

const dir = sharedData("lobster/GOOG_2012-06-21_10");
const messageFile = dir === undefined ? undefined : readdirSync(dir).find((f) => isLobsterMessageFile(f));

/** 1e-9 relative; ratios in [−1, 1] (scale 1) also get an absolute floor of 1e-15 near 0. */
function close(actual: number, expected: number, scale = 0): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(actual), Math.abs(expected)) + 1e-15 * scale;
}

describe.skipIf(messageFile === undefined)("book operators on LOBSTER GOOG 2012-06-21 (10 levels)", () => {
  it("match features computed from the vendor's orderbook rows after every message", () => {
    const path = join(dir!, messageFile!);
    expect(existsSync(path)).toBe(true);
    const src = openLobster(path);
    const replay = new LobsterReplay(src);
    const row = src.bookRow;
    const n = src.levels;
    expect(n).toBe(10);
    const inst = replay.instruments[0];
    const s = inst.priceScale;
    const mid = new BookMid(inst);
    const micro = new BookMicroprice(inst);
    const bps = new BookSpreadBps(inst);
    const imb5 = new BookImbalance(inst, 5);
    const pr10 = new BookPressure(inst, 10);
    const depth = new BookDepth(inst, 10, Side.None);
    const ofi = new OrderFlowImbalance(inst, 50);
    const ofi1s = new OrderFlowImbalanceTime(inst, 1_000_000_000);
    const eHist: number[] = [];
    const tsHist: number[] = [];
    let prev: number[] | undefined;
    let rows = 0;
    let bad = 0;
    let firstBad = "";
    while (replay.step()) {
      const ts = replay.event.ts;
      for (const op of [mid, micro, bps, imb5, pr10, depth, ofi, ofi1s]) op.update(replay.book, ts);
      // The row: ask price, ask size, bid price, bid size per level; empty levels use sentinels.
      const ap = row[0] === LOBSTER_EMPTY_ASK_PRICE ? Number.NaN : row[0];
      const bp = row[2] === LOBSTER_EMPTY_BID_PRICE ? Number.NaN : row[2];
      const as = Number.isNaN(ap) ? 0 : row[1];
      const bs = Number.isNaN(bp) ? 0 : row[3];
      let B5 = 0;
      let A5 = 0;
      let wb = 0;
      let wa = 0;
      let D = 0;
      for (let i = 0; i < n; i++) {
        const a = row[4 * i] === LOBSTER_EMPTY_ASK_PRICE ? 0 : row[4 * i + 1];
        const b = row[4 * i + 2] === LOBSTER_EMPTY_BID_PRICE ? 0 : row[4 * i + 3];
        if (i < 5) {
          B5 += b;
          A5 += a;
        }
        wb += b / (i + 1);
        wa += a / (i + 1);
        D += a + b;
      }
      // OFI term from successive rows (the paper's definition), against the last two-sided row.
      let e = 0;
      if (!Number.isNaN(ap) && !Number.isNaN(bp)) {
        if (prev) {
          const [pbp, pbs, pap, pas] = prev;
          e = (bp >= pbp ? bs : 0) - (bp <= pbp ? pbs : 0) - (ap <= pap ? as : 0) + (ap >= pap ? pas : 0);
        }
        prev = [bp, bs, ap, as];
      }
      eHist.push(e);
      tsHist.push(ts);
      const k = eHist.length - 1;
      let sum50 = 0;
      for (let j = Math.max(0, k - 49); j <= k; j++) sum50 += eHist[j];
      let sum1s = 0;
      for (let j = k; j >= 0 && tsHist[j] > ts - 1_000_000_000; j--) sum1s += eHist[j];
      const checks: [string, number, number, number?][] = [
        ["mid", mid.value, ((bp + ap) / 2) * s],
        ["microprice", micro.value, bs + as > 0 ? ((bp * as + ap * bs) / (bs + as)) * s : ((bp + ap) / 2) * s],
        ["spread_bps", bps.value, ((ap - bp) / ((ap + bp) / 2)) * 1e4],
        ["imbalance(5)", imb5.value, B5 + A5 > 0 ? (B5 - A5) / (B5 + A5) : Number.NaN, 1],
        ["pressure(10)", pr10.value, wb + wa > 0 ? (wb - wa) / (wb + wa) : Number.NaN, 1],
        ["depth(10)", depth.value, D],
        ["ofi(50)", ofi.ready ? ofi.value : Number.NaN, k >= 50 ? sum50 : Number.NaN],
        ["ofi(1s)", ofi1s.ready ? ofi1s.value : Number.NaN, ofi1s.ready ? sum1s : Number.NaN],
      ];
      for (const [name, got, want, scale] of checks) {
        if (!close(got, want, scale)) {
          bad++;
          if (firstBad === "") firstBad = `row ${src.row}: ${name} = ${got}, expected ${want}`;
        }
      }
      rows++;
    }
    src.close();
    expect(firstBad).toBe("");
    expect(bad).toBe(0);
    expect(rows).toBeGreaterThan(100_000);
    expect(ofi1s.ready).toBe(true);
  });
});
