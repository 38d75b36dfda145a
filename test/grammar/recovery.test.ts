// Syntax errors: every E01xx code, recovery (one broken line does not hide the next), and
// robustness (hostile, random and mutated inputs always give a tree + diagnostics, never a throw).
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, SYNTAX_CODES, syntaxCodeInfo, type Handler, type ParseResult, type SyntaxCode } from "../../grammar/index.js";
import { tokenize } from "../../grammar/lexer.js";

const SKETCH = readFileSync(new URL("./format/sketch.algo", import.meta.url), "utf8");

/** Parses and checks the invariants every result must satisfy. */
function parseChecked(text: string): ParseResult {
  const r = parse(text, 1);
  expect(r.ast.kind).toBe("Program");
  for (const e of r.errors) {
    expect(e.span.file).toBe(1);
    expect(e.span.start).toBeGreaterThanOrEqual(0);
    expect(e.span.end).toBeLessThanOrEqual(text.length);
    expect(e.span.start).toBeLessThanOrEqual(e.span.end);
    expect(e.message.length).toBeGreaterThan(0);
    expect(syntaxCodeInfo(e.code)).toBeDefined();
  }
  return r;
}

const codes = (text: string) => parseChecked(text).errors.map((e) => e.code);

describe("each syntax code", () => {
  const cases: Array<[SyntaxCode, string, string]> = [
    ["E0101", "param size qty = 2\n", "unexpected identifier `qty`; expected `=`"],
    ["E0102", "var x =\nvar y = 2\n", "expected an expression before end of line"],
    ["E0103", 'instrument es = "ESZ4\n', "unterminated string literal"],
    ["E0104", 'log("a\\qb")', "invalid escape sequence `\\q` in string"],
    ["E0105", "var x = 12abc\n", "invalid number literal `12abc`"],
    ["E0106", "on timer(5min) {}\n", "invalid duration literal `5min`; durations end in ns, us, ms, s, m, h or d"],
    ["E0107", "var x = 1 $\n", "invalid character `$`"],
    ["E0108", "var x = 1\n/* never closed\n", "unterminated block comment"],
    ["E0109", "on start { let a = 1 let b = 2 }\n", "expected a line break or `;` between statements"],
    ["E0110", `var x = ${"(".repeat(100)}1${")".repeat(100)}\n`, "nesting too deep (more than 64 levels)"],
  ];
  it.each(cases)("%s", (code, text, message) => {
    const r = parseChecked(text);
    const e = r.errors.find((d) => d.code === code);
    expect(e, `errors: ${JSON.stringify(r.errors)}`).toBeDefined();
    expect(e!.message).toBe(message);
  });

  it("the table documents every code the tests produce, each with an explanation", () => {
    expect(SYNTAX_CODES.map((c) => c.code)).toEqual(cases.map((c) => c[0]));
    for (const c of SYNTAX_CODES) expect(c.explanation.length).toBeGreaterThan(60);
  });

  it("duration hints suggest the right unit", () => {
    expect(parseChecked("on timer(5mins) {}").errors[0]!.hint).toBe("write `5m`");
    expect(parseChecked("on timer(2sec) {}").errors[0]!.hint).toBe("write `2s`");
  });

  it("chained comparisons get a hint", () => {
    const e = parseChecked("var x = a < b < c").errors[0]!;
    expect(e.code).toBe("E0101");
    expect(e.hint).toContain("a < b and b < c");
  });

  it("an unclosed `{` points back at the brace", () => {
    const text = "on book(es) {\n  let a = 1\n";
    const e = parseChecked(text).errors.find((d) => d.code === "E0102")!;
    expect(e.message).toBe("expected `}` before end of file");
    expect(e.related?.[0]?.span.start).toBe(text.indexOf("{"));
  });
});

describe("recovery", () => {
  it("several broken lines give several errors and later statements stay in the tree", () => {
    const text = [
      "strategy S",
      "param size qty = 2", // 2: missing `:`
      "var x: int =", // 3: missing expression
      "on book(es) {",
      "  let a = (1 +", // 5: unclosed paren (the next line starts a statement)
      "  let b = 2",
      "  if a < b < c { x = 1 }", // 7: chained comparison
      "  sell(es, 1) log(\"x\")", // 8: two statements on one line
      "  buy(es, 1)",
      "}",
      "on fill(f) { fills = fills + 1 }",
      "x = 5", // 12: a statement at top level
      "on end { flatten(es) }",
    ].join("\n");
    const r = parseChecked(text);
    const lines = r.errors.map((e) => text.slice(0, e.span.start).split("\n").length);
    expect(new Set(lines)).toEqual(new Set([2, 3, 5, 7, 8, 12]));
    expect(r.ast.items.map((i) => i.kind)).toEqual(["Strategy", "Param", "Var", "Handler", "Handler", "Handler"]);
    const book = r.ast.items[3] as Handler;
    const kinds = book.body.stmts.map((s) => s.kind);
    expect(kinds).toContain("If");
    expect(kinds.filter((k) => k === "ExprStmt").length).toBeGreaterThanOrEqual(3);
    expect((r.ast.items[5] as Handler).event.name).toBe("end");
  });

  it("a missing `}` before the next handler ends the block there", () => {
    const r = parseChecked("on book(es) {\n  buy(es, 1)\non fill(f) {\n  log(\"f\")\n}\n");
    expect(r.errors.map((e) => e.code)).toEqual(["E0101"]);
    expect(r.ast.items.map((i) => (i as Handler).event.name)).toEqual(["book", "fill"]);
  });

  it("a bad risk entry and a bad feature do not hide the next ones", () => {
    const r = parseChecked("risk {\n  max_position = \n  5 = 3\n  max_loss = 100\n}\nfeatures {\n  a = ema(\n  b = 1 +\n  c = 2\n}\n");
    const risk = r.ast.items[0]!;
    const feats = r.ast.items[1]!;
    expect(risk.kind === "Risk" && risk.entries.map((e) => e.key.name)).toContain("max_loss");
    expect(feats.kind === "Features" && feats.body.map((e) => (e.kind === "FeatureDef" ? e.name.name : ""))).toContain("c");
    expect(r.errors.length).toBeGreaterThanOrEqual(2);
  });

  it("missing names are empty identifiers and missing expressions are Error nodes", () => {
    const r = parseChecked("var = 1\nvar y =\n");
    const [a, b] = r.ast.items;
    expect(a?.kind === "Var" && a.name.name).toBe("");
    expect(b?.kind === "Var" && b.init.kind).toBe("Error");
  });
});

