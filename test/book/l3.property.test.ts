/**
 * Property tests (fast-check): random valid MBO streams applied to the L3 book and to a naive,
 * independent reference (a Map of orders with priority stamps). After every event: never crossed,
 * sizes positive, level counts consistent, every level (price, size, count) equal to the naive
 * book, L2-from-L3 (L2Book.copyFrom) equal to it, queue-ahead equal to the naive FIFO's, lookups
 * equal, no anomaly. Also the L2 book fed with the naive book's price-level changes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventKind, MarketEvent, Side } from "../../runtime/events.js";
import { L2Book } from "../../runtime/book/l2.js";
import { L3Book } from "../../runtime/book/l3.js";
import { Market } from "../../runtime/book/market.js";

interface NaiveOrder {
  side: Side;
  price: number;
  size: number;
  stamp: number;
}

/** The reference book: no cleverness, recomputes everything from the order map. */
class NaiveBook {
  orders = new Map<number, NaiveOrder>();
  private stamp = 0;
  add(id: number, side: Side, price: number, size: number): void {
    this.orders.set(id, { side, price, size, stamp: this.stamp++ });
  }
  reduce(id: number, by: number): void {
    const o = this.orders.get(id)!;
    o.size -= by;
    if (o.size <= 0) this.orders.delete(id);
  }
  modify(id: number, price: number, size: number): void {
    const o = this.orders.get(id)!;
    if (price !== o.price || size > o.size) o.stamp = this.stamp++;
    o.price = price;
    o.size = size;
  }
  levels(side: Side): Array<{ price: number; size: number; count: number }> {
    const m = new Map<number, { price: number; size: number; count: number }>();
    for (const o of this.orders.values()) {
      if (o.side !== side) continue;
      const l = m.get(o.price) ?? { price: o.price, size: 0, count: 0 };
      l.size += o.size;
      l.count++;
      m.set(o.price, l);
    }
    return [...m.values()].sort((a, b) => (side === Side.Bid ? b.price - a.price : a.price - b.price));
  }
  queueAhead(id: number): number {
    const me = this.orders.get(id)!;
    let s = 0;
    for (const o of this.orders.values()) if (o.side === me.side && o.price === me.price && o.stamp < me.stamp) s += o.size;
    return s;
  }
}

type Cmd =
  | { t: "add"; bid: boolean; off: number; size: number }
  | { t: "cancel"; k: number; frac: number }
  | { t: "delete"; k: number }
  | { t: "exec"; k: number; frac: number }
  | { t: "modify"; k: number; off: number; size: number }
  | { t: "trade" }
  | { t: "clear" };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant("add" as const), bid: fc.boolean(), off: fc.integer({ min: 0, max: 25 }), size: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("cancel" as const), k: fc.nat(), frac: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("delete" as const), k: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("exec" as const), k: fc.nat(), frac: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("modify" as const), k: fc.nat(), off: fc.integer({ min: 0, max: 25 }), size: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: "trade" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "clear" as const }) },
);

// Prices: bids 1000 − 1 − off, asks 1000 + off (never crossed by construction: valid input).
const bidPx = (off: number) => 999 - off;
const askPx = (off: number) => 1000 + off;

