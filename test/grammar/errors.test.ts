/**
 * Syntax errors at every step of the grammar that can fail: the exact message (what the failing
 * step expects, and what was found), its code (E0102 when the line, the block or the input ended
 * too early, else E0101) and its position; and how the parser recovers (a missing closing bracket
 * is assumed, a stray token skipped, else the statement or declaration ends there; an error never
 * spills past the next top-level declaration).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatProgram, parse, type Expr, type FnDecl, type Handler, type ParamDecl, type VarDecl } from "../../grammar/index.js";
import { tokenize } from "../../grammar/lexer.js";
import { programArb } from "./ast-arbitrary.js";
import { stripSpans } from "./helpers.js";

/** `line:column code message` of every error. */
function errorsOf(text: string): string[] {
  return parse(text, 0).errors.map((e) => {
    const line = text.slice(0, e.span.start).split("\n").length;
    const col = e.span.start - text.lastIndexOf("\n", e.span.start - 1);
    return `${line}:${col} ${e.code} ${e.message}`;
  });
}

const CASES: Array<[string, string[]]> = [
  ["strategy \"x\"",["1:10 E0101 unexpected string; expected identifier"]],
  ["strategy S 5",["1:12 E0101 unexpected `5`; expected a declaration (strategy, instrument, param, risk, features, import, var, fn, on)"]],
  ["instrument = \"A\"",["1:12 E0101 unexpected `=`; expected identifier"]],
  ["instrument es \"A\"",["1:15 E0101 unexpected string; expected `=`"]],
  ["instrument es =",["1:16 E0102 expected an expression before end of file"]],
  ["param = 1",["1:7 E0101 unexpected `=`; expected identifier"]],
  ["param n: = 1",["1:10 E0101 unexpected `=`; expected identifier or `instrument`"]],
  ["param n: f64 1",["1:14 E0101 unexpected number `1`; expected `=`"]],
  ["param n = 1 in 1, 2",["1:16 E0101 unexpected number `1`; expected `[`"]],
  ["param n = 1 in [1 2]",["1:19 E0101 unexpected number `2`; expected `,`"]],
  ["param n = 1 in [1, 2",["1:21 E0102 expected `]` before end of file"]],
  ["param n = 1 in [, 2]",["1:17 E0101 unexpected `,`; expected an expression"]],
  ["risk max_position = 1",["1:6 E0101 unexpected identifier `max_position`; expected `{`"]],
  ["risk {\n  max_position 1\n}",["2:16 E0101 unexpected number `1`; expected `=`"]],
  ["risk {\n  max_position = 1\n  export a\n}",["3:3 E0101 unexpected keyword `export`; expected `}`","4:1 E0101 unexpected `}`; expected a declaration (strategy, instrument, param, risk, features, import, var, fn, on)"]],
  ["risk {\n  max_loss = 1 per\n}",["2:19 E0102 expected an expression before `}`"]],
  ["features U(a: f64 {\n  x = a\n}",["1:19 E0101 unexpected `{`; expected `)`"]],
  ["features U(a: f64, ) {\n  x = a\n}",[]],
  ["features {\n  x\n}",["2:4 E0102 expected `=` before end of line"]],
  ["features {\n  export\n}",["2:9 E0102 expected identifier before end of line"]],
  ["features {\n  export a,\n}",["2:12 E0102 expected identifier before `}`"]],
  ["features {\n  x = 1\n",["3:1 E0102 expected `}` before end of file"]],
  ["import from \"x\"",["1:8 E0101 unexpected keyword `from`; expected identifier"]],
  ["import a, from \"x\"",["1:11 E0101 unexpected keyword `from`; expected identifier"]],
  ["import a \"x\"",["1:10 E0101 unexpected string; expected `from`"]],
  ["import a from b",["1:15 E0101 unexpected identifier `b`; expected string"]],
  ["var = 1",["1:5 E0101 unexpected `=`; expected identifier"]],
  ["var x int = 1",["1:7 E0101 unexpected identifier `int`; expected `=`"]],
  ["fn (a) = 1",["1:4 E0101 unexpected `(`; expected identifier","1:6 E0101 unexpected `)`; expected `(`"]],
  ["fn f a) = 1",["1:6 E0101 unexpected identifier `a`; expected `(`"]],
  ["fn f(a = 1",["1:11 E0102 expected `)` before end of file"]],
  ["fn f(a) -> = 1",["1:12 E0101 unexpected `=`; expected identifier or `instrument`"]],
  ["fn f(a) -> f64",["1:15 E0102 expected `{` or `=` before end of file"]],
  ["fn f(a) 1",["1:9 E0101 unexpected number `1`; expected `{` or `=`"]],
  ["fn f(a {\n}",["1:8 E0101 unexpected `{`; expected `)`"]],
  ["on (es) {\n}",["1:4 E0101 unexpected `(`; expected identifier","1:7 E0101 unexpected `)`; expected `{`"]],
  ["on book(es {\n}",["1:12 E0101 unexpected `{`; expected `)`"]],
  ["on book(es) as {\n}",["1:16 E0101 unexpected `{`; expected identifier"]],
  ["on book(es) when {\n}",["1:18 E0101 unexpected `{`; expected an expression"]],
  ["on book(es)\n  buy(es, 1)",["1:12 E0102 expected `{` before end of line","2:3 E0101 unexpected `buy`; expected a declaration (strategy, instrument, param, risk, features, import, var, fn, on)"]],
  ["on book(es) x {\n}",["1:13 E0101 unexpected identifier `x`; expected `{`"]],
  ["on start {\n  let = 1\n  let x 1\n  let y: = 2\n  log(x)\n}",["2:7 E0101 unexpected `=`; expected identifier","3:9 E0101 unexpected number `1`; expected `=`","4:10 E0101 unexpected `=`; expected identifier or `instrument`"]],
  ["on start {\n  if {\n  }\n  if a\n  log(1)\n}",["2:6 E0101 unexpected `{`; expected an expression","4:7 E0102 expected `{` before end of line"]],
  ["on start {\n  if a { } else if { }\n  if a { } else x\n}",["2:20 E0101 unexpected `{`; expected an expression","3:17 E0101 unexpected identifier `x`; expected `{`"]],
  ["on start {\n  for in 0..3 { }\n  for i 0..3 { }\n  for i in 0 3 { }\n  for i in 0..3\n}",["2:7 E0101 unexpected keyword `in`; expected identifier","3:9 E0101 unexpected number `0`; expected `in`","4:14 E0101 unexpected number `3`; expected `..`","5:16 E0102 expected `{` before end of line"]],
  ["on start {\n  x = \n  y += )\n  z\n}",["3:5 E0101 unexpected `+=`; expected a statement"]],
  ["on start {\n  f(a b)\n  g(a, b\n  h(a: )\n}",["2:7 E0101 unexpected identifier `b`; expected `)`","4:3 E0101 unexpected identifier `h`; expected `)`","4:8 E0101 unexpected `)`; expected an expression"]],
  ["on start {\n  a.\n  b.(1)\n  c[1\n  d[]\n}",["3:5 E0101 unexpected `(`; expected identifier","5:3 E0101 unexpected identifier `d`; expected `]`","5:5 E0101 unexpected `]`; expected an expression"]],
  ["on start {\n  x = (1 + 2\n  y = (1 + 2 ]\n  z = ()\n}",["3:3 E0101 unexpected identifier `y`; expected `)`","3:14 E0101 unexpected `]`; expected `)`","4:8 E0101 unexpected `)`; expected an expression"]],
  ["on start {\n  x = 1 +\n}",["2:10 E0102 expected an expression before `}`"]],
  ["on start {\n  x = - \n}",["2:8 E0102 expected an expression before `}`"]],
  ["on start {\n  log(1)\n",["3:1 E0102 expected `}` before end of file"]],
  ["on start {\n  if a {\n    log(1)\n",["4:1 E0102 expected `}` before end of file"]],
  ["var x = (1 +\nvar y = 2",["1:13 E0102 expected an expression before end of line"]],
  ["on start {\n  return return\n}",["2:10 E0109 expected a line break or `;` between statements"]],
  ["x = 1\non start {}",["1:1 E0101 unexpected `x`; expected a declaration (strategy, instrument, param, risk, features, import, var, fn, on)"]],
  ["} var x = 1",["1:1 E0101 unexpected `}`; expected a declaration (strategy, instrument, param, risk, features, import, var, fn, on)"]]
];

