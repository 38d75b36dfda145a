/**
 * `if vol = 0 {` (a Pine / Python habit) is a syntax error whose hint says to compare with `==`;
 * other unexpected `=` and other errors before `{` keep their plain message.
 */
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";

const HINT = "to compare, write `==`; `=` assigns, and only as a statement";
const body = (stmt: string) => `strategy T\ninstrument es = "ESZ4"\nvar vol: f64 = 0\non book(es) {\n  ${stmt}\n}\n`;

describe("`=` where a condition's `{` was expected", () => {
  it("hints at `==` in an if, an else if and a when guard", () => {
    for (const text of [
      body("if vol = 0 {\n    vol = 1\n  }"),
      body("if vol > 1 {\n    vol = 1\n  } else if vol = 0 {\n    vol = 2\n  }"),
      `strategy T\ninstrument es = "ESZ4"\nvar vol: f64 = 0\non book(es) when vol = 0 {\n  vol = 1\n}\n`,
    ]) {
      const e = parse(text, 0).errors.find((d) => d.code === "E0101");
      expect(e?.message, text).toBe("unexpected `=`; expected `{`");
      expect(e?.hint, text).toBe(HINT);
      expect(text.slice(e!.span.start, e!.span.end)).toBe("=");
    }
  });

  it("leaves other unexpected tokens before `{` without it", () => {
    const e = parse(body("if vol 0 {\n    vol = 1\n  }"), 0).errors[0];
    expect(e?.code).toBe("E0101");
    expect(e?.hint).toBeUndefined();
  });

  it("an assignment statement stays valid", () => {
    expect(parse(body("vol = 0"), 0).errors).toEqual([]);
  });
});
