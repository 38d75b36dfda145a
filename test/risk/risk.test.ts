// Pre-trade risk: every limit refuses what it must, risk-reducing orders are never blocked, kill switch.
import { describe, expect, it } from "vitest";
import { Side } from "../../runtime/events.js";
import { RefusalReason, TimeInForce } from "../../runtime/engine/strategy.js";
import { RiskManager } from "../../runtime/risk/manager.js";
import { describeLimits, exactDuration } from "../../runtime/risk/limits.js";
import { add, baseBook, runScript, trade } from "../engine/helpers.js";

const state = (pos: number, openBuy: number, openSell: number, open: number) => ({
  position: () => pos,
  openQty: (_i: number, side: Side) => (side === Side.Bid ? openBuy : openSell),
  openOrderCount: () => open,
});

describe("RiskManager", () => {
  it("max_order_qty", () => {
    const r = new RiskManager({ maxOrderQty: 5 });
    expect(r.checkOrder(state(0, 0, 0, 0), 0, Side.Bid, 5, NaN, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.None);
    expect(r.checkOrder(state(0, 0, 0, 0), 0, Side.Bid, 6, NaN, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.MaxOrderQty);
  });

  it("max_position counts position + resting same side + the new order; a replacement does not count the replaced qty", () => {
    const r = new RiskManager({ maxPosition: 10 });
    expect(r.checkOrder(state(6, 3, 0, 1), 0, Side.Bid, 1, NaN, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.None);
    expect(r.checkOrder(state(6, 3, 0, 1), 0, Side.Bid, 2, NaN, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.MaxPosition);
    expect(r.checkOrder(state(6, 3, 0, 1), 0, Side.Bid, 4, 100, 3, false, 0, 99, 101, 1)).toBe(RefusalReason.None);
    expect(r.checkOrder(state(-6, 0, 4, 1), 0, Side.Ask, 1, NaN, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.MaxPosition);
    expect(r.checkOrder(state(6, 0, 0, 0), 0, Side.Ask, 16, NaN, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.None);
    expect(r.refusals[RefusalReason.MaxPosition]).toBe(2);
  });

  it("max_open_orders and price_band", () => {
    const r = new RiskManager({ maxOpenOrders: 2, priceBandTicks: 2 });
    expect(r.checkOrder(state(0, 0, 0, 2), 0, Side.Bid, 1, 100, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.MaxOpenOrders);
    expect(r.checkOrder(state(0, 0, 0, 2), 0, Side.Bid, 1, 100, 1, false, 0, 99, 101, 1)).toBe(RefusalReason.None);
    expect(r.checkOrder(state(0, 0, 0, 0), 0, Side.Bid, 1, 103, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.None);
    expect(r.checkOrder(state(0, 0, 0, 0), 0, Side.Bid, 1, 104, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.PriceBand);
    expect(r.checkOrder(state(0, 0, 0, 0), 0, Side.Ask, 1, 97, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.None);
    expect(r.checkOrder(state(0, 0, 0, 0), 0, Side.Ask, 1, 96, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.PriceBand);
  });

  it("max_order_rate: N per window, sliding", () => {
    const r = new RiskManager({ maxOrderRate: { count: 2, windowNs: 100 } });
    const s = state(0, 0, 0, 0);
    expect(r.checkOrder(s, 0, Side.Bid, 1, NaN, 0, true, 0, 99, 101, 1)).toBe(RefusalReason.None);
    expect(r.checkOrder(s, 0, Side.Bid, 1, NaN, 0, true, 50, 99, 101, 1)).toBe(RefusalReason.None);
    expect(r.checkOrder(s, 0, Side.Bid, 1, NaN, 0, true, 99, 99, 101, 1)).toBe(RefusalReason.MaxOrderRate);
    expect(r.checkOrder(s, 0, Side.Bid, 1, NaN, 0, true, 100, 99, 101, 1)).toBe(RefusalReason.None);
    expect(r.checkOrder(s, 0, Side.Bid, 1, NaN, 0, true, 120, 99, 101, 1)).toBe(RefusalReason.MaxOrderRate);
    expect(r.checkOrder(s, 0, Side.Bid, 1, NaN, 0, true, 150, 99, 101, 1)).toBe(RefusalReason.None);
  });
});

describe("risk in the engine", () => {
  it("refusals are counted per reason and reported", () => {
    const { result } = runScript(baseBook(), {
      1: (ctx) => {
        ctx.buy(0, 6); // max_order_qty
        ctx.limit(0, Side.Bid, 1, 10400, TimeInForce.Gtc, false); // price band: ask 101 + 2 ticks(=2 cents) < 104
        ctx.limit(0, Side.Bid, 4, 9000, TimeInForce.Gtc, false);
        ctx.limit(0, Side.Bid, 4, 9000, TimeInForce.Gtc, false);
        ctx.limit(0, Side.Bid, 3, 9000, TimeInForce.Gtc, false); // max_position: 8 + 3 > 10
        ctx.limit(0, Side.Ask, 1, 11000, TimeInForce.Gtc, false); // max_open_orders (2 open)
      },
    }, { risk: { maxOrderQty: 5, maxPosition: 10, maxOpenOrders: 2, priceBandTicks: 200 } });
    expect(result.refusals).toEqual({ max_order_qty: 1, max_position: 1, max_open_orders: 1, price_band: 1 });
    expect(result.report.refusals.total).toBe(4);
    expect(result.report.refusals.byReason).toMatchObject({ max_order_qty: 1, max_position: 1, max_open_orders: 1, price_band: 1 });
  });

  it("flatten is never blocked (order rate included) and is split into children of max_order_qty", () => {
    const { strategy, result } = runScript([...baseBook(), add(5, 80, Side.Bid, 9900, 20), add(6, 81, Side.Bid, 9000, 1)], {
      1: (ctx) => {
        for (let i = 0; i < 3; i++) ctx.buy(0, 3); // 9 long: 5@101, 4@102 (3rd order refused by rate: 2 per 1s)
      },
      5: (ctx) => {
        expect(ctx.buy(0, 1)).toBe(0); // the rate limit still binds...
        ctx.flatten(0); // ...but not on flatten: sells 6 in children of 3
      },
    }, { risk: { maxOrderQty: 3, maxOrderRate: { count: 2, windowNs: 1e9 } } });
    expect(result.refusals).toEqual({ max_order_rate: 2 });
    const sells = strategy.fills.filter((f) => f.side === Side.Ask);
    expect(sells.map((f) => f.qty)).toEqual([3, 3]);
    expect(result.portfolio.position[0]).toBe(0);
  });

  it("max_loss kill switch: cancels, flattens, halts and refuses every later order", () => {
    let later = -1;
    const { strategy, result } = runScript(
      [...baseBook(), add(3, 82, Side.Bid, 9950, 10), trade(4, 9000, 1, Side.Ask), add(5, 83, Side.Ask, 5000, 50), add(6, 84, Side.Ask, 12000, 1), add(7, 85, Side.Bid, 5000, 100)],
      {
        1: (ctx) => {
          ctx.buy(0, 5); // long 5 @ 101
          ctx.limit(0, Side.Bid, 1, 9000, TimeInForce.Gtc, false);
        },
        6: (ctx) => {
          later = ctx.buy(0, 1);
        },
      },
      { risk: { maxLoss: 5 } },
    );
    // At t=5 an ask at 50 crosses the bids: mid falls, the loss passes $5: cancel + flatten + halt.
    expect(result.halted).toBe(true);
    expect(result.report.run.halted).toBe(true);
    expect(later).toBe(-1); // the strategy is no longer called after the halt
    expect(result.portfolio.position[0]).toBe(0);
    expect(result.notes.some((n) => /kill switch fired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \(net P&L/.test(n))).toBe(true);
    expect(strategy.ctx!.openOrders(-1)).toBe(0);
  });
});

describe("describeLimits", () => {
  it("prints the order-rate window as a duration a trader reads, exactly", () => {
    expect(describeLimits({ maxOrderRate: { count: 10, windowNs: 1e9 } })).toBe("max_order_rate 10 per 1s");
    expect(exactDuration(250e6)).toBe("250ms");
    expect(exactDuration(90e9)).toBe("90s");
    expect(exactDuration(60e9)).toBe("1m");
    expect(exactDuration(3_600e9)).toBe("1h");
    expect(exactDuration(1500)).toBe("1500ns");
    expect(exactDuration(2e3)).toBe("2us");
  });
});
