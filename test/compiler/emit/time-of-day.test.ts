/**
 * `time_of_day(...)` in compiled code reads the absolute wall-clock time: the generated onStart
 * attaches the run's time base (`attachTimeBase(ctx.timeBase)`) and every handler reads the event
 * clock first. Checked end to end on data whose time base is NOT a UTC midnight (a scripted source,
 * 13:17:23.123456789 UTC), where a missing time base gives a wrong time of day, and through the
 * `algo backtest` / `algo features` commands on a synthetic DBN file. The expected instants are
 * computed independently, with bigints from ISO dates.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFeatures, compileStrategy, loadStrategy } from "../../../compiler/build.js";
import { memoryHost } from "../../../compiler/index.js";
import { runBacktest } from "../../../runtime/engine/engine.js";
import { ScriptedSource, type ScriptedEvent } from "../../../runtime/engine/scripted-source.js";
import type { Strategy, StrategyContext } from "../../../runtime/engine/strategy.js";
import { EventKind, Side, type InstrumentInfo } from "../../../runtime/events.js";
import { FeatureTable } from "../../../runtime/features/table.js";
import { REPO } from "../check/golden-support.js";

const DAY = 86_400_000_000_000n;
const HOUR = 3_600_000_000_000n;
/** ns since the epoch of an ISO instant (whole milliseconds) plus extra ns. */
const isoNs = (iso: string, extraNs = 0n): bigint => BigInt(Date.parse(iso)) * 1_000_000n + extraNs;
/** ns since the epoch of an ISO instant with up to 9 fraction digits (as the reports write it). */
const isoNsFull = (iso: string): bigint => {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) throw new Error(`not an ISO instant: ${iso}`);
  return isoNs(`${m[1]}Z`, BigInt((m[2] ?? "").padEnd(9, "0")));
};
/** Wall-clock time of day (ns) at a fixed UTC offset, independently of the stdlib. */
const wallNs = (absNs: bigint, offsetNs: bigint): number => Number((((absNs + offsetNs) % DAY) + DAY) % DAY);

// Buys once, from 08:40 in Chicago (winter: UTC-6h, i.e. 14:40 UTC).
const STRATEGY = `strategy Bell "Buys once, from 08:40 at UTC-6h"

instrument es = "ESZ4"

risk {
  max_position    = 1
  max_order_qty   = 1
  max_open_orders = 1
  max_order_rate  = 10 per 1s
  max_loss        = 1_000_000
  price_band      = 1000 ticks
}

features {
  tod = time_of_day(-6h)
}

on book(es) when ready(tod) {
  if tod >= 520m and exposure(es, buy) + 1 <= 1 {
    buy(es, 1)
  }
}
`;

const UNIT = `features Clock(inst: instrument) {
  mid = book.mid(inst)
  tod = time_of_day(-6h)
  late = iff(tod >= 520m, mid, mid - mid)
  export mid, tod, late
}
`;

/** A time base that is not a UTC midnight: 2024-03-12T13:17:23.123456789Z. */
const BASE = isoNs("2024-03-12T13:17:23.123Z", 456_789n);
const INFO: InstrumentInfo = { index: 0, symbol: "ESZ4", sourceId: 1, priceScale: 0.25, tickSize: 1, multiplier: 50 };

/** A two-sided book from 1h to 2h after the time base (14:17:23 .. 15:17:23 UTC), odd spacing. */
function events(): ScriptedEvent[] {
  const out: ScriptedEvent[] = [];
  let id = 1;
  for (let ts = 3_600_000_000_000; ts <= 7_200_000_000_000; ts += 7_300_000_123) {
    const k = out.length;
    out.push({ kind: EventKind.Add, ts, id: id++, side: k % 2 === 0 ? Side.Bid : Side.Ask, price: k % 2 === 0 ? 20_000 - (k % 5) : 20_001 + (k % 5), size: 1 + (k % 3) });
  }
  return out;
}

