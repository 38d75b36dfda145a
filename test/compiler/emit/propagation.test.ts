/**
 * Feature-graph update propagation (compiler/emit/graph-members.ts): a node downstream of an
 * operator updates only when that operator produced a new sample. A stateful operator ignores a NaN
 * input (log_return while the mid is NaN: a side of the book is empty), so nothing computed from it
 * may see its last value again as a new sample, nor count it towards its warm-up. Checked against a
 * naive recomputation over the mid samples that exist, on a book whose sides empty often.
 * Also: `ready(book.best_bid(x))` is false while the bid side is empty.
 */
import { describe, expect, it } from "vitest";
import { compileFeatures, compileStrategy, loadStrategy } from "../../../compiler/build.js";
import { memoryHost } from "../../../compiler/index.js";
import { POINTWISE_OPERATORS } from "../../../compiler/emit/graph-members.js";
import { EventKind, Side, type InstrumentInfo } from "../../../runtime/events.js";
import { ScriptedSource, type ScriptedEvent } from "../../../runtime/engine/scripted-source.js";
import { runBacktest } from "../../../runtime/engine/engine.js";
import type { Strategy, StrategyContext } from "../../../runtime/engine/strategy.js";
import { FeatureTable } from "../../../runtime/features/table.js";
import { OPERATORS } from "../../../stdlib/catalog.js";
import * as stdlib from "../../../stdlib/index.js";

const INFO: InstrumentInfo = { index: 0, symbol: "TEST", sourceId: 1, priceScale: 0.01, tickSize: 1, multiplier: 1 };

