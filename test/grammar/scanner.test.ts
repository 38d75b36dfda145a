/**
 * The hand-written scanner (grammar/lexer.ts `scan`) against its oracle: a Chevrotain Lexer built
 * from the same token definitions (ALL_TOKENS, first matching pattern wins). Tokens, comments and
 * invalid-character runs must be identical on every fixture and on random text; the features
 * block built while parsing (FeatureStmtN.built) must equal the one built afterwards.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Lexer, type IToken } from "chevrotain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AstBuilder } from "../../grammar/build-ast.js";
import { parse } from "../../grammar/index.js";
import { ALL_TOKENS, scan, tokenize } from "../../grammar/lexer.js";
import { runParser } from "../../grammar/parser.js";

const ORACLE = new Lexer(ALL_TOKENS, { positionTracking: "onlyOffset", ensureOptimizations: false, skipValidations: true });

function simple(t: IToken): [string, string, number] {
  return [t.tokenType.name, t.image, t.startOffset];
}

function expectSameAsOracle(text: string): void {
  const want = ORACLE.tokenize(text);
  const got = scan(text);
  expect(got.tokens.map(simple)).toEqual(want.tokens.map(simple));
  expect(got.comments.map(simple)).toEqual(((want.groups["comments"] ?? []) as IToken[]).map(simple));
  expect(got.errors).toEqual(want.errors.map((e) => ({ offset: e.offset, length: e.length })));
}

function algoFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) algoFiles(p, out);
    else if (name.endsWith(".algo")) out.push(p);
  }
  return out;
}

const ROOT = new URL("../..", import.meta.url).pathname;
const FILES = [...algoFiles(join(ROOT, "test")), ...algoFiles(join(ROOT, "examples"))];

const PIECES = [
  ..."abxyzEe_09.+-*/%=<>!;:,()[]{}\"\\\n\r\t $#@`~^&|?'".split(""),
  "\u00a0", "\ufeff", "\u00e9", "\u2028", "\u{1F600}", "//", "/*", "*/", "->", "..", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=",
  "ms", "ns", "us", "s", "m", "h", "d", "e5", "e-3", "1.5", "1_000", "1__0", "12abc", "in", "instrument", "if", "iffy", "per",
  "ticks", "not", "true", "false_", "on", "features", "\"a\\\"b\"", "\"\\q\"",
];

describe("scanner = Chevrotain Lexer over the same token definitions", () => {
  it(`on every .algo file of the repository (${FILES.length})`, () => {
    expect(FILES.length).toBeGreaterThan(100);
    for (const f of FILES) expectSameAsOracle(readFileSync(f, "utf8"));
  });

  it("on random text over the language's characters and tricky pieces", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (parts) => expectSameAsOracle(parts.join(""))),
      { numRuns: 3000 },
    );
  });

  it("on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => expectSameAsOracle(text)), { numRuns: 2000 });
  });
});

describe("features blocks built while parsing", () => {
  // One chunk only (no other declaration starts a line), so the whole input is one parse.
  const block = (body: string) => `features {\n${body}\n}\n`;
  const BODY = [
    "  a = ema(mid, 10) - sma(mid, 20) * 0.5",
    "  b = a[3] + (a - a[1]) / max(a, 1)",
    "  c = a < b < a",
    "  d = " + "-".repeat(300) + "a",
    "  export a, b",
    "  e = ) junk",
    "  f = zscore(a, 50",
    "  g = not a or b and c",
  ];
  it("give the same tree as building after the parse", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...BODY), { maxLength: 12 }), (lines) => {
        const text = block(lines.join("\n"));
        const late = new AstBuilder(0, text, []).program(runParser(tokenize(text, 0).tokens).root);
        expect(parse(text, 0).ast).toEqual(late);
      }),
      { numRuns: 300 },
    );
  });
});

describe("pooled chunk tokens (grammar/parse.ts reuses token objects from chunk to chunk)", () => {
  const sample = (i: number) =>
    `strategy S${i} "d"\ninstrument es = "ESZ4"\nfeatures {\n  mid = book.mid(es)\n  a${i} = ema(mid, ${i + 2})[1] + 2 ticks\n}\n` +
    `on book(es) when ready(a${i}) {\n  let x = a${i} * 2\n  if x > 1 { buy(es, 1) }\n}\n`;
  it("a parse equals building from fresh tokens, whatever was parsed before", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 6 }), (ids) => {
        const texts = ids.map(sample);
        const alone = texts.map((t) => new AstBuilder(0, t, []).program(runParser(tokenize(t, 0).tokens).root));
        for (let k = 0; k < texts.length; k++) expect(parse(texts[k]!, 0).ast).toEqual(alone[k]);
      }),
      { numRuns: 30 },
    );
  });
  it("a chunk longer than the pool (a features block of >16k tokens) parses like the late build", () => {
    const lines: string[] = [];
    for (let i = 0; i < 2_500; i++) lines.push(`  f${i} = ema(book.mid(es), ${i + 1}) - f${Math.max(0, i - 1)}[2]`);
    const text = `features {\n${lines.join("\n")}\n}\n`;
    expect(tokenize(text, 0).tokens.length).toBeGreaterThan(16_384 * 2);
    const late = new AstBuilder(0, text, []).program(runParser(tokenize(text, 0).tokens).root);
    const got = parse(text, 0);
    expect(got.errors).toEqual([]);
    expect(got.ast).toEqual(late);
  });
});

