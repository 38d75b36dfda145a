/**
 * Book operators against independent naive recomputations over random valid book sequences: a
 * Map-based book implementing BookView, mutated by fast-check-generated level updates (with
 * crossing levels removed, sides emptied, constant runs, huge and tiny sizes).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Side, type InstrumentInfo } from "../../runtime/events.js";
import type { BookView } from "../../runtime/book/view.js";
import {
  BookAskSize,
  BookBestAsk,
  BookBestBid,
  BookBidSize,
  BookDepth,
  BookImbalance,
  BookMicroprice,
  BookMid,
  BookMidChangeRate,
  BookMidChangeRateTime,
  BookPressure,
  BookQueuePosition,
  BookSpread,
  BookSpreadBps,
  OrderFlowImbalance,
  OrderFlowImbalanceTime,
  type OwnOrderQueue,
} from "../../stdlib/index.js";

const INST: InstrumentInfo = {
  index: 3,
  symbol: "TEST",
  sourceId: 3,
  priceScale: 1e-4,
  tickSize: 100,
  multiplier: 1,
};

/** A deliberately simple book: two Maps, levels sorted on every query. */
class MapBook implements BookView {
  readonly instrument = INST.index;
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  ts = 0;
  private cache: { bid: [number, number][]; ask: [number, number][] } | undefined;

  /** Levels of a side, best first; recomputed after every mutation. */
  private sorted(side: Side): [number, number][] {
    if (!this.cache) {
      const rows = (m: Map<number, number>, dir: number): [number, number][] =>
        [...m.entries()].filter(([, s]) => s > 0).sort((x, y) => dir * (x[0] - y[0]));
      this.cache = { bid: rows(this.bids, -1), ask: rows(this.asks, 1) };
    }
    return side === Side.Bid ? this.cache.bid : this.cache.ask;
  }
  bestBid(): number {
    return this.levelPrice(Side.Bid, 0);
  }
  bestAsk(): number {
    return this.levelPrice(Side.Ask, 0);
  }
  levels(side: Side): number {
    return this.sorted(side).length;
  }
  levelPrice(side: Side, i: number): number {
    const r = this.sorted(side)[i];
    return r ? r[0] : Number.NaN;
  }
  levelSize(side: Side, i: number): number {
    const r = this.sorted(side)[i];
    return r ? r[1] : 0;
  }
  levelCount(side: Side, i: number): number {
    return this.sorted(side)[i] ? 1 : 0;
  }
  sizeAtPrice(side: Side, price: number): number {
    return (side === Side.Bid ? this.bids : this.asks).get(price) ?? 0;
  }
  lastUpdateTs(): number {
    return this.ts;
  }

  /** Sets a level (size 0 deletes it), removing levels of the other side it would cross. */
  set(side: Side, price: number, size: number): void {
    this.cache = undefined;
    const own = side === Side.Bid ? this.bids : this.asks;
    const other = side === Side.Bid ? this.asks : this.bids;
    if (size <= 0) {
      own.delete(price);
      return;
    }
    own.set(price, size);
    for (const p of [...other.keys()]) {
      if (side === Side.Bid ? p <= price : p >= price) other.delete(p);
    }
  }

  clearSide(side: Side): void {
    this.cache = undefined;
    (side === Side.Bid ? this.bids : this.asks).clear();
  }
}

/** One random book change. */
type Op =
  | { kind: "set"; side: Side; offset: number; size: number; repeat: number; gap: number }
  | { kind: "clear"; side: Side; gap: number }
  | { kind: "drift"; ticks: number; gap: number };

const sizeArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1_000_000, max: 2_000_000_000 }) },
  { weight: 1, arbitrary: fc.constant(1) },
);
const gapArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 50_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 50_000_000, max: 3_000_000_000 }) },
);
const sideArb = fc.constantFrom(Side.Bid, Side.Ask);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant("set" as const),
      side: sideArb,
      offset: fc.integer({ min: 0, max: 8 }),
      size: sizeArb,
      repeat: fc.oneof({ weight: 9, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 30 }) }),
      gap: gapArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("clear" as const), side: sideArb, gap: gapArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("drift" as const), ticks: fc.integer({ min: -3, max: 3 }), gap: gapArb }) },
);

const TICK = INST.tickSize;

/**
 * Replays ops into a MapBook and calls `step(book, ts)` after every change (constant runs repeat
 * the same change: the book does not move but the operators still update).
 */
