/**
 * R0403's hint suggests a guard; wrapping the order in exactly that guard must prove it. The hint
 * used to be the generic `if exposure(inst, side) + qty <= L` for every order — for a sell that is
 * the wrong bound (the short side needs `exposure(es, sell) - q >= -L`), so following it verbatim
 * left the error in place.
 */
import { describe, expect, it } from "vitest";
import { checkText } from "../../../compiler/index.js";

const program = (order: string) => `strategy P
instrument es = "ESZ4"
param size: qty = 2 in [1, 3]
risk {
  max_position = 10
  max_order_qty = 6
  max_open_orders = 4
  max_order_rate = 50 per 1s
  max_loss = 1_000
  price_band = 8 ticks
}
on book(es) {
  ${order}
}
`;

function positionErrors(text: string) {
  return checkText(text, "p.algo").diagnostics.filter((d) => d.code === "R0403");
}

describe("R0403's suggested guard", () => {
  for (const order of ["sell(es, size * 2)", "buy(es, size * 2)", "sell(es, 7)", "buy(es, size)"]) {
    it(`proves \`${order}\` once applied`, () => {
      const bad = program(order);
      const [d] = positionErrors(bad);
      expect(d, "the unguarded order is unsafe").toBeDefined();
      const m = /guard the order: `(if [^`]+)`/.exec(d!.hint ?? "");
      expect(m, d!.hint).not.toBeNull();
      expect(m![1]).toContain(order.startsWith("sell") ? "exposure(es, sell) - " : "exposure(es, buy) + ");
      const fixed = program(`${m![1]} {\n    ${order}\n  }`);
      expect(positionErrors(fixed)).toEqual([]);
    });
  }
});
