/**
 * Synthetic MBO: replayed through an independent naive book (a Map of orders), the stream is
 * valid (every cancel / modify / execute names a resting order and never removes more than it
 * holds, ids are unique, the book is never crossed), deterministic per seed, and has realistic
 * proportions of adds, cancels, modifies and executions.
 */
import { describe, expect, it } from "vitest";
import { EventKind, Side } from "../../runtime/events.js";
import { SynthMboSource } from "../../runtime/data/synth.js";

interface NaiveOrder {
  side: number;
  price: number;
  size: number;
}

function replay(events: number, seed: number) {
  const src = new SynthMboSource({ events, seed });
  const orders = new Map<number, NaiveOrder>();
  const seen = new Set<number>();
  const counts = new Map<number, number>();
  let crossed = 0;
  let invalid = 0;
  let hash = 0;
  let n = 0;
  let lastTs = -Infinity;
  let tsBackwards = 0;
  while (src.next()) {
    const e = src.event;
    n++;
    counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
    const id = e.orderIdHi * 4294967296 + e.orderIdLo;
    hash = (Math.imul(hash, 31) + e.kind * 7 + e.price / 1e6 + e.size * 13 + (id % 1000)) | 0;
    if (e.ts < lastTs) tsBackwards++;
    lastTs = e.ts;
    const o = orders.get(id);
    switch (e.kind) {
      case EventKind.Add:
        if (seen.has(id)) invalid++;
        seen.add(id);
        orders.set(id, { side: e.side, price: e.price, size: e.size });
        break;
      case EventKind.Cancel:
      case EventKind.Execute:
        if (!o || e.size > o.size || e.size <= 0) invalid++;
        else if ((o.size -= e.size) === 0) orders.delete(id);
        if (e.kind === EventKind.Execute && o && e.price !== o.price) invalid++;
        break;
      case EventKind.Modify:
        if (!o) invalid++;
        else {
          o.price = e.price;
          o.size = e.size;
        }
        break;
      case EventKind.Trade:
        if (e.aggressor === Side.None) invalid++;
        break;
      default:
        invalid++;
    }
    if (e.flags & 128) {
      let bid = -Infinity;
      let ask = Infinity;
      for (const x of orders.values()) {
        if (x.side === Side.Bid) bid = Math.max(bid, x.price);
        else ask = Math.min(ask, x.price);
      }
      if (bid >= ask) crossed++;
    }
  }
  return { n, counts, crossed, invalid, hash, live: orders.size, tsBackwards, src };
}

describe("synthetic MBO", () => {
  it("is a valid, never-crossed stream with unique ids", () => {
    const r = replay(200_000, 42);
    expect(r.n).toBe(200_000);
    expect(r.invalid).toBe(0);
    expect(r.crossed).toBe(0);
    expect(r.tsBackwards).toBe(0);
    expect(r.live).toBeGreaterThan(100);
  });

  it("has realistic proportions", () => {
    const r = replay(200_000, 7);
    const f = (k: EventKind) => (r.counts.get(k) ?? 0) / r.n;
    expect(f(EventKind.Add)).toBeGreaterThan(0.3);
    expect(f(EventKind.Add)).toBeLessThan(0.6);
    expect(f(EventKind.Cancel)).toBeGreaterThan(0.25);
    expect(f(EventKind.Modify)).toBeGreaterThan(0.01);
    expect(f(EventKind.Trade)).toBeGreaterThan(0.02);
    expect(f(EventKind.Trade)).toBeLessThan(0.2);
    expect(f(EventKind.Execute)).toBeGreaterThanOrEqual(f(EventKind.Trade));
  });

  it("is deterministic per seed and differs across seeds", () => {
    expect(replay(50_000, 1).hash).toBe(replay(50_000, 1).hash);
    expect(replay(50_000, 1).hash).not.toBe(replay(50_000, 2).hash);
  });

  it("moves the mid (random walk) over a long run", () => {
    const src = new SynthMboSource({ events: 300_000, seed: 3 });
    let lo = Infinity;
    let hi = -Infinity;
    while (src.next()) {
      if (src.event.kind === EventKind.Trade) {
        lo = Math.min(lo, src.event.price);
        hi = Math.max(hi, src.event.price);
      }
    }
    expect(hi - lo).toBeGreaterThan(4 * 250_000_000);
  });
});
