// The formatter aligns the `=` of consecutive risk limits and features (gofmt-style runs).
import { describe, expect, it } from "vitest";
import { formatSource } from "../../grammar/index.js";

function fmt(text: string): string {
  const r = formatSource(text);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("; "));
  return r.text;
}

describe("formatter alignment", () => {
  it("aligns a run of risk limits on the longest name", () => {
    expect(fmt("risk {\nmax_position = 4\nmax_open_orders = 2\nmax_loss = 1_000\n}\n")).toBe(
      "risk {\n  max_position    = 4\n  max_open_orders = 2\n  max_loss        = 1_000\n}\n",
    );
  });

  it("a blank line, an own-line comment and an export each start a new run", () => {
    const src = [
      "features {",
      "a = 1",
      "bbbb = 2",
      "",
      "cc = 3",
      "// about d",
      "dddddd = 4",
      "e = 5",
      "export a",
      "ffff = 6",
      "g = 7",
      "}",
      "",
    ].join("\n");
    expect(fmt(src)).toBe(
      [
        "features {",
        "  a    = 1",
        "  bbbb = 2",
        "",
        "  cc = 3",
        "  // about d",
        "  dddddd = 4",
        "  e      = 5",
        "  export a",
        "  ffff = 6",
        "  g    = 7",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("a comment at the end of a line keeps the run together", () => {
    expect(fmt("features Unit(x: f64) {\nlong_name = x  // note\ny = x\n}\n")).toBe("features Unit(x: f64) {\n  long_name = x  // note\n  y         = x\n}\n");
  });

  it("is idempotent on aligned text", () => {
    const once = fmt("risk {\nmax_position = 4\nmax_order_rate = 5 per 1s\n}\nfeatures {\nm = 1\nmid_price = 2\n}\n");
    expect(fmt(once)).toBe(once);
  });
});

describe("trailing comment alignment", () => {
  it("comments at the ends of consecutive lines share a column; a line without one ends the run", () => {
    const src = "risk {\nmax_position = 10 // a\nmax_loss = 25_000 // b\nmax_open_orders = 4\nprice_band = 8 ticks // c\n}\n";
    expect(fmt(src)).toBe(
      "risk {\n  max_position    = 10      // a\n  max_loss        = 25_000  // b\n  max_open_orders = 4\n  price_band      = 8 ticks  // c\n}\n",
    );
  });

  it("aligns across statements of a block and keeps a comment after an opening brace", () => {
    const src = "on start { // starts\nlog(\"a\") // one\nlog(\"bbbbbb\") // two\n}\n";
    expect(fmt(src)).toBe('on start {  // starts\n  log("a")       // one\n  log("bbbbbb")  // two\n}\n');
  });
});