describe("robustness", () => {
  const hostile: Array<[string, string]> = [
    ["1 MB of `(`", "(".repeat(1 << 20)],
    ["1 MB of `{`", "{".repeat(1 << 20)],
    ["1 MB of `[` inside an expression", `var x = ${"[".repeat(1 << 20)}`],
    ["a long `-` prefix chain", `var x = ${"-".repeat(200_000)}1`],
    ["a long `not` chain", `var x = ${"not ".repeat(100_000)}a`],
    ["a long `+` chain", `var x = ${"a + ".repeat(100_000)}a`],
    ["a long postfix chain", `var x = a${".b".repeat(100_000)}${"[1]".repeat(1000)}`],
    ["a long else-if chain", `on start {\n if a { x() }${" else if a { x() }".repeat(20_000)}\n}`],
    ["balanced deep blocks", `on start ${"{ if a ".repeat(2000)}${"}".repeat(2000)}`],
    ["1 MB of newlines", "\n".repeat(1 << 20)],
    ["binary junk", Array.from({ length: 200_000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join("")],
    ["many unclosed strings", '"\n'.repeat(50_000)],
    ["all punctuation", "()[]{}=<>+-*/%.,:;->..== != <= >= += -= *= /=".repeat(5000)],
  ];
  it.each(hostile)("%s: a tree and diagnostics, no throw", (_name, text) => {
    const r = parse(text, 0);
    expect(r.ast.kind).toBe("Program");
    for (const e of r.errors) expect(e.span.end).toBeLessThanOrEqual(text.length);
  });

  it("deeply nested input reports E0110", () => {
    expect(codes(`var x = ${"(".repeat(100_000)}`)).toContain("E0110");
    expect(codes(`var x = ${"a + ".repeat(10_000)}a`)).toContain("E0110");
    expect(codes(`var x = ${"-".repeat(10_000)}a`)).toContain("E0110");
  });

  it("random strings over the language's alphabet never throw", () => {
    const alphabet = fc.constantFrom(
      ..."abcxyz019_ \n\t(){}[]=<>+-*/%.,:;\"\\#$".split(""),
      "on ", "if ", "else ", "let ", "var ", "fn ", "for ", "in ", "risk ", "features ", "param ", "strategy ",
      "ticks", "per ", "when ", "as ", "and ", "or ", "not ", "return ", "import ", "export ", "from ",
      "1s", "250ms", "25_000", "0.5", "//c\n", "/*", "*/", "->", "..",
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 120 }), (parts) => {
        parseChecked(parts.join(""));
      }),
      { numRuns: 400 },
    );
  });

  it("delete / duplicate / swap token mutations of a realistic program never throw", () => {
    const toks = tokenize(SKETCH, 0).tokens.map((t) => ({ start: t.startOffset, end: t.startOffset + t.image.length }));
    const slice = (i: number) => SKETCH.slice(toks[i]!.start, toks[i]!.end);
    const rebuild = (order: number[]) => {
      // Keep the text between tokens (spaces, comments) attached before each token.
      let out = "";
      for (const i of order) out += `${SKETCH.slice(i === 0 ? 0 : toks[i - 1]!.end, toks[i]!.start)}${slice(i)}`;
      return out;
    };
    const mutation = fc.oneof(
      fc.record({ op: fc.constant("delete" as const), i: fc.nat(toks.length - 1) }),
      fc.record({ op: fc.constant("duplicate" as const), i: fc.nat(toks.length - 1) }),
      fc.record({ op: fc.constant("swap" as const), i: fc.nat(toks.length - 2) }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (muts) => {
        let order = toks.map((_, i) => i);
        for (const m of muts) {
          const i = Math.min(m.i, order.length - 1);
          if (i < 0) break;
          if (m.op === "delete") order.splice(i, 1);
          else if (m.op === "duplicate") order.splice(i, 0, order[i]!);
          else if (i + 1 < order.length) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
        }
        const r = parseChecked(rebuild(order));
        // A mutated program still yields most of its declarations.
        expect(r.ast.items.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("the unmutated sketch parses cleanly", () => {
    expect(parse(SKETCH, 0).errors).toEqual([]);
  });
});