describe("the error at each step of the grammar", () => {
  it.each(CASES)("%j", (text, want) => {
    expect(errorsOf(text)).toEqual(want);
  });
});

describe("recovery", () => {
  const kinds = (h: Handler) => h.body.stmts.map((s) => s.kind);

  it("an error ends the statement it is in; the next statements of the block stay", () => {
    const r = parse("on start {\n  let a = (1 +\n  let b = 2\n  x = ) 3\n  log(a, b)\n}\n", 0);
    const h = r.ast.items[0] as Handler;
    // `x = ) 3`: the assignment ends at `)` (its value an Error node), `)` is junk on a line that
    // has its error already, and `3` is read as the next statement.
    expect(kinds(h)).toEqual(["Let", "Let", "Assign", "ExprStmt", "ExprStmt"]);
    expect(r.errors.map((e) => e.code)).toEqual(["E0102", "E0101"]);
  });

  it("an error never spills past the next top-level declaration", () => {
    const text = "param p = (1 +\non start { log(1) }\nfeatures {\n  a = ema(\n}\nvar v = 2\n";
    const r = parse(text, 0);
    expect(r.ast.items.map((i) => i.kind)).toEqual(["Param", "Handler", "Features", "Var"]);
    expect(kinds(r.ast.items[1] as Handler)).toEqual(["ExprStmt"]);
    expect((r.ast.items[3] as VarDecl).init).toMatchObject({ kind: "Number", value: 2 });
    // A line break before a declaration keyword always ends the line, even after an operator.
    expect(errorsOf(text)).toEqual(["1:15 E0102 expected an expression before end of line", "4:11 E0102 expected `)` before `}`"]);
  });

  it("a missing closing bracket is assumed when what follows can follow it (before skipping a token)", () => {
    // `b` can start the next statement, so `)` is assumed after `a`; `)` is then junk on a line
    // that already has its error, and `b` an expression statement.
    const r = parse("on start {\n  f(a b)\n}\n", 0);
    const h = r.ast.items[0] as Handler;
    expect(stripSpans(h.body.stmts)).toEqual([
      { kind: "ExprStmt", expr: { kind: "Call", callee: { kind: "Name", name: "f" }, args: [{ kind: "Arg", value: { kind: "Name", name: "a" } }] } },
      { kind: "ExprStmt", expr: { kind: "Name", name: "b" } },
    ]);
    // A fn's `)` is assumed before `->`, `{` or `=`: the body is still read.
    const fn = parse("fn f(a: f64 -> f64 = a * 2\n", 0).ast.items[0] as FnDecl;
    expect(fn.params.map((p) => p.name.name)).toEqual(["a"]);
    expect(fn.returnType?.name).toBe("f64");
    expect((fn.body as Expr).kind).toBe("Binary");
  });

  it("one stray token is skipped when the expected token follows it", () => {
    const p = parse("param size qty = 2 in [1, 5]\n", 0).ast.items[0] as ParamDecl;
    expect(stripSpans(p)).toMatchObject({ name: { name: "size" }, value: { kind: "Number", value: 2 }, range: { lo: { value: 1 }, hi: { value: 5 } } });
    const h = parse("on book(es) x {\n  buy(es, 1)\n}\n", 0).ast.items[0] as Handler;
    expect(kinds(h)).toEqual(["ExprStmt"]);
  });

  it("what was read before an error stays in the tree, with Error nodes and empty names for the rest", () => {
    const v = parse("var x = (1 +\n", 0).ast.items[0] as VarDecl;
    expect(stripSpans(v.init)).toEqual({ kind: "Paren", expr: { kind: "Binary", op: "+", left: { kind: "Number", value: 1, raw: "1", isInteger: true }, right: { kind: "Error" } } });
    const h = parse("on book(es) as {\n}\n", 0).ast.items[0] as Handler;
    expect(h.binding?.name).toBe("");
    expect(h.args.length).toBe(1);
    const f = parse("fn f(a) ->\n", 0).ast.items[0] as FnDecl;
    expect(f.returnType).toMatchObject({ kind: "TypeRef", name: "" });
    expect(f.body.kind).toBe("Error");
  });

  it("an unclosed `{` at the end of the input points back at the brace", () => {
    const text = "on start {\n  if a {\n    log(1)\n";
    const e = parse(text, 0).errors[0]!;
    expect(e.message).toBe("expected `}` before end of file");
    expect(e.related).toEqual([{ span: { file: 0, start: text.lastIndexOf("{"), end: text.lastIndexOf("{") + 1 }, message: "this `{` is never closed" }]);
    expect(e.hint).toBe("add the missing `}`");
  });
});

