// The engine end to end: a hand-written TS strategy on synthetic MBO data, determinism, merging of
// several sources, bars and timers, the missing-snapshot warning, abort → partial report.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventKind, Side } from "../../runtime/events.js";
import { runBacktest } from "../../runtime/engine/engine.js";
import { ScriptedSource } from "../../runtime/engine/scripted-source.js";
import { FillCol } from "../../runtime/analytics/recorder.js";
import { openSynth } from "../../runtime/data/synth.js";
import { openDbn } from "../../runtime/data/dbn/reader.js";
import { DbnWriter } from "../../runtime/data/dbn/writer.js";
import { renderSummary } from "../../runtime/analytics/summary.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import MarketMaker from "../../examples/strategies-ts/market-maker.js";
import { add, baseBook, cancel, exec, INST, runScript, ScriptStrategy, trade } from "./helpers.js";
import { TimeInForce } from "../../runtime/engine/strategy.js";

function mmRun(seed: number, events = 60_000) {
  return runBacktest({
    sources: [openSynth({ events, seed })],
    strategy: new MarketMaker({ size: 1, maxPosition: 3 }),
    risk: { maxPosition: 3, maxOrderQty: 1, maxOpenOrders: 4 },
    latency: { feed: { kind: "fixed", ns: 5_000 }, orderEntry: { kind: "uniform", minNs: 20_000, maxNs: 60_000 }, response: { kind: "fixed", ns: 20_000 } },
    fees: { makerPerContract: -0.1, takerPerContract: 0.3, makerBps: 0, takerBps: 0 },
    seed: 42,
  });
}

function fillsTable(r: ReturnType<typeof mmRun>) {
  const f = r.recorder.fills;
  const rows: number[][] = [];
  for (let i = 0; i < f.rows; i++) rows.push(Array.from(f.data.subarray(i * f.width, (i + 1) * f.width)));
  return rows;
}

describe("engine end to end", () => {
  const a = mmRun(7);

  it("the market maker trades both sides on synthetic MBO data and stays within its limits", () => {
    const rows = fillsTable(a);
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.some((r) => r[FillCol.Side] === 1)).toBe(true);
    expect(rows.some((r) => r[FillCol.Side] === -1)).toBe(true);
    expect(rows.some((r) => r[FillCol.Liquidity] === 0)).toBe(true);
    for (const r of rows) expect(Math.abs(r[FillCol.PositionAfter])).toBeLessThanOrEqual(3);
    // The strategy's quote logic keeps worst-case exposure inside max_position: no position refusals.
    expect(a.refusals.max_position ?? 0).toBe(0);
    // position = signed sum of fills; cash = −Σ side·qty·price (in tick units)
    let signed = 0;
    let cash = 0;
    for (const r of rows) {
      signed += r[FillCol.Side] * r[FillCol.Qty];
      cash -= (r[FillCol.Side] * r[FillCol.Qty] * r[FillCol.Price]) / a.portfolio.unit[0];
    }
    expect(a.portfolio.position[0]).toBe(signed);
    expect(a.portfolio.cashUnits[0]).toBe(cash);
    expect(a.report.recordSeries).toEqual(["pnl", "vol", "position"]);
    expect(a.report.metrics.makerFills).toBeGreaterThan(0);
  });

  it("is deterministic: two runs give identical fills and reports (but for wall time)", () => {
    const b = mmRun(7);
    expect(fillsTable(b)).toEqual(fillsTable(a));
    const strip = (r: typeof a.report) => JSON.stringify({ ...r, run: { ...r.run, wallSeconds: 0, eventsPerSecond: 0 } });
    expect(strip(b.report)).toBe(strip(a.report));
    const c = mmRun(8);
    expect(fillsTable(c)).not.toEqual(fillsTable(a));
  });

  it("abort between events stops the run and marks the report partial", () => {
    const abort = { aborted: false };
    const r = runBacktest({
      sources: [openSynth({ events: 50_000, seed: 3 })],
      strategy: new MarketMaker(),
      abort,
      progressEvery: 1000,
      onProgress: (n) => {
        if (n >= 10_000) abort.aborted = true;
      },
    });
    expect(r.partial).toBe(true);
    expect(r.report.run.partial).toBe(true);
    expect(r.eventsProcessed).toBe(10_000);
  });
});

