/**
 * Prices in currency are the doubles nearest the decimal prices: fixed-point prices are divided by
 * the units per currency (an exact double), not multiplied by the scale (1e-9 is not exact).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unitsPerCurrency, type InstrumentInfo } from "../../runtime/events.js";
import type { BookView } from "../../runtime/book/view.js";
import { BookBestAsk, BookBestBid, BookMid, BookSpread } from "../../stdlib/microstructure/top-of-book.js";

function book(bid: number, ask: number): BookView {
  return { bestBid: () => bid, bestAsk: () => ask, levelSize: () => 1 } as unknown as BookView;
}

describe("prices in currency", () => {
  it("unitsPerCurrency is the exact integer for decimal scales, 1/scale otherwise", () => {
    expect(unitsPerCurrency(1e-9)).toBe(1e9);
    expect(unitsPerCurrency(1e-4)).toBe(1e4);
    expect(unitsPerCurrency(0.01)).toBe(100);
    expect(unitsPerCurrency(1)).toBe(1);
    expect(unitsPerCurrency(0.25)).toBe(4);
    expect(unitsPerCurrency(3)).toBeCloseTo(1 / 3, 15);
  });

  it("book prices print as the decimals the data holds (DBN 1e-9, LOBSTER 1e-4)", () => {
    const dbn: InstrumentInfo = { index: 0, symbol: "GOOG", sourceId: 1, priceScale: 1e-9, tickSize: 1e7, multiplier: 1 };
    const ask = new BookBestAsk(dbn);
    ask.update(book(579_780_000_000, 579_790_000_000));
    expect(ask.value).toBe(579.79);
    expect(String(ask.value)).toBe("579.79");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), fc.integer({ min: 0, max: 99 }), (units, cents) => {
        const dec = `${units}.${String(cents).padStart(2, "0")}`;
        const fixed = (units * 100 + cents) * 1e7;
        const b = new BookBestBid(dbn);
        b.update(book(fixed, fixed + 1e7));
        return b.value === Number(dec);
      }),
    );
    const lob: InstrumentInfo = { index: 0, symbol: "AAPL", sourceId: 1, priceScale: 1e-4, tickSize: 100, multiplier: 1 };
    const mid = new BookMid(lob);
    mid.update(book(5_797_900, 5_798_000));
    expect(mid.value).toBe(579.795);
    const spread = new BookSpread(lob);
    spread.update(book(5_797_900, 5_798_000));
    expect(spread.value).toBe(0.01);
  });
});
