/**
 * `algo features` computes exactly what the stdlib operators compute: a feature unit compiled to a
 * feature program and run on the engine over a scripted random book gives, row for row, the values
 * of an independent replay (a naive map-based book feeding the stdlib classes directly).
 */
import { describe, expect, it } from "vitest";
import { compileFeatures } from "../../../compiler/build.js";
import { memoryHost } from "../../../compiler/index.js";
import { EventKind, Side, type InstrumentInfo } from "../../../runtime/events.js";
import { ScriptedSource, type ScriptedEvent } from "../../../runtime/engine/scripted-source.js";
import { runBacktest } from "../../../runtime/engine/engine.js";
import { FeatureTable } from "../../../runtime/features/table.js";
import { Ema } from "../../../stdlib/index.js";

const UNIT = `features Probe(inst: instrument, n: int = 10) {
  mid  = book.mid(inst)
  slow = ema(mid, n)
  move = mid - mid[3]
  export mid, slow, move
}
`;

/** A seeded random book: adds near the touch, deletes of live orders; never crossed. */
function randomEvents(count: number, seed: number): ScriptedEvent[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const live = new Map<number, { side: Side; price: number; size: number }>();
  const out: ScriptedEvent[] = [];
  let id = 1;
  for (let i = 0; i < count; i++) {
    const ts = 1_000_000 * (i + 1);
    if (live.size > 4 && rnd() < 0.4) {
      const ids = [...live.keys()];
      const victim = ids[Math.floor(rnd() * ids.length)]!;
      const o = live.get(victim)!;
      live.delete(victim);
      out.push({ kind: EventKind.Delete, ts, id: victim, side: o.side, price: o.price, size: o.size });
    } else {
      const side = rnd() < 0.5 ? Side.Bid : Side.Ask;
      const price = side === Side.Bid ? 10_000 - 1 - Math.floor(rnd() * 5) : 10_000 + 1 + Math.floor(rnd() * 5);
      const size = 1 + Math.floor(rnd() * 9);
      live.set(id, { side, price, size });
      out.push({ kind: EventKind.Add, ts, id: id++, side, price, size });
    }
  }
  return out;
}

describe("algo features values", () => {
  it("equal an independent replay through the stdlib classes, row for row", () => {
    const compiled = compileFeatures("probe.algo", UNIT, { instruments: { inst: "TEST" }, params: { n: 7 } }, memoryHost({ "probe.algo": UNIT }));
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const loaded = compiled.loaded!;
    expect(loaded.emitted.columns).toEqual(["mid", "slow", "move"]);

    const info: InstrumentInfo = { index: 0, symbol: "TEST", sourceId: 1, priceScale: 0.01, tickSize: 1, multiplier: 1 };
    const events = randomEvents(3000, 7);
    const table = new FeatureTable(loaded.emitted.columns, 0n);
    runBacktest({ sources: [new ScriptedSource([info], events)], strategy: loaded.create(table), strategyName: "probe" });

    // Independent replay.
    const bids = new Map<number, number>();
    const asks = new Map<number, number>();
    const ema = new Ema(7);
    const mids: number[] = [];
    const expected: number[][] = [];
    for (const e of events) {
      const book = e.side === Side.Bid ? bids : asks;
      const delta = e.kind === EventKind.Add ? e.size! : -e.size!;
      const left = (book.get(e.price!) ?? 0) + delta;
      if (left > 0) book.set(e.price!, left);
      else book.delete(e.price!);
      const bb = bids.size ? Math.max(...bids.keys()) : NaN;
      const ba = asks.size ? Math.min(...asks.keys()) : NaN;
      const mid = ((bb + ba) / 2) * 0.01;
      if (!Number.isNaN(mid)) {
        ema.update(mid);
        mids.push(mid);
      }
      const ready = !Number.isNaN(mid);
      const slow = ready && ema.ready ? ema.value : NaN;
      const move = ready && mids.length > 3 ? mid - mids[mids.length - 4]! : NaN;
      expected.push([ready ? mid : NaN, slow, move]);
    }
    expect(table.length).toBe(events.length);
    for (let i = 0; i < events.length; i++) {
      const row = [table.columns[0]![i]!, table.columns[1]![i]!, table.columns[2]![i]!];
      expect(row).toEqual(expected[i]);
      expect(table.ts[i]).toBe(events[i]!.ts);
    }
  });

  it("refuses an unbound instrument param and an unknown param with clear messages", () => {
    const two = `features Two(a: instrument, b: instrument) {\n  s = book.mid(a) - book.mid(b)\n  export s\n}\n`;
    expect(() => compileFeatures("two.algo", two, { instruments: { a: "X" }, params: {} }, memoryHost({ "two.algo": two }))).toThrow(/--instrument b=SYMBOL/);
    expect(() => compileFeatures("probe.algo", UNIT, { instruments: {}, params: { m: 3 } }, memoryHost({ "probe.algo": UNIT }))).toThrow(/unknown param `m`/);
  });
});