describe("sources, bars, timers", () => {
  it("merges several sources by time; ties go to the earlier source", () => {
    const seen: number[] = [];
    const strat = new ScriptStrategy({});
    strat.onBook = (ctx) => {
      seen.push(ctx.book(0).levelSize(Side.Bid, 0));
    };
    const s1 = new ScriptedSource([INST], [add(1, 1, Side.Bid, 10000, 1), add(5, 2, Side.Bid, 10000, 2)]);
    const s2 = new ScriptedSource([INST], [add(1, 3, Side.Bid, 10000, 10), add(3, 4, Side.Bid, 10000, 20)]);
    runBacktest({ sources: [s1, s2], strategy: strat });
    expect(seen).toEqual([1, 11, 31, 33]);
  });

  it("builds bars from trades, aligned to the epoch, and fires timers on event time", () => {
    const events = [
      trade(100, 10000, 1, Side.Bid),
      trade(900, 10200, 2, Side.Ask),
      trade(1000, 10100, 3, Side.Bid),
      trade(2500, 9900, 1, Side.Bid),
      trade(4100, 9800, 1, Side.Bid),
    ];
    const { strategy } = runScript(events, {}, {}, { bars: [{ instrument: 0, lenNs: 1000 }], timersNs: [1500] });
    expect(strategy.bars).toEqual([
      { len: 1000, open: 10000, high: 10200, low: 10000, close: 10200, volume: 3, start: 0, time: 1000 },
      { len: 1000, open: 10100, high: 10100, low: 10100, close: 10100, volume: 3, start: 1000, time: 2000 },
      { len: 1000, open: 9900, high: 9900, low: 9900, close: 9900, volume: 1, start: 2000, time: 3000 },
    ]);
    expect(strategy.timerCalls).toEqual([
      { id: 0, time: 1500 },
      { id: 0, time: 3000 },
    ]);
    expect(strategy.trades.length).toBe(5);
  });

  it("warns when MBO data starts without a snapshot and orders the book never saw are referenced", () => {
    const events = [add(1, 1, Side.Bid, 10000, 1), cancel(2, 77, 1), cancel(900_000_000, 78, 1), add(1_000_000_000, 2, Side.Ask, 10100, 1)];
    const { result } = runScript(events, {});
    const note = result.notes.find((n) => n.includes("without a snapshot"));
    expect(note).toBeDefined();
    expect(note).toContain("2 events referred to orders the book never saw");
    expect(note).toContain("0.900s");
  });

  it("a reader's notes (DBN: unknown rtype, unknown action) reach the report's notes and the console summary", () => {
    const dir = mkdtempSync(join(tmpdir(), "algo-engine-notes-"));
    const src = openSynth({ events: 5_000, seed: 3, symbol: "TEST" });
    const path = join(dir, "odd.dbn");
    const w = new DbnWriter(path, { schema: "mbo", timeBase: src.timeBase });
    while (src.next()) w.write(src.event, src.instruments);
    w.finish();
    const b = new Uint8Array(readFileSync(path));
    // The last two records are 56-byte MBO records: the next-to-last gets an rtype DBN does not
    // define, the last an action letter it does not define.
    const rtypeAt = b.length - 112;
    const actionAt = b.length - 56;
    expect([b[rtypeAt + 1], b[actionAt + 1]]).toEqual([0xa0, 0xa0]);
    b[rtypeAt + 1] = 0x7e;
    b[actionAt + 38] = 0x5a; // 'Z'
    writeFileSync(path, b);
    const expected = [
      `${path}: 1 record of unknown rtype skipped (by length); the first has rtype 0x7e at byte ${rtypeAt}`,
      `${path}: 1 MBO record with an unknown action read as no-action (no book change); the first has action 'Z' at byte ${actionAt}`,
    ];
    const result = runBacktest({ sources: [openDbn(path)], strategy: new ScriptStrategy({}) });
    expect(result.notes.filter((n) => n.startsWith(path))).toEqual(expected);
    expect((result.report.assumptions.notes ?? []).filter((n) => n.startsWith(path))).toEqual(expected);
    const summary = renderSummary(result.report);
    for (const n of expected) expect(summary).toContain(n);
    // A clean file adds no reader note.
    const clean = join(dir, "clean.dbn");
    const src2 = openSynth({ events: 5_000, seed: 3, symbol: "TEST" });
    const w2 = new DbnWriter(clean, { schema: "mbo", timeBase: src2.timeBase });
    while (src2.next()) w2.write(src2.event, src2.instruments);
    w2.finish();
    const r2 = runBacktest({ sources: [openDbn(clean)], strategy: new ScriptStrategy({}) });
    expect(r2.notes.filter((n) => n.includes(clean))).toEqual([]);
  });

  it("--from/--to: the book replays from the start, the strategy starts at `from`, the run stops after `to`", () => {
    const seen: Array<[number, number]> = [];
    const strat = new ScriptStrategy({});
    strat.onBook = (ctx) => {
      seen.push([ctx.time, ctx.book(0).levelSize(Side.Bid, 0)]);
    };
    const events = [1, 2, 3, 4, 5, 6].map((t) => add(t * 10, t, Side.Bid, 10000, 1));
    const r = runBacktest({ sources: [new ScriptedSource([INST], events, 1_000n)], strategy: strat, fromEpochNs: 1_030n, toEpochNs: 1_050n });
    // Events at 10 and 20 build the book without the strategy; 60 is past `to`.
    expect(seen).toEqual([
      [30, 3],
      [40, 4],
      [50, 5],
    ]);
    expect(r.eventsProcessed).toBe(5);
  });

  it("a declared instrument missing from the data is a clear error naming what the data has", () => {
    const s = new ScriptStrategy({}, {}, ["ESZ4", "NQZ4"]);
    expect(() => runBacktest({ sources: [new ScriptedSource([INST], baseBook())], strategy: s })).toThrow(/"ESZ4".*not in the data; the data has: TEST/);
  });
});