function replay(ops: Op[], step: (book: MapBook, ts: number) => void): number {
  const book = new MapBook();
  let center = 1_000_000; // $100.00 at 1e-4
  let ts = 1_000;
  let updates = 0;
  for (const op of ops) {
    const times = op.kind === "set" ? op.repeat : 1;
    for (let r = 0; r < times; r++) {
      ts += op.gap;
      book.ts = ts;
      if (op.kind === "set") {
        const price = op.side === Side.Bid ? center - (op.offset + 1) * TICK : center + op.offset * TICK;
        book.set(op.side, price, op.size);
      } else if (op.kind === "clear") {
        book.clearSide(op.side);
      } else {
        center += op.ticks * TICK;
      }
      step(book, ts);
      updates++;
    }
  }
  return updates;
}

/** 1e-9 relative; ratios in [−1, 1] pass scale 1 for an absolute floor of 1e-15 near 0. */
function expectClose(actual: number, expected: number, what: string, scale = 0): void {
  if (Number.isNaN(expected)) {
    if (!Number.isNaN(actual)) expect.fail(`${what}: expected NaN, got ${actual}`);
    return;
  }
  const tol = 1e-9 * Math.max(Math.abs(expected), Math.abs(actual)) + 1e-15 * scale + 1e-300;
  if (!(Math.abs(actual - expected) <= tol)) expect.fail(`${what}: expected ${expected}, got ${actual}`);
}

/** Naive top-of-book read straight from the Maps. */
function naiveTop(book: MapBook): { bid: number; ask: number; bs: number; as: number } {
  let bid = Number.NaN;
  let ask = Number.NaN;
  for (const [p, s] of book.bids) if (s > 0 && !(p <= bid)) bid = p;
  for (const [p, s] of book.asks) if (s > 0 && !(p >= ask)) ask = p;
  return { bid, ask, bs: book.bids.get(bid) ?? 0, as: book.asks.get(ask) ?? 0 };
}

/** Sizes of the best n levels of a side, best first. */
function naiveSizes(book: MapBook, side: Side, n: number): number[] {
  const m = side === Side.Bid ? book.bids : book.asks;
  const prices = [...m.keys()].filter((p) => (m.get(p) ?? 0) > 0);
  prices.sort((x, y) => (side === Side.Bid ? y - x : x - y));
  return prices.slice(0, n).map((p) => m.get(p) ?? 0);
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

const RUNS = { numRuns: 20, seed: 4242 } as const;
const OPS = fc.array(opArb, { minLength: 2500, maxLength: 3500 });

describe("top-of-book and multi-level operators vs naive recomputation", () => {
  it("best bid/ask, sizes, mid, microprice, spread, bps, imbalance, pressure, depth", () => {
    let total = 0;
    fc.assert(
      fc.property(OPS, (ops) => {
        const s = INST.priceScale;
        const bb = new BookBestBid(INST);
        const ba = new BookBestAsk(INST);
        const bsz = new BookBidSize(INST);
        const asz = new BookAskSize(INST);
        const mid = new BookMid(INST);
        const micro = new BookMicroprice(INST);
        const spr = new BookSpread(INST);
        const bps = new BookSpreadBps(INST);
        const imb1 = new BookImbalance(INST, 1);
        const imb3 = new BookImbalance(INST, 3);
        const pr5 = new BookPressure(INST, 5);
        const dBoth = new BookDepth(INST, 4, Side.None);
        const dBid = new BookDepth(INST, 2, Side.Bid);
        const dAsk = new BookDepth(INST, 10, Side.Ask);
        expect(mid.ready).toBe(false);
        expect(mid.value).toBeNaN();
        total += replay(ops, (book, ts) => {
          for (const op of [bb, ba, bsz, asz, mid, micro, spr, bps, imb1, imb3, pr5, dBoth, dBid, dAsk]) op.update(book, ts);
          const t = naiveTop(book);
          expectClose(bb.value, t.bid * s, "best_bid");
          expectClose(ba.value, t.ask * s, "best_ask");
          expect(bsz.value).toBe(t.bs);
          expect(asz.value).toBe(t.as);
          const m = ((t.bid + t.ask) / 2) * s;
          expectClose(mid.value, m, "mid");
          const mp = t.bs + t.as > 0 ? ((t.bid * t.as + t.ask * t.bs) / (t.bs + t.as)) * s : m;
          expectClose(micro.value, mp, "microprice");
          expectClose(spr.value, (t.ask - t.bid) * s, "spread");
          expectClose(bps.value, ((t.ask - t.bid) / ((t.ask + t.bid) / 2)) * 10_000, "spread_bps");
          for (const [op, n] of [[imb1, 1], [imb3, 3]] as const) {
            const B = sum(naiveSizes(book, Side.Bid, n));
            const A = sum(naiveSizes(book, Side.Ask, n));
            expectClose(op.value, B + A === 0 ? Number.NaN : (B - A) / (B + A), `imbalance(${n})`, 1);
          }
          const wb = naiveSizes(book, Side.Bid, 5).reduce((acc, q, i) => acc + q / (i + 1), 0);
          const wa = naiveSizes(book, Side.Ask, 5).reduce((acc, q, i) => acc + q / (i + 1), 0);
          expectClose(pr5.value, wb + wa === 0 ? Number.NaN : (wb - wa) / (wb + wa), "pressure", 1);
          expect(dBoth.value).toBe(sum(naiveSizes(book, Side.Bid, 4)) + sum(naiveSizes(book, Side.Ask, 4)));
          expect(dBid.value).toBe(sum(naiveSizes(book, Side.Bid, 2)));
          expect(dAsk.value).toBe(sum(naiveSizes(book, Side.Ask, 10)));
          expect(mid.ready).toBe(true);
          if (Number.isNaN(t.bid) || Number.isNaN(t.ask)) {
            expect(mid.value).toBeNaN();
            expect(spr.value).toBeNaN();
          }
        });
        mid.reset();
        imb3.reset();
        expect(mid.ready).toBe(false);
        expect(mid.value).toBeNaN();
        expect(imb3.value).toBeNaN();
      }),
      RUNS,
    );
    expect(total).toBeGreaterThan(100_000);
  });

  it("imbalance and pressure stay in [-1, 1] and agree at one level", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 200, maxLength: 400 }), (ops) => {
        const imb = new BookImbalance(INST, 1);
        const pr = new BookPressure(INST, 1);
        replay(ops, (book, ts) => {
          imb.update(book, ts);
          pr.update(book, ts);
          if (!Number.isNaN(imb.value)) {
            expect(Math.abs(imb.value)).toBeLessThanOrEqual(1);
            expectClose(pr.value, imb.value, "pressure(1) = imbalance(1)", 1);
          } else expect(pr.value).toBeNaN();
        });
      }),
      { numRuns: 30, seed: 7 },
    );
  });
});

