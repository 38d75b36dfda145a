/**
 * `on bar(es, 5m)` on 1-minute OHLCV data: the data's bars reached only subscriptions of their own
 * length, so the handler never ran (and `algo features --bar 5m` wrote 0 rows), silently. Shorter
 * data bars whose length divides the subscription's now build its bars: open of the first, high
 * and low over all, close of the last, volume summed, closed by the last short bar of the window.
 */
import { describe, expect, it } from "vitest";
import { EventKind, Side } from "../../runtime/events.js";
import type { ScriptedEvent } from "../../runtime/engine/scripted-source.js";
import { runScript, trade } from "./helpers.js";

/** A data bar of length 1000 starting at `start` (the engine stamps it at its end). */
const bar = (start: number, open: number, high: number, low: number, close: number, volume: number): ScriptedEvent => ({
  kind: EventKind.Bar,
  ts: start,
  open,
  high,
  low,
  close,
  volume,
  aux: 1000,
});

describe("bars of a longer length from shorter data bars", () => {
  it("folds 1000-ns bars into 3000-ns bars, closing each with its last short bar", () => {
    const events = [
      bar(0, 100, 105, 99, 104, 1),
      bar(1000, 104, 110, 103, 108, 2),
      bar(2000, 108, 109, 101, 102, 3), // closes [0, 3000) at 3000
      bar(3000, 102, 103, 95, 96, 4),
      bar(4000, 96, 99, 96, 98, 5), // [5000, 6000) has no bar: [3000, 6000) closes at the next event
      bar(6000, 98, 98, 97, 97, 6),
      bar(9000, 97, 97, 97, 97, 7),
    ];
    const { strategy } = runScript(events, {}, {}, { bars: [{ instrument: 0, lenNs: 3000 }] });
    expect(strategy.bars).toEqual([
      { len: 3000, open: 100, high: 110, low: 99, close: 102, volume: 6, start: 0, time: 3000 },
      { len: 3000, open: 102, high: 103, low: 95, close: 98, volume: 9, start: 3000, time: 6000 },
      { len: 3000, open: 98, high: 98, low: 97, close: 97, volume: 6, start: 6000, time: 9000 },
    ]);
  });

  it("passes equal lengths through, ignores lengths that do not divide, and never mixes trades in", () => {
    const same = runScript([bar(0, 1, 2, 0, 1, 1), bar(1000, 1, 3, 1, 2, 1)], {}, {}, { bars: [{ instrument: 0, lenNs: 1000 }] });
    expect(same.strategy.bars.map((b) => [b.start, b.close, b.time])).toEqual([
      [0, 1, 1000],
      [1000, 2, 2000],
    ]);
    const odd = runScript([0, 1000, 2000, 3000, 4000].map((t) => bar(t, 1, 1, 1, 1, 1)), {}, {}, { bars: [{ instrument: 0, lenNs: 2500 }] });
    expect(odd.strategy.bars).toEqual([]);
    // Trade prints came first: the 3000 bars are built from them alone, the data bars' volume is not added.
    const mixed = runScript(
      [trade(10, 100, 1, Side.Bid), bar(0, 50, 60, 40, 55, 100), trade(1500, 101, 2, Side.Ask), bar(1000, 55, 56, 54, 55, 100), trade(3100, 99, 1, Side.Bid)],
      {},
      {},
      { bars: [{ instrument: 0, lenNs: 3000 }] },
    );
    expect(mixed.strategy.bars.map((b) => [b.open, b.high, b.low, b.close, b.volume])).toEqual([[100, 101, 100, 101, 3]]);
  });
});
