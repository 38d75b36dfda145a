/** A crossed or locked book in the data is stated in the run's notes (count, first time). */
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../runtime/engine/engine.js";
import { ScriptedSource, type ScriptedEvent } from "../../runtime/engine/scripted-source.js";
import { EventKind, Side } from "../../runtime/events.js";
import { INST } from "../engine/helpers.js";

const F_LAST = 128;
const addEv = (ts: number, id: number, side: Side, price: number, size: number, flags = F_LAST): ScriptedEvent => ({ kind: EventKind.Add, ts, id, side, price, size, flags });

describe("crossed books in the data", () => {
  it("are counted once per exchange event and named in the notes", () => {
    const events = [
      addEv(10, 1, Side.Bid, 100, 5),
      addEv(20, 2, Side.Ask, 101, 5),
      addEv(30, 3, Side.Bid, 102, 1), // crossed
      addEv(40, 4, Side.Ask, 103, 1), // still crossed
      { kind: EventKind.Cancel, ts: 50, id: 3, side: Side.Bid, price: 102, size: 1, flags: F_LAST } as ScriptedEvent,
      addEv(60, 5, Side.Bid, 101, 1), // locked
    ];
    const r = runBacktest({ sources: [new ScriptedSource([INST], events)], strategy: { instruments: ["*"] } });
    const note = r.notes.find((n) => n.includes("was crossed"));
    expect(note).toBeDefined();
    expect(note).toMatch(/crossed 2 and locked 1 times in the data \(first at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000030Z\)/);
  });

  it("a clean book gives no such note", () => {
    const r = runBacktest({ sources: [new ScriptedSource([INST], [addEv(10, 1, Side.Bid, 100, 5), addEv(20, 2, Side.Ask, 101, 5)])], strategy: { instruments: ["*"] } });
    expect(r.notes.some((n) => n.includes("was crossed"))).toBe(false);
  });
});