type Top = { bid: number; ask: number; bs: number; as: number };

/** eₙ from the paper for update k, against the last earlier two-sided touch (scanning back). */
function naiveOfiTerm(tops: Top[], k: number): number {
  const cur = tops[k];
  if (Number.isNaN(cur.bid) || Number.isNaN(cur.ask)) return 0;
  for (let j = k - 1; j >= 0; j--) {
    const p = tops[j];
    if (Number.isNaN(p.bid) || Number.isNaN(p.ask)) continue;
    const ind = (c: boolean): number => (c ? 1 : 0);
    return (
      ind(cur.bid >= p.bid) * cur.bs -
      ind(cur.bid <= p.bid) * p.bs -
      ind(cur.ask <= p.ask) * cur.as +
      ind(cur.ask >= p.ask) * p.as
    );
  }
  return 0;
}

describe("flow.ofi (Cont–Kukanov–Stoikov)", () => {
  /** A scripted book that shows exactly one touch per step. */
  class TouchBook extends MapBook {
    show(bid: number, bs: number, ask: number, as: number): void {
      this.clearSide(Side.Bid);
      this.clearSide(Side.Ask);
      if (bs > 0) this.bids.set(bid, bs);
      if (as > 0) this.asks.set(ask, as);
    }
  }

  it("matches a hand-computed example from the paper's definition", () => {
    // Prices in ticks of 100 fixed-point units; e_n worked out by hand:
    //  1. bid 100×10 ask 101×5   first state                          e = 0
    //  2. bid 100×12 ask 101×5   same prices: 12−10 on the bid, 5−5   e = 2
    //  3. bid 101×3  ask 102×7   bid up: +3; ask up: +5 (old ask size) e = 8
    //  4. bid 100×4  ask 101×6   bid down: −3 (old); ask down: −6     e = −9
    //  5. unchanged                                                    e = 0
    //  6. ask side empty                                               e = 0
    //  7. bid 100×4  ask 101×9   vs step 5's state: bid 0, ask −(9)+6 e = −3
    const steps: [number, number, number, number][] = [
      [100, 10, 101, 5],
      [100, 12, 101, 5],
      [101, 3, 102, 7],
      [100, 4, 101, 6],
      [100, 4, 101, 6],
      [100, 4, 101, 0],
      [100, 4, 101, 9],
    ];
    const expectedE = [0, 2, 8, -9, 0, 0, -3];
    const book = new TouchBook();
    const per = new OrderFlowImbalance(INST, 1);
    const w3 = new OrderFlowImbalance(INST, 3);
    const got: number[] = [];
    const got3: number[] = [];
    steps.forEach(([b, bs, a, as], i) => {
      book.show(b * 100, bs, a * 100, as);
      per.update(book, i);
      w3.update(book, i);
      got.push(per.ready ? per.value : Number.NaN);
      got3.push(w3.ready ? w3.value : Number.NaN);
    });
    expect(got).toEqual([Number.NaN, 2, 8, -9, 0, 0, -3]);
    // window 3: ready after 4 updates; sums of e over the last 3 updates
    expect(got3).toEqual([Number.NaN, Number.NaN, Number.NaN, 2 + 8 - 9, 8 - 9 + 0, -9 + 0 + 0, 0 + 0 - 3]);
    const tops: Top[] = steps.map(([b, bs, a, as]) => ({ bid: b, bs, ask: as > 0 ? a : Number.NaN, as }));
    expect(tops.map((_, k) => naiveOfiTerm(tops, k))).toEqual(expectedE);
  });

  it("count and time windows match the naive sum of eₙ", () => {
    let total = 0;
    fc.assert(
      fc.property(OPS, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 2_000_000_000 }), (ops, n, T) => {
        const count = new OrderFlowImbalance(INST, n);
        const timed = new OrderFlowImbalanceTime(INST, T);
        const tops: Top[] = [];
        const times: number[] = [];
        const eTerms: number[] = [];
        total += replay(ops, (book, ts) => {
          count.update(book, ts);
          timed.update(book, ts);
          tops.push(naiveTop(book));
          times.push(ts);
          const k = tops.length - 1;
          eTerms.push(naiveOfiTerm(tops, k));
          if (k >= n) {
            expect(count.ready).toBe(true);
            expect(count.value).toBe(sum(eTerms.slice(k - n + 1, k + 1)));
          } else {
            expect(count.ready).toBe(false);
            expect(count.value).toBeNaN();
          }
          if (ts - times[0] >= T) {
            let s = 0;
            for (let j = k; j >= 0 && times[j] > ts - T; j--) s += eTerms[j];
            expect(timed.ready).toBe(true);
            expect(timed.value).toBe(s);
          } else {
            expect(timed.ready).toBe(false);
          }
        });
      }),
      RUNS,
    );
    expect(total).toBeGreaterThan(100_000);
  });
});

