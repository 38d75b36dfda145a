/**
 * `crossover(r, 30)` — Pine's `ta.crossover(rsi, 30)` — takes a constant level as its second
 * argument (a literal, a param, arithmetic over them, a handler `let` with one value). The level
 * is read by the operator's update in the graph code as a constant expression; other series params still
 * refuse scalars, and a level that varies in a handler loop is an error, not a crash.
 */
import { describe, expect, it } from "vitest";
import { compileStrategy } from "../../../compiler/build.js";
import { checkText, memoryHost } from "../../../compiler/index.js";

const strategy = (features: string, handler = `record("u", up)`) => `strategy C
instrument es = "ESZ4"
param lvl: f64 = 30 in [10, 50]
features {
  m = book.mid(es)
  r = rsi(m, 14)
${features}
}
on book(es) when ready(r) {
  ${handler}
}
`;

const errors = (text: string) => checkText(text, "c.algo").diagnostics.filter((d) => d.severity === "error");

describe("crossover / crossunder with a constant level", () => {
  it("accepts a literal, a param and arithmetic over params, and passes the level to update", () => {
    const text = strategy(`  up = crossover(r, 30)\n  dn = crossunder(r, 100 - lvl)\n  pl = crossover(r, lvl)`, `if ready(up) and ready(dn) and ready(pl) {\n    record("u", up)\n    record("d", dn)\n    record("p", pl)\n  }`);
    expect(errors(text)).toEqual([]);
    const r = compileStrategy("c.algo", text, memoryHost({ "c.algo": text }));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const ts = r.output!.ts;
    expect(ts).toMatch(/const x\d+_1 = 30;/);
    expect(ts).toMatch(/const x\d+_1 = \(100 - this\.p_lvl\);/);
    expect(ts).toMatch(/const x\d+_1 = this\.p_lvl;/);
  });

  it("a handler let with one value becomes the constant, not a reference to the local", () => {
    const text = strategy("", `let x = 40.0\n  if ready(crossover(r, x)) {\n    record("c", crossover(r, x))\n  }`);
    const r = compileStrategy("c.algo", text, memoryHost({ "c.algo": text }));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.output!.ts).toMatch(/const x\d+_1 = 40;/);
    expect(r.output!.ts).not.toMatch(/= l_x;/);
  });

  it("a level that varies with a loop variable is an error with a message", () => {
    const text = strategy("", `for k in 0..3 {\n    record("c", crossover(r, k * 10))\n  }`);
    const r = compileStrategy("c.algo", text, memoryHost({ "c.algo": text }));
    const e = r.diagnostics.filter((d) => d.severity === "error");
    expect(e.length).toBeGreaterThan(0);
    expect(e.map((d) => d.message).join("\n")).toMatch(/cannot depend on a loop variable/);
  });

  it("the first argument, and other operators' series, still need a series", () => {
    expect(errors(strategy(`  up = crossover(30, r)`)).map((d) => d.code)).toContain("E0232");
    expect(errors(strategy(`  up = ema(30, 5) > 0`)).map((d) => d.code)).toContain("E0232");
    expect(errors(strategy(`  up = crossover(r, true)`)).map((d) => d.code)).toContain("E0232");
  });
});
