/**
 * Property tests (fast-check) of the register forms the execution simulator uses per event:
 * L3Book.orderInto + queueAheadOf (one id lookup) must answer exactly what orderSide / orderPrice /
 * orderSize answer and the size ahead in the level's FIFO (read through levelOrders), and sizeAtPriceIn (price in a register) what sizeAtPrice answers,
 * on L3 books and on L2 books built from them — for ids that rest, ids that left, ids never seen,
 * and prices with and without a level. Books come from random add / cancel / execute / modify
 * streams over a narrow price range, so hash tables see collisions and levels come and go.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventKind, MarketEvent, Side } from "../../runtime/events.js";
import { L2Book } from "../../runtime/book/l2.js";
import { L3Book } from "../../runtime/book/l3.js";

const TICK = 250_000_000;
const BASE = 5_000_000_000_000;

const cmd = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant("add" as const), bid: fc.boolean(), off: fc.integer({ min: 0, max: 12 }), size: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("cancel" as const), k: fc.nat(), part: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("exec" as const), k: fc.nat(), part: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("modify" as const), k: fc.nat(), off: fc.integer({ min: 0, max: 12 }), size: fc.integer({ min: 1, max: 40 }) }) },
);

interface Live {
  id: number;
  side: Side;
  size: number;
}

/** Applies the commands to a fresh L3 book (ids above 2^32: both halves used); returns the ids ever added. */
function build(cmds: ReadonlyArray<typeof cmd extends fc.Arbitrary<infer T> ? T : never>, book: L3Book): number[] {
  const ev = new MarketEvent();
  const live: Live[] = [];
  const ids: number[] = [];
  let next = 2 ** 32 + 7;
  let ts = 1;
  const send = (kind: EventKind, id: number, side: Side, price: number, size: number): void => {
    ev.kind = kind;
    ev.side = side;
    ev.price = price;
    ev.size = size;
    ev.ts = ts++;
    ev.flags = 128;
    ev.orderIdHi = Math.floor(id / 2 ** 32);
    ev.orderIdLo = id >>> 0;
    book.apply(ev);
  };
  for (const c of cmds) {
    if (c.t === "add") {
      const side = c.bid ? Side.Bid : Side.Ask;
      // Bids at or below BASE, asks above it: never crossed.
      const price = c.bid ? BASE - c.off * TICK : BASE + (c.off + 1) * TICK;
      const id = next++;
      ids.push(id);
      live.push({ id, side, size: c.size });
      send(EventKind.Add, id, side, price, c.size);
    } else if (live.length > 0) {
      const i = c.k % live.length;
      const o = live[i];
      if (c.t === "modify") {
        const price = o.side === Side.Bid ? BASE - c.off * TICK : BASE + (c.off + 1) * TICK;
        o.size = c.size;
        send(EventKind.Modify, o.id, o.side, price, c.size);
      } else {
        const by = c.part && o.size > 1 ? Math.floor(o.size / 2) : o.size;
        o.size -= by;
        if (o.size === 0) live.splice(i, 1);
        send(c.t === "cancel" ? EventKind.Cancel : EventKind.Execute, o.id, o.side, book.orderPrice(Math.floor(o.id / 2 ** 32), o.id >>> 0), by);
      }
    }
  }
  return ids;
}

/** Size ahead of (hi, lo) in its level's FIFO, read through levelOrders (independent of queueAhead). */
function fifoAhead(book: L3Book, side: Side, price: number, hi: number, lo: number): number {
  const idHi = new Uint32Array(4096);
  const idLo = new Uint32Array(4096);
  const size = new Float64Array(4096);
  for (let i = 0; i < book.levels(side); i++) {
    if (book.levelPrice(side, i) !== price) continue;
    const n = book.levelOrders(side, i, idHi, idLo, size);
    let ahead = 0;
    for (let j = 0; j < n; j++) {
      if (idHi[j] === hi && idLo[j] === lo) return ahead;
      ahead += size[j];
    }
  }
  return Number.NaN;
}

describe("register queries (simulator per-event forms)", () => {
  it("orderInto + queueAheadOf equal the per-field lookups; sizeAtPriceIn equals sizeAtPrice (L3 and L2)", () => {
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 250 }), (cmds) => {
        const book = new L3Book(0);
        const ids = build(cmds, book);
        const out = new Float64Array(3);
        const reg = new Float64Array(1);
        // Ids ever added (resting or gone) and ids never seen.
        for (const id of [...ids, 1, 2 ** 32 + 3, 2 ** 40 + 11]) {
          const hi = Math.floor(id / 2 ** 32);
          const lo = id >>> 0;
          out.fill(-7);
          const handle = book.orderInto(hi, lo, out);
          if (book.orderSide(hi, lo) === Side.None) {
            expect(handle).toBe(-1);
            expect([...out]).toEqual([-7, -7, -7]);
          } else {
            expect(handle).toBeGreaterThanOrEqual(0);
            expect([out[0], out[1], out[2]]).toEqual([book.orderSide(hi, lo), book.orderPrice(hi, lo), book.orderSize(hi, lo)]);
            expect(book.queueAheadOf(handle)).toBe(fifoAhead(book, out[0] as Side, out[1], hi, lo));
          }
        }
        const l2 = new L2Book(0, { levelCapacity: 8 });
        l2.copyFrom(book, 1000);
        for (const side of [Side.Bid, Side.Ask]) {
          for (let off = -2; off <= 15; off++) {
            const price = BASE + off * TICK;
            reg[0] = price;
            expect(book.sizeAtPriceIn(side, reg)).toBe(book.sizeAtPrice(side, price));
            expect(l2.sizeAtPriceIn(side, reg)).toBe(l2.sizeAtPrice(side, price));
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
