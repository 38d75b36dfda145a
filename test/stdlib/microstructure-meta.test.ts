/**
 * The metadata of the book, flow and bar operators against their classes: every className exists
 * in stdlib/index.ts, ctorArgs name real params, `new Class(...ctorArgs)` works with the defaults
 * and reports the warm-up the metadata computes, and the outputs exist on the instance.
 */
import { describe, expect, it } from "vitest";
import type { InstrumentInfo } from "../../runtime/events.js";
import * as stdlib from "../../stdlib/index.js";
import { MICROSTRUCTURE_OPERATORS } from "../../stdlib/microstructure/meta.js";
import { FLOW_OPERATORS } from "../../stdlib/flow/meta.js";
import { BAR_OPERATORS } from "../../stdlib/bar/meta.js";
import type { OperatorMeta } from "../../stdlib/meta.js";

const INST: InstrumentInfo = { index: 0, symbol: "X", sourceId: 0, priceScale: 1e-9, tickSize: 1e7, multiplier: 1 };
const MINE: readonly OperatorMeta[] = [...MICROSTRUCTURE_OPERATORS, ...FLOW_OPERATORS, ...BAR_OPERATORS];
const classes = stdlib as unknown as Record<string, new (...args: unknown[]) => Record<string, unknown>>;

/** Constructor arguments from the param defaults, with a count window override. */
function argsFor(op: OperatorMeta, window?: number): { ctor: unknown[]; consts: Record<string, number> } {
  const consts: Record<string, number> = {};
  const ctor = op.ctorArgs.map((name) => {
    const p = op.params.find((q) => q.name === name);
    if (!p) throw new Error(`${op.name}: ctor arg ${name} is not a param`);
    if (p.kind === "instrument") return INST;
    const v = p.kind === "window" && window !== undefined ? window : Number(p.default ?? 0);
    consts[name] = v;
    return v;
  });
  return { ctor, consts };
}

describe("book / flow / bar metadata", () => {
  it("lists every operator the issue names, under the qualified names quants type", () => {
    const names = MINE.map((op) => stdlib.qualifiedName(op)).sort();
    expect(names).toEqual(
      [
        "book.best_bid", "book.best_ask", "book.bid_size", "book.ask_size", "book.mid", "book.microprice",
        "book.spread", "book.spread_bps", "book.imbalance", "book.pressure", "book.depth", "book.mid_change_rate",
        "book.queue_position", "flow.ofi", "flow.vwap", "flow.cvd", "flow.signed_volume", "flow.intensity",
        "flow.block", "flow.volume_profile", "flow.last_price", "flow.last_size", "bar.open", "bar.high",
        "bar.low", "bar.close", "bar.volume",
      ].sort(),
    );
    for (const op of MINE) expect(stdlib.findOperator(stdlib.qualifiedName(op))).toBe(op);
  });

  for (const op of MINE) {
    it(`${stdlib.qualifiedName(op)}: classes, ctorArgs, warm-up and outputs agree`, () => {
      expect(typeof classes[op.className]).toBe("function");
      const paramNames = op.params.map((p) => p.name);
      for (const a of op.ctorArgs) expect(paramNames).toContain(a);
      for (const p of op.params) {
        expect(p.kind).not.toBe("series");
        if (p.kind !== "instrument") expect(op.ctorArgs).toContain(p.name);
        if (p.kind === "const") expect(p.accepts?.length).toBe(1);
        if (p.default !== undefined && typeof p.default === "number") {
          if (p.min !== undefined && p.kind !== "window") expect(p.default).toBeGreaterThanOrEqual(p.min);
          if (p.max !== undefined) expect(p.default).toBeLessThanOrEqual(p.max);
        }
      }
      const windowParam = op.params.find((p) => p.kind === "window");
      // Count class with the defaults (durations default to ns, so use small counts explicitly).
      for (const w of windowParam ? [Math.max(windowParam.min ?? 1, 2), 7] : [undefined]) {
        const { ctor, consts } = argsFor(op, w);
        const inst = new classes[op.className](...ctor);
        expect(inst.warmup).toBe(op.warmup(consts));
        expect(inst.ready).toBe(false);
        for (const out of op.outputs) expect(out.name in inst).toBe(true);
        expect(typeof inst.reset).toBe("function");
        const method = op.drive === "book" ? "update" : op.drive === "trade" ? "onTrade" : "onBar";
        expect(typeof inst[method]).toBe("function");
      }
      if (op.timeClassName) {
        expect(windowParam).toBeDefined();
        expect(typeof classes[op.timeClassName]).toBe("function");
        const { ctor } = argsFor(op, 5_000_000_000);
        const inst = new classes[op.timeClassName](...ctor);
        expect(inst.warmup).toBe(0);
        for (const out of op.outputs) expect(out.name in inst).toBe(true);
      } else if (windowParam) {
        expect(windowParam.allowsTime).toBe(false);
      }
      // Constructed with the instrument only, the class uses the metadata's defaults.
      const bare = new classes[op.className](INST);
      const { consts: defaults } = argsFor(op);
      expect(bare.warmup).toBe(op.warmup(defaults));
      expect(op.doc.length).toBeGreaterThan(40);
      expect(op.example.startsWith(`${op.namespace}.${op.name}(`)).toBe(true);
    });
  }
});