describe("fill ratio", () => {
  it("counts what a modify added: a quote partly filled, then re-sized, fills 5 of 5 submitted (not 5 of 3)", () => {
    const { result, strategy } = runScript(
      [
        ...baseBook(),
        add(5, 95, Side.Ask, 10500, 1), // the strategy quotes here
        add(100, 91, Side.Bid, 9900, 10), // behind our bid
        exec(200, 91, 2), // the aggressor reached our place first: we fill 2 of 3
        add(300, 96, Side.Ask, 10600, 1), // the strategy re-quotes here
        add(350, 92, Side.Bid, 9900, 10), // behind our re-sized bid (a size increase loses priority)
        exec(400, 92, 5), // fills our remaining 3
        add(500, 93, Side.Bid, 9800, 1),
      ],
      {
        2: (ctx) => ctx.quote(0, 9900, Number.NaN, 3),
        300: (ctx) => ctx.quote(0, 9900, Number.NaN, 3), // 2 filled: back to 3 open → total 5
      },
    );
    const m = result.report.metrics;
    expect(strategy.fills.map((f) => f.qty)).toEqual([2, 3]);
    expect(m.orders).toBe(1);
    expect(m.filledQty).toBe(5);
    expect(m.orderedQty).toBe(5);
    expect(m.fillRatioPct).toBe(100);
  });

  it("stays within [0, 100] on random quoting strategies with a warm-up (synthetic data)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3000 }), (seed, size, warm) => {
        let step = 0;
        let ready = false;
        const strat = new ScriptStrategy({});
        (strat as { isReady?: () => boolean }).isReady = () => ready;
        strat.onBook = (ctx, inst) => {
          step++;
          if (step >= warm) ready = true;
          const bid = ctx.bestBid(inst);
          const ask = ctx.bestAsk(inst);
          if (bid !== bid || ask !== ask) return;
          // Sizes vary, so re-quoting a partly filled side raises its total.
          const q = 1 + ((step >> 5) % size);
          const pos = ctx.position(inst);
          ctx.quote(inst, pos < 4 ? bid : Number.NaN, pos > -4 ? ask : Number.NaN, q);
        };
        (strat as { instruments: readonly string[] }).instruments = ["*"];
        const r = runBacktest({
          sources: [openSynth({ events: 6000, seed })],
          strategy: strat,
          latency: { feed: { kind: "fixed", ns: 0 }, orderEntry: { kind: "uniform", minNs: 1000, maxNs: 80_000 }, response: { kind: "fixed", ns: 10_000 } },
          seed,
        });
        const m = r.report.metrics;
        if (m.fillRatioPct === null) return;
        expect(m.fillRatioPct).toBeGreaterThanOrEqual(0);
        expect(m.fillRatioPct).toBeLessThanOrEqual(100);
      }),
      { numRuns: 20 },
    );
  });
});

