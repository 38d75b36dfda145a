// Queue position: exact L3 rules and the three L2 models, on hand-built books (prices in cents).
import { describe, expect, it } from "vitest";
import { EventKind, Side } from "../../runtime/events.js";
import { TimeInForce } from "../../runtime/engine/strategy.js";
import { QueueModel } from "../../runtime/execution/simulator.js";
import type { ScriptedEvent } from "../../runtime/engine/scripted-source.js";
import { add, baseBook, cancel, del, exec, level, modify, runScript, trade } from "../engine/helpers.js";

const fillsOf = (s: { fills: Array<{ price: number; qty: number; ts: number }> }) => s.fills.map((f) => [f.price, f.qty, f.ts]);

describe("L3 queue: exact from order ids", () => {
  // Bid 100 holds id 10 (3) then id 11 (4). We join with 2 at t=3: ahead = 7.
  const start: ScriptedEvent[] = [...baseBook(), add(2, 10, Side.Bid, 10000, 3), add(2, 11, Side.Bid, 10000, 4), add(3, 50, Side.Ask, 10300, 1)];
  const join = { 3: (ctx: Parameters<NonNullable<Parameters<typeof runScript>[1][number]>>[0]) => ctx.limit(0, Side.Bid, 2, 10000, TimeInForce.Gtc, false) };

  it("a cancel BEHIND us does not advance us; cancels/executions ahead do", () => {
    const events = [
      ...start,
      add(3, 12, Side.Bid, 10000, 5), // behind us
      cancel(4, 12, 5), // behind: no change (ahead stays 7)
      del(5, 10), // ahead: 7 - 3 = 4
      exec(6, 11, 4), // ahead: 4 - 4 = 0, no fill for us (11 was ahead)
      add(7, 13, Side.Bid, 10000, 5), // behind us
      exec(8, 13, 3), // 13 is behind us: the aggressor reached us first → we fill min(2, 3) = 2
    ];
    const { strategy } = runScript(events, join);
    expect(fillsOf(strategy)).toEqual([[10000, 2, 8]]);
  });

  it("an execution behind us while strangers are still ahead would be a FIFO violation; one ahead never fills us", () => {
    const events = [...start, exec(3, 10, 3), cancel(4, 11, 1), add(5, 14, Side.Bid, 9000, 1)];
    const { strategy, result } = runScript(events, join);
    expect(strategy.fills).toEqual([]);
    // ahead went 7 → 4 (execute 3 of id 10) → 3 (cancel 1 of id 11)
    expect(result.portfolio.position[0]).toBe(0);
  });

  it("a stranger modify that loses priority moves behind us; one that keeps it advances us by the decrease", () => {
    const events = [
      ...start,
      modify(3, 10, Side.Bid, 10000, 1), // size down 3 → 1: ahead 7 - 2 = 5
      modify(4, 11, Side.Bid, 10000, 6), // size up: goes behind us: ahead 5 - 4 = 1
      exec(5, 10, 1), // ahead 1 - 1 = 0
      exec(6, 11, 2), // 11 is now behind us: we fill 2
    ];
    const { strategy } = runScript(events, join);
    expect(fillsOf(strategy)).toEqual([[10000, 2, 6]]);
  });

  it("an execution at a worse price than our resting buy fills us first (trade-through)", () => {
    // We bid 100 ahead of everyone at a new level (book bid 99): a seller executes the 99 bid.
    const { strategy } = runScript([...baseBook(), exec(4, 3, 2), add(5, 14, Side.Bid, 9000, 1)], {
      1: (ctx) => ctx.limit(0, Side.Bid, 1, 10000, TimeInForce.Gtc, false),
    });
    expect(fillsOf(strategy)).toEqual([[10000, 1, 4]]);
  });

  it("two of our orders at a level share one execution in queue order", () => {
    const events = [...baseBook(), add(2, 10, Side.Bid, 10000, 1), add(3, 20, Side.Bid, 10000, 5), exec(4, 10, 1), exec(5, 20, 3)];
    const { strategy } = runScript(events, {
      2: (ctx) => {
        ctx.limit(0, Side.Bid, 2, 10000, TimeInForce.Gtc, false);
        ctx.limit(0, Side.Bid, 2, 10000, TimeInForce.Gtc, false);
      },
    });
    // Execution of 20 (behind both of ours) for 3: first order takes 2, second 1.
    expect(strategy.fills.map((f) => [f.ref, f.qty])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it("DBN style Fill evidence: a Fill of an order behind us fills us; the Cancel that follows a Fill ahead advances us", () => {
    const fill = (ts: number, id: number, size: number): ScriptedEvent => ({ kind: EventKind.Fill, ts, id, size, price: 10000, side: Side.Bid });
    const events = [
      ...start,
      add(3, 12, Side.Bid, 10000, 5),
      trade(4, 10000, 3, Side.Ask),
      fill(4, 10, 3), // 10 is ahead: no change yet
      cancel(4, 10, 3), // ahead 7 → 4
      trade(5, 10000, 6, Side.Ask),
      fill(5, 11, 4), // ahead
      cancel(5, 11, 4), // ahead 4 → 0
      fill(5, 12, 2), // 12 is behind us: we fill 2
      cancel(5, 12, 2),
    ];
    const { strategy } = runScript(events, join);
    expect(fillsOf(strategy)).toEqual([[10000, 2, 5]]);
  });
});

describe("L2 queue models", () => {
  // Level book: bid 100 size 10, ask 101 size 10. We join the bid with 2 at t=1: ahead = 10.
  // Then 5 join behind us (15), then 4 cancel (11): worst ahead 10, best 6, pro-rata 10 − 4·10/15 = 7.33.
  const base: ScriptedEvent[] = [
    level(0, Side.Bid, 10000, 10),
    level(0, Side.Ask, 10100, 10),
    level(1, Side.Ask, 10100, 10),
    level(2, Side.Bid, 10000, 15),
    level(3, Side.Bid, 10000, 11),
  ];
  const join = { 1: (ctx: Parameters<NonNullable<Parameters<typeof runScript>[1][number]>>[0]) => ctx.limit(0, Side.Bid, 2, 10000, TimeInForce.Gtc, false) };
  const run = (model: QueueModel, tail: ScriptedEvent[]) => runScript([...base, ...tail], join, { queueModel: model }).strategy;

  it("worst: only trades advance us (a print of 8 leaves 2 ahead: no fill; 4 more fill 2)", () => {
    const s = run(QueueModel.Worst, [trade(4, 10000, 8, Side.Ask), level(4, Side.Bid, 10000, 3), trade(5, 10000, 4, Side.Ask)]);
    expect(fillsOf(s)).toEqual([[10000, 2, 5]]);
  });

  it("best: every decrease advances us (ahead 6: a print of 8 fills our 2)", () => {
    const s = run(QueueModel.Best, [trade(4, 10000, 8, Side.Ask), level(4, Side.Bid, 10000, 3)]);
    expect(fillsOf(s)).toEqual([[10000, 2, 4]]);
  });

  it("pro-rata: cancels advance us by size ahead / level size (ahead 7.33: a print of 8 fills floor(0.67) = 0; the next print of 1 fills 1)", () => {
    const s = run(QueueModel.ProRata, [trade(4, 10000, 8, Side.Ask), level(4, Side.Bid, 10000, 3), trade(5, 10000, 1, Side.Ask)]);
    expect(fillsOf(s)).toEqual([[10000, 1, 5]]);
  });

  it("the level decrease that a print explains is not counted again as a cancel", () => {
    // best model: ahead 6 → print 5 (ahead 1), level 11 → 6 explained by the print: still 1 ahead,
    // a print of 1 then exhausts it without filling us; a print of 2 fills 2.
    const s = run(QueueModel.Best, [trade(4, 10000, 5, Side.Ask), level(4, Side.Bid, 10000, 6), trade(5, 10000, 1, Side.Ask), level(5, Side.Bid, 10000, 5), trade(6, 10000, 2, Side.Ask)]);
    expect(fillsOf(s)).toEqual([[10000, 2, 6]]);
  });
});
