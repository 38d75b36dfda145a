// Latency ordering (feed, order entry, response; seeded distributions) and fees.
import { describe, expect, it } from "vitest";
import { Side } from "../../runtime/events.js";
import { Liquidity, TimeInForce } from "../../runtime/engine/strategy.js";
import { LatencyModel } from "../../runtime/execution/latency.js";
import { SeededRandom } from "../../runtime/execution/rng.js";
import { add, baseBook, del, runScript, trade } from "../engine/helpers.js";

const fixed = (ns: number) => ({ kind: "fixed" as const, ns });

describe("latency", () => {
  // Ask 101 (id 1) disappears at t=5; the next event is at t=20.
  const events = [...baseBook(), del(5, 1), add(15, 30, Side.Bid, 9000, 1), add(20, 31, Side.Bid, 9000, 1)];

  it("with zero latency the market buy sent at t=1 meets the book of t=1 (fills at 101)", () => {
    const { strategy } = runScript(events, { 1: (ctx) => ctx.buy(0, 1) });
    expect(strategy.fills.map((f) => [f.price, f.ts, f.seenAt])).toEqual([[10100, 1, 1]]);
  });

  it("order-entry latency: the order reaches the exchange at 1 + 10 = 11 and meets the book as it is then (101 gone → 102)", () => {
    let positionAt15 = Number.NaN;
    let exposureAt15 = Number.NaN;
    const { strategy } = runScript(
      events,
      {
        1: (ctx) => ctx.buy(0, 1),
        15: (ctx) => {
          positionAt15 = ctx.position(0);
          exposureAt15 = ctx.exposure(0, Side.Bid);
        },
      },
      { latency: { feed: fixed(0), orderEntry: fixed(10), response: fixed(7) } },
    );
    // Filled at exchange time 11, learnt at 11 + 7 = 18, delivered with the event at 20.
    expect(strategy.fills.map((f) => [f.price, f.ts, f.seenAt])).toEqual([[10200, 11, 18]]);
    // At t=15 the strategy does not know of the fill yet: position 0, worst-case exposure 1.
    expect(positionAt15).toBe(0);
    expect(exposureAt15).toBe(1);
  });

  it("feed latency delays what the strategy sees: ctx.time = ts + feed, and orders leave from there", () => {
    const times: number[] = [];
    const { strategy } = runScript(
      events,
      {
        5: (ctx) => {
          times.push(ctx.time);
          ctx.buy(0, 1);
        },
      },
      { latency: { feed: fixed(4), orderEntry: fixed(0), response: fixed(0) } },
    );
    // First handler with time ≥ 5 is the event at ts 1 (seen at 5); the order arrives at 5 and meets
    // the book before the delete at ts 5 is applied (arrival ≤ event time goes first).
    expect(times).toEqual([5]);
    expect(strategy.fills.map((f) => [f.price, f.ts])).toEqual([[10100, 5]]);
  });

  it("a cancel that reaches the exchange after the fill does not prevent it", () => {
    let ref = 0;
    const { strategy } = runScript(
      [...baseBook(), add(2, 40, Side.Bid, 9000, 1), trade(6, 10000, 1, Side.Ask), add(30, 41, Side.Bid, 9000, 1)],
      {
        1: (ctx) => {
          ref = ctx.limit(0, Side.Bid, 1, 10000, TimeInForce.Gtc, false);
        },
        2: (ctx) => ctx.cancel(ref),
      },
      { latency: { feed: fixed(0), orderEntry: fixed(5), response: fixed(0) } },
    );
    // The order rests at 6 (arrives 1+5), the sell print at 6 fills it; the cancel arrives at 7: too late.
    expect(strategy.fills.map((f) => [f.price, f.ts])).toEqual([[10000, 6]]);
  });

  it("seeded distributions are deterministic and within their bounds", () => {
    const a = new LatencyModel({ kind: "uniform", minNs: 100, maxNs: 200 }, new SeededRandom(7));
    const b = new LatencyModel({ kind: "uniform", minNs: 100, maxNs: 200 }, new SeededRandom(7));
    const xs = Array.from({ length: 1000 }, () => a.sample());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.sample()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...xs)).toBeLessThanOrEqual(200);
    expect(new Set(xs).size).toBeGreaterThan(50);
    const n = new LatencyModel({ kind: "normal", meanNs: 1000, sdNs: 100, minNs: 0 }, new SeededRandom(1));
    const ys = Array.from({ length: 20000 }, () => n.sample());
    const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
    expect(Math.abs(mean - 1000)).toBeLessThan(5);
    const e = new LatencyModel({ kind: "exponential", minNs: 50, meanNs: 200 }, new SeededRandom(3));
    const zs = Array.from({ length: 20000 }, () => e.sample());
    expect(Math.min(...zs)).toBeGreaterThanOrEqual(50);
    expect(Math.abs(zs.reduce((s, z) => s + z, 0) / zs.length - 250)).toBeLessThan(10);
  });

  it("random response latency never delivers an order's reports out of order", () => {
    const { strategy } = runScript(
      [...baseBook(), add(50, 60, Side.Bid, 9000, 1)],
      { 1: (ctx) => ctx.buy(0, 8) },
      { latency: { feed: fixed(0), orderEntry: fixed(0), response: { kind: "uniform", minNs: 0, maxNs: 30 } }, seed: 5 },
    );
    expect(strategy.fills.map((f) => f.qty)).toEqual([5, 3]);
    expect(strategy.fills[1].seenAt).toBeGreaterThanOrEqual(strategy.fills[0].seenAt);
  });
});

describe("fees", () => {
  it("taker per contract + bps of notional, maker rebate per contract", () => {
    const fees = { makerPerContract: -0.2, takerPerContract: 0.5, makerBps: 0, takerBps: 1 };
    const { strategy, result } = runScript([...baseBook(), trade(5, 9900, 2, Side.Ask), add(9, 70, Side.Bid, 9000, 1)], {
      1: (ctx) => {
        ctx.buy(0, 8); // 5 @ 101 + 3 @ 102
        ctx.limit(0, Side.Bid, 2, 9900, TimeInForce.Gtc, false); // rests behind 5 at 99
      },
      5: () => {},
    }, { fees });
    const taker = strategy.fills.filter((f) => f.liquidity === Liquidity.Taker).map((f) => f.fee);
    expect(taker[0]).toBeCloseTo(0.5 * 5 + (101 * 5) / 10000, 12);
    expect(taker[1]).toBeCloseTo(0.5 * 3 + (102 * 3) / 10000, 12);
    // The print of 2 at 99 goes to the 5 strangers ahead: no maker fill.
    expect(strategy.fills.filter((f) => f.liquidity === Liquidity.Maker)).toEqual([]);
    expect(result.portfolio.fees[0]).toBeCloseTo(taker[0] + taker[1], 12);
  });

  it("per-symbol schedules with a '*' default", () => {
    const { strategy } = runScript(baseBook(), { 1: (ctx) => ctx.buy(0, 1) }, {
      fees: { "*": { makerPerContract: 0, takerPerContract: 9, makerBps: 0, takerBps: 0 }, TEST: { makerPerContract: 0, takerPerContract: 1.25, makerBps: 0, takerBps: 0 } },
    });
    expect(strategy.fills[0].fee).toBe(1.25);
  });
});
