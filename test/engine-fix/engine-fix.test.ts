/**
 * Engine correctness fixes (QA round 3): strategies see the book only after the last record of an
 * exchange event (F_LAST); declared instruments bind through the data's metadata, never onto another
 * instrument's handle; instrument definitions apply whatever the order of the data files.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openDataSource } from "../../runtime/data/open.js";
import { LobsterMboSource } from "../../runtime/data/lobster-mbo.js";
import { MemoryEventSource } from "../../runtime/data/memory.js";
import { SynthMboSource } from "../../runtime/data/synth.js";
import { runBacktest } from "../../runtime/engine/engine.js";
import { ScriptedSource, type ScriptedEvent } from "../../runtime/engine/scripted-source.js";
import type { BarView, Strategy, StrategyContext } from "../../runtime/engine/strategy.js";
import { EventKind, type EventSource, type InstrumentInfo, Side } from "../../runtime/events.js";
import { INST } from "../engine/helpers.js";
import { sharedData } from "../support/shared-data.js";

const F_LAST = 128;

/** A strategy recording the touch at every onBook call. */
function bookWatcher(symbol = "TEST"): Strategy & { seen: Array<{ t: number; bid: number; ask: number }> } {
  const seen: Array<{ t: number; bid: number; ask: number }> = [];
  return {
    instruments: [symbol],
    seen,
    onBook(ctx: StrategyContext, h: number) {
      seen.push({ t: ctx.time, bid: ctx.bestBid(h), ask: ctx.bestAsk(h) });
    },
  };
}

class GroupedSource extends ScriptedSource {
  readonly groupsByLastFlag = true;
}

const addEv = (ts: number, id: number, side: Side, price: number, size: number, flags = 0): ScriptedEvent => ({ kind: EventKind.Add, ts, id, side, price, size, flags });

