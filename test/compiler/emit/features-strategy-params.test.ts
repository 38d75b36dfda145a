/**
 * `algo features` on a strategy file: the features block may read the strategy's params (a window
 * `param n: int = 4 in [2, 10]`). The feature program used to leave `this.p_n` undefined, so the
 * operator's constructor threw ("window must be an integer >= 1, got undefined") — an internal
 * error. The params now take their default, or the `--set` value checked like `algo backtest`
 * checks it (type, declared range, known name).
 */
import { describe, expect, it } from "vitest";
import { compileFeatures } from "../../../compiler/build.js";
import { memoryHost } from "../../../compiler/index.js";
import { EventKind, Side, type InstrumentInfo } from "../../../runtime/events.js";
import { ScriptedSource, type ScriptedEvent } from "../../../runtime/engine/scripted-source.js";
import { runBacktest } from "../../../runtime/engine/engine.js";
import { FeatureTable } from "../../../runtime/features/table.js";

const STRATEGY = `strategy S
instrument es = "TEST"
param n: int = 4 in [2, 10]
param fixed: int = 3
features {
  mid = book.mid(es)
  m = sma(mid, n)
  lagged = mid[fixed]
}
on book(es) when ready(m) and ready(lagged) {
  record("m", m)
}
`;

/** One bid at 100 (price units), then asks stepping 101, 102, ... (mid 100.5, 101, ...). */
function events(count: number): ScriptedEvent[] {
  const out: ScriptedEvent[] = [{ kind: EventKind.Add, ts: 1_000, id: 1, side: Side.Bid, price: 100, size: 1 }];
  for (let i = 0; i < count; i++) out.push({ kind: EventKind.Add, ts: 2_000 + i * 1_000, id: 2 + i, side: Side.Ask, price: 101 + i, size: 1 });
  return out;
}

function run(params: Record<string, number>): FeatureTable {
  const compiled = compileFeatures("s.algo", STRATEGY, { instruments: {}, params }, memoryHost({ "s.algo": STRATEGY }));
  expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const loaded = compiled.loaded!;
  const info: InstrumentInfo = { index: 0, symbol: "TEST", sourceId: 1, priceScale: 1, tickSize: 1, multiplier: 1 };
  const table = new FeatureTable(loaded.emitted.columns, 0n);
  runBacktest({ sources: [new ScriptedSource([info], events(8))], strategy: loaded.create(table), strategyName: "s" });
  return table;
}

describe("algo features on a strategy whose features read params", () => {
  it("uses the param's default", () => {
    const t = run({});
    const m = t.columns[t.names.indexOf("m")]!;
    // Only the best ask moves: asks at 101..108 rest, the best stays 101, so the mid is 100.5
    // from the first ask on; sma over 4 mids is ready at the 4th two-sided update.
    expect(Array.from(m.slice(0, 6))).toEqual([NaN, NaN, NaN, NaN, 100.5, 100.5]);
  });

  it("uses a --set value inside the declared range", () => {
    const t = run({ n: 2 });
    const m = t.columns[t.names.indexOf("m")]!;
    expect(Array.from(m.slice(0, 4))).toEqual([NaN, NaN, 100.5, 100.5]);
  });

  it("refuses values outside the range, of the wrong type, for unranged params and unknown names", () => {
    const c = (params: Record<string, number>) => () => compileFeatures("s.algo", STRATEGY, { instruments: {}, params }, memoryHost({ "s.algo": STRATEGY }));
    expect(c({ n: 11 })).toThrow(/param `n` = 11 is outside its declared range \[2, 10\]/);
    expect(c({ n: 2.5 })).toThrow(/expected a whole number \(int\), got 2.5/);
    expect(c({ fixed: 4 })).toThrow(/param `fixed` has no declared range/);
    expect(c({ nope: 1 })).toThrow(/unknown param `nope` of strategy S \(it declares: n, fixed\)/);
  });
});
