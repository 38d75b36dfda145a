/**
 * Without a tick size (no instrument definition in the data, none configured) a tick is one unit
 * of the data's price scale: `book.best_bid(es) - 1 ticks` quoted 1e-9 below the bid on DBN data,
 * and `price_band = 10 ticks` became 1e-8, silently. The note now says what a tick then means.
 */
import { describe, expect, it } from "vitest";
import { baseBook, INST, runScript, ScriptStrategy } from "./helpers.js";
import { ScriptedSource } from "../../runtime/engine/scripted-source.js";
import { runBacktest } from "../../runtime/engine/engine.js";

describe("the note on an unknown tick size", () => {
  it("says that N ticks count in the smallest price unit", () => {
    const info = { ...INST, tickSize: 0 };
    const result = runBacktest({ sources: [new ScriptedSource([info], baseBook())], strategy: new ScriptStrategy({}) });
    const note = result.notes.find((n) => n.startsWith('tick size of "TEST" unknown'));
    expect(note).toContain("`N ticks` (in order prices and the risk block's price_band) counts N of the data's smallest price unit (0.01)");
    expect(runScript(baseBook(), {}).result.notes.some((n) => n.includes("tick size of"))).toBe(false);
  });
});
