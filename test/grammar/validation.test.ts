/**
 * The parser skips Chevrotain's grammar validations at start-up (they cost most of its
 * construction time); this test runs them on the real grammar instead, and shows on two small
 * broken grammars that they do catch ambiguity and left recursion.
 */
import { createToken, EmbeddedActionsParser, Lexer } from "chevrotain";
import { describe, expect, it } from "vitest";
import { validateGrammar } from "../../grammar/parser.js";

const A = createToken({ name: "A", pattern: /a/ });
const B = createToken({ name: "B", pattern: /b/ });
const WS = createToken({ name: "WS", pattern: /\s+/, group: Lexer.SKIPPED });

class Ambiguous extends EmbeddedActionsParser {
  constructor() {
    super([WS, A, B], { skipValidations: false, maxLookahead: 3 });
    this.performSelfAnalysis();
  }
  // Both alternatives start with `a b`: no lookahead can tell them apart.
  readonly top = this.RULE("top", () => {
    this.OR([
      { ALT: () => { this.CONSUME(A); this.CONSUME(B); } },
      { ALT: () => { this.CONSUME2(A); this.CONSUME2(B); } },
    ]);
  });
}

class LeftRecursive extends EmbeddedActionsParser {
  constructor() {
    super([WS, A, B], { skipValidations: false });
    this.performSelfAnalysis();
  }
  readonly list: () => void = this.RULE("list", () => {
    this.OR([
      { ALT: () => { this.SUBRULE(this.list); this.CONSUME(A); } },
      { ALT: () => this.CONSUME(B) },
    ]);
  });
}

describe("grammar validation (skipped at start-up)", () => {
  it("the .algo grammar passes Chevrotain's checks", () => {
    expect(() => validateGrammar()).not.toThrow();
  });

  it("the same checks reject an ambiguous grammar", () => {
    expect(() => new Ambiguous()).toThrow(/Parser Definition Errors detected[\s\S]*AMBIGUOUS_ALTERNATIVES/);
  });

  it("the same checks reject a left-recursive grammar", () => {
    expect(() => new LeftRecursive()).toThrow(/Parser Definition Errors detected[\s\S]*Left Recursion/);
  });
});