describe("properties", () => {
  it("never two fills from the same resting liquidity: random marketable orders against a static book", () => {
    const order = fc.record({ side: fc.constantFrom(Side.Bid, Side.Ask), qty: fc.integer({ min: 1, max: 7 }), limitOff: fc.integer({ min: -1, max: 3 }), market: fc.boolean() });
    fc.assert(
      fc.property(fc.array(order, { minLength: 1, maxLength: 12 }), (orders) => {
        const { strategy } = runScript([...baseBook(), add(50, 90, Side.Bid, 8000, 1)], {
          1: (ctx) => {
            for (const o of orders) {
              if (o.market) {
                if (o.side === Side.Bid) ctx.buy(0, o.qty);
                else ctx.sell(0, o.qty);
              } else {
                const px = o.side === Side.Bid ? 10100 + 100 * o.limitOff : 9900 - 100 * o.limitOff;
                ctx.limit(0, o.side, o.qty, px, TimeInForce.Ioc, false);
              }
            }
          },
        });
        const byPrice = new Map<number, number>();
        for (const f of strategy.fills) byPrice.set(f.price, (byPrice.get(f.price) ?? 0) + f.qty);
        const visible: Record<number, number> = { 10100: 5, 10200: 5, 9900: 5, 9800: 5, 9000: 1 };
        for (const [p, q] of byPrice) expect(q).toBeLessThanOrEqual(visible[p] ?? 0);
        const pos = strategy.fills.reduce((s, f) => s + f.side * f.qty, 0);
        expect(strategy.ctx!.position(0)).toBe(pos);
      }),
      { numRuns: 150 },
    );
  });

  it("random order sequences on synthetic data: position = signed sum of fills, cash conserved", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 5, maxLength: 40 }), (seed, script) => {
        let step = 0;
        const strat = new ScriptStrategy({});
        strat.onBook = (ctx, inst) => {
          step++;
          if (step % 97 !== 0) return;
          const a = script[(step / 97) % script.length | 0];
          const bid = ctx.bestBid(inst);
          const ask = ctx.bestAsk(inst);
          if (bid !== bid || ask !== ask) return;
          if (a === 0) ctx.buy(inst, 1 + (step % 3));
          else if (a === 1) ctx.sell(inst, 1 + (step % 3));
          else if (a === 2) ctx.limit(inst, Side.Bid, 2, bid, TimeInForce.Gtc, false);
          else if (a === 3) ctx.limit(inst, Side.Ask, 2, ask, TimeInForce.Gtc, false);
          else if (a === 4) ctx.cancelAll(inst);
          else ctx.quote(inst, bid - ctx.tick(inst), ask + ctx.tick(inst), 1);
        };
        (strat as { instruments: readonly string[] }).instruments = ["*"];
        const r = runBacktest({ sources: [openSynth({ events: 8000, seed })], strategy: strat, latency: { feed: { kind: "fixed", ns: 0 }, orderEntry: { kind: "exponential", minNs: 1000, meanNs: 50_000 }, response: { kind: "fixed", ns: 10_000 } }, seed });
        const f = r.recorder.fills;
        let signed = 0;
        let cash = 0;
        for (let i = 0; i < f.rows; i++) {
          const side = f.data[i * f.width + FillCol.Side];
          const qty = f.data[i * f.width + FillCol.Qty];
          const px = f.data[i * f.width + FillCol.Price];
          signed += side * qty;
          cash -= (side * qty * px) / r.portfolio.unit[0];
        }
        expect(r.portfolio.position[0]).toBe(signed);
        expect(r.portfolio.cashUnits[0]).toBe(cash);
        expect(strat.ctx!.position(0)).toBe(signed); // every fill was delivered by the end
        expect(r.portfolio.realizedUnits[0] + r.portfolio.unrealizedUnits(0)).toBe(cash + signed * r.portfolio.markUnits[0]);
      }),
      { numRuns: 12 },
    );
  });
});