/**
 * The line-break filter of `tokenize` (which runs on typed arrays) against a plain recomputation
 * over `scan`'s token objects: the rules of the lexer's header, written out directly.
 */
function naiveFilter(text: string): { kept: Array<[string, number]>; unclosed: number[] } {
  const raw = scan(text).tokens;
  const opens = new Set(["LParen", "LBracket", "LCurly"]);
  const closeOf: Record<string, string> = { RParen: "LParen", RBracket: "LBracket", RCurly: "LCurly" };
  const stmtKw = new Set(["Strategy", "Instrument", "Param", "Risk", "Features", "Export", "Import", "Var", "Let", "If", "For", "Fn", "Return", "On"]);
  const after = new Set([
    "Plus", "Minus", "Star", "Slash", "Percent", "EqEq", "NotEq", "Less", "LessEq", "Greater", "GreaterEq", "And", "Or", "Not",
    "Equals", "PlusEq", "MinusEq", "StarEq", "SlashEq", "Comma", "Colon", "Dot", "DotDot", "Arrow", "LParen", "LBracket", "LCurly",
    "In", "Per", "When", "As", "From", "Else", "Newline", "Semicolon",
  ]);
  const before = new Set(["And", "Or", "Else", "In", "Per", "When", "As", "From", "Arrow", "Dot", "LCurly"]);
  const kept: IToken[] = [];
  const stack: IToken[] = [];
  let skip = 0;
  const nextSignificant = (from: number): string | undefined => {
    for (let k = from; k < raw.length; k++) if (raw[k]!.tokenType.name !== "Newline") return raw[k]!.tokenType.name;
    return undefined;
  };
  for (let i = 0; i < raw.length; i++) {
    const tok = raw[i]!;
    const name = tok.tokenType.name;
    if (skip > 0) {
      if (opens.has(name)) skip++;
      else if (closeOf[name] !== undefined) skip--;
      continue;
    }
    if (opens.has(name)) {
      if (stack.length >= 64) {
        skip = 1;
        continue;
      }
      stack.push(tok);
    } else if (closeOf[name] !== undefined) {
      const at = stack.map((t) => t.tokenType.name).lastIndexOf(closeOf[name]!);
      if (at >= 0) stack.length = at;
    } else if (name === "Newline" || name === "Semicolon") {
      const top = stack.at(-1)?.tokenType.name;
      const next = nextSignificant(i + 1);
      if (name === "Newline" && (top === "LParen" || top === "LBracket")) {
        if (next === undefined || !stmtKw.has(next)) continue;
        while (stack.length > 0 && stack.at(-1)!.tokenType.name !== "LCurly") stack.pop();
      }
      const prev = kept.at(-1)?.tokenType.name;
      if (prev === undefined || prev === "Newline" || prev === "Semicolon") {
        if (name === "Newline") continue;
        if (prev === "Newline") kept.pop();
      }
      if (name === "Newline" && prev !== undefined && after.has(prev) && (next === undefined || !stmtKw.has(next))) continue;
      if (name === "Newline" && next !== undefined && before.has(next)) continue;
    }
    kept.push(tok);
  }
  return {
    kept: kept.map((t) => [t.tokenType.name, t.startOffset]),
    unclosed: stack.filter((t) => t.tokenType.name === "LCurly").map((t) => t.startOffset),
  };
}

describe("tokenize's line-break and nesting filter = a plain recomputation", () => {
  const LINES = [
    "x = a +", "  b", "if a {", "} else {", "}", "f(a,", "  b)", "let y = (1", "on book(es) {", "  and c", "[", "]", ";", "",
    "var z = 1", "  .mid", "when x", "{", "(((", ")))", "// c", "/* x\n y */", "return", "features {", "strategy S", "a[1", "-> f64",
  ];
  it("on random lines (and on every repository file)", () => {
    for (const f of FILES) {
      const text = readFileSync(f, "utf8");
      const want = naiveFilter(text);
      const got = tokenize(text, 0);
      expect(got.tokens.map((t) => [t.tokenType.name, t.startOffset])).toEqual(want.kept);
      expect(got.unclosedCurlies).toEqual(want.unclosed);
    }
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LINES), { maxLength: 30 }), (lines) => {
        const text = lines.join("\n");
        const want = naiveFilter(text);
        const got = tokenize(text, 0);
        expect(got.tokens.map((t) => [t.tokenType.name, t.startOffset])).toEqual(want.kept);
        expect(got.unclosedCurlies).toEqual(want.unclosed);
      }),
      { numRuns: 2000 },
    );
  });
  it("cuts brackets nested deeper than 64 levels", () => {
    const text = `x = ${"(".repeat(80)}1${")".repeat(80)}\ny = 2`;
    const want = naiveFilter(text);
    expect(tokenize(text, 0).tokens.map((t) => [t.tokenType.name, t.startOffset])).toEqual(want.kept);
    expect(tokenize(text, 0).errors.map((e) => e.code)).toEqual(["E0110"]);
  });
});
