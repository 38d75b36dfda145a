// Portfolio: P&L against a hand ledger, exactness in tick units, FIFO realized P&L, property tests.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InstrumentInfo } from "../../runtime/events.js";
import { Portfolio } from "../../runtime/portfolio/portfolio.js";

// ES-like: DBN scale 1e-9, tick 0.25 (= 250,000,000 units), multiplier 50.
const ES: InstrumentInfo = { index: 0, symbol: "ES", sourceId: 1, priceScale: 1e-9, tickSize: 250_000_000, multiplier: 50 };
const px = (dollars: number) => Math.round(dollars * 1e9);

describe("Portfolio", () => {
  it("matches a hand ledger (FIFO, fees, mark)", () => {
    const p = new Portfolio([ES]);
    p.applyFill(0, 1, 2, px(6000.0), 2.5); // long 2 @ 6000
    p.applyFill(0, 1, 1, px(6001.0), 1.25); // long 3: lots 2 @ 6000, 1 @ 6001
    p.applyFill(0, -1, 2, px(6002.5), 2.5); // closes the 2 @ 6000: +2.5 pts × 2 × $50 = $250
    expect(p.position[0]).toBe(1);
    expect(p.realized(0)).toBe(250);
    p.mark(0, px(5999.75)); // 1 @ 6001 marked at 5999.75: −1.25 × $50 = −$62.50
    expect(p.unrealized(0)).toBe(-62.5);
    expect(p.fees[0]).toBe(6.25);
    expect(p.net(0)).toBe(250 - 62.5 - 6.25);
    p.applyFill(0, -1, 3, px(5999.0), 3.75); // close 1 @ 6001 (−2 pts = −$100), open short 2 @ 5999
    expect(p.position[0]).toBe(-2);
    expect(p.realized(0)).toBe(150);
    p.mark(0, px(5998.0)); // short 2 from 5999 to 5998: +$100
    expect(p.unrealized(0)).toBe(100);
    expect(p.totalNet()).toBe(150 + 100 - 10);
    expect(p.inexact).toBe(false);
  });

  it("keeps amounts in tick units: exact far beyond where 1e-9 units × qty would leave 2^53", () => {
    const p = new Portfolio([ES]);
    // 1e6 round trips of 1000 lots at ~6000: turnover 6e12 × 1e3 × 2e6 fixed units would overflow 2^53;
    // in ticks (24,000 per price) it stays exact.
    for (let i = 0; i < 1000; i++) {
      p.applyFill(0, 1, 1000, px(6000.25), 0);
      p.applyFill(0, -1, 1000, px(6000.5), 0);
    }
    expect(p.inexact).toBe(false);
    expect(p.realized(0)).toBe(1000 * 1000 * 0.25 * 50);
    expect(Math.abs(p.cashUnits[0])).toBeLessThan(2 ** 53);
  });

  it("flags a fill price off the tick grid as inexact", () => {
    const p = new Portfolio([ES]);
    p.applyFill(0, 1, 1, px(6000.1), 0);
    expect(p.inexact).toBe(true);
  });

  it("property: realized + unrealized = cash + position × mark, and position = signed sum of fills", () => {
    const fill = fc.record({ side: fc.constantFrom(1, -1), qty: fc.integer({ min: 1, max: 50 }), ticks: fc.integer({ min: 23990, max: 24010 }) });
    fc.assert(
      fc.property(fc.array(fill, { minLength: 1, maxLength: 200 }), fc.integer({ min: 23980, max: 24020 }), (fills, markTicks) => {
        const p = new Portfolio([ES]);
        let signed = 0;
        let cash = 0;
        for (const f of fills) {
          p.applyFill(0, f.side, f.qty, f.ticks * 250_000_000, 0);
          signed += f.side * f.qty;
          cash -= f.side * f.qty * f.ticks;
        }
        p.mark(0, markTicks * 250_000_000);
        expect(p.position[0]).toBe(signed);
        expect(p.cashUnits[0]).toBe(cash);
        expect(p.realizedUnits[0] + p.unrealizedUnits(0)).toBe(cash + signed * markTicks);
      }),
      { numRuns: 300 },
    );
  });
});
