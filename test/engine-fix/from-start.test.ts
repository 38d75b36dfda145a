/**
 * With `from`, the events before it build the book but the strategy starts at `from`: the run's
 * start and the warm-up span begin there, not at the data's first event.
 */
import { describe, expect, it } from "vitest";
import { isoFromNs } from "../../runtime/analytics/time-format.js";
import { runBacktest } from "../../runtime/engine/engine.js";
import { ScriptedSource, type ScriptedEvent } from "../../runtime/engine/scripted-source.js";
import type { Strategy, StrategyContext } from "../../runtime/engine/strategy.js";
import { EventKind, Side } from "../../runtime/events.js";
import { INST } from "../engine/helpers.js";

const F_LAST = 128;
const add = (ts: number, id: number, side: Side, price: number): ScriptedEvent => ({ kind: EventKind.Add, ts, id, side, price, size: 1, flags: F_LAST });

describe("from", () => {
  it("the run and its warm-up start at the first event the strategy sees; the book has the earlier ones", () => {
    const events: ScriptedEvent[] = [];
    for (let i = 0; i < 20; i++) events.push(add(1_000 * (i + 1), i + 1, i % 2 === 0 ? Side.Bid : Side.Ask, i % 2 === 0 ? 100 - i : 200 + i));
    const seen: number[] = [];
    let firstBid = Number.NaN;
    const strategy: Strategy = {
      instruments: ["*"],
      onBook(ctx: StrategyContext, h: number) {
        if (seen.length === 0) firstBid = ctx.bestBid(h);
        seen.push(ctx.time);
      },
      isReady: () => seen.length >= 3,
    };
    const src = new ScriptedSource([INST], events);
    const r = runBacktest({ sources: [src], strategy, fromTs: 10_500 });
    expect(seen[0]).toBe(11_000);
    expect(firstBid).toBe(100); // fixed point: the best bid came from an event before `from`
    expect(r.report.run.start).toBe(isoFromNs(src.timeBase, 11_000));
    expect(r.report.warmup.start).toBe(isoFromNs(src.timeBase, 11_000));
  });
});

describe("from and equity samples", () => {
  it("no equity sample is taken before `from`; the first one is at the run's start", () => {
    const events: ScriptedEvent[] = [];
    // 40 events 0.1 s apart: 4 s of data, equity sampled every second by default.
    for (let i = 0; i < 40; i++) events.push(add(100_000_000 * (i + 1), i + 1, i % 2 === 0 ? Side.Bid : Side.Ask, i % 2 === 0 ? 100 - i : 200 + i));
    const strategy: Strategy = { instruments: ["*"], onBook() {} };
    const src = new ScriptedSource([INST], events);
    const from = 2_050_000_000;
    const r = runBacktest({ sources: [src], strategy, fromTs: from });
    const s = r.recorder.samples;
    const ts: number[] = [];
    for (let i = 0; i < s.rows; i++) ts.push(s.data[i * s.width]!);
    expect(ts.length).toBeGreaterThan(0);
    expect(Math.min(...ts)).toBeGreaterThanOrEqual(2_100_000_000);
    expect(ts[0]).toBe(2_100_000_000);
  });
});