describe("book.mid_change_rate", () => {
  it("count and time windows match a naive count of mid changes", () => {
    let total = 0;
    fc.assert(
      fc.property(OPS, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 3_000_000_000 }), (ops, n, T) => {
        const count = new BookMidChangeRate(INST, n);
        const timed = new BookMidChangeRateTime(INST, T);
        const times: number[] = [];
        const changed: number[] = [];
        let last = Number.NaN;
        total += replay(ops, (book, ts) => {
          count.update(book, ts);
          timed.update(book, ts);
          const t = naiveTop(book);
          const m = (t.bid + t.ask) / 2;
          changed.push(!Number.isNaN(m) && !Number.isNaN(last) && m !== last ? 1 : 0);
          if (!Number.isNaN(m)) last = m;
          times.push(ts);
          const k = times.length - 1;
          if (k >= n) {
            const span = (ts - times[k - n]) / 1e9;
            const c = sum(changed.slice(k - n + 1, k + 1));
            expect(count.ready).toBe(true);
            expectClose(count.value, span > 0 ? c / span : Number.NaN, "mid_change_rate count");
          } else expect(count.ready).toBe(false);
          if (ts - times[0] >= T) {
            let c = 0;
            for (let j = k; j >= 0 && times[j] > ts - T; j--) c += changed[j];
            expectClose(timed.value, c / (T / 1e9), "mid_change_rate time");
          } else expect(timed.ready).toBe(false);
        });
      }),
      RUNS,
    );
    expect(total).toBeGreaterThan(100_000);
  });
});

describe("book.queue_position", () => {
  it("reads the attached OwnOrderQueue for its instrument and side, NaN without one", () => {
    const calls: [number, Side][] = [];
    const queue: OwnOrderQueue = {
      queueAhead(instrument, side) {
        calls.push([instrument, side]);
        return side === Side.Bid ? 42 : Number.NaN;
      },
    };
    const book = new MapBook();
    const none = new BookQueuePosition(INST, Side.Bid);
    none.update(book, 1);
    expect(none.ready).toBe(true);
    expect(none.value).toBeNaN();
    const bid = new BookQueuePosition(INST, Side.Bid, queue);
    const ask = new BookQueuePosition(INST, Side.Ask);
    ask.attachQueue(queue);
    bid.update(book, 2);
    ask.update(book, 2);
    expect(bid.value).toBe(42);
    expect(ask.value).toBeNaN();
    expect(calls).toEqual([
      [3, Side.Bid],
      [3, Side.Ask],
    ]);
    expect(() => new BookQueuePosition(INST, 0 as Side)).toThrow(RangeError);
  });
});