function toEvent(c: Cmd, naive: NaiveBook, nextId: { v: number }, seq: number, ev: MarketEvent): boolean {
  ev.sequence = seq;
  ev.ts = seq;
  ev.orderIdHi = seq % 3; // exercise both id halves
  const live = [...naive.orders.keys()];
  const pick = (k: number) => live[k % live.length];
  switch (c.t) {
    case "add": {
      const id = nextId.v++;
      ev.kind = EventKind.Add;
      ev.orderIdLo = id;
      ev.side = c.bid ? Side.Bid : Side.Ask;
      ev.price = c.bid ? bidPx(c.off) : askPx(c.off);
      ev.size = c.size;
      naive.add(id, ev.side, ev.price, ev.size);
      return true;
    }
    case "cancel":
    case "exec":
    case "delete":
    case "modify": {
      if (live.length === 0) return false;
      const id = pick(c.k);
      const o = naive.orders.get(id)!;
      ev.orderIdLo = id;
      ev.side = o.side;
      ev.price = o.price;
      if (c.t === "delete") {
        ev.kind = EventKind.Delete;
        ev.size = o.size;
        naive.reduce(id, o.size);
      } else if (c.t === "modify") {
        ev.kind = EventKind.Modify;
        ev.price = o.side === Side.Bid ? bidPx(c.off) : askPx(c.off);
        ev.size = c.size;
        naive.modify(id, ev.price, ev.size);
      } else {
        ev.kind = c.t === "cancel" ? EventKind.Cancel : EventKind.Execute;
        ev.size = Math.max(1, Math.round(o.size * c.frac));
        naive.reduce(id, ev.size);
      }
      return true;
    }
    case "trade":
      ev.kind = EventKind.Trade;
      ev.size = 1;
      return true;
    case "clear":
      ev.kind = EventKind.Clear;
      naive.orders.clear();
      return true;
  }
}

function idHiOf(naiveIds: Map<number, number>, id: number): number {
  return naiveIds.get(id) ?? 0;
}

