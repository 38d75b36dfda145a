/**
 * An operator called in a handler with a constant argument read from a `let` or a loop variable
 * (`let w = 10` then `book.depth(es, levels: w)`; `levels: k + 1` in a `for`) passed `algo check`
 * and compiled to a reference to the handler's local inside the constructor code (`new
 * BookDepth(infos[0], l_w, 0)` in subscriptions), so the backtest died with "internal error: l_w
 * is not defined". A single-valued argument now compiles to its constant; one that varies with the
 * loop is E0601 with a message, not a crash.
 */
import { describe, expect, it } from "vitest";
import { compileStrategy } from "../../../compiler/build.js";
import { memoryHost } from "../../../compiler/index.js";

const program = (body: string) => `strategy L
instrument es = "ESZ4"
on book(es) {
${body}
}
`;

function compile(text: string) {
  return compileStrategy("l.algo", text, memoryHost({ "l.algo": text }));
}

describe("operator arguments read from handler locals", () => {
  it("a `let` with one value compiles to the constant", () => {
    const r = compile(program(`  let w = 10\n  record("d", book.depth(es, levels: w))`));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const ts = r.output!.ts;
    expect(ts).toMatch(/new BookDepth\(infos\[0\]!, 10, 0\)/);
    expect(ts).not.toMatch(/new BookDepth\([^)]*l_w/);
  });

  it("a loop variable that varies is E0601 at the argument", () => {
    const text = program(`  for k in 0..5 {\n    record("d", book.depth(es, levels: k + 1))\n  }`);
    const r = compile(text);
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["E0601"]);
    expect(errors[0]!.message).toContain("argument `levels` of `book.depth` cannot depend on a loop variable or `let` that varies (it takes values from 1 to 5)");
    expect(text.slice(errors[0]!.span.start, errors[0]!.span.end)).toBe("k + 1");
  });
});
