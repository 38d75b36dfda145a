/**
 * `to` is inclusive in the engine (an event exactly at `to` is replayed; engine.test.ts pins it)
 * and in the CLI help ("last event time"), but docs/config.md and the config schema said
 * "exclusive". The docs now say what the tool does; this keeps the two together.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Side } from "../../runtime/events.js";
import { ScriptedSource } from "../../runtime/engine/scripted-source.js";
import { runBacktest } from "../../runtime/engine/engine.js";
import { add, INST, ScriptStrategy } from "./helpers.js";

const REPO = join(import.meta.dirname, "../..");

describe("`to` of the replay window", () => {
  it("replays an event exactly at `to`, as docs/config.md and the schema say", () => {
    const times: number[] = [];
    const strat = new ScriptStrategy({});
    strat.onBook = (ctx) => void times.push(ctx.time);
    runBacktest({ sources: [new ScriptedSource([INST], [10, 20, 30].map((t) => add(t, t, Side.Bid, 10000, 1)), 0n)], strategy: strat, toEpochNs: 20n });
    expect(times).toEqual([10, 20]);
    const row = readFileSync(join(REPO, "docs/config.md"), "utf8").split("\n").find((l) => l.startsWith("| `to` |"))!;
    expect(row).toMatch(/inclusive/);
    expect(row).not.toMatch(/exclusive/);
    const schema = JSON.parse(readFileSync(join(REPO, "schemas/backtest-config.schema.json"), "utf8"));
    expect(schema.properties.to.description).toMatch(/inclusive/);
  });
});
