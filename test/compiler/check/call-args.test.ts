/**
 * Resolved calls bind their arguments by parameter name (CallArgs, a ReadonlyMap over the call's
 * own argument list). Property: for random argument lists — positional and named, unknown names,
 * duplicates, too many, variadic `log`, a fn whose two parameters share a name — every resolved
 * call's arguments equal what a naive binder over a Map gives: same entries, same order, same
 * get / has / size / forEach.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CallExpr, Expr } from "../../../grammar/index.js";
import { checkText } from "../../../compiler/index.js";

/** Callees with their parameter names, as the checker's tables declare them. */
const CALLEES: ReadonlyArray<{ name: string; params: readonly string[]; variadic?: boolean; place: "handler" | "feature" }> = [
  { name: "buy", params: ["inst", "qty", "limit", "tif", "post_only"], place: "handler" },
  { name: "log", params: [], variadic: true, place: "handler" },
  { name: "exposure", params: ["inst", "side"], place: "handler" },
  { name: "f", params: ["a", "b"], place: "handler" },
  { name: "g", params: ["a", "a"], place: "handler" },
  { name: "bollinger", params: ["x", "period", "k"], place: "feature" },
  { name: "ema", params: ["x", "period"], place: "feature" },
];

type ArgSpec = { name?: string };

/** The binding rule, written plainly over a Map: positional args fill the next unbound name. */
function naiveBind(params: readonly string[], variadic: boolean, args: readonly ArgSpec[]): Map<string, number> {
  const bound = new Map<string, number>();
  let next = 0;
  args.forEach((a, j) => {
    if (a.name !== undefined) {
      if (params.includes(a.name) && !bound.has(a.name)) bound.set(a.name, j);
      return;
    }
    while (next < params.length && bound.has(params[next]!)) next++;
    if (next < params.length) bound.set(params[next++]!, j);
    else void variadic; // extra: variadic rest or reported, never bound
  });
  return bound;
}

const argSpec = fc.oneof(
  fc.constant<ArgSpec>({}),
  fc.constantFrom<ArgSpec>({ name: "inst" }, { name: "qty" }, { name: "limit" }, { name: "tif" }, { name: "side" }, { name: "a" }, { name: "b" }, { name: "x" }, { name: "period" }, { name: "k" }, { name: "bogus" }),
);

const callSpec = fc.record({ callee: fc.nat(CALLEES.length - 1), args: fc.array(argSpec, { maxLength: 7 }) });

function argText(a: ArgSpec, j: number): string {
  return a.name !== undefined ? `${a.name}: ${j + 1}` : `${j + 1}`;
}

describe("CallArgs", () => {
  it("binds like a Map keyed by parameter name (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(callSpec, { minLength: 1, maxLength: 8 }), (specs) => {
        const handler: string[] = [];
        const features: string[] = [];
        specs.forEach((s, i) => {
          const c = CALLEES[s.callee]!;
          const call = `${c.name}(${s.args.map(argText).join(", ")})`;
          if (c.place === "feature") features.push(`  z${i} = ${call}`);
          else handler.push(c.name === "buy" || c.name === "log" ? `  ${call}` : `  let v${i} = ${call}`);
        });
        const text = [
          'strategy S "s"',
          'instrument es = "ESZ4"',
          "fn f(a: f64, b: f64) -> f64 = a + b",
          "fn g(a: f64, a: f64) -> f64 = a",
          "features {",
          "  mid = book.mid(es)",
          ...features,
          "}",
          "on book(es) {",
          ...handler,
          "}",
        ].join("\n");
        const p = checkText(text, "s.algo", { analyses: [] });
        let checked = 0;
        for (const [call, rc] of p.calls) {
          const spec = specOf(text, call, specs);
          if (!spec) continue;
          const c = CALLEES[spec.callee]!;
          const want = naiveBind(c.params, c.variadic === true, spec.args);
          const expected = new Map<string, Expr>();
          for (const [name, j] of want) expected.set(name, call.args[j]!.value);
          expect([...rc.args]).toEqual([...expected]);
          expect([...rc.args.keys()]).toEqual([...expected.keys()]);
          expect([...rc.args.values()]).toEqual([...expected.values()]);
          expect(rc.args.size).toBe(expected.size);
          for (const name of [...c.params, "bogus", "zz"]) {
            expect(rc.args.get(name)).toBe(expected.get(name));
            expect(rc.args.has(name)).toBe(expected.has(name));
          }
          const seen: Array<[string, Expr]> = [];
          rc.args.forEach((v, k) => seen.push([k, v]));
          expect(seen).toEqual([...expected]);
          if (rc.kind === "action" && c.variadic) {
            const positional = call.args.filter((_, j) => spec.args[j]!.name === undefined);
            expect(rc.rest).toEqual(positional.map((a) => a.value));
          }
          checked++;
        }
        expect(checked).toBe(specs.length);
      }),
      { numRuns: 150 },
    );
  });
});

/** The spec of the call written at `call`'s position (calls are matched by their callee text and argument count). */
function specOf(text: string, call: CallExpr, specs: ReadonlyArray<{ callee: number; args: ArgSpec[] }>): { callee: number; args: ArgSpec[] } | undefined {
  const written = text.slice(call.start, call.end);
  if (call.callee.kind !== "Name") return undefined; // book.mid(es)
  return specs.find((s) => `${CALLEES[s.callee]!.name}(${s.args.map(argText).join(", ")})` === written);
}
