// Hand-computed scenarios for every order type on tiny books (prices in cents, 10100 = $101.00).
import { describe, expect, it } from "vitest";
import { Side } from "../../runtime/events.js";
import { Liquidity, RefusalReason, TimeInForce } from "../../runtime/engine/strategy.js";
import { runBacktest } from "../../runtime/engine/engine.js";
import { ScriptedSource } from "../../runtime/engine/scripted-source.js";
import { add, baseBook, del, INST, runScript, ScriptStrategy, trade } from "../engine/helpers.js";

describe("marketable orders", () => {
  it("a market buy walks the asks: 5 @ 101 then 3 @ 102 (average 101.375)", () => {
    const { strategy, result } = runScript([...baseBook(), add(10, 9, Side.Bid, 9700, 1)], {
      1: (ctx) => ctx.buy(0, 8),
    });
    expect(strategy.fills.map((f) => [f.price, f.qty, f.liquidity])).toEqual([
      [10100, 5, Liquidity.Taker],
      [10200, 3, Liquidity.Taker],
    ]);
    expect(result.portfolio.position[0]).toBe(8);
    const avg = strategy.fills.reduce((s, f) => s + f.price * f.qty, 0) / 8;
    expect(avg).toBe(10137.5);
  });

  it("a market order larger than the book fills what is there and the rest is cancelled", () => {
    const { strategy, result } = runScript(baseBook(), { 1: (ctx) => ctx.sell(0, 12) });
    expect(strategy.fills.map((f) => [f.price, f.qty])).toEqual([
      [9900, 5],
      [9800, 5],
      [9000, 1],
    ]);
    expect(result.portfolio.position[0]).toBe(-11);
    expect(result.report.metrics.cancels).toBe(1);
  });

  it("a second marketable order does not re-take what the first one took", () => {
    const { strategy } = runScript(baseBook(), {
      1: (ctx) => {
        ctx.buy(0, 5);
        ctx.buy(0, 5);
      },
    });
    expect(strategy.fills.map((f) => [f.ref, f.price, f.qty])).toEqual([
      [1, 10100, 5],
      [2, 10200, 5],
    ]);
  });

  it("consumed liquidity is forgotten when the level vanishes and comes back", () => {
    const { strategy } = runScript([...baseBook(), del(5, 1), add(6, 7, Side.Ask, 10100, 4), add(20, 8, Side.Bid, 9000, 1)], {
      1: (ctx) => ctx.buy(0, 5),
      6: (ctx) => ctx.buy(0, 2),
    });
    expect(strategy.fills.map((f) => [f.price, f.qty])).toEqual([
      [10100, 5],
      [10100, 2],
    ]);
  });

  it("limit IOC fills what is marketable within the limit and cancels the rest", () => {
    const { strategy, result } = runScript(baseBook(), {
      1: (ctx) => ctx.limit(0, Side.Bid, 8, 10100, TimeInForce.Ioc, false),
    });
    expect(strategy.fills.map((f) => [f.price, f.qty])).toEqual([[10100, 5]]);
    expect(result.report.metrics.cancels).toBe(1);
    expect(result.portfolio.position[0]).toBe(5);
  });

  it("FOK fills entirely or not at all", () => {
    const refused = runScript(baseBook(), { 1: (ctx) => ctx.limit(0, Side.Bid, 8, 10100, TimeInForce.Fok, false) });
    expect(refused.strategy.fills).toEqual([]);
    expect(refused.result.refusals).toEqual({ fok_unfilled: 1 });
    const filled = runScript(baseBook(), { 1: (ctx) => ctx.limit(0, Side.Bid, 8, 10200, TimeInForce.Fok, false) });
    expect(filled.strategy.fills.map((f) => [f.price, f.qty])).toEqual([
      [10100, 5],
      [10200, 3],
    ]);
  });

  it("a GTC limit buy through the ask takes what it can and rests the remainder at its price", () => {
    const { strategy, result } = runScript([...baseBook(), trade(5, 10100, 3, Side.Ask)], {
      1: (ctx) => ctx.limit(0, Side.Bid, 7, 10100, TimeInForce.Gtc, false),
    });
    // 5 taken at 101; 2 rest at 101 as the new best bid (ahead 0): the sell print of 3 at 101 fills them.
    expect(strategy.fills.map((f) => [f.price, f.qty, f.liquidity])).toEqual([
      [10100, 5, Liquidity.Taker],
      [10100, 2, Liquidity.Maker],
    ]);
    expect(result.portfolio.position[0]).toBe(7);
  });

  it("post-only is refused when it would cross, and rests otherwise", () => {
    const { strategy, result } = runScript([...baseBook(), trade(5, 10000, 1, Side.Ask)], {
      1: (ctx) => {
        ctx.bid(0, 10100, 1); // would cross the ask 101
        ctx.bid(0, 10000, 1); // improves the bid: rests alone at 100
      },
    });
    expect(result.refusals).toEqual({ post_only_would_cross: 1 });
    expect(strategy.fills.map((f) => [f.price, f.qty, f.liquidity])).toEqual([[10000, 1, Liquidity.Maker]]);
  });

  it("a buy stop triggers on a print at or above the stop and becomes a market order", () => {
    const { strategy } = runScript([...baseBook(), trade(5, 10000, 1, Side.Bid), trade(6, 10100, 1, Side.Bid), add(7, 5, Side.Bid, 9000, 1)], {
      1: (ctx) => ctx.stop(0, Side.Bid, 2, 10100, Number.NaN),
    });
    // The print at 100 does not trigger; the print at 101 does: the market buy takes 2 @ 101.
    expect(strategy.fills.map((f) => [f.price, f.qty, f.ts])).toEqual([[10100, 2, 6]]);
  });

  it("a sell stop-limit triggers and rests at its limit when not marketable", () => {
    const { strategy, result } = runScript([...baseBook(), trade(5, 9900, 1, Side.Ask), trade(8, 10000, 4, Side.Bid)], {
      1: (ctx) => ctx.stop(0, Side.Ask, 1, 9900, 10000),
    });
    // Trigger at 99 → sell limit 100 (not marketable against bid 99) rests; the buy print at 100 fills it.
    expect(strategy.fills.map((f) => [f.price, f.qty, f.liquidity])).toEqual([[10000, 1, Liquidity.Maker]]);
    expect(result.portfolio.position[0]).toBe(-1);
  });

  it("cancel removes a resting order before it can fill", () => {
    let ref = 0;
    const { strategy, result } = runScript([...baseBook(), add(4, 6, Side.Bid, 9000, 1), trade(5, 10000, 5, Side.Ask)], {
      1: (ctx) => {
        ref = ctx.limit(0, Side.Bid, 1, 10000, TimeInForce.Gtc, false);
      },
      4: (ctx) => ctx.cancel(ref),
    });
    expect(strategy.fills).toEqual([]);
    expect(result.report.metrics.cancels).toBe(1);
    expect(strategy.ctx!.openOrders(0)).toBe(0);
  });

  it("bad orders are refused: zero qty, fractional qty, off-tick price", () => {
    const { result, strategy } = runScript(baseBook(), {
      1: (ctx) => {
        expect(ctx.buy(0, 0)).toBe(0);
        expect(ctx.buy(0, 1.5)).toBe(0);
        expect(ctx.limit(0, Side.Bid, 1, 9900.5, TimeInForce.Gtc, false)).toBe(0);
        expect(ctx.lastRefusal).toBe(RefusalReason.BadOrder);
      },
    });
    expect(result.refusals).toEqual({ bad_order: 3 });
    expect(strategy.fills).toEqual([]);
  });
});

