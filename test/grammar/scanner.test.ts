/**
 * The hand-written scanner (grammar/lexer.ts `scan`) against its oracle: a reference scanner built
 * from the documented token patterns (ALL_TOKENS: at each position the first pattern that matches
 * wins; white space is skipped, comments set aside, runs of characters where nothing matches are
 * errors). Tokens, comments and invalid-character runs must be identical on every fixture and on
 * random text. Then the parser's reuse of its state from input to input, and the line-break filter.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";
import { ALL_TOKENS, scan, tokenize, type Token } from "../../grammar/lexer.js";

const STICKY = ALL_TOKENS.map((t) => ({ type: t, re: new RegExp(t.pattern!.source, "y") }));

/** The reference scanner: first matching pattern in ALL_TOKENS order. */
function oracle(text: string): { tokens: Token[]; comments: Token[]; errors: Array<{ offset: number; length: number }> } {
  const tokens: Token[] = [];
  const comments: Token[] = [];
  const errors: Array<{ offset: number; length: number }> = [];
  const matchAt = (i: number): { type: (typeof ALL_TOKENS)[number]; image: string } | undefined => {
    for (const { type, re } of STICKY) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m !== null && m[0].length > 0) return { type, image: m[0] };
    }
    return undefined;
  };
  let i = 0;
  while (i < text.length) {
    const m = matchAt(i);
    if (m === undefined) {
      const start = i;
      i++;
      while (i < text.length && matchAt(i) === undefined) i++;
      errors.push({ offset: start, length: i - start });
      continue;
    }
    const tok: Token = { tokenType: m.type, image: m.image, startOffset: i };
    if (m.type.name === "WhiteSpace") {
      // skipped
    } else if (m.type.name.endsWith("Comment")) comments.push(tok);
    else tokens.push(tok);
    i += m.image.length;
  }
  return { tokens, comments, errors };
}

function simple(t: Token): [string, string, number] {
  return [t.tokenType.name, t.image, t.startOffset];
}

function expectSameAsOracle(text: string): void {
  const want = oracle(text);
  const got = scan(text);
  expect(got.tokens.map(simple)).toEqual(want.tokens.map(simple));
  expect(got.comments.map(simple)).toEqual(want.comments.map(simple));
  expect(got.errors).toEqual(want.errors);
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

describe("scanner = first-match scanning with the documented patterns", () => {
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

describe("the parser's state from input to input", () => {
  const sample = (i: number) =>
    `strategy S${i} "d"\ninstrument es = "ESZ4"\nfeatures {\n  mid = book.mid(es)\n  a${i} = ema(mid, ${i + 2})[1] + 2 ticks\n}\n` +
    `on book(es) when ready(a${i}) {\n  let x = a${i} * 2\n  if x > 1 { buy(es, 1) }\n}\n`;
  const broken = (i: number) => `${sample(i)}param p${i} qty = 2\non start { let y = (1 +\n}\n`;
  it("a parse gives the same result whatever was parsed before (valid and broken inputs)", () => {
    const texts = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? broken(i) : sample(i)));
    const alone = texts.map((t) => JSON.stringify(parse(t, 0)));
    expect(JSON.stringify(parse(texts[0]!, 0)).includes("E0101")).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.nat(texts.length - 1), { minLength: 2, maxLength: 8 }), (ids) => {
        for (const k of ids) expect(JSON.stringify(parse(texts[k]!, 0))).toBe(alone[k]);
      }),
      { numRuns: 50 },
    );
  });
  it("a chunk of more than 32k tokens (one long features block) parses whole", () => {
    const lines: string[] = [];
    for (let i = 0; i < 2_500; i++) lines.push(`  f${i} = ema(book.mid(es), ${i + 1}) - f${Math.max(0, i - 1)}[2]`);
    const text = `features {\n${lines.join("\n")}\n}\n`;
    expect(tokenize(text, 0).tokens.length).toBeGreaterThan(16_384 * 2);
    const got = parse(text, 0);
    expect(got.errors).toEqual([]);
    const block = got.ast.items[0]!;
    expect(block.kind === "Features" && block.body.length).toBe(2_500);
    expect(block.kind === "Features" && block.body[2_499]!.end).toBe(text.length - 3);
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
  const kept: Token[] = [];
  const stack: Token[] = [];
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
