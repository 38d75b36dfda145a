/**
 * Bar-driven feature operators (bar.close, atr, stoch, …) take no bar length of their own: they see
 * the bars of the instrument's `on bar` handler. With two different `on bar` lengths for one
 * instrument the emitter must refuse (E0601 at the feature) instead of silently picking one.
 */
import { describe, expect, it } from "vitest";
import { compileStrategy } from "../../../compiler/build.js";
import { memoryHost } from "../../../compiler/index.js";

const program = (handlers: string) => `strategy Bars "bar lengths"

instrument es = "ESZ4"

features {
  close = bar.close(es)
  avg   = sma(close, 10)
}

${handlers}
`;

function compile(text: string) {
  return compileStrategy("t.algo", text, memoryHost({ "t.algo": text }));
}

describe("bar lengths of bar-driven features", () => {
  it("compiles with one bar length, updating the features on those bars", () => {
    const r = compile(program(`on bar(es, 5m) when ready(avg) { record("avg", avg) }\non bar(es, 5m) { record("close", close) }`));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.output!.ts).toContain("lenNs: 300000000000");
    expect(r.output!.ts).not.toContain("lenNs: 60000000000");
  });

  it("refuses two bar lengths on the instrument of a bar feature, at the feature's span", () => {
    const text = program(`on bar(es, 5m) when ready(avg) { record("avg", avg) }\non bar(es, 1m) { record("x", 1) }`);
    const r = compile(text);
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["E0601"]);
    expect(errors[0]!.message).toMatch(/`bar\.close` reads the bars of `es`.*2 different lengths/);
    expect(text.slice(errors[0]!.span.start, errors[0]!.span.end)).toBe("bar.close(es)");
    expect(r.output).toBeUndefined();
  });

  it("allows several bar lengths when no feature reads bars", () => {
    const text = `strategy Bars "bar lengths"\n\ninstrument es = "ESZ4"\n\non bar(es, 5m) as b { record("c5", b.close) }\non bar(es, 1m) as b { record("c1", b.close) }\n`;
    const r = compile(text);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.output!.ts).toContain("lenNs: 300000000000");
    expect(r.output!.ts).toContain("lenNs: 60000000000");
  });
});
