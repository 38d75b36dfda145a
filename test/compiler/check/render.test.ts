/**
 * The pretty renderer: caret placement (tabs, zero-width spans, spans running past the line),
 * related spans in another file, colour only on request, and the summary line.
 */
import { describe, expect, it } from "vitest";
import { SourceFile } from "../../../grammar/index.js";
import { renderPretty, summaryLine, type Diagnostic } from "../../../compiler/index.js";

const files = [new SourceFile("a.algo", "let x = 1\n\tlet yy = zz\nlast line"), new SourceFile("lib/b.algo", "features B(i: instrument) {}\n")];

function d(over: Partial<Diagnostic>): Diagnostic {
  return { code: "E0201", severity: "error", message: "unknown name `zz`", span: { file: 0, start: 20, end: 22 }, related: [], ...over };
}

describe("pretty renderer", () => {
  it("puts the caret under the span, copying tabs from the source line", () => {
    expect(renderPretty(d({ hint: "did you mean `yy`?" }), files)).toBe(
      ["error[E0201]: unknown name `zz`", " --> a.algo:2:11", "  |", "2 | \tlet yy = zz", "  | \t         ^^", "  = hint: did you mean `yy`?"].join("\n"),
    );
  });

  it("marks a zero-width span with one caret and cuts a multi-line span at the line end", () => {
    const zero = renderPretty(d({ span: { file: 0, start: 9, end: 9 } }), files).split("\n");
    expect(zero.slice(3)).toEqual(["1 | let x = 1", "  |          ^"]);
    const long = renderPretty(d({ span: { file: 0, start: 4, end: 30 } }), files).split("\n");
    expect(long.at(-1)).toBe("  |     ^^^^^");
  });

  it("shows related spans in another file with their location and message", () => {
    const out = renderPretty(d({ related: [{ span: { file: 1, start: 9, end: 10 }, message: "defined here" }] }), files);
    expect(out.split("\n").slice(-4)).toEqual([" --> lib/b.algo:1:10", "  |", "1 | features B(i: instrument) {}", "  |          - defined here"]);
  });

  it("colours only when asked", () => {
    expect(renderPretty(d({}), files, { color: false })).not.toContain("\u001b[");
    expect(renderPretty(d({}), files, { color: true })).toContain("\u001b[");
  });

  it("summarises counts with plurals", () => {
    const w = d({ severity: "warning", code: "W0501" });
    expect(summaryLine([], 1)).toBe("no problems in 1 file");
    expect(summaryLine([d({}), d({}), w], 3)).toBe("2 errors, 1 warning in 3 files");
    expect(summaryLine([w, w], 2)).toBe("2 warnings in 2 files");
  });
});
