/**
 * TIME_FREE_UPDATES (the operators the generated code calls without the event time) against the
 * stdlib classes themselves: an operator is in the list exactly when its `update` takes the time
 * as an optional last parameter it ignores (`_ts`). A class that reads the time must get it (else
 * it would see `undefined`); one that ignores it must not be passed it (a boxed double per call).
 */
import { describe, expect, it } from "vitest";
import { TIME_FREE_UPDATES } from "../../../compiler/emit/graph-members.js";
import { compileStrategy } from "../../../compiler/build.js";
import { memoryHost } from "../../../compiler/index.js";
import { OPERATORS } from "../../../stdlib/catalog.js";
import * as stdlib from "../../../stdlib/index.js";

/** The parameter names of a method, from its source text. */
function paramNames(fn: (...args: never[]) => unknown): string[] {
  const src = fn.toString();
  const list = src.slice(src.indexOf("(") + 1, src.indexOf(")"));
  return list.split(",").map((p) => p.trim().split(/[\s=:]/)[0]!).filter((p) => p !== "");
}

describe("operators called without the event time", () => {
  const classes = new Set<string>();
  for (const op of OPERATORS) {
    classes.add(op.className);
    if (op.timeClassName) classes.add(op.timeClassName);
  }
  it("are exactly the classes whose update ignores its optional time parameter", () => {
    const free: string[] = [];
    for (const name of [...classes].sort()) {
      const cls = (stdlib as unknown as Record<string, { prototype: { update?: (...args: never[]) => unknown } } | undefined>)[name];
      expect(cls, `stdlib exports ${name}`).toBeDefined();
      const update = cls!.prototype.update;
      if (typeof update !== "function") continue;
      const params = paramNames(update);
      const last = params[params.length - 1]!;
      // (That it is optional, so that the call without it type-checks, is checked by tsc on the
      // generated code of every example: test/compiler/emit/codegen.test.ts.)
      if (last.startsWith("_")) free.push(name);
    }
    expect([...TIME_FREE_UPDATES].sort()).toEqual(free);
  });

  it("generated updates pass the time only to operators that read it", () => {
    const src = `strategy T
instrument es = "ESZ4"
features {
  mid = book.mid(es)
  fast = ema(mid, 10)
  slow = sma(mid, 5s)
}
on book(es) when ready(fast) and ready(slow) {
  log("x", fast - slow)
}
`;
    const r = compileStrategy("t.algo", src, memoryHost({ "t.algo": src }));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const code = r.output!.emitted.code;
    expect(code).toMatch(/\.update\(ctx\.book\(0\)\);/);
    expect(code).toMatch(/\.update\(x\d+_0\);/);
    expect(code).toMatch(/\.update\(x\d+_0, t\);/);
  });
});
