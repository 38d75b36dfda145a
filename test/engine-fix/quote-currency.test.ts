/**
 * `quoteAtCurrency` and `limitAtCurrency` (the register forms compiled strategies use for `quote`
 * and limit orders): currency prices in registers, rounded to the nearest tick exactly as `toFixed`
 * rounds them. Checked against `quote(inst, toFixed(bid), toFixed(ask), size)` and
 * `limit(inst, side, qty, toFixed(price), ...)` on random prices —
 * off the tick grid, on half ticks, NaN (cancels a side) — run for run: the same registers after
 * each call, the same return values and the same report.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../runtime/engine/engine.js";
import { ScriptedSource, type ScriptedEvent } from "../../runtime/engine/scripted-source.js";
import type { Strategy, StrategyContext } from "../../runtime/engine/strategy.js";
import { EventKind, Side, type InstrumentInfo } from "../../runtime/events.js";

// Quarter-point ticks in a 0.25 price scale: tickSize 1 fixed unit = 0.25 currency.
const INFO: InstrumentInfo = { index: 0, symbol: "ESZ4", sourceId: 1, priceScale: 0.25, tickSize: 1, multiplier: 50 };

function book(n: number): ScriptedEvent[] {
  const out: ScriptedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const bid = i % 2 === 0;
    out.push({ kind: EventKind.Add, ts: 1_000_000 * (i + 1), id: i + 1, side: bid ? Side.Bid : Side.Ask, price: bid ? 20_000 - (i % 7) : 20_004 + (i % 5), size: 1 + (i % 4) });
  }
  return out;
}

function run(prices: Array<[number, number]>, register: boolean): { regs: number[]; rets: number[]; report: string } {
  const regs: number[] = [];
  const rets: number[] = [];
  let k = 0;
  const strategy: Strategy = {
    instruments: ["*"],
    onBook(ctx: StrategyContext, h: number) {
      if (k >= prices.length) return;
      const [b, a] = prices[k++]!;
      let ret: number;
      if (register) {
        ctx.quotePrices[0] = b;
        ctx.quotePrices[1] = a;
        ret = ctx.quoteAtCurrency(h, 1);
        // And a post-only sell limit at the ask price, every third event.
        if (k % 3 === 0) {
          ctx.orderPrices[0] = a;
          ret += 1000 * ctx.limitAtCurrency(h, -1, 1, 0, true);
        }
      } else {
        ret = ctx.quote(h, ctx.toFixed(h, b), ctx.toFixed(h, a), 1);
        if (k % 3 === 0) ret += 1000 * ctx.limit(h, -1, 1, ctx.toFixed(h, a), 0, true);
      }
      regs.push(ctx.quotePrices[0]!, ctx.quotePrices[1]!);
      rets.push(ret);
    },
  };
  const r = runBacktest({ sources: [new ScriptedSource([INFO], book(prices.length + 2))], strategy, strategyName: "q" });
  return { regs, rets, report: JSON.stringify(r.report.metrics) + JSON.stringify(r.refusals) };
}

describe("quoteAtCurrency and limitAtCurrency", () => {
  it("round like toFixed and order like quote and limit", () => {
    // Prices around 5,000 (fixed 20,000): on the grid, between ticks, on half ticks, or NaN.
    const price = fc.oneof(
      fc.integer({ min: 19_990, max: 20_010 }).map((t) => t * 0.25),
      fc.integer({ min: 19_990 * 8, max: 20_010 * 8 }).map((e) => e * 0.03125),
      fc.double({ min: 4_990, max: 5_010, noNaN: true }),
      fc.constant(Number.NaN),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(price, price), { minLength: 1, maxLength: 30 }), (prices) => {
        const viaRegister = run(prices, true);
        const viaQuote = run(prices, false);
        expect(viaRegister.regs).toEqual(viaQuote.regs);
        expect(viaRegister.rets).toEqual(viaQuote.rets);
        expect(viaRegister.report).toBe(viaQuote.report);
        // And the registers hold whole ticks (or NaN).
        for (const r of viaRegister.regs) if (r === r) expect(Number.isInteger(r)).toBe(true);
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});