describe("modify and quote", () => {
  it("modify: a size decrease keeps queue priority, a price change loses it", () => {
    // Bid 100 holds 4 (id 10). Our two orders join behind it. Then order A is cut from 3 to 2 (keeps its
    // place), B is re-priced to 100 from 99 (back of the queue). A sell print of 6 at 100: 4 strangers,
    // then A's 2 fill; B (behind a new stranger add of 5) gets nothing.
    let a = 0;
    let b = 0;
    const { strategy } = runScript(
      [...baseBook(), add(2, 10, Side.Bid, 10000, 4), add(6, 11, Side.Bid, 10000, 5), trade(8, 10000, 6, Side.Ask)],
      {
        2: (ctx) => {
          a = ctx.limit(0, Side.Bid, 3, 10000, TimeInForce.Gtc, false);
          b = ctx.limit(0, Side.Bid, 1, 9900, TimeInForce.Gtc, false);
        },
        6: (ctx) => {
          ctx.modify(a, 10000, 2);
          ctx.modify(b, 10000, 1);
        },
      },
    );
    expect(strategy.fills.map((f) => [f.ref, f.price, f.qty])).toEqual([[a, 10000, 2]]);
  });

  it("quote sends both sides once and replaces only the side that changed", () => {
    const { result, strategy } = runScript([...baseBook(), add(3, 12, Side.Bid, 9000, 1), add(4, 13, Side.Bid, 9000, 1)], {
      1: (ctx) => ctx.quote(0, 9900, 10100, 1),
      3: (ctx) => ctx.quote(0, 9900, 10100, 1),
      4: (ctx) => ctx.quote(0, 9800, 10100, 1),
    });
    expect(result.report.metrics.orders).toBe(2);
    expect(strategy.ctx!.openOrders(0)).toBe(2);
    expect(strategy.ctx!.exposure(0, Side.Bid)).toBe(1);
    expect(strategy.ctx!.exposure(0, Side.Ask)).toBe(-1);
  });

  it("quoteAt (prices in ctx.quotePrices) behaves exactly as quote: same refs, orders, fills and report", () => {
    const events = [...baseBook(), add(3, 12, Side.Bid, 9000, 1), add(4, 13, Side.Bid, 9000, 1), trade(6, 9800, 3, Side.Ask), del(7, 4), trade(8, 9800, 2, Side.Ask), add(9, 14, Side.Bid, 9000, 1)];
    const refs: number[][] = [[], []];
    const viaQuote = runScript(events, {
      1: (ctx) => refs[0]!.push(ctx.quote(0, 9900, 10100, 1)),
      3: (ctx) => refs[0]!.push(ctx.quote(0, 9900, 10100, 1)),
      4: (ctx) => refs[0]!.push(ctx.quote(0, 9800, Number.NaN, 2)),
      7: (ctx) => refs[0]!.push(ctx.quote(0, 9800, 10200, 1)),
    });
    const at = (ctx: import("../../runtime/engine/strategy.js").StrategyContext, bid: number, ask: number, size: number): number => {
      ctx.quotePrices[0] = bid;
      ctx.quotePrices[1] = ask;
      return ctx.quoteAt(0, size);
    };
    const viaQuoteAt = runScript(events, {
      1: (ctx) => refs[1]!.push(at(ctx, 9900, 10100, 1)),
      3: (ctx) => refs[1]!.push(at(ctx, 9900, 10100, 1)),
      4: (ctx) => refs[1]!.push(at(ctx, 9800, Number.NaN, 2)),
      7: (ctx) => refs[1]!.push(at(ctx, 9800, 10200, 1)),
    });
    expect(refs[1]).toEqual(refs[0]);
    expect(viaQuoteAt.strategy.fills).toEqual(viaQuote.strategy.fills);
    expect(viaQuote.strategy.fills.length).toBeGreaterThan(0);
    const strip = (r: typeof viaQuote.result) => JSON.stringify({ ...r.report, run: { ...r.report.run, wallSeconds: 0, eventsPerSecond: 0 } });
    expect(strip(viaQuoteAt.result)).toBe(strip(viaQuote.result));
  });

  it("ctx.book(inst) answers as the instrument's book: touch from the engine's registers, deeper levels from the book", () => {
    const rows: number[][] = [];
    const s = new ScriptStrategy({});
    s.onBook = (ctx, inst) => {
      if (ctx.time < 10) return;
      const b = ctx.book(inst);
      rows.push([ctx.time, b.bestBid(), b.bestAsk(), ctx.bestBid(inst), ctx.bestAsk(inst), b.levelSize(Side.Bid, 0), b.levelSize(Side.Ask, 0), b.levelSize(Side.Bid, 1), b.levelPrice(Side.Bid, 1), b.levels(Side.Bid), b.levels(Side.Ask), b.levelSize(Side.Ask, 9)]);
    };
    const events = [...baseBook(), add(10, 20, Side.Bid, 9950, 3), del(20, 1), add(30, 21, Side.Ask, 10150, 2), del(40, 20), del(50, 2), del(60, 21)];
    runBacktest({ sources: [new ScriptedSource([INST], events)], strategy: s });
    expect(rows).toEqual([
      [10, 9950, 10100, 9950, 10100, 3, 5, 5, 9900, 4, 2, 0],
      [20, 9950, 10200, 9950, 10200, 3, 5, 5, 9900, 4, 1, 0],
      [30, 9950, 10150, 9950, 10150, 3, 2, 5, 9900, 4, 2, 0],
      [40, 9900, 10150, 9900, 10150, 5, 2, 5, 9800, 3, 2, 0],
      [50, 9900, 10150, 9900, 10150, 5, 2, 5, 9800, 3, 1, 0],
      [60, 9900, Number.NaN, 9900, Number.NaN, 5, 0, 5, 9800, 3, 0, 0],
    ]);
  });
});