/** A seeded random thin book: one to three orders a side at most, so a side is often empty. */
function holeyBook(count: number, seed: number): ScriptedEvent[] {
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
    if (live.size > 0 && rnd() < (live.size >= 3 ? 0.8 : 0.4)) {
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

/** The touch after each event, replayed on plain maps (NaN for an empty side). */
function touches(events: readonly ScriptedEvent[]): Array<{ bid: number; ask: number }> {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  return events.map((e) => {
    const book = e.side === Side.Bid ? bids : asks;
    const left = (book.get(e.price!) ?? 0) + (e.kind === EventKind.Add ? e.size! : -e.size!);
    if (left > 0) book.set(e.price!, left);
    else book.delete(e.price!);
    return { bid: bids.size ? Math.max(...bids.keys()) : NaN, ask: asks.size ? Math.min(...asks.keys()) : NaN };
  });
}

const UNIT = `features Holes(inst: instrument) {
  mid  = book.mid(inst)
  lr   = log_return(mid)
  avg  = sma(lr, 3)
  dlr  = lr - lr[1]
  big  = max(abs(lr), 0.0)
  sm   = ema(big, 2)
  export lr, avg, dlr, sm
}
`;

describe("feature graph propagation", () => {
  it("a node downstream of an operator that ignored a NaN input does not update (naive recomputation)", () => {
    const compiled = compileFeatures("holes.algo", UNIT, { instruments: { inst: "TEST" }, params: {} }, memoryHost({ "holes.algo": UNIT }));
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const loaded = compiled.loaded!;
    // Not-ready columns are written as `Number.NaN` (a global `NaN` in a conditional boxes in V8).
    expect(loaded.ts).toContain(": Number.NaN;");
    expect(codeOnly(loaded.ts)).not.toMatch(/(?<!Number\.)\bNaN\b/);
    const events = holeyBook(4000, 11);
    const table = new FeatureTable(loaded.emitted.columns, 0n);
    runBacktest({ sources: [new ScriptedSource([INFO], events)], strategy: loaded.create(table), strategyName: "holes" });

    // Naive: the log returns are those of the mid samples that exist (both sides present).
    const mids: number[] = [];
    const lrs: number[] = [];
    const smIn: number[] = [];
    const sm = new stdlib.Ema(2);
    const expected: number[][] = [];
    let holes = 0;
    for (const { bid, ask } of touches(events)) {
      const mid = (bid + ask) / 2 / 100; // prices in currency: fixed / units per currency (exact decimals)
      if (Number.isNaN(mid)) holes++;
      else {
        mids.push(mid);
        if (mids.length >= 2) {
          const lr = Math.log(mid / mids[mids.length - 2]!);
          lrs.push(lr);
          const big = Math.max(Math.abs(lr), 0);
          smIn.push(big);
          sm.update(big);
        }
      }
      const n = lrs.length;
      const lr = n >= 1 ? lrs[n - 1]! : NaN;
      // sma(lr, 3): the shifted running sum may differ from a plain sum in the last bits.
      const avg = n >= 3 ? (lrs[n - 1]! + lrs[n - 2]! + lrs[n - 3]!) / 3 : NaN;
      const dlr = n >= 2 ? lrs[n - 1]! - lrs[n - 2]! : NaN;
      expected.push([lr, avg, dlr, sm.ready ? sm.value : NaN]);
    }
    expect(holes).toBeGreaterThan(400);
    expect(table.length).toBe(events.length);
    for (let i = 0; i < events.length; i++) {
      const [lr, avg, dlr, smv] = expected[i]!;
      const row = [0, 1, 2, 3].map((c) => table.columns[c]![i]!);
      expect(row[0]).toBe(lr);
      if (Number.isNaN(avg!)) expect(row[1]).toBeNaN();
      else expect(row[1]).toBeCloseTo(avg!, 12);
      expect(row[2]).toBe(dlr);
      expect(row[3]).toBe(smv);
    }
  });

  it("the point-wise list matches the stdlib: point-wise operators propagate NaN, every other series operator ignores it", () => {
    for (const op of OPERATORS) {
      if (op.drive !== "series" || op.params.every((p) => p.kind !== "series")) continue;
      const ctor = op.ctorArgs.map((name) => {
        const p = op.params.find((q) => q.name === name)!;
        return typeof p.default === "number" ? p.default : p.kind === "window" ? 3 : (p.min ?? 1);
      });
      const inst = new (stdlib as unknown as Record<string, new (...a: unknown[]) => Record<string, unknown>>)[op.className]!(...ctor);
      const nSeries = op.params.filter((p) => p.kind === "series").length;
      const update = inst.update as (...a: unknown[]) => void;
      for (let i = 0; i < 40; i++) update.call(inst, ...Array.from({ length: nSeries }, (_, k) => 1 + ((i * 7 + k * 3) % 5)), i);
      const outputs = op.outputs.map((o) => o.name);
      const before = outputs.map((o) => inst[o]);
      update.call(inst, ...Array.from({ length: nSeries }, () => Number.NaN), 40);
      const after = outputs.map((o) => inst[o]);
      if (POINTWISE_OPERATORS.has(op.name)) expect(after.some((v) => Number.isNaN(v)), op.name).toBe(true);
      else expect(after, op.name).toEqual(before);
    }
  });
});

describe("ready() of a top-of-book field", () => {
  const SRC = `strategy Touch "records the best bid when ready"

instrument es = "TEST"

on book(es) when ready(book.best_bid(es)) {
  record("bid", book.best_bid(es))
}
`;

  it("is false while the side is empty", () => {
    const r = compileStrategy("touch.algo", SRC, memoryHost({ "touch.algo": SRC }));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const inner = loadStrategy(r.output!, "algo:///touch.js").create({});
    const recorded: number[] = [];
    const seenAt: number[] = [];
    let i = 0;
    const s: Strategy = {
      instruments: inner.instruments,
      subscriptions: inner.subscriptions!.bind(inner),
      onStart: inner.onStart!.bind(inner),
      onBook(ctx: StrategyContext, inst: number) {
        const wrapped = new Proxy(ctx, {
          get(target, prop) {
            if (prop === "record") return (_id: number, v: number) => void (recorded.push(v), seenAt.push(i));
            const v = Reflect.get(target, prop, target);
            return typeof v === "function" ? v.bind(target) : v;
          },
        });
        inner.onBook!(wrapped, inst);
        i++;
      },
    };
    const events = holeyBook(3000, 5);
    runBacktest({ sources: [new ScriptedSource([INFO], events)], strategy: s, strategyName: "touch" });
    const t = touches(events);
    const withBid = t.map((x, k) => (Number.isNaN(x.bid) ? -1 : k)).filter((k) => k >= 0);
    expect(withBid.length).toBeLessThan(events.length);
    expect(seenAt).toEqual(withBid);
    expect(recorded.every((v) => !Number.isNaN(v))).toBe(true);
  });
});

/** Generated code without its comments. */
function codeOnly(ts: string): string {
  return ts.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
}
