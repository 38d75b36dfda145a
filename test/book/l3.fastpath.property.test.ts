/**
 * `L3Book.apply` runs the common add / cancel / execute inline and hands every other case to the op*
 * methods that the public mutators (add, cancel, execute, delete, modify, clear) use. Differential
 * property test: random streams WITH inconsistent data (unknown and duplicate ids, over-cancels,
 * zero, negative and fractional sizes, side None, NaN prices, crossing adds) and prices that stress
 * the (side, price) → level table (fixed-point values whose low 32 bits collide, negative prices, a
 * bid and an ask at the same price), on small capacities so that pools and tables grow mid-stream.
 * One book is fed through `apply`, a second through the public methods (plus `checkCrossed` after
 * each order event, as `apply` does); after every event both agree on every level, every order,
 * queue-ahead and every anomaly counter, and the book is self-consistent (levels strictly sorted,
 * each level's size and count equal to the sum over its queue).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ANOMALY_KINDS } from "../../runtime/book/anomalies.js";
import { L3Book } from "../../runtime/book/l3.js";
import { EventKind, MarketEvent, Side } from "../../runtime/events.js";

const TWO32 = 4_294_967_296;
/** Prices: near 5e12 (DBN fixed point), equal low 32 bits (p, p ± 2^32), negative, fractional, NaN. */
const PRICES = [
  5_000_250_000_000,
  5_000_250_000_000 + TWO32,
  5_000_250_000_000 - TWO32,
  5_000_500_000_000,
  5_000_000_000_000,
  4_999_750_000_000,
  5_000_000_000_000 + 3 * TWO32,
  -250_000_000,
  -250_000_000 - TWO32,
  0,
  7,
  7 + TWO32,
  12.5,
  Number.NaN,
];
const SIDES = [Side.Bid, Side.Ask, Side.Bid, Side.Ask, Side.Bid, Side.Ask, Side.None];
const SIZES = [1, 2, 3, 5, 8, 13, 0, -1, 2.5, 100];
const KINDS = [
  EventKind.Add,
  EventKind.Add,
  EventKind.Add,
  EventKind.Add,
  EventKind.Cancel,
  EventKind.Cancel,
  EventKind.Execute,
  EventKind.Execute,
  EventKind.Delete,
  EventKind.Modify,
  EventKind.Modify,
  EventKind.Trade,
  EventKind.Clear,
];

interface Step {
  kind: number;
  id: number;
  side: number;
  price: number;
  size: number;
  /** For cancels/executions: take the order's own size (a full cancel/fill, the common case). */
  exact: boolean;
}

const step: fc.Arbitrary<Step> = fc.record({
  kind: fc.nat(KINDS.length - 1),
  id: fc.nat(40),
  side: fc.nat(SIDES.length - 1),
  price: fc.nat(PRICES.length - 1),
  size: fc.nat(SIZES.length - 1),
  exact: fc.boolean(),
});

function viaMethods(b: L3Book, ev: MarketEvent): void {
  const { orderIdHi: hi, orderIdLo: lo, sequence: seq, ts } = ev;
  switch (ev.kind) {
    case EventKind.Add:
      b.add(hi, lo, ev.side, ev.price, ev.size, seq, ts);
      break;
    case EventKind.Cancel:
      b.cancel(hi, lo, ev.size, seq, ts);
      break;
    case EventKind.Execute:
      b.execute(hi, lo, ev.size, seq, ts);
      break;
    case EventKind.Delete:
      b.delete(hi, lo, seq, ts);
      break;
    case EventKind.Modify:
      b.modify(hi, lo, ev.side, ev.price, ev.size, seq, ts);
      break;
    case EventKind.Clear:
      b.clear();
      return;
    default:
      return; // Trade: no change, and no cross check unless crossCheckOnLastOnly (off here)
  }
  b.checkCrossed(seq, ts);
}

const hiBuf = new Uint32Array(256);
const loBuf = new Uint32Array(256);
const szBuf = new Float64Array(256);

function expectSameAndConsistent(a: L3Book, b: L3Book, ids: number): void {
  expect(a.orders()).toBe(b.orders());
  for (const side of [Side.Bid, Side.Ask]) {
    const n = a.levels(side);
    expect(n).toBe(b.levels(side));
    for (let i = 0; i < n; i++) {
      const p = a.levelPrice(side, i);
      expect(p).toBe(b.levelPrice(side, i));
      expect(a.levelSize(side, i)).toBe(b.levelSize(side, i));
      expect(a.levelCount(side, i)).toBe(b.levelCount(side, i));
      if (i > 0) {
        const prev = a.levelPrice(side, i - 1);
        if (side === Side.Bid) expect(p).toBeLessThan(prev);
        else expect(p).toBeGreaterThan(prev);
      }
      expect(a.sizeAtPrice(side, p)).toBe(a.levelSize(side, i));
      expect(a.countAtPrice(side, p)).toBe(a.levelCount(side, i));
      // The level's queue: its orders are at its price and side, and add up to its size and count.
      const k = a.levelOrders(side, i, hiBuf, loBuf, szBuf);
      expect(k).toBe(a.levelCount(side, i));
      let sum = 0;
      for (let j = 0; j < k; j++) {
        sum += szBuf[j];
        expect(a.orderPrice(hiBuf[j], loBuf[j])).toBe(p);
        expect(a.orderSide(hiBuf[j], loBuf[j])).toBe(side);
      }
      expect(sum).toBe(a.levelSize(side, i));
    }
  }
  expect(a.bestBid()).toBe(b.bestBid());
  expect(a.bestAsk()).toBe(b.bestAsk());
  expect(a.bestBid()).toBe(a.levelPrice(Side.Bid, 0));
  expect(a.bestAsk()).toBe(a.levelPrice(Side.Ask, 0));
  for (let id = 0; id <= ids; id++) {
    const hi = id % 3;
    expect(a.hasOrder(hi, id)).toBe(b.hasOrder(hi, id));
    expect(a.orderSize(hi, id)).toBe(b.orderSize(hi, id));
    expect(a.orderPrice(hi, id)).toBe(b.orderPrice(hi, id));
    expect(a.queueAhead(hi, id)).toBe(b.queueAhead(hi, id));
  }
  for (let k = 0; k < ANOMALY_KINDS; k++) {
    expect(a.anomalies.count[k]).toBe(b.anomalies.count[k]);
    expect(a.anomalies.firstSequence[k]).toBe(b.anomalies.firstSequence[k]);
    expect(a.anomalies.firstTs[k]).toBe(b.anomalies.firstTs[k]);
  }
}

