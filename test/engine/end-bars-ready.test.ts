// The end of a run (orders of `on end`), bars from data delivered at their close (no look-ahead),
// and orders sent on the event that makes the strategy ready (counted like their fills).
import { describe, expect, it } from "vitest";
import { EventKind, Side } from "../../runtime/events.js";
import { runBacktest } from "../../runtime/engine/engine.js";
import { ScriptedSource, type ScriptedEvent } from "../../runtime/engine/scripted-source.js";
import { RefusalReason, TimeInForce, type StrategyContext } from "../../runtime/engine/strategy.js";
import { add, baseBook, INST, ScriptStrategy } from "./helpers.js";

const LAT = { feed: { kind: "fixed" as const, ns: 0 }, orderEntry: { kind: "fixed" as const, ns: 1000 }, response: { kind: "fixed" as const, ns: 100 } };

describe("on end", () => {
  function endRun(onEnd: (ctx: StrategyContext) => void, more: ScriptedEvent[] = [], toTs?: number) {
    const strat = new ScriptStrategy({ 2: (ctx) => ctx.buy(0, 2) });
    const refusals: RefusalReason[] = [];
    strat.onEnd = (ctx) => {
      onEnd(ctx);
      refusals.push(ctx.lastRefusal);
    };
    const events = [...baseBook(), add(5000, 50, Side.Bid, 9700, 1), ...more];
    const result = runBacktest({ sources: [new ScriptedSource([INST], events)], strategy: strat, latency: LAT, ...(toTs !== undefined ? { toTs } : {}) });
    return { strat, result, refusals };
  }

  it("flatten is accepted: the position is closed against the last book when the data is exhausted", () => {
    const { strat, result } = endRun((ctx) => ctx.flatten(0));
    // Bought 2 at 101 (time 1 + 1000 entry latency), flattened at the last book's best bid 99.
    expect(strat.fills.map((f) => [f.side, f.price, f.qty])).toEqual([[Side.Bid, 10100, 2]]);
    expect(result.portfolio.position[0]).toBe(0);
    const fills = result.recorder.fills;
    expect(fills.rows).toBe(2);
    expect(result.report.metrics.orders).toBe(2);
    expect(result.report.metrics.fills).toBe(2);
    expect(result.refusals).toEqual({});
  });

  it("the flatten order meets the book the data has at its arrival (entry latency) when the data goes on past --to", () => {
    // The buy is sent at 5000 (first event at or after time 2), fills at 6000 and is seen at 6100;
    // the strategy stops at 6000 (--to), so the flatten is sent at 6100 and arrives at 7100: the
    // better bid (99.50) of 6500 is there, the one of 8000 is not yet.
    const more = [add(6000, 60, Side.Bid, 9800, 1), add(6500, 61, Side.Bid, 9950, 5), add(8000, 62, Side.Bid, 9990, 5)];
    const { result } = endRun((ctx) => ctx.flatten(0), more, 6000);
    expect(result.portfolio.position[0]).toBe(0);
    const f = result.recorder.fills;
    const last = Array.from(f.data.subarray((f.rows - 1) * f.width, f.rows * f.width));
    expect(last).toContain(9950);
    expect(last).toContain(7100); // exchange time: sent at 6100, + 1000 entry latency
    expect(result.notes.some((n) => n.includes("unseen by the strategy"))).toBe(true);
  });

  it("accepts a reducing market order; refuses orders that add risk or rest (halted)", () => {
    const { result, refusals } = endRun((ctx) => {
      ctx.buy(0, 1); // adds to a long: refused
      ctx.sell(0, 3); // would flip to short: refused
      ctx.limit(0, Side.Ask, 1, 10100, TimeInForce.Gtc, false); // resting: refused
      ctx.sell(0, 1); // reduces: accepted
    });
    expect(refusals).toEqual([RefusalReason.None]);
    expect(result.refusals).toEqual({ halted: 3 });
    expect(result.portfolio.position[0]).toBe(1);
  });

  it("examples: a strategy that flattens on end ends flat (ema_cross-like)", () => {
    let step = 0;
    const strat = new ScriptStrategy({});
    strat.onBook = (ctx) => {
      step++;
      if (step === 6) ctx.sell(0, 3);
    };
    strat.onEnd = (ctx) => ctx.flatten(0);
    const result = runBacktest({ sources: [new ScriptedSource([INST], [...baseBook(), add(10, 7, Side.Ask, 10050, 1)])], strategy: strat, latency: LAT });
    expect(result.portfolio.position[0]).toBe(0);
    expect(result.report.metrics.roundTrips).toBe(1);
  });
});