describe("recovery on generated programs (fast-check)", () => {
  // Tokens that open nothing, inserted at a token boundary inside one declaration: the other
  // declarations must come out exactly as before (the broken one may lose its tail).
  const GARBAGE = [")", "]", ",", "= =", "..", "->", "else", "per", "export", "5 5", "as", ":", "+ *", "ticks ticks"];
  it("a broken declaration leaves every other declaration as it was", () => {
    fc.assert(
      fc.property(programArb, fc.nat(), fc.nat(), fc.constantFrom(...GARBAGE), (ast, which, where, garbage) => {
        const text = formatProgram(ast);
        const clean = parse(text, 0);
        const items = clean.ast.items;
        if (items.length < 2) return;
        const k = which % items.length;
        const target = items[k]!;
        const toks = tokenize(text, 0).tokens.filter((t) => t.startOffset > target.start && t.startOffset < target.end);
        if (toks.length === 0) return;
        const at = toks[where % toks.length]!.startOffset;
        const broken = `${text.slice(0, at)}${garbage} ${text.slice(at)}`;
        const r = parse(broken, 0);
        const got = r.ast.items;
        expect(stripSpans(got.slice(0, k)), broken).toEqual(stripSpans(items.slice(0, k)));
        const after = items.length - k - 1;
        if (after > 0) expect(stripSpans(got.slice(got.length - after)), broken).toEqual(stripSpans(items.slice(k + 1)));
        // The errors are all inside the broken declaration's lines (and sorted).
        const lineOf = (o: number) => broken.slice(0, o).split("\n").length;
        const lastLine = lineOf(target.end + garbage.length + 1);
        for (const e of r.errors) expect(lineOf(e.span.start), `${broken}\n${JSON.stringify(r.errors)}`).toBeLessThanOrEqual(lastLine + 1);
        expect(r.errors.map((e) => e.span.start)).toEqual([...r.errors.map((e) => e.span.start)].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