describe("L3Book.apply fast paths vs the op* methods (fast-check)", () => {
  it("random streams with inconsistent data and colliding prices: same book, same anomalies, self-consistent", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 250 }), (steps) => {
        const a = new L3Book(0, { orderCapacity: 16, levelCapacity: 16 });
        const b = new L3Book(0, { orderCapacity: 16, levelCapacity: 16 });
        const ev = new MarketEvent();
        let seq = 0;
        let lastTs = 0;
        for (const s of steps) {
          seq++;
          ev.kind = KINDS[s.kind];
          ev.orderIdHi = s.id % 3;
          ev.orderIdLo = s.id;
          ev.side = SIDES[s.side] as Side;
          ev.price = PRICES[s.price];
          ev.size = SIZES[s.size];
          if (s.exact && (ev.kind === EventKind.Cancel || ev.kind === EventKind.Execute) && a.hasOrder(ev.orderIdHi, s.id)) {
            ev.size = a.orderSize(ev.orderIdHi, s.id);
          }
          ev.sequence = seq;
          ev.ts = 1000 + seq;
          a.apply(ev);
          viaMethods(b, ev);
          expectSameAndConsistent(a, b, 40);
          // Every order event and Clear (valid or not) is the book's last update; a Trade is not.
          if (ev.kind !== EventKind.Trade) lastTs = ev.ts;
          expect(a.lastUpdateTs()).toBe(lastTs);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a bid and an ask at every one of many prices stay distinct levels (probe chains cross sides)", () => {
    const ev = new MarketEvent();
    ev.kind = EventKind.Add;
    for (let trial = 0; trial < 12; trial++) {
      const b = new L3Book(0, { levelCapacity: 16 });
      const n = 200 + 37 * trial;
      const price = (k: number) => 5_000_000_000_000 + (k * 7 + trial) * 250_000_000;
      for (let k = 0; k < n; k++) {
        for (const side of [Side.Bid, Side.Ask]) {
          ev.orderIdLo = 2 * k + (side === Side.Ask ? 1 : 0);
          ev.side = side;
          ev.price = price(k);
          ev.size = side === Side.Bid ? k + 1 : 100_000 + k;
          b.apply(ev);
        }
      }
      expect(b.levels(Side.Bid)).toBe(n);
      expect(b.levels(Side.Ask)).toBe(n);
      for (let k = 0; k < n; k++) {
        expect(b.sizeAtPrice(Side.Bid, price(k))).toBe(k + 1);
        expect(b.sizeAtPrice(Side.Ask, price(k))).toBe(100_000 + k);
        expect(b.orderSide(0, 2 * k + 1)).toBe(Side.Ask);
      }
    }
  });

  it("prices with equal low 32 bits, negative prices and a bid and an ask at one price are distinct levels", () => {
    const b = new L3Book(0, { orderCapacity: 16, levelCapacity: 16 });
    const ev = new MarketEvent();
    const add = (id: number, side: Side, price: number, size: number) => {
      ev.kind = EventKind.Add;
      ev.orderIdLo = id;
      ev.side = side;
      ev.price = price;
      ev.size = size;
      ev.sequence = id;
      b.apply(ev);
    };
    const p = 5_000_250_000_000;
    add(1, Side.Bid, p, 1);
    add(2, Side.Bid, p + TWO32, 2);
    add(3, Side.Bid, p - TWO32, 3);
    add(4, Side.Ask, p + TWO32, 4); // locked with bid 2
    add(5, Side.Bid, -TWO32, 5);
    add(6, Side.Bid, 0, 6);
    expect([0, 1, 2, 3, 4].map((i) => b.levelPrice(Side.Bid, i))).toEqual([p + TWO32, p, p - TWO32, 0, -TWO32]);
    expect([0, 1, 2, 3, 4].map((i) => b.levelSize(Side.Bid, i))).toEqual([2, 1, 3, 6, 5]);
    expect(b.sizeAtPrice(Side.Ask, p + TWO32)).toBe(4);
    expect(b.sizeAtPrice(Side.Ask, p)).toBe(0);
    expect(b.anomalies.count[6]).toBe(3); // locked (bid p + 2^32 = ask p + 2^32) after adds 4, 5 and 6
    // Cancel the touch bid: the next level (same low 32 bits) becomes the touch.
    ev.kind = EventKind.Cancel;
    ev.orderIdLo = 2;
    ev.size = 2;
    b.apply(ev);
    expect(b.bestBid()).toBe(p);
    expect(b.levels(Side.Bid)).toBe(4);
    expect(b.bestAsk()).toBe(p + TWO32);
  });
});