describe("bars from data are delivered at their close", () => {
  const bar = (open: number, close: number): ScriptedEvent => ({ kind: EventKind.Bar, ts: open, open: 100, high: 110, low: 90, close, volume: 5, aux: 60 });

  it("a bar stamped with its open time reaches handlers at open + length, after the events inside it", () => {
    const seen: Array<[string, number, number]> = [];
    const strat = new ScriptStrategy({}, { bars: [{ instrument: 0, lenNs: 60 }] });
    strat.onBar = (ctx, _i, len, b) => {
      seen.push(["bar", ctx.time, b.close]);
      expect(ctx.time).toBeGreaterThanOrEqual(b.start + len);
    };
    strat.onBook = (ctx) => {
      seen.push(["book", ctx.time, 0]);
    };
    // A bars source and a book source merged: the bar [0, 60) must come after the book event at 30.
    const bars = new ScriptedSource([INST], [bar(0, 101), bar(60, 102), bar(120, 103)]);
    const book = new ScriptedSource([INST], [add(30, 1, Side.Bid, 100, 1), add(90, 2, Side.Bid, 100, 1), add(150, 3, Side.Bid, 100, 1)]);
    runBacktest({ sources: [bars, book], strategy: strat });
    expect(seen).toEqual([
      ["book", 30, 0],
      ["bar", 60, 101],
      ["book", 90, 0],
      ["bar", 120, 102],
      ["book", 150, 0],
      ["bar", 180, 103],
    ]);
  });

  it("the strategy never sees a bar's close before the bar's end (property over random bars and feed latency)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const len = 10 + seed * 7;
      const events: ScriptedEvent[] = [];
      for (let k = 0; k < 30; k++) events.push({ kind: EventKind.Bar, ts: k * len, open: 1, high: 2, low: 1, close: 1000 + k, volume: 1, aux: len });
      const feed = seed * 3;
      const strat = new ScriptStrategy({}, { bars: [{ instrument: 0, lenNs: len }] });
      const closes: Array<[number, number, number]> = [];
      strat.onBar = (ctx, _i, l, b) => closes.push([ctx.time, b.start + l, b.close]);
      runBacktest({
        sources: [new ScriptedSource([INST], events)],
        strategy: strat,
        latency: { feed: { kind: "fixed", ns: feed }, orderEntry: { kind: "fixed", ns: 0 }, response: { kind: "fixed", ns: 0 } },
      });
      expect(closes.length).toBe(30);
      for (const [k, [time, end, close]] of closes.entries()) {
        expect(close).toBe(1000 + k);
        expect(end).toBe((k + 1) * len);
        expect(time).toBe(end + feed);
      }
    }
  });

  it("bars built from trades close at their end and contain no later trade", () => {
    const trade = (ts: number, price: number): ScriptedEvent => ({ kind: EventKind.Trade, ts, price, size: 1, aggressor: Side.Bid });
    const strat = new ScriptStrategy({}, { bars: [{ instrument: 0, lenNs: 100 }] });
    const got: Array<[number, number, number]> = [];
    strat.onBar = (ctx, _i, _l, b) => got.push([ctx.time, b.start, b.close]);
    // The trade at 100 opens the next bar: the bar [0, 100) closes with 10 (the trade at 99).
    runBacktest({ sources: [new ScriptedSource([INST], [trade(1, 5), trade(99, 10), trade(100, 20), trade(250, 30)])], strategy: strat });
    expect(got).toEqual([
      [100, 0, 10],
      [200, 100, 20],
    ]);
  });
});

