/**
 * `log(...)` lines carry the event time as ISO-8601 UTC (as every report time does); they showed
 * the raw nanoseconds since the run's time base, e.g. `[-39594756074693] maker starting`.
 */
import { describe, expect, it } from "vitest";
import { ScriptedSource } from "../../runtime/engine/scripted-source.js";
import { runBacktest } from "../../runtime/engine/engine.js";
import { baseBook, INST, ScriptStrategy } from "./helpers.js";

describe("log lines", () => {
  it("start with the event time in ISO-8601 UTC, to the nanosecond", () => {
    const source = new ScriptedSource([INST], [...baseBook(), { ...baseBook()[1]!, id: 50, ts: 1_500_000_123 }]);
    const timeBase = source.timeBase;
    const strategy = new ScriptStrategy({ 1_000_000_000: (ctx) => ctx.log("hello 1.5") });
    const seen: string[] = [];
    const result = runBacktest({ sources: [source], strategy, onLog: (l) => seen.push(l) });
    const when = new Date(Number(timeBase / 1_000_000n) + 1500).toISOString().slice(0, 19);
    expect(result.logs).toEqual([`[${when}.500000123Z] hello 1.5`]);
    expect(seen).toEqual(result.logs);
  });
});
