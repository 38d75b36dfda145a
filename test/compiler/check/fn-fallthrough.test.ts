/**
 * docs/language.md says of `fn`: "Checked: ... every path returns a value of the declared type".
 * A block body whose final `if` has no `else` (and no `return` after it) used to pass `algo check`:
 * the generated method fell off its end and returned `undefined` — a recorded value became NaN, and
 * an order quantity from such a fn passed the static risk proof (R0401/R0408 saw only the `return 1`
 * path) yet was refused at run time as `bad_order`. It is E0234 now, at the `if`.
 */
import { describe, expect, it } from "vitest";
import { checkText } from "../../../compiler/index.js";

const FALLS_OFF = `strategy H
instrument es = "ESZ4"
risk {
  max_position = 2
  max_order_qty = 1
  max_open_orders = 2
  max_order_rate = 100 per 1s
  max_loss = 1_000
  price_band = 4 ticks
}
fn lots(x: f64) -> qty {
  if x > 0.5 {
    return 1
  }
}
on book(es) {
  if exposure(es, buy) + 1 <= 2 {
    buy(es, lots(book.imbalance(es)))
  }
}
`;

describe("fn bodies where a path does not return", () => {
  it("are errors (E0234 at the `if` that lets control fall off the end)", () => {
    const p = checkText(FALLS_OFF, "h.algo");
    const errors = p.diagnostics.filter((d) => d.severity === "error");
    const fnStart = FALLS_OFF.indexOf("fn lots");
    const fnEnd = FALLS_OFF.indexOf("on book");
    expect(errors.some((d) => d.code === "E0234" && d.span.start >= fnStart && d.span.start < fnEnd)).toBe(true);
  });

  it("a body that returns on every path stays clean (the control)", () => {
    const ok = FALLS_OFF.replace("    return 1\n  }\n}", "    return 1\n  }\n  return 1\n}");
    expect(checkText(ok, "h.algo").diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});
