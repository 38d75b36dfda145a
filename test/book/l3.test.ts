/**
 * L3 book: hand-computed priority rules (size decrease keeps the queue place; price change and size
 * increase go to the back), order lookups, queue-ahead, anomalies with their first event, clear,
 * and growth of the pools and the id table far past their initial capacity.
 */
import { describe, expect, it } from "vitest";
import { EventKind, MarketEvent, Side } from "../../runtime/events.js";
import { AnomalyKind } from "../../runtime/book/anomalies.js";
import { L3Book } from "../../runtime/book/l3.js";
import { L2Book } from "../../runtime/book/l2.js";
import { Market } from "../../runtime/book/market.js";

function ev(kind: EventKind, id: number, side: Side, price: number, size: number, sequence = 0): MarketEvent {
  const e = new MarketEvent();
  e.kind = kind;
  e.orderIdHi = 0;
  e.orderIdLo = id;
  e.side = side;
  e.price = price;
  e.size = size;
  e.sequence = sequence;
  e.ts = sequence * 1000;
  return e;
}

describe("L3 book priority rules (hand-computed)", () => {
  it("FIFO queue-ahead, partial cancel keeps priority, size increase and price change lose it", () => {
    const b = new L3Book(0);
    b.add(0, 1, Side.Bid, 100, 10);
    b.add(0, 2, Side.Bid, 100, 5);
    b.add(0, 3, Side.Bid, 100, 7);
    expect(b.queueAhead(0, 1)).toBe(0);
    expect(b.queueAhead(0, 2)).toBe(10);
    expect(b.queueAhead(0, 3)).toBe(15);
    expect(b.levelSize(Side.Bid, 0)).toBe(22);
    expect(b.levelCount(Side.Bid, 0)).toBe(3);

    b.cancel(0, 1, 4); // 1: 10 → 6, stays first
    expect(b.queueAhead(0, 1)).toBe(0);
    expect(b.queueAhead(0, 3)).toBe(11);

    b.modify(0, 2, Side.Bid, 100, 3); // decrease: keeps its place
    expect(b.queueAhead(0, 2)).toBe(6);
    expect(b.queueAhead(0, 3)).toBe(9);

    b.modify(0, 1, Side.Bid, 100, 20); // increase: back of the queue (CME/Nasdaq rule)
    expect(b.queueAhead(0, 2)).toBe(0);
    expect(b.queueAhead(0, 3)).toBe(3);
    expect(b.queueAhead(0, 1)).toBe(10);
    expect(b.levelSize(Side.Bid, 0)).toBe(30);

    b.modify(0, 3, Side.Bid, 101, 7); // price change: new level, back of it
    expect(b.bestBid()).toBe(101);
    expect(b.queueAhead(0, 3)).toBe(0);
    expect(b.levels(Side.Bid)).toBe(2);
    b.add(0, 4, Side.Bid, 100, 1);
    b.modify(0, 4, Side.Bid, 101, 1);
    expect(b.queueAhead(0, 4)).toBe(7);
    expect(b.queueAhead(0, 1)).toBe(3);

    b.execute(0, 3, 7); // fully executed: removed, 4 becomes first
    expect(b.hasOrder(0, 3)).toBe(false);
    expect(b.queueAhead(0, 4)).toBe(0);
    expect(b.levelCount(Side.Bid, 0)).toBe(1);
    expect(b.anomalies.total()).toBe(0);
  });

  it("levels sorted from the touch outward on both sides; depth, volume at price, lookups", () => {
    const b = new L3Book(3);
    const prices = [105, 101, 103, 102, 104];
    prices.forEach((p, i) => b.add(0, 10 + i, Side.Ask, p, i + 1));
    [99, 95, 97, 96, 98].forEach((p, i) => b.add(0, 20 + i, Side.Bid, p, 10 * (i + 1)));
    expect(b.instrument).toBe(3);
    expect([0, 1, 2, 3, 4].map((i) => b.levelPrice(Side.Ask, i))).toEqual([101, 102, 103, 104, 105]);
    expect([0, 1, 2, 3, 4].map((i) => b.levelPrice(Side.Bid, i))).toEqual([99, 98, 97, 96, 95]);
    expect(b.levelPrice(Side.Ask, 5)).toBeNaN();
    expect(b.levelSize(Side.Ask, 5)).toBe(0);
    expect(b.bestAsk()).toBe(101);
    expect(b.bestBid()).toBe(99);
    expect(b.depth(Side.Ask, 2)).toBe(2 + 4);
    expect(b.depth(Side.Bid, 100)).toBe(150);
    expect(b.sizeAtPrice(Side.Ask, 103)).toBe(3);
    expect(b.sizeAtPrice(Side.Ask, 103.5)).toBe(0);
    expect(b.orderPrice(0, 12)).toBe(103);
    expect(b.orderSize(0, 12)).toBe(3);
    expect(b.orderSide(0, 12)).toBe(Side.Ask);
    expect(b.orderSide(0, 999)).toBe(Side.None);
    expect(b.orderPrice(0, 999)).toBeNaN();
    expect(b.queueAhead(0, 999)).toBeNaN();
    b.delete(0, 11); // ask 101 level disappears
    expect(b.bestAsk()).toBe(102);
    expect(b.levels(Side.Ask)).toBe(4);
  });

  it("apply() dispatches by kind; Trade changes nothing; Clear empties", () => {
    const b = new L3Book(0);
    b.apply(ev(EventKind.Add, 1, Side.Ask, 50, 3, 1));
    b.apply(ev(EventKind.Add, 2, Side.Bid, 49, 4, 2));
    b.apply(ev(EventKind.Trade, 0, Side.Bid, 50, 3, 3));
    expect(b.levelSize(Side.Ask, 0)).toBe(3);
    b.apply(ev(EventKind.Execute, 1, Side.Ask, 50, 1, 4));
    b.apply(ev(EventKind.Cancel, 2, Side.Bid, 49, 1, 5));
    b.apply(ev(EventKind.Modify, 2, Side.Bid, 48, 9, 6));
    expect(b.orderSize(0, 1)).toBe(2);
    expect(b.bestBid()).toBe(48);
    expect(b.sizeAtPrice(Side.Bid, 48)).toBe(9);
    expect(b.lastUpdateTs()).toBe(6000);
    b.apply(ev(EventKind.Clear, 0, Side.None, 0, 0, 7));
    expect(b.levels(Side.Bid)).toBe(0);
    expect(b.levels(Side.Ask)).toBe(0);
    expect(b.orders()).toBe(0);
    expect(b.bestBid()).toBeNaN();
    b.apply(ev(EventKind.Add, 1, Side.Ask, 50, 3, 8)); // ids reusable after clear
    expect(b.orderSize(0, 1)).toBe(3);
    expect(b.anomalies.total()).toBe(0);
  });

  it("counts anomalies per kind with the first offending event, and keeps going", () => {
    const b = new L3Book(0);
    b.apply(ev(EventKind.Cancel, 7, Side.Bid, 10, 1, 11));
    b.apply(ev(EventKind.Cancel, 8, Side.Bid, 10, 1, 12));
    b.apply(ev(EventKind.Execute, 9, Side.Bid, 10, 1, 13));
    b.apply(ev(EventKind.Add, 1, Side.Bid, 10, 5, 14));
    b.apply(ev(EventKind.Add, 1, Side.Bid, 11, 6, 15)); // duplicate: replaces
    expect(b.sizeAtPrice(Side.Bid, 10)).toBe(0);
    expect(b.sizeAtPrice(Side.Bid, 11)).toBe(6);
    b.apply(ev(EventKind.Execute, 1, Side.Bid, 11, 8, 16)); // more than it has: removed
    expect(b.hasOrder(0, 1)).toBe(false);
    b.apply(ev(EventKind.Modify, 2, Side.Ask, 12, 2, 17)); // unknown: counted, added
    expect(b.sizeAtPrice(Side.Ask, 12)).toBe(2);
    b.apply(ev(EventKind.Add, 3, Side.Bid, 13, 1, 18)); // crosses the ask at 12
    b.apply(ev(EventKind.Delete, 3, Side.Bid, 13, 1, 19));
    b.apply(ev(EventKind.Add, 4, Side.Bid, 12, 1, 20)); // locked
    b.apply(ev(EventKind.Add, 5, Side.None, 12, 1, 21)); // no side
    const a = b.anomalies;
    expect(a.count[AnomalyKind.UnknownCancel]).toBe(2);
    expect(a.firstSequence[AnomalyKind.UnknownCancel]).toBe(11);
    expect(a.firstTs[AnomalyKind.UnknownCancel]).toBe(11000);
    expect(a.count[AnomalyKind.UnknownExecute]).toBe(1);
    expect(a.count[AnomalyKind.DuplicateAdd]).toBe(1);
    expect(a.firstSequence[AnomalyKind.DuplicateAdd]).toBe(15);
    expect(a.count[AnomalyKind.NegativeSize]).toBe(1);
    expect(a.count[AnomalyKind.UnknownModify]).toBe(1);
    expect(a.count[AnomalyKind.Crossed]).toBe(1);
    expect(a.firstSequence[AnomalyKind.Crossed]).toBe(18);
    expect(a.count[AnomalyKind.Locked]).toBe(2); // after the locking add and after the bad add
    expect(a.count[AnomalyKind.BadField]).toBe(1);
    expect(a.summary().map((s) => s.kind)).toEqual([
      "unknown-id-cancel",
      "unknown-id-execute",
      "unknown-id-modify",
      "duplicate-add",
      "negative-size",
      "crossed",
      "locked",
      "bad-field",
    ]);
  });

  it("crossCheckOnLastOnly checks crossing only on F_LAST records", () => {
    const b = new L3Book(0, { crossCheckOnLastOnly: true });
    const e = ev(EventKind.Add, 1, Side.Ask, 10, 1, 1);
    b.apply(e);
    const f = ev(EventKind.Add, 2, Side.Bid, 11, 1, 2);
    b.apply(f); // transient: not last
    expect(b.anomalies.count[AnomalyKind.Crossed]).toBe(0);
    const g = ev(EventKind.Delete, 2, Side.Bid, 11, 1, 3);
    g.flags = 128;
    b.apply(g);
    expect(b.anomalies.total()).toBe(0);
  });

  it("grows its pools and id table far past the initial capacity; u64 ids use both halves", () => {
    const b = new L3Book(0, { orderCapacity: 16, levelCapacity: 16 });
    const n = 50_000;
    for (let i = 0; i < n; i++) b.add(i % 7, i, i % 2 === 0 ? Side.Bid : Side.Ask, i % 2 === 0 ? 1000 - (i % 300) : 2000 + (i % 300), 1 + (i % 5));
    expect(b.orders()).toBe(n);
    expect(b.levels(Side.Bid)).toBe(150);
    for (let i = 0; i < n; i += 2) b.delete(i % 7, i);
    expect(b.orders()).toBe(n / 2);
    for (let i = 1; i < n; i += 2) expect(b.orderSize(i % 7, i)).toBe(1 + (i % 5));
    expect(b.hasOrder(2, 1)).toBe(false); // same low half, other high half
    expect(b.hasOrder(1, 1)).toBe(true);
    expect(b.levels(Side.Bid)).toBe(0);
    expect(b.anomalies.total()).toBe(0);
  });

  it("ids that differ only in high bits or by large strides stay distinct through adds, modifies and deletes", () => {
    const b = new L3Book(0, { orderCapacity: 16 });
    const n = 4000;
    // Strides of 2^12 in the low half and ids that share the low half: the hash must spread both.
    for (let i = 0; i < n; i++) b.add(i & 3, (i * 4096) >>> 0, Side.Bid, 1000 + (i % 10), 1 + (i % 3));
    for (let i = 0; i < n; i += 3) b.modify(i & 3, (i * 4096) >>> 0, Side.Ask, 2000 + (i % 10), 7); // moves side and price
    for (let i = 1; i < n; i += 3) b.delete(i & 3, (i * 4096) >>> 0);
    let resting = 0;
    for (let i = 0; i < n; i++) {
      const id = (i * 4096) >>> 0;
      if (i % 3 === 1) expect(b.hasOrder(i & 3, id)).toBe(false);
      else {
        resting++;
        expect(b.orderSide(i & 3, id)).toBe(i % 3 === 0 ? Side.Ask : Side.Bid);
        expect(b.orderSize(i & 3, id)).toBe(i % 3 === 0 ? 7 : 1 + (i % 3));
      }
    }
    expect(b.orders()).toBe(resting);
    let askTotal = 0;
    for (let i = 0; i < b.levels(Side.Ask); i++) askTotal += b.levelSize(Side.Ask, i);
    expect(askTotal).toBe(7 * Math.ceil(n / 3));
    expect(b.anomalies.total()).toBe(0);
  });

  it("a price-changing modify keeps the order findable (one id entry) and puts it at the back of its new level", () => {
    const b = new L3Book(0);
    b.add(0, 1, Side.Bid, 100, 5);
    b.add(0, 2, Side.Bid, 101, 3);
    b.modify(0, 1, Side.Bid, 101, 4); // 100 empties and goes; 1 joins 101 behind 2
    expect(b.levels(Side.Bid)).toBe(1);
    expect(b.queueAhead(0, 1)).toBe(3);
    expect(b.levelCount(Side.Bid, 0)).toBe(2);
    expect(b.levelSize(Side.Bid, 0)).toBe(7);
    b.delete(0, 1);
    expect(b.hasOrder(0, 1)).toBe(false);
    expect(b.orders()).toBe(1);
    expect(b.levelSize(Side.Bid, 0)).toBe(3);
  });

  it("touchInto writes best bid/ask and the sizes there into the caller's registers (NaN / 0 when empty)", () => {
    const b = new L3Book(0);
    const bids = new Float64Array(3);
    const asks = new Float64Array(3);
    const bs = new Float64Array(3);
    const as = new Float64Array(3);
    b.touchInto(1, bids, asks, bs, as);
    expect([bids[1], asks[1], bs[1], as[1]]).toEqual([Number.NaN, Number.NaN, 0, 0]);
    b.add(0, 1, Side.Bid, 100, 5);
    b.add(0, 2, Side.Bid, 100, 2);
    b.add(0, 3, Side.Bid, 99, 9);
    b.add(0, 4, Side.Ask, 103, 4);
    b.touchInto(2, bids, asks, bs, as);
    expect([bids[2], asks[2], bs[2], as[2]]).toEqual([b.bestBid(), b.bestAsk(), b.levelSize(Side.Bid, 0), b.levelSize(Side.Ask, 0)]);
    expect([bids[2], asks[2], bs[2], as[2]]).toEqual([100, 103, 7, 4]);
    expect(bids[0]).toBe(0); // other registers untouched
    const l2 = new L2Book(0);
    l2.copyFrom(b, 5);
    l2.touchInto(0, bids, asks, bs, as);
    expect([bids[0], asks[0], bs[0], as[0]]).toEqual([100, 103, 7, 4]);
    l2.clear();
    l2.touchInto(0, bids, asks, bs, as);
    expect([bids[0], asks[0], bs[0], as[0]]).toEqual([Number.NaN, Number.NaN, 0, 0]);
  });

  it("Market: events of an unseen instrument index create only the book their kind needs", () => {
    const m = new Market();
    const t = ev(EventKind.Trade, 0, Side.Bid, 100, 1);
    t.instrument = 4;
    m.apply(t); // no book for a trade alone
    expect(m.view(4)).toBeUndefined();
    expect(m.instruments()).toEqual([]);
    const a = ev(EventKind.Add, 9, Side.Ask, 105, 2);
    a.instrument = 4;
    m.apply(a);
    expect(m.view(4)?.bestAsk()).toBe(105);
    const c = ev(EventKind.Clear, 0, Side.None, 0, 0);
    c.instrument = 7;
    m.apply(c); // clears nothing, creates nothing
    expect(m.instruments()).toEqual([4]);
    m.apply(c);
    c.instrument = 4;
    m.apply(c);
    expect(m.view(4)?.levels(Side.Ask)).toBe(0);
  });

  it("levelOrders lists a level's queue in order; reduceAtPrice draws from the front", () => {
    const b = new L3Book(0);
    b.add(0, 1, Side.Ask, 10, 3);
    b.addFront(0, 9, Side.Ask, 10, 2);
    b.add(0, 2, Side.Ask, 10, 4);
    const hi = new Uint32Array(8);
    const lo = new Uint32Array(8);
    const sz = new Float64Array(8);
    expect(b.levelOrders(Side.Ask, 0, hi, lo, sz)).toBe(3);
    expect(Array.from(lo.subarray(0, 3))).toEqual([9, 1, 2]);
    expect(b.reduceAtPrice(Side.Ask, 10, 4)).toBe(0);
    expect(b.hasOrder(0, 9)).toBe(false);
    expect(b.orderSize(0, 1)).toBe(1);
    expect(b.reduceAtPrice(Side.Ask, 10, 10)).toBe(5);
    expect(b.levels(Side.Ask)).toBe(0);
  });
});