describe("L3 book vs a naive reference (fast-check)", () => {
  it("random valid streams: equal levels, queue-ahead, lookups, L2-from-L3; never crossed", () => {
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 300 }), (cmds) => {
        const book = new L3Book(0, { orderCapacity: 16, levelCapacity: 16 });
        const l2 = new L2Book(0, { levelCapacity: 16 });
        const naive = new NaiveBook();
        const ev = new MarketEvent();
        const nextId = { v: 1 };
        const hiOf = new Map<number, number>();
        let seq = 0;
        for (const c of cmds) {
          seq++;
          if (!toEvent(c, naive, nextId, seq, ev)) continue;
          if (ev.kind === EventKind.Add) hiOf.set(ev.orderIdLo, ev.orderIdHi);
          else ev.orderIdHi = idHiOf(hiOf, ev.orderIdLo);
          if (ev.kind === EventKind.Clear) hiOf.clear();
          book.apply(ev);
          l2.copyFrom(book, 1000);
          for (const side of [Side.Bid, Side.Ask]) {
            const want = naive.levels(side);
            expect(book.levels(side)).toBe(want.length);
            expect(l2.levels(side)).toBe(want.length);
            for (let i = 0; i < want.length; i++) {
              expect(book.levelPrice(side, i)).toBe(want[i].price);
              expect(book.levelSize(side, i)).toBe(want[i].size);
              expect(book.levelCount(side, i)).toBe(want[i].count);
              expect(book.levelSize(side, i)).toBeGreaterThan(0);
              expect(book.sizeAtPrice(side, want[i].price)).toBe(want[i].size);
              expect(l2.levelPrice(side, i)).toBe(want[i].price);
              expect(l2.levelSize(side, i)).toBe(want[i].size);
              expect(l2.levelCount(side, i)).toBe(want[i].count);
            }
          }
          if (book.levels(Side.Bid) > 0 && book.levels(Side.Ask) > 0) expect(book.bestBid()).toBeLessThan(book.bestAsk());
          expect(book.orders()).toBe(naive.orders.size);
          for (const [id, o] of naive.orders) {
            const hi = idHiOf(hiOf, id);
            expect(book.orderSize(hi, id)).toBe(o.size);
            expect(book.orderPrice(hi, id)).toBe(o.price);
            expect(book.orderSide(hi, id)).toBe(o.side);
            expect(book.queueAhead(hi, id)).toBe(naive.queueAhead(id));
          }
        }
        expect(book.anomalies.total()).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it("L2 book fed price-level updates and snapshots equals the naive levels; Market routes by instrument", () => {
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 200 }), fc.integer({ min: 0, max: 4 }), (cmds, instrument) => {
        const naive = new NaiveBook();
        const market = new Market();
        const ev = new MarketEvent();
        const lv = new MarketEvent();
        lv.instrument = instrument;
        ev.instrument = instrument;
        const nextId = { v: 1 };
        let seq = 0;
        for (const c of cmds) {
          seq++;
          const before = new Map<string, number>();
          for (const side of [Side.Bid, Side.Ask]) for (const l of naive.levels(side)) before.set(`${side}:${l.price}`, l.size);
          if (!toEvent(c, naive, nextId, seq, ev)) continue;
          ev.orderIdHi = 0;
          if (ev.kind === EventKind.Clear) {
            lv.kind = EventKind.Clear;
            market.apply(lv);
            continue;
          }
          // Emit one LevelUpdate per changed (side, price).
          const after = new Map<string, { size: number; count: number }>();
          for (const side of [Side.Bid, Side.Ask]) for (const l of naive.levels(side)) after.set(`${side}:${l.price}`, l);
          const keys = new Set([...before.keys(), ...after.keys()]);
          for (const k of keys) {
            const [s, p] = k.split(":").map(Number);
            const a = after.get(k);
            if ((a?.size ?? 0) === (before.get(k) ?? 0) && a !== undefined) continue;
            lv.kind = EventKind.LevelUpdate;
            lv.side = s as Side;
            lv.price = p;
            lv.size = a?.size ?? 0;
            lv.count = a?.count ?? 0;
            lv.sequence = seq;
            market.apply(lv);
          }
          const l2 = market.l2Book(instrument);
          for (const side of [Side.Bid, Side.Ask]) {
            const want = naive.levels(side);
            expect(l2.levels(side)).toBe(want.length);
            for (let i = 0; i < want.length; i++) {
              expect(l2.levelPrice(side, i)).toBe(want[i].price);
              expect(l2.levelSize(side, i)).toBe(want[i].size);
            }
          }
        }
        // A snapshot of the top 10 replaces the book exactly.
        const snap = new MarketEvent();
        snap.instrument = instrument;
        snap.kind = EventKind.LevelSnapshot;
        const bids = naive.levels(Side.Bid).slice(0, 10);
        const asks = naive.levels(Side.Ask).slice(0, 10);
        snap.depth = 10;
        for (let i = 0; i < 10; i++) {
          snap.bidPx[i] = bids[i]?.price ?? Number.NaN;
          snap.bidSz[i] = bids[i]?.size ?? 0;
          snap.bidCt[i] = bids[i]?.count ?? 0;
          snap.askPx[i] = asks[i]?.price ?? Number.NaN;
          snap.askSz[i] = asks[i]?.size ?? 0;
          snap.askCt[i] = asks[i]?.count ?? 0;
        }
        market.apply(snap);
        const l2 = market.l2Book(instrument);
        expect(l2.levels(Side.Bid)).toBe(bids.length);
        expect(l2.levels(Side.Ask)).toBe(asks.length);
        for (let i = 0; i < bids.length; i++) expect(l2.levelCount(Side.Bid, i)).toBe(bids[i].count);
        expect(market.view(instrument)).toBe(l2);
        expect(market.instruments()).toEqual([instrument]);
        expect(market.anomalies().total()).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe("Market", () => {
  it("keeps one L3 book per instrument and routes order events by instrument", () => {
    const m = new Market();
    const ev = new MarketEvent();
    ev.kind = EventKind.Add;
    ev.side = Side.Bid;
    ev.size = 5;
    for (const inst of [2, 0, 2]) {
      ev.instrument = inst;
      ev.orderIdLo++;
      ev.price = 100 + inst;
      m.apply(ev);
    }
    expect(m.instruments()).toEqual([0, 2]);
    expect(m.view(2)!.levelSize(Side.Bid, 0)).toBe(10);
    expect(m.view(0)!.bestBid()).toBe(100);
    expect(m.view(1)).toBeUndefined();
    expect(m.l3Book(2).orders()).toBe(2);
  });

  it("L2 maxLevels keeps only the top levels", () => {
    const b = new L2Book(0, { maxLevels: 3 });
    for (let p = 1; p <= 6; p++) b.setLevel(Side.Ask, p, p, 1);
    expect([0, 1, 2, 3].map((i) => b.levelPrice(Side.Ask, i))).toEqual([1, 2, 3, Number.NaN]);
    expect(b.depth(Side.Ask, 10)).toBe(6);
  });
});