describe("F_LAST: a strategy sees the book only after the last record of an exchange event", () => {
  it("a seed of several adds at one time is one event: the first onBook sees both sides", () => {
    const events = [
      addEv(10, 1, Side.Bid, 100, 5),
      addEv(10, 2, Side.Bid, 99, 5),
      addEv(10, 3, Side.Ask, 102, 5),
      addEv(10, 4, Side.Ask, 101, 5, F_LAST),
      addEv(20, 5, Side.Bid, 100, 1, F_LAST),
    ];
    const s = bookWatcher();
    runBacktest({ sources: [new GroupedSource([INST], events)], strategy: s });
    expect(s.seen).toEqual([
      { t: 10, bid: 100, ask: 101 },
      { t: 20, bid: 100, ask: 101 },
    ]);
  });

  it("a source not declared as grouped: every record is an event until its first F_LAST, then groups", () => {
    const events = [
      addEv(10, 1, Side.Bid, 100, 5),
      addEv(10, 2, Side.Ask, 101, 5),
      addEv(20, 3, Side.Bid, 99, 5),
      addEv(20, 4, Side.Ask, 102, 5, F_LAST),
      addEv(30, 5, Side.Bid, 100.5, 1),
      addEv(30, 6, Side.Ask, 100.75, 1, F_LAST),
    ];
    const s = bookWatcher();
    runBacktest({ sources: [new ScriptedSource([INST], events)], strategy: s });
    expect(s.seen.map((x) => x.t)).toEqual([10, 10, 20, 20, 30]);
    expect(s.seen[0]!.ask).toBeNaN();
    expect(s.seen[4]).toEqual({ t: 30, bid: 100.5, ask: 100.75 });
  });

  it("a stream with no F_LAST at all: every record is an event", () => {
    const events = [addEv(10, 1, Side.Bid, 100, 5), addEv(10, 2, Side.Ask, 101, 5), addEv(11, 3, Side.Bid, 100.5, 5)];
    const s = bookWatcher();
    runBacktest({ sources: [new ScriptedSource([INST], events)], strategy: s });
    expect(s.seen.length).toBe(3);
  });

  it("property: one onBook per F_LAST record, each seeing the book after the whole group (naive recomputation)", () => {
    const group = fc.array(fc.record({ bid: fc.boolean(), px: fc.integer({ min: 1, max: 40 }), size: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 12 }), (groups) => {
        const events: ScriptedEvent[] = [];
        const expected: Array<{ bid: number; ask: number }> = [];
        let bid = Number.NaN;
        let ask = Number.NaN;
        let id = 1;
        groups.forEach((g, gi) => {
          g.forEach((o, i) => {
            // bids below 50, asks above 50: never crossed
            const price = o.bid ? o.px : 100 - o.px;
            events.push(addEv(1000 * (gi + 1), id++, o.bid ? Side.Bid : Side.Ask, price, o.size, i === g.length - 1 ? F_LAST : 0));
            if (o.bid) bid = bid === bid ? Math.max(bid, price) : price;
            else ask = ask === ask ? Math.min(ask, price) : price;
          });
          expected.push({ bid, ask });
        });
        const s = bookWatcher();
        runBacktest({ sources: [new GroupedSource([INST], events)], strategy: s });
        expect(s.seen.map((x) => ({ bid: x.bid, ask: x.ask }))).toEqual(expected);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it("synthetic, LOBSTER (self-contained) and in-memory sources declare their grouping", () => {
    const synth = new SynthMboSource({ events: 2000, seed: 3 });
    expect(synth.groupsByLastFlag).toBe(true);
    const mem = new MemoryEventSource(new SynthMboSource({ events: 2000, seed: 3 }), 777);
    expect(mem.groupsByLastFlag).toBe(true);
    // every synthetic action ends with F_LAST, and so does a copy cut short
    let lastFlags = 0;
    let groups = 0;
    while (mem.next()) {
      lastFlags = mem.event.flags;
      if ((lastFlags & F_LAST) !== 0) groups++;
    }
    expect(lastFlags & F_LAST).toBe(F_LAST);
    expect(groups).toBeGreaterThan(500);
  });

  it("synthetic data: onBook runs once per F_LAST-terminated action", () => {
    const n = 5000;
    const src = new SynthMboSource({ events: n, seed: 11 });
    let lasts = 0;
    const probe = new SynthMboSource({ events: n, seed: 11 });
    while (probe.next()) if ((probe.event.flags & F_LAST) !== 0 && probe.event.kind <= EventKind.Execute) lasts++;
    const s = bookWatcher("SYNTH");
    runBacktest({ sources: [src], strategy: s });
    expect(s.seen.length).toBe(lasts);
    for (const x of s.seen) if (x.bid === x.bid && x.ask === x.ask) expect(x.bid).toBeLessThan(x.ask);
  });

  const goog = sharedData("lobster/GOOG_2012-06-21_10/GOOG_2012-06-21_34200000_57600000_message_10.csv");
  it.skipIf(goog === undefined)("LOBSTER: the seed from orderbook row 1 is one event (no half-seeded book at the first time)", () => {
    const src = new LobsterMboSource(goog!, {});
    const s = bookWatcher("GOOG");
    runBacktest({ sources: [src], strategy: s, toTs: 34_200_200_000_000 });
    expect(s.seen.length).toBeGreaterThan(3);
    for (const x of s.seen) {
      expect(x.bid).toBeLessThan(x.ask);
    }
    expect(s.seen[0]!.ask).toBe(5_802_300); // $580.23 in 1e-4 dollars, orderbook row 1
  });

  const esh4 = sharedData("dbn/nautilus_trader/esh4-glbx-mdp3-20231225.mbo.dbn.zst");
  it.skipIf(esh4 === undefined)("DBN MBO (CME): probed as grouped; after the open no strategy sees a crossed book", () => {
    const src = openDataSource(esh4!).source;
    expect(src.groupsByLastFlag).toBe(true);
    const s = bookWatcher("ESH4");
    runBacktest({ sources: [src], strategy: s });
    const base = src.timeBase;
    const openTs = Number(1_703_545_200_000_000_000n - base); // 2023-12-25T23:00:00Z, Globex open
    const after = s.seen.filter((x) => x.t >= openTs);
    expect(after.length).toBeGreaterThan(1000);
    expect(after.filter((x) => x.bid >= x.ask).length).toBe(0);
  });

  const defs = sharedData("dbn/nautilus_trader/historical_bars_catalog/databento/futures_definition.dbn.zst");
  it.skipIf(defs === undefined)("DBN without any F_LAST is probed as not grouped", () => {
    const src = openDataSource(defs!).source;
    expect(src.groupsByLastFlag).toBe(false);
    src.close();
  });
});

/** A strategy counting bars per handle and keeping their closes. */
function barWatcher(symbols: string[]): Strategy & { bars: number[][] } {
  const bars: number[][] = symbols.map(() => []);
  return {
    instruments: symbols,
    bars,
    subscriptions: () => ({ bars: symbols.map((_, i) => ({ instrument: i, lenNs: 60e9 })) }),
    onBar(_ctx: StrategyContext, h: number, _len: number, b: BarView) {
      bars[h]!.push(b.close);
    },
  };
}

describe("instrument binding", () => {
  const ohlcv = sharedData("dbn/nautilus_trader/historical_bars_catalog/databento/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst");
  it.skipIf(ohlcv === undefined)("a second symbol of a DBN file binds through its metadata, and receives only its own bars", () => {
    // naive: the closes per symbol, read straight from the file
    const probe = openDataSource(ohlcv!).source;
    const closes = new Map<string, number[]>();
    while (probe.next()) {
      if (probe.event.kind !== EventKind.Bar) continue;
      const sym = probe.instruments[probe.event.instrument]!.symbol;
      if (!closes.has(sym)) closes.set(sym, []);
      closes.get(sym)!.push(probe.event.close * probe.instruments[probe.event.instrument]!.priceScale);
    }
    probe.close();
    expect([...closes.keys()].sort()).toEqual(["ESU4", "NQU4"]);
    for (const syms of [["NQU4"], ["ESU4", "NQU4"], ["NQU4", "ESU4"]]) {
      const s = barWatcher(syms);
      const res = runBacktest({ sources: [openDataSource(ohlcv!).source], strategy: s });
      syms.forEach((sym, h) => {
        expect(res.instruments[h]!.symbol).toBe(sym);
        expect(s.bars[h]!.length).toBe(closes.get(sym)!.length);
        expect(s.bars[h]!.map((c) => c * res.instruments[h]!.priceScale)).toEqual(closes.get(sym));
      });
    }
  });

  it("an instrument appearing after the start never joins a handle bound to another instrument", () => {
    const es: InstrumentInfo = { ...INST, index: 0, symbol: "ES" };
    const nq: InstrumentInfo = { ...INST, index: 1, symbol: "NQ", sourceId: 2 };
    const events: ScriptedEvent[] = [
      addEv(10, 1, Side.Bid, 100, 1),
      addEv(11, 2, Side.Ask, 101, 1),
      { ...addEv(20, 3, Side.Bid, 200, 1), instrument: 1 },
      { ...addEv(21, 4, Side.Ask, 201, 1), instrument: 1 },
    ];
    /** Names NQ only once its first record was read. */
    class LateSource extends ScriptedSource {
      private n = 0;
      override next(): boolean {
        if (++this.n === 3) this.instruments.push(nq);
        return super.next();
      }
    }
    const s = bookWatcher("NQ");
    const res = runBacktest({ sources: [new LateSource([es], events)], strategy: s });
    // bound to the only instrument at the start (with a note), and NQ's records do not reach it
    expect(res.instruments[0]!.symbol).toBe("ES");
    expect(s.seen.every((x) => x.bid < 150)).toBe(true);
    expect(res.notes.some((n) => n.includes('"NQ" first appeared after the start, but the strategy\'s instrument was already bound to "ES"'))).toBe(true);
    expect(res.notes.filter((n) => n.includes('"NQ" first appeared')).length).toBe(1);
  });
});

describe("instrument definitions do not depend on the order of --data", () => {
  const mbp = sharedData("dbn/nautilus_trader/historical_bars_catalog/databento/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst");
  const defs = sharedData("dbn/nautilus_trader/historical_bars_catalog/databento/futures_definition.dbn.zst");
  it.skipIf(mbp === undefined || defs === undefined)("definitions dated before the market data apply in either order", () => {
    const results = [
      [mbp!, defs!],
      [defs!, mbp!],
    ].map((files) => {
      const s = bookWatcher("ESU4");
      const sources: EventSource[] = files.map((f) => openDataSource(f).source);
      const res = runBacktest({ sources, strategy: s });
      return { info: res.instruments[0]!, notes: res.notes, seen: s.seen.length, events: res.eventsProcessed };
    });
    for (const r of results) {
      expect(r.info.tickSize * r.info.priceScale).toBeCloseTo(0.25, 9);
      expect(r.info.multiplier).toBe(50);
      expect(r.notes.some((n) => n.includes("tick size"))).toBe(false);
    }
    expect(results[0]!.seen).toBe(results[1]!.seen);
    expect(results[0]!.events).toBe(results[1]!.events);
  });
});
