/**
 * Soundness of the static risk check (DESIGN.md: "a strategy that passed the static check must
 * never see a refusal for order size, position or price band"). fast-check generates strategies —
 * guards that are sometimes right and sometimes off by a little, quantities through min/clamp/params,
 * limit prices relative to the touch at various tick offsets, several orders per event — keeps the
 * ones the compiler accepts, and backtests each with random param values inside their declared
 * ranges on synthetic MBO data with the runtime risk manager enforcing the same limits. The runtime
 * must never refuse an order for max_order_qty, max_position or price_band.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileStrategy, loadStrategy } from "../../../compiler/build.js";
import { memoryHost } from "../../../compiler/index.js";
import { openSynth } from "../../../runtime/data/synth.js";
import { runBacktest } from "../../../runtime/engine/engine.js";
import type { RiskLimits } from "../../../runtime/risk/limits.js";

interface Gen {
  maxPos: number;
  maxQty: number;
  band: number;
  lo: number;
  hi: number;
  stmts: string[];
}

const qtyArb = fc.oneof(
  fc.constant("size"),
  fc.integer({ min: 1, max: 6 }).map((c) => `min(size, ${c})`),
  fc.integer({ min: 1, max: 6 }).map((c) => `clamp(size * 2, 1, ${c})`),
  fc.integer({ min: 1, max: 6 }).map(String),
);

const orderArb = (buy: boolean) =>
  fc.tuple(qtyArb, fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 3 })).map(([q, k, form]) => {
    if (form === 0) return { q, text: `${buy ? "buy" : "sell"}(es, ${q})` };
    if (form === 1) return { q, text: buy ? `buy(es, ${q}, limit: book.best_ask(es) + ${k} ticks, tif: ioc)` : `sell(es, ${q}, limit: book.best_bid(es) - ${k} ticks, tif: ioc)` };
    if (form === 2) return { q, text: buy ? `bid(es, ${q}, price: book.best_bid(es) - ${k} ticks)` : `ask(es, ${q}, price: book.best_ask(es) + ${k} ticks)` };
    return { q, text: buy ? `bid(es, ${q}, price: book.best_ask(es) + ${k} ticks)` : `ask(es, ${q}, price: book.best_bid(es) - ${k} ticks)` };
  });

const stmtArb = fc.oneof(
  // A guarded order: the guard's bound is the limit, or off by a little.
  fc.tuple(fc.boolean(), fc.integer({ min: -2, max: 2 }), fc.boolean()).chain(([buy, off, viaLet]) =>
    orderArb(buy).map((o) => ({ buy, off, viaLet, o })),
  ).map(({ buy, off, viaLet, o }) => (maxPos: number) => {
    const bound = buy ? `${maxPos + off}` : `${-(maxPos + off)}`;
    const exp = `exposure(es, ${buy ? "buy" : "sell"})`;
    const cond = buy ? `${viaLet ? "e" : exp} + ${o.q} <= ${bound}` : `${viaLet ? "e" : exp} - ${o.q} >= ${bound}`;
    return viaLet ? `let e = ${exp}\n  if ${cond} { ${o.text} }` : `if ${cond} { ${o.text} }`;
  }),
  // An unguarded order (accepted only when it cannot breach).
  fc.tuple(fc.boolean()).chain(([buy]) => orderArb(buy)).map((o) => () => o.text),
  fc.constant(() => "if mid < fast { cancel_all() }"),
);

const genArb: fc.Arbitrary<Gen> = fc
  .record({
    maxPos: fc.integer({ min: 2, max: 12 }),
    maxQty: fc.integer({ min: 1, max: 6 }),
    band: fc.integer({ min: 0, max: 8 }),
    lo: fc.integer({ min: 1, max: 3 }),
    span: fc.integer({ min: 0, max: 4 }),
    makers: fc.array(stmtArb, { minLength: 1, maxLength: 3 }),
  })
  .map((r) => ({ maxPos: r.maxPos, maxQty: r.maxQty, band: r.band, lo: r.lo, hi: r.lo + r.span, stmts: r.makers.map((m) => m(r.maxPos)) }));

function source(g: Gen): string {
  return `strategy Random "generated"
instrument es = "SYNTH"
param size: qty = ${g.lo} in [${g.lo}, ${g.hi}]
risk {
  max_position    = ${g.maxPos}
  max_order_qty   = ${g.maxQty}
  max_open_orders = 100
  max_order_rate  = 1_000_000 per 1s
  max_loss        = 1_000_000_000
  price_band      = ${g.band} ticks
}
features {
  mid  = book.mid(es)
  fast = ema(mid, 5)
}
on book(es) when ready(fast) {
  ${g.stmts.join("\n  ")}
  if mid > fast { cancel_all() }
}
`;
}

describe("static risk check soundness", () => {
  it("accepted strategies never meet a runtime refusal for size, position or band", () => {
    let accepted = 0;
    let withOrders = 0;
    fc.assert(
      fc.property(genArb, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 1000 }), (g, pick, seed) => {
        const text = source(g);
        const r = compileStrategy("random.algo", text, memoryHost({ "random.algo": text }));
        if (!r.output) return; // rejected (or unknown): nothing to check
        accepted++;
        const loaded = loadStrategy(r.output, "algo:///random.js");
        const size = g.lo + (pick % (g.hi - g.lo + 1));
        const strategy = loaded.create({ size });
        // The engine enforces the strategy's own compiled risk block.
        const risk = strategy.risk as RiskLimits;
        expect([risk.maxOrderQty, risk.maxPosition, risk.priceBandTicks]).toEqual([g.maxQty, g.maxPos, g.band]);
        const result = runBacktest({ sources: [openSynth({ events: 6000, seed })], strategy, strategyName: "random", seed });
        if (result.report.metrics.orders > 0) withOrders++;
        const r0 = result.refusals;
        expect({ text, size, refusals: { max_order_qty: r0.max_order_qty ?? 0, max_position: r0.max_position ?? 0, price_band: r0.price_band ?? 0 } }).toEqual({
          text,
          size,
          refusals: { max_order_qty: 0, max_position: 0, price_band: 0 },
        });
      }),
      { numRuns: 60, seed: 20261124 },
    );
    // The property must have been exercised: some generated strategies are accepted and trade.
    expect(accepted).toBeGreaterThan(10);
    expect(withOrders).toBeGreaterThan(5);
  });
});
