/**
 * Bar features without a bar length (no `on bar(inst, d)` handler, or handlers of two lengths) are
 * reported by `algo check` (E0601), exactly when the code generator refuses them. Before, `algo
 * check` said "no problems" and only `algo build` / `algo backtest` failed.
 */
import { describe, expect, it } from "vitest";
import { checkProgram, memoryHost } from "../../../compiler/index.js";
import { emitStrategy, LoweringError } from "../../../compiler/emit/strategy.js";

const UNIT = `features Closes(inst: instrument) {
  c = bar.close(inst)
  export c
}
`;

const head = `strategy B
import Closes from "./unit.algo"
instrument es = "ESU4"
instrument nq = "NQU4"
features {
  es_c = bar.close(es)
  nq_c = Closes(nq).c
  spread = es_c - nq_c
  unused_nq = bar.high(nq)
}
`;

const CASES: Array<{ name: string; handlers: string; errorAt?: string }> = [
  { name: "every bar feature read has its instrument's bar handler", handlers: `on bar(es, 1m) when ready(spread) { record("s", spread) }\non bar(nq, 1m) {}\n` },
  { name: "a bar feature read through a unit, no handler for its instrument", handlers: `on bar(es, 1m) when ready(spread) { record("s", spread) }\n`, errorAt: "bar.close(inst)" },
  { name: "a bar feature read by a timer, no bar handler at all", handlers: `on timer(1m) when ready(es_c) { record("c", es_c) }\n`, errorAt: "bar.close(es)" },
  { name: "two bar lengths for one instrument", handlers: `on bar(es, 1m) when ready(es_c) { record("c", es_c) }\non bar(es, 5m) { log("5m") }\n`, errorAt: "bar.close(es)" },
  // `spread` is read by no handler, but it reads nq_c, and the generator keeps every feature
  // something reads (for `algo features`): nq's bars are needed. `unused_nq` (read by nothing) is not.
  { name: "a feature only other features read still needs its bars", handlers: `on bar(es, 1m) when ready(es_c) { record("c", es_c) }\n`, errorAt: "bar.close(inst)" },
];

describe("bar lengths at check time", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const text = head + c.handlers;
      const host = memoryHost({ "b.algo": text, "unit.algo": UNIT });
      const checked = checkProgram([{ path: "b.algo", text }], { host });
      const e0601 = checked.diagnostics.filter((d) => d.code === "E0601");
      const others = checked.diagnostics.filter((d) => d.severity === "error" && d.code !== "E0601");
      expect(others).toEqual([]);
      // The code generator's verdict on the same program (analyses off, so it gets to emit).
      const front = checkProgram([{ path: "b.algo", text }], { host, analyses: [] });
      let emitterRefused = false;
      try {
        emitStrategy(front, front.files[front.roots[0]!]!, { sourceName: "b.algo", version: "test" });
      } catch (e) {
        if (!(e instanceof LoweringError)) throw e;
        emitterRefused = true;
      }
      expect(e0601.length > 0).toBe(emitterRefused);
      expect(e0601.length > 0).toBe(c.errorAt !== undefined);
      if (c.errorAt !== undefined) {
        const d = e0601[0]!;
        const src = d.span.file === checked.roots[0] ? text : UNIT;
        expect(src.slice(d.span.start, d.span.end)).toBe(c.errorAt);
      }
    });
  }
});
