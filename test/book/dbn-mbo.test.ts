/**
 * The L3 book on real CME MBO data (Databento DBN, ES futures, shared data): every record replays,
 * no order-level anomaly (unknown id, duplicate add, negative size) occurs, and the only crossed
 * states are explained — they all fall in CME's pre-open (before the 17:00 CT = 23:00 UTC Globex
 * open, when orders rest without matching); after the open, and after the opening snapshot of the
 * 2024-05-08 file, the book is never crossed.
 */
import { describe, expect, it } from "vitest";
import { EventKind, Side } from "../../runtime/events.js";
import { AnomalyKind } from "../../runtime/book/anomalies.js";
import { Market } from "../../runtime/book/market.js";
import { openDbn } from "../../runtime/data/dbn/reader.js";
import { sharedData } from "../support/shared-data.js";

const es1225 = sharedData("dbn/nautilus_trader/esh4-glbx-mdp3-20231225.mbo.dbn.zst");
const es1224 = sharedData("dbn/nautilus_trader/esh4-glbx-mdp3-20231224.mbo.dbn.zst");
const mbp10 = sharedData("dbn/test_data.mbp-10.dbn");
const mbp1 = sharedData("dbn/nautilus_trader/historical_bars_catalog/databento/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst");
const snap = sharedData("dbn/nautilus_trader/order_book_deltas_catalog/databento/orderbooks_mbo_2024-05-08T00-00-00_2024-05-08T00-00-02.dbn.zst");

function replay(path: string) {
  const r = openDbn(path);
  const m = new Market({ l3: { crossCheckOnLastOnly: true } });
  let events = 0;
  let crossedCount = 0;
  let lastCrossedAbsNs = 0n;
  let clears = 0;
  let afterClear = 0;
  const ev = r.event;
  while (r.next()) {
    events++;
    if (ev.kind === EventKind.Clear) {
      clears++;
      afterClear = 0;
    }
    m.apply(ev);
    afterClear++;
    const c = m.anomalies().count[AnomalyKind.Crossed];
    if (c > crossedCount) {
      crossedCount = c;
      lastCrossedAbsNs = r.timeBase + BigInt(ev.ts);
    }
  }
  r.close();
  return { m, events, crossedCount, lastCrossedAbsNs, clears, records: r.recordCount };
}

function orderAnomalies(m: Market): number {
  const a = m.anomalies();
  return (
    a.count[AnomalyKind.UnknownCancel] +
    a.count[AnomalyKind.UnknownExecute] +
    a.count[AnomalyKind.UnknownModify] +
    a.count[AnomalyKind.DuplicateAdd] +
    a.count[AnomalyKind.NegativeSize] +
    a.count[AnomalyKind.BadField]
  );
}

describe.skipIf(es1225 === undefined || es1224 === undefined || snap === undefined)("L3 book on real CME MBO (DBN)", () => {
  it("ESH4 2023-12-25: 68,792 records, no order anomaly, crossed only during the pre-open", () => {
    const r = replay(es1225!);
    expect(r.events).toBe(68_792);
    expect(orderAnomalies(r.m)).toBe(0);
    // Crossed states exist (pre-open orders do not match) but none at or after the 23:00 UTC open.
    expect(r.crossedCount).toBeGreaterThan(0);
    const open = BigInt(Date.UTC(2023, 11, 25, 23, 0)) * 1_000_000n;
    expect(r.lastCrossedAbsNs).toBeLessThan(open);
    const v = r.m.view(0)!;
    expect(v.bestBid()).toBeLessThan(v.bestAsk());
    expect(v.bestBid()).toBe(4810e9); // ES at 4810.00 (1e-9 fixed point)
  });

  it("ESH4 2023-12-24: replays with no anomaly at all", () => {
    const r = replay(es1224!);
    expect(r.events).toBeGreaterThan(0);
    expect(r.m.anomalies().total()).toBe(0);
  });

  it("2024-05-08 with the opening snapshot: clear + snapshot, then never crossed", () => {
    const r = replay(snap!);
    expect(r.events).toBe(13_796);
    expect(r.clears).toBeGreaterThan(0);
    expect(r.m.anomalies().total()).toBe(0);
    for (const i of r.m.instruments()) {
      const v = r.m.view(i)!;
      if (v.levels(Side.Bid) > 0 && v.levels(Side.Ask) > 0) expect(v.bestBid()).toBeLessThan(v.bestAsk());
    }
  });
});

describe.skipIf(mbp10 === undefined || mbp1 === undefined)("L2 book on real MBP-10 / MBP-1 (DBN)", () => {
  for (const [name, path] of [
    ["MBP-10 fixture", mbp10],
    ["MBP-1 futures", mbp1],
  ] as const) {
    it(`${name}: after every snapshot the L2 book holds exactly the record's levels`, () => {
      const r = openDbn(path!);
      const m = new Market();
      const ev = r.event;
      let snapshots = 0;
      while (r.next()) {
        m.apply(ev);
        if (ev.kind !== EventKind.LevelSnapshot) continue;
        snapshots++;
        const b = m.l2Book(ev.instrument);
        for (const [side, px, sz, ct] of [
          [Side.Bid, ev.bidPx, ev.bidSz, ev.bidCt],
          [Side.Ask, ev.askPx, ev.askSz, ev.askCt],
        ] as const) {
          let k = 0;
          for (let i = 0; i < ev.depth; i++) {
            if (!(px[i] === px[i] && sz[i] > 0)) continue;
            expect(b.levelPrice(side, k)).toBe(px[i]);
            expect(b.levelSize(side, k)).toBe(sz[i]);
            expect(b.levelCount(side, k)).toBe(ct[i]);
            k++;
          }
          expect(b.levels(side)).toBe(k);
        }
      }
      r.close();
      expect(snapshots).toBeGreaterThan(0);
    });
  }
});