describe("orders sent on the event that makes the strategy ready", () => {
  it("are counted as orders, as their fills are", () => {
    let step = 0;
    let ready = false;
    const strat = new ScriptStrategy({});
    (strat as { isReady?: () => boolean }).isReady = () => ready;
    strat.onBook = (ctx) => {
      step++;
      if (step === 6) {
        ready = true; // the feature warmed up on this event; the handler trades on it
        ctx.buy(0, 1);
      }
      if (step === 7) ctx.sell(0, 1);
    };
    const result = runBacktest({ sources: [new ScriptedSource([INST], [...baseBook(), add(10, 7, Side.Ask, 10300, 1), add(20, 8, Side.Ask, 10400, 1)])], strategy: strat });
    const m = result.report.metrics;
    expect(m.fills).toBe(2);
    expect(m.orders).toBe(2);
    expect(m.orderedQty).toBe(2);
    expect(m.filledQty).toBe(2);
    expect(m.fillRatioPct).toBe(100);
  });

  it("orders of earlier warm-up events stay excluded", () => {
    let step = 0;
    let ready = false;
    const strat = new ScriptStrategy({});
    (strat as { isReady?: () => boolean }).isReady = () => ready;
    strat.onBook = (ctx) => {
      step++;
      if (step === 5) ctx.buy(0, 1); // during the warm-up
      if (step === 6) ready = true;
      if (step === 7) ctx.sell(0, 1);
    };
    const result = runBacktest({ sources: [new ScriptedSource([INST], [...baseBook(), add(10, 7, Side.Ask, 10300, 1), add(20, 8, Side.Ask, 10400, 1)])], strategy: strat });
    const m = result.report.metrics;
    expect(m.orders).toBe(1);
    expect(m.orderedQty).toBe(1);
  });
});

describe("examples/ema_cross.algo ends flat (`on end { flatten(nq) }`)", () => {
  it("trades on 1-minute bars from data and is flat after the run", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { compileStrategy, loadStrategy } = await import("../../compiler/build.js");
    const { REPO } = await import("../compiler/check/golden-support.js");
    const path = join(REPO, "examples/ema_cross.algo");
    const r = compileStrategy(path, readFileSync(path, "utf8"));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const NQ = { index: 0, symbol: "NQZ4", sourceId: 1, priceScale: 1e-9, tickSize: 250_000_000, multiplier: 20 };
    const MIN = 60e9;
    const tick = NQ.tickSize;
    const events: ScriptedEvent[] = [];
    // Oscillating closes (crosses both ways), then a steady fall from the oscillation's top (a
    // last cross down: the run ends short).
    for (let k = 0; k < 360; k++) {
      const base = k < 300 ? 40 * Math.sin(k / 9) + 15 * Math.sin(k / 2.3) : 40 - 3 * (k - 300);
      const px = Math.round(20000 + base) * 4 * tick;
      // The bar [k, k+1) minutes (stamped with its open), then the book it closes on.
      events.push({ kind: EventKind.Bar, ts: k * MIN, open: px, high: px + tick, low: px - tick, close: px, volume: 10, aux: MIN });
      events.push({ kind: EventKind.LevelUpdate, ts: (k + 1) * MIN + 1, side: Side.Bid, depth: 0, price: px - tick, size: 50, count: 1 });
      events.push({ kind: EventKind.LevelUpdate, ts: (k + 1) * MIN + 1, side: Side.Ask, depth: 0, price: px + tick, size: 50, count: 1 });
    }
    const run = (flattenOnEnd: boolean) => {
      const s = loadStrategy(r.output!, "algo:///ema.js").create({ fast: 5, slow: 20 });
      if (!flattenOnEnd) s.onEnd = undefined;
      return runBacktest({ sources: [new ScriptedSource([NQ], events)], strategy: s, latency: LAT });
    };
    const without = run(false);
    expect(without.report.metrics.fills).toBeGreaterThan(2);
    expect(without.portfolio.position[0]).not.toBe(0); // the data ends with a position open…
    const res = run(true);
    expect(res.portfolio.position[0]).toBe(0); // …which `on end { flatten(nq) }` closes
    expect(res.report.instruments[0]!.finalPosition).toBe(0);
    expect(res.refusals.halted ?? 0).toBe(0);
  });
});
