/**
 * The grammar's decision tables (grammar/parser.ts `grammarTables`), checked the way a parser
 * generator would check a grammar: every list loop (the top level, blocks, risk and features
 * blocks) decides on one token with disjoint alternatives, handles every token but its exits, and
 * recovers an error inside an element at that element (its follow set holds everything the loop
 * handles, plus the closing `}`). The other decisions are checked for the ambiguities that
 * matter (an operator that could also continue the operand, an assignment that could be an
 * operator). Then behaviour: each list really stops only at its exits.
 */
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";
import { ALL_TOKENS } from "../../grammar/lexer.js";
import { grammarTables } from "../../grammar/parser.js";

const T = grammarTables();
const ALL = ALL_TOKENS.map((t) => t.name).filter((n) => n !== "WhiteSpace" && !n.endsWith("Comment"));

describe("list loops", () => {
  for (const [name, l] of Object.entries(T.lists)) {
    it(`${name}: alternatives are disjoint and, with the exits, cover every token`, () => {
      const alts = [l.separators, l.starts, l.junk, l.block];
      for (let a = 0; a < alts.length; a++) for (let b = a + 1; b < alts.length; b++) expect(alts[a]!.filter((x) => alts[b]!.includes(x))).toEqual([]);
      const handled = new Set(alts.flat());
      for (const t of ALL) expect(handled.has(t) || l.exits.includes(t), `${name} / ${t}`).toBe(true);
      expect(l.exits).toContain("EOF");
    });
    it(`${name}: an error inside an element is recovered at that element`, () => {
      for (const t of [...l.separators, ...l.starts, ...l.junk, ...l.block]) expect(l.follow, `${name} / ${t}`).toContain(t);
      if (name !== "program") expect(l.follow).toContain("RCurly");
      expect(l.follow).not.toContain("EOF");
    });
  }
  it("the exits are what ends each list", () => {
    expect(T.lists.program!.exits).toEqual(["EOF"]);
    expect(T.lists.block!.exits.sort()).toEqual(["EOF", "Features", "Fn", "Import", "Instrument", "On", "Param", "RCurly", "Risk", "Strategy"]);
    expect(T.lists.risk!.exits.sort()).toEqual(["EOF", "Export", "Features", "Fn", "Import", "Instrument", "On", "Param", "RCurly", "Risk", "Strategy", "Var"]);
    expect(T.lists.features!.exits.sort()).toEqual(["EOF", "Features", "Fn", "Import", "Instrument", "On", "Param", "RCurly", "Risk", "Strategy", "Var"]);
  });
});

describe("expression decisions", () => {
  it("a suffix never starts with a binary operator, and `-` is both a prefix and a binary operator", () => {
    expect(T.suffix.filter((x) => T.binary.includes(x))).toEqual([]);
    expect(T.exprStarts.filter((x) => T.binary.includes(x))).toEqual(["Minus"]);
  });
  it("an assignment operator is never a binary operator (`a == b` is a comparison, `a = b` an assignment)", () => {
    expect(T.assign.filter((x) => T.binary.includes(x))).toEqual([]);
  });
  it("statement keywords cannot start an expression", () => {
    for (const kw of ["Let", "Var", "If", "For", "Return", "On", "Fn"]) expect(T.exprStarts).not.toContain(kw);
  });
});

describe("behaviour of the list loops", () => {
  it("a block ends at a declaration keyword (missing `}`): one error, and the next declaration is read", () => {
    for (const kw of ["strategy S", "instrument x = \"A\"", "param p = 1", "risk {}", "features {}", "import a from \"b\"", "fn f() = 1", "on end {}"]) {
      const r = parse(`on start {\n  log(1)\n${kw}\n`, 0);
      expect(r.errors.map((e) => e.code), kw).toContain("E0101");
      expect(r.ast.items.length, kw).toBe(2);
    }
  });
  it("junk in each list is reported once per line and does not end the list", () => {
    const text = "on start {\n  ) ] , 5 = 3\n  log(1)\n}\nrisk {\n  5 = 3 ,\n  max_loss = 1\n}\nfeatures {\n  ) 1 2\n  a = 1\n}\n) (\n";
    const r = parse(text, 0);
    const lines = r.errors.map((e) => text.slice(0, e.span.start).split("\n").length);
    expect(lines).toEqual([2, 6, 10, 13]);
    expect(r.ast.items.map((i) => i.kind)).toEqual(["Handler", "Risk", "Features"]);
  });
});