describe("time_of_day in a compiled strategy", () => {
  it("sends the first order at the first event at or after 08:40 local (14:40 UTC)", () => {
    const r = compileStrategy("bell.algo", STRATEGY, memoryHost({ "bell.algo": STRATEGY }));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.output!.emitted.code).toContain("attachTimeBase(ctx.timeBase)");
    const inner = loadStrategy(r.output!, "algo:///bell.js").create({});
    const orders: number[] = [];
    const s: Strategy = {
      instruments: inner.instruments,
      subscriptions: inner.subscriptions!.bind(inner),
      risk: inner.risk,
      onStart(ctx: StrategyContext) {
        // The context is the engine: observe the strategy's buys (and their strategy time).
        const buy = ctx.buy.bind(ctx);
        (ctx as { buy: StrategyContext["buy"] }).buy = (i, q) => {
          orders.push(ctx.time);
          return buy(i, q);
        };
        inner.onStart!(ctx);
      },
      onBook: inner.onBook!.bind(inner),
    };
    const evs = events();
    runBacktest({ sources: [new ScriptedSource([INFO], evs, BASE)], strategy: s, strategyName: "bell" });
    const threshold = isoNs("2024-03-12T14:40:00.000Z");
    const first = evs.find((e) => BASE + BigInt(e.ts) >= threshold)!;
    expect(first.ts).toBeGreaterThan(evs[0]!.ts);
    expect(orders.length).toBeGreaterThan(0);
    expect(orders[0]).toBe(first.ts);
    // And the wall clock of that order, read back: 08:40:0x local.
    expect(wallNs(BASE + BigInt(orders[0]!), -6n * HOUR)).toBeGreaterThanOrEqual(520 * 60e9);
    expect(wallNs(BASE + BigInt(orders[0]!), -6n * HOUR)).toBeLessThan(520 * 60e9 + 7.3e9);
  });
});

describe("time_of_day in a feature program", () => {
  it("gives the wall-clock time of day of every row, and a guard on it switches at 08:40 local", () => {
    const c = compileFeatures("clock.algo", UNIT, { instruments: { inst: "ESZ4" }, params: {} }, memoryHost({ "clock.algo": UNIT }));
    expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const loaded = c.loaded!;
    expect(loaded.emitted.columns).toEqual(["mid", "tod", "late"]);
    const evs = events();
    const table = new FeatureTable(loaded.emitted.columns, BASE);
    runBacktest({ sources: [new ScriptedSource([INFO], evs, BASE)], strategy: loaded.create(table), strategyName: "clock" });
    expect(table.length).toBe(evs.length);
    let switched = 0;
    for (let i = 0; i < evs.length; i++) {
      const abs = BASE + BigInt(evs[i]!.ts);
      expect(table.ts[i]).toBe(evs[i]!.ts);
      expect(table.columns[1]![i]).toBe(wallNs(abs, -6n * HOUR));
      const mid = table.columns[0]![i]!;
      if (mid === mid) {
        const late = abs >= isoNs("2024-03-12T14:40:00.000Z");
        expect(table.columns[2]![i]).toBe(late ? mid : 0);
        if (late) switched++;
      }
    }
    expect(switched).toBeGreaterThan(0);
  });
});

// Operators fed by the clock alone: `slow` has no other input, so it samples on every event that
// updates features (here the book of inst, through `mid`); `mixed` also reads mid and keeps mid's trigger.
const CLOCKED = `features Clocked(inst: instrument) {
  mid = book.mid(inst)
  tod = time_of_day()
  slow = sma(tod / 1s, 3)
  mixed = sma(tod / 1s + (mid - mid) / mid, 3)
  export tod, slow, mixed
}
`;

// A strategy whose only feature reads the clock: with no other trigger in the graph, it samples on
// every book and trade event.
const CLOCK_ONLY = `strategy ClockOnly "reads a clock-fed average"

instrument es = "ESZ4"

risk {
  max_position    = 1
  max_order_qty   = 1
  max_open_orders = 1
  max_order_rate  = 10 per 1s
  max_loss        = 1_000_000
  price_band      = 1000 ticks
}

features {
  avg = sma(time_of_day() / 1s, 2)
}

on book(es) when ready(avg) {
  record("avg", avg)
}
`;

describe("operators fed by time_of_day alone", () => {
  it("update on every event that updates features, equal to a naive mean of the clock's last values", () => {
    const c = compileFeatures("clocked.algo", CLOCKED, { instruments: { inst: "ESZ4" }, params: {} }, memoryHost({ "clocked.algo": CLOCKED }));
    expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const loaded = c.loaded!;
    expect(loaded.emitted.columns).toEqual(["tod", "slow", "mixed"]);
    const evs = events();
    const table = new FeatureTable(loaded.emitted.columns, BASE);
    runBacktest({ sources: [new ScriptedSource([INFO], evs, BASE)], strategy: loaded.create(table), strategyName: "clocked" });
    expect(table.length).toBe(evs.length);
    const tods: number[] = [];
    let checked = 0;
    for (let i = 0; i < evs.length; i++) {
      const tod = wallNs(BASE + BigInt(evs[i]!.ts), 0n);
      expect(table.columns[0]![i]).toBe(tod);
      tods.push(tod);
      const slow = table.columns[1]![i]!;
      if (i < 2) expect(slow).toBeNaN();
      else {
        const naive = (tods[i]! + tods[i - 1]! + tods[i - 2]!) / 3 / 1e9;
        expect(Math.abs(slow - naive)).toBeLessThanOrEqual(1e-6 * naive);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    // mixed: mid is NaN until both sides exist; from then on it takes a sample per book event, like slow.
    const last = evs.length - 1;
    expect(Math.abs(table.columns[2]![last]! - table.columns[1]![last]!)).toBeLessThanOrEqual(1e-6 * table.columns[1]![last]!);
  });

  it("with no other feature in the graph, a clock-fed operator samples on every book event of a strategy", () => {
    const r = compileStrategy("clockonly.algo", CLOCK_ONLY, memoryHost({ "clockonly.algo": CLOCK_ONLY }));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.output!.emitted.code).toContain("upd_book_0");
    const strategy = loadStrategy(r.output!, "algo:///clockonly.js").create({});
    const evs = events();
    const res = runBacktest({ sources: [new ScriptedSource([INFO], evs, BASE)], strategy, strategyName: "clockonly" });
    const rec = res.recorder;
    // Ready from the second event on: every later book event records the mean of the last two clock readings.
    expect(rec.recordValue.length).toBe(evs.length - 1);
    for (let i = 1; i < evs.length; i++) {
      expect(rec.recordTs.data[i - 1]).toBe(evs[i]!.ts);
      const naive = (wallNs(BASE + BigInt(evs[i]!.ts), 0n) + wallNs(BASE + BigInt(evs[i - 1]!.ts), 0n)) / 2 / 1e9;
      expect(Math.abs(rec.recordValue.data[i - 1]! - naive)).toBeLessThanOrEqual(1e-6 * naive);
    }
  });
});

describe("time_of_day through the CLI", () => {
  const BIN = join(REPO, "bin/algo.js");
  let dir = "";
  const algo = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8" });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "algo-tod-"));
    // 20k events 20 ms apart on average from 14:38 UTC: the session crosses 14:40 UTC.
    const r = algo("data", "synth", "--events", "20000", "--seed", "3", "--symbol", "ESZ4", "--start", "2024-03-12T14:38:00Z", "--mean-gap", "20ms", "-o", "day.dbn");
    expect(r.code).toBe(0);
    writeFileSync(join(dir, "bell.algo"), STRATEGY);
    writeFileSync(join(dir, "clock.algo"), UNIT);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("algo features: the tod column is the wall-clock time of day of ts_ns", () => {
    const r = algo("features", "clock.algo", "--data", "day.dbn", "--out", "f.csv");
    expect(r.code, r.err).toBe(0);
    const lines = readFileSync(join(dir, "f.csv"), "utf8").trim().split("\n");
    const head = lines[0]!.split(",");
    const iTs = head.indexOf("ts_ns");
    const iTod = head.indexOf("tod");
    expect(iTs).toBeGreaterThanOrEqual(0);
    expect(iTod).toBeGreaterThan(0);
    let before = 0;
    let after = 0;
    for (const line of lines.slice(1)) {
      const f = line.split(",");
      const abs = BigInt(f[iTs]!);
      expect(Number(f[iTod])).toBe(wallNs(abs, -6n * HOUR));
      if (abs < isoNs("2024-03-12T14:40:00.000Z")) before++;
      else after++;
    }
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(0);
  });

  it("algo backtest: the first fill comes just after 14:40 UTC, none before", () => {
    const r = algo("backtest", "bell.algo", "--data", "day.dbn", "--out", "bt", "--no-html", "--json");
    expect(r.code, r.err).toBe(0);
    const fills = readFileSync(join(dir, "bt/fills.csv"), "utf8").trim().split("\n");
    expect(fills.length).toBeGreaterThan(1);
    const head = fills[0]!.split(",");
    const first = isoNsFull(fills[1]!.split(",")[head.indexOf("time")]!);
    const threshold = isoNs("2024-03-12T14:40:00.000Z");
    expect(first >= threshold).toBe(true);
    // Order entry and feed latencies are milliseconds at most; the data has an event every ~20 ms.
    expect(first - threshold < 1_000_000_000n).toBe(true);
  });
});
