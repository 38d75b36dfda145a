/**
 * The parser: a hand-written recursive-descent parser (with precedence climbing for binary
 * operators) that reads the lexer's typed arrays (grammar/lexer.ts `lex`: kind, start, end per
 * token) and builds the AST of grammar/ast.ts directly, every node with its file, start and end. No token
 * objects, no intermediate tree.
 *
 * The input is parsed one chunk at a time (grammar/parse.ts cuts it before every declaration that
 * starts a line at bracket depth 0): past a chunk's last token the parser sees the end of input, so
 * an error cannot spill into the next declaration.
 *
 * Error recovery. Every rule invocation that can be a re-sync point pushes a frame holding the set
 * of tokens that may follow it in its caller (FOLLOW sets below, derived from the grammar). When a
 * token does not fit:
 *   - a missing `)`, `]` or `}` is assumed ("inserted") when the token met can follow it — in the
 *     rest of the rule, or, where that rest may be empty, in the callers' rests;
 *   - otherwise one unexpected token is skipped when the token after it is the one expected;
 *   - otherwise the rules unwind to the innermost frame whose follow set holds the token met; that
 *     rule returns what it has built so far (missing names are empty identifiers, missing
 *     expressions `Error` nodes) and its caller carries on. The declaration, statement, risk-entry
 *     and feature lists have follow sets that hold every token, so an error ends at most the
 *     statement (or declaration) it is in.
 * The list loops themselves consume tokens that cannot start an element ("junk"), reported once
 * per line that carries no other error. The error messages list what the grammar accepts at the
 * point of the error (the token or the alternatives the failing step expected).
 *
 * Nesting: brackets deeper than MAX_NESTING are cut out by the lexer, `else if` chains, operator
 * chains, prefix chains and suffix chains are loops, so the recursion depth is bounded.
 */
import type * as A from "./ast.js";
import { BINARY_PRECEDENCE, DURATION_NANOS, NOT_PRECEDENCE } from "./ast.js";
import { decodeString, KEYWORDS, lexArrays, Tok, typeOfKind, type LexResult } from "./lexer.js";
import { computeLineStarts, lineIndexOf } from "./source.js";
import type { SyntaxDiagnostic } from "./syntax-codes.js";

/**
 * Deepest expression nesting (and `else if` chain) the parser accepts: brackets, calls, indexing,
 * prefix operators and operands of a higher-precedence operator nest; the operands of a
 * left-associative chain (`a + b + c`) do not.
 */
export const MAX_EXPR_DEPTH = 256;
/**
 * Tallest expression tree the parser produces (a chain of n operators is a tree n levels tall),
 * so that every recursive walk over the AST in later phases stays within the stack.
 */
export const MAX_EXPR_HEIGHT = 1024;

const COMPARISON_PRECEDENCE = BINARY_PRECEDENCE["<"];

// ---------------------------------------------------------------------------------------------
// Token sets

function setOf(kinds: readonly Tok[]): Uint8Array {
  const s = new Uint8Array(Tok.Count);
  for (const k of kinds) s[k] = 1;
  return s;
}

/** Every kind the lexer arrays can hold (comments and whitespace never reach the parser). */
const REAL_KINDS: Tok[] = [];
for (let k = Tok.Newline; k <= Tok.Dot; k++) REAL_KINDS.push(k);

const ITEM_START_KINDS = [Tok.Strategy, Tok.Instrument, Tok.Param, Tok.Risk, Tok.Features, Tok.Import, Tok.Var, Tok.Fn, Tok.On];
const ATOM_START_KINDS = [Tok.DurationLiteral, Tok.NumberLiteral, Tok.BadNumber, Tok.StringLiteral, Tok.UnterminatedString, Tok.True, Tok.False, Tok.Identifier, Tok.LParen];
const EXPR_START_KINDS = [...ATOM_START_KINDS, Tok.Minus, Tok.Not];
const STMT_START_KINDS = [Tok.Let, Tok.Var, Tok.If, Tok.For, Tok.Return, ...EXPR_START_KINDS];
const BINARY_KINDS = [Tok.Or, Tok.And, Tok.EqEq, Tok.NotEq, Tok.Less, Tok.LessEq, Tok.Greater, Tok.GreaterEq, Tok.Plus, Tok.Minus, Tok.Star, Tok.Slash, Tok.Percent];
const SUFFIX_KINDS = [Tok.LParen, Tok.Dot, Tok.LBracket, Tok.Ticks];
const ASSIGN_KINDS = [Tok.Equals, Tok.PlusEq, Tok.MinusEq, Tok.StarEq, Tok.SlashEq];
const SEPARATOR_KINDS = [Tok.Newline, Tok.Semicolon];
/** Tokens never consumed as junk: separators and `{` (a stray block is read as a block). */
const NEVER_JUNK = [Tok.Newline, Tok.Semicolon, Tok.LCurly];

const ITEM_START = setOf(ITEM_START_KINDS);
/** What starts an entry of a `risk { }` body and of a `features { }` body. */
const RISK_START = setOf([Tok.Identifier]);
const FEATURE_START = setOf([Tok.Identifier, Tok.Export]);
const EXPR_START = setOf(EXPR_START_KINDS);
const STMT_START = setOf(STMT_START_KINDS);
const BINARY = setOf(BINARY_KINDS);
const SUFFIX = setOf(SUFFIX_KINDS);
const ASSIGN = setOf(ASSIGN_KINDS);
/** Junk at the top level: anything that cannot start a declaration. */
const TOP_JUNK = setOf(REAL_KINDS.filter((k) => !ITEM_START[k] && !NEVER_JUNK.includes(k)));
/** Junk in a block: anything that cannot start a statement, and is not `}` or a declaration keyword. */
const STMT_JUNK = setOf(REAL_KINDS.filter((k) => !ITEM_START[k] && !STMT_START[k] && k !== Tok.RCurly && !NEVER_JUNK.includes(k)));
/** Junk in a risk or features block: anything that cannot start an entry, and is not `}` or a declaration keyword. */
const ENTRY_JUNK = setOf(REAL_KINDS.filter((k) => !ITEM_START[k] && k !== Tok.Identifier && k !== Tok.Export && k !== Tok.RCurly && !NEVER_JUNK.includes(k)));

function union(...sets: Array<Uint8Array | readonly Tok[]>): Tok[] {
  const out = new Set<Tok>();
  for (const s of sets) {
    if (s instanceof Uint8Array) for (let k = 0; k < s.length; k++) { if (s[k]) out.add(k); }
    else for (const k of s) out.add(k);
  }
  return [...out];
}

/**
 * Follow sets: what may come after a rule invocation in its caller (the first tokens of the rest
 * of the caller's rule). `nullable` says whether that rest may be empty, so that what follows the
 * caller may come next too (used to decide whether a missing closing bracket may be assumed).
 */
/** The `{ ... }` bodies whose entries bodyEntries reads. */
const enum Body {
  Risk,
  Features,
  Block,
}

const enum F {
  /** The whole input: only its end. */
  Eof,
  /** A declaration or a stray block at the top level: everything. */
  All,
  /** A statement or a nested block in a block. */
  Block,
  /** An entry or a stray block in a risk block. */
  Risk,
  /** A statement or a stray block in a features block. */
  Features,
  Equals,
  In,
  CommaMust,
  CommaOpt,
  RBracket,
  Per,
  RParen,
  LCurlyEquals,
  LCurly,
  Else,
  DotDot,
  Assign,
  Binary,
  Suffix,
  Count,
}

const FOLLOW = new Uint8Array(F.Count * Tok.Count);
const FOLLOW_NULLABLE = new Uint8Array(F.Count);
function follow(id: F, kinds: readonly Tok[], nullable: boolean): void {
  for (const k of kinds) FOLLOW[id * Tok.Count + k] = 1;
  FOLLOW_NULLABLE[id] = nullable ? 1 : 0;
}
follow(F.Eof, [Tok.Eof], false);
follow(F.All, REAL_KINDS, false);
follow(F.Block, union(SEPARATOR_KINDS, STMT_START, STMT_JUNK, [Tok.LCurly, Tok.RCurly]), false);
follow(F.Risk, union(SEPARATOR_KINDS, [Tok.Identifier], ENTRY_JUNK, [Tok.LCurly, Tok.RCurly]), false);
follow(F.Features, union(SEPARATOR_KINDS, [Tok.Identifier, Tok.Export], ENTRY_JUNK, [Tok.LCurly, Tok.RCurly]), false);
follow(F.Equals, [Tok.Equals], false);
follow(F.In, [Tok.In], true);
follow(F.CommaMust, [Tok.Comma], false);
follow(F.CommaOpt, [Tok.Comma], true);
follow(F.RBracket, [Tok.RBracket], false);
follow(F.Per, [Tok.Per], true);
follow(F.RParen, [Tok.RParen], false);
follow(F.LCurlyEquals, [Tok.LCurly, Tok.Equals], false);
follow(F.LCurly, [Tok.LCurly], false);
follow(F.Else, [Tok.Else], true);
follow(F.DotDot, [Tok.DotDot], false);
follow(F.Assign, ASSIGN_KINDS, true);
follow(F.Binary, BINARY_KINDS, true);
follow(F.Suffix, SUFFIX_KINDS, true);

/** The text of each binary and assignment operator, by kind. */
const BINARY_OP_TEXT: Array<A.BinaryOp | undefined> = [];
const ASSIGN_OP_TEXT: Array<A.AssignOp | undefined> = [];
for (const [k, op] of [
  [Tok.Or, "or"], [Tok.And, "and"], [Tok.EqEq, "=="], [Tok.NotEq, "!="], [Tok.Less, "<"], [Tok.LessEq, "<="], [Tok.Greater, ">"],
  [Tok.GreaterEq, ">="], [Tok.Plus, "+"], [Tok.Minus, "-"], [Tok.Star, "*"], [Tok.Slash, "/"], [Tok.Percent, "%"],
] as const) BINARY_OP_TEXT[k] = op;
for (const [k, op] of [[Tok.Equals, "="], [Tok.PlusEq, "+="], [Tok.MinusEq, "-="], [Tok.StarEq, "*="], [Tok.SlashEq, "/="]] as const) ASSIGN_OP_TEXT[k] = op;

/** What may follow the `)` of a feature unit's parameters, of a fn's parameters, of a handler's arguments. */
const AFTER_UNIT_PARAMS = setOf([Tok.LCurly]);
const AFTER_FN_PARAMS = setOf([Tok.Arrow, Tok.LCurly, Tok.Equals]);
const AFTER_HANDLER_ARGS = setOf([Tok.As, Tok.When, Tok.LCurly]);

/** The rule a syntax error happened in (it shapes the message: summaries and hints). */
const enum Rule { Other, ParamDecl }

/** The intern table of names (see Parser.name): open addressing, at most 8 probes. */
const INTERN_SLOTS = 16_384;
/**
 * Longest name interned: V8 makes a slice of 13 characters or more a view into the whole text,
 * which the table would then keep alive after its input is gone.
 */
const MAX_INTERNED = 12;
const internTable: Array<string | undefined> = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);
let internCount = 0;

/** `expect` results besides a token index. */
const INSERTED = -1;
const FAILED = -2;

const EXPRESSION_EXPECTED = ["duration", "number", "string", "`true`", "`false`", "identifier", "`(`"];
const TYPE_EXPECTED = ["identifier", "`instrument`"];
const FN_BODY_EXPECTED = ["`{`", "`=`"];

/** A diagnostic decided after the chunk's syntax errors are known (they take precedence per line). */
interface Deferred {
  /** 0: junk of a list (one error per line without one), 1: E0109, 2: always, 3: E0110 (once per file). */
  type: 0 | 1 | 2 | 3;
  diag: SyntaxDiagnostic | undefined;
  /** Junk: [start, end) pairs and descriptions, in source order. */
  junk: Array<{ start: number; end: number; what: string }> | undefined;
  expected: string;
}

const NO_PREFIXES: number[] = [];

/** Parses the token arrays of one `lex` into items. One instance is reused; `parseProgram` resets it. */
export class Parser {
  private text = "";
  private file = 0;
  private kinds: Uint16Array = new Uint16Array(0);
  private starts: Int32Array = new Int32Array(0);
  private ends: Int32Array = new Int32Array(0);
  private count = 0;
  /** Next token. */
  private pos = 0;
  /** First token of the current chunk; `limit` is one past its last. */
  private chunkStart = 0;
  private limit = 0;
  /** Number of real tokens consumed so far, and the end of the last one. */
  private nReal = 0;
  private lastEnd = 0;
  /** Re-sync frames: follow-set id per depth (frame 0: the input, whose follow is its end). */
  private frames = new Int32Array(256);
  private depth = 0;
  /** Frame an error unwinds to (-1: none). */
  private recoverTo = -1;
  private errors: SyntaxDiagnostic[] = [];
  private chunkErrors: SyntaxDiagnostic[] = [];
  private deferred: Deferred[] = [];
  private unclosedCurlies: number[] = [];
  private lastErrorStart = -1;
  private errorLines = new Set<number>();
  private lineStarts: number[] | undefined;
  private reportedDeep = false;
  private lastDepth = 0;
  private lastHeight = 0;

  /**
   * Parses the tokens of the last `lex` of `text`, chunk by chunk (`chunks` holds the start index
   * of each chunk); appends syntax diagnostics to `lexed.errors`.
   */
  parseProgram(text: string, file: number, lexed: LexResult, chunks: readonly number[]): A.Program {
    const arrays = lexArrays();
    this.text = text;
    this.file = file;
    this.kinds = arrays.kinds;
    this.starts = arrays.starts;
    this.ends = arrays.ends;
    this.count = lexed.count;
    this.errors = lexed.errors;
    this.unclosedCurlies = lexed.unclosedCurlies;
    this.lastErrorStart = -1;
    this.errorLines = new Set();
    this.lineStarts = undefined;
    this.reportedDeep = false;
    // (A stack overflow caught by grammar/parse.ts can leave the stacks non-empty.)
    this.list.length = 0;
    this.listTop = 0;
    this.stAtoms.length = 0;
    this.stPrefixes.length = 0;
    this.stTop = 0;
    this.opTop = 0;
    this.prefixes = NO_PREFIXES;
    for (const e of this.errors) this.errorLines.add(this.lineStartOf(e.span.start));
    const items: A.Item[] = [];
    try {
      for (let c = 0; c < chunks.length; c++) {
        this.chunkStart = chunks[c]!;
        this.limit = c + 1 < chunks.length ? chunks[c + 1]! : this.count;
        this.pos = this.chunkStart;
        this.depth = 0;
        this.frames[0] = F.Eof;
        this.recoverTo = -1;
        this.parseChunk(items);
        this.finishChunk();
      }
      this.checkSeparators(items);
    } finally {
      // Let the text and the diagnostics of this input be collected.
      this.text = "";
      this.errors = [];
      this.chunkErrors = [];
      this.deferred = [];
      this.unclosedCurlies = [];
    }
    return { kind: "Program", items, file, start: 0, end: text.length };
  }

  // -------------------------------------------------------------------------------------------
  // Tokens

  private la1(): Tok {
    return this.pos < this.limit ? (this.kinds[this.pos]! as Tok) : Tok.Eof;
  }

  private la2(): Tok {
    return this.pos + 1 < this.limit ? (this.kinds[this.pos + 1]! as Tok) : Tok.Eof;
  }

  /** Consumes the next token; returns its index. */
  private next(): number {
    const i = this.pos++;
    this.nReal++;
    this.lastEnd = this.ends[i]!;
    return i;
  }

  /** Start offset of the next token (the end of the text past the chunk). */
  private nextStart(): number {
    return this.pos < this.limit ? this.starts[this.pos]! : this.text.length;
  }

  private image(i: number): string {
    return this.text.slice(this.starts[i]!, this.ends[i]!);
  }

  /**
   * The text of name token `i`, interned: the same name read again (in this input or a later one)
   * is the same string, so reading it allocates nothing, the tree holds one copy, and the
   * checker's maps find its hash already computed.
   */
  private name(i: number): string {
    const text = this.text;
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    const len = end - start;
    if (len > MAX_INTERNED) return text.slice(start, end);
    let h = len;
    for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), 16777619);
    for (let probe = 0; probe < 8; probe++) {
      const slot = (h + probe) & (INTERN_SLOTS - 1);
      const known = internTable[slot];
      if (known === undefined) {
        const str = text.slice(start, end);
        internTable[slot] = str;
        if (++internCount > (INTERN_SLOTS * 3) / 4) {
          // Full (a long-running language server reads ever new names): start over.
          internTable.fill(undefined);
          internCount = 0;
        }
        return str;
      }
      if (known.length === len && text.startsWith(known, start)) return known;
    }
    return text.slice(start, end);
  }

  /** Whether a token of kind `k` is what `want` asks for (a bad number is a number, an unterminated string a string). */
  private static matches(k: Tok, want: Tok): boolean {
    return k === want || (want === Tok.NumberLiteral && k === Tok.BadNumber) || (want === Tok.StringLiteral && k === Tok.UnterminatedString);
  }

  private push(f: F): void {
    const d = ++this.depth;
    if (d >= this.frames.length) {
      const grown = new Int32Array(this.frames.length * 2);
      grown.set(this.frames);
      this.frames = grown;
    }
    this.frames[d] = f;
  }

  private pop(): void {
    this.depth--;
  }

  /**
   * After a sub-rule returned: whether the current rule must stop (an error unwinds past it).
   * An unwinding that ended in the sub-rule (its frame re-synced) is over.
   */
  private failed(): boolean {
    if (this.recoverTo < 0) return false;
    if (this.recoverTo > this.depth) {
      this.recoverTo = -1;
      return false;
    }
    return true;
  }

  /** Starts unwinding to the innermost frame whose follow set holds the next token. */
  private unwind(): void {
    const k = this.la1();
    let d = this.depth;
    while (d > 0 && FOLLOW[this.frames[d]! * Tok.Count + k] !== 1) d--;
    this.recoverTo = d;
  }

  /**
   * Consumes a token of kind `want`; on a mismatch reports it and recovers: a closing bracket is
   * assumed when the next token can follow it (`after`: what may follow it in this rule, undefined
   * when nothing does), one stray token is skipped when the token after it is `want`, else the
   * rules unwind (FAILED).
   */
  private expect(want: Tok, rule: Rule, after?: Uint8Array): number {
    const k = this.la1();
    if (Parser.matches(k, want)) return this.next();
    this.syntaxError([typeOfKind(want).label], rule);
    if ((want === Tok.RParen || want === Tok.RBracket || want === Tok.RCurly) && this.canFollow(k, after)) return INSERTED;
    if (Parser.matches(this.la2(), want)) {
      this.pos++;
      return this.next();
    }
    this.unwind();
    return FAILED;
  }

  /** Whether `k` can come next after a missing closing bracket (in the rule's rest, else in the callers'). */
  private canFollow(k: Tok, after: Uint8Array | undefined): boolean {
    if (after !== undefined) return after[k] === 1;
    for (let d = this.depth; d > 0; d--) {
      const f = this.frames[d]!;
      if (FOLLOW[f * Tok.Count + k] === 1) return true;
      if (FOLLOW_NULLABLE[f] !== 1) return false;
    }
    return false;
  }

  /** A failed choice (no alternative starts with the next token): report and unwind. */
  private noViableAlt(expected: string[], rule: Rule): void {
    this.syntaxError(expected, rule);
    this.unwind();
  }

  // -------------------------------------------------------------------------------------------
  // Diagnostics

  private span(start: number, end: number): A.Span {
    return { file: this.file, start, end: Math.max(start, end) };
  }

  private lineStartOf(offset: number): number {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    return starts[lineIndexOf(starts, offset)]!;
  }

  /** Words used for a token in messages. */
  private describe(i: number): string {
    const k = this.kinds[i]! as Tok;
    switch (k) {
      case Tok.Newline: return "end of line";
      case Tok.Semicolon: return "`;`";
      case Tok.Identifier: return `identifier \`${this.image(i)}\``;
      case Tok.NumberLiteral:
      case Tok.BadNumber: return `number \`${this.image(i)}\``;
      case Tok.DurationLiteral: return `duration \`${this.image(i)}\``;
      case Tok.StringLiteral:
      case Tok.UnterminatedString: return "string";
      default: {
        const image = this.image(i);
        if (KEYWORDS.includes(image)) return `keyword \`${image}\``;
        return `\`${image}\``;
      }
    }
  }

  /**
   * Records a syntax error at the next token: E0102 (zero-width, after the previous token) when
   * the line, the statement, the block or the input ended too early, else E0101 on the token.
   * At the end of a chunk, the token met is the next chunk's first.
   */
  private syntaxError(expectedTokens: string[], rule: Rule): void {
    const file = this.file;
    const text = this.text;
    const found = this.pos < this.limit ? this.pos : this.limit < this.count ? this.limit : -1;
    const prev = this.pos - 1 >= this.chunkStart ? this.pos - 1 : -1;
    const isEof = found < 0;
    const fk = isEof ? Tok.Eof : (this.kinds[found]! as Tok);
    const expected = summarizeExpected(expectedTokens);
    const foundText = isEof ? "end of file" : this.describe(found);
    const missing = isEof || fk === Tok.Newline || fk === Tok.Semicolon || fk === Tok.RCurly;
    let sp: A.Span;
    if (missing && prev >= 0) {
      const at = this.ends[prev]!;
      sp = { file, start: at, end: at };
    } else if (isEof) {
      sp = { file, start: text.length, end: text.length };
    } else {
      sp = { file, start: this.starts[found]!, end: this.ends[found]! };
    }
    const d: SyntaxDiagnostic = missing
      ? { code: "E0102", message: `expected ${joinExpected(expected)} before ${foundText}`, span: sp, expected }
      : { code: "E0101", message: `unexpected ${foundText}; expected ${joinExpected(expected)}`, span: sp, expected };
    if (isEof && expected.includes("`}`") && this.unclosedCurlies.length > 0) {
      const open = this.unclosedCurlies[this.unclosedCurlies.length - 1]!;
      d.related = [{ span: { file, start: open, end: open + 1 }, message: "this `{` is never closed" }];
      d.hint = "add the missing `}`";
    } else if (!missing && rule === Rule.ParamDecl && fk === Tok.Identifier && expected.includes("`=`")) {
      d.hint = "a type is written after a colon: `param name: type = value`";
    } else if (!missing && fk === Tok.Equals && expected.includes("`{`")) {
      // `if vol = 0 {` / `when x = 1 {`: a Pine or Python habit; `=` only assigns, in a statement.
      d.hint = "to compare, write `==`; `=` assigns, and only as a statement";
    }
    this.chunkErrors.push(d);
  }

  /** Reports the chunk's syntax errors, then the diagnostics that yield to them. */
  private finishChunk(): void {
    const found = this.chunkErrors;
    for (const d of found) {
      // Recovery can report several errors at one token; the first says it best.
      if (d.span.start === this.lastErrorStart) continue;
      this.lastErrorStart = d.span.start;
      this.errors.push(d);
      this.errorLines.add(this.lineStartOf(d.span.start));
    }
    found.length = 0;
    for (const x of this.deferred) {
      if (x.type === 0) {
        if (x.junk === undefined) continue;
        for (const j of x.junk) {
          const line = this.lineStartOf(j.start);
          if (this.errorLines.has(line)) continue;
          this.errorLines.add(line);
          this.errors.push({ code: "E0101", message: `unexpected ${j.what}; expected ${x.expected}`, span: this.span(j.start, j.end), expected: [x.expected] });
        }
      } else if (x.type === 1) {
        const line = this.lineStartOf(x.diag!.span.start);
        if (this.errorLines.has(line)) continue;
        this.errorLines.add(line);
        this.errors.push(x.diag!);
      } else if (x.type === 2) {
        this.errors.push(x.diag!);
        this.errorLines.add(this.lineStartOf(x.diag!.span.start));
      } else if (!this.reportedDeep) {
        this.reportedDeep = true;
        this.errors.push(x.diag!);
      }
    }
    this.deferred.length = 0;
  }

  /** E0109 for two declarations/statements with no line break or `;` between them. */
  private checkSeparators(list: ReadonlyArray<A.Located>): void {
    for (let i = 1; i < list.length; i++) {
      const prevEnd = list[i - 1]!.end;
      const nextStart = list[i]!.start;
      if (nextStart <= prevEnd) continue;
      let separated = false;
      for (let k = prevEnd; k < nextStart; k++) {
        const ch = this.text.charCodeAt(k);
        if (ch === 10 || ch === 59) {
          separated = true;
          break;
        }
      }
      if (separated) continue;
      const diag: SyntaxDiagnostic = {
        code: "E0109",
        message: "expected a line break or `;` between statements",
        span: this.span(nextStart, nextStart),
        hint: "put the second statement on its own line",
      };
      // Between chunks (the top level) everything else is known already.
      if (this.inChunk) this.deferred.push({ type: 1, diag, junk: undefined, expected: "" });
      else if (!this.errorLines.has(this.lineStartOf(nextStart))) {
        this.errorLines.add(this.lineStartOf(nextStart));
        this.errors.push(diag);
      }
    }
  }

  /** Whether diagnostics go to the deferred list (during a chunk) or straight out (after the last). */
  private inChunk = false;

  /** Moves the deferred entries [from, to) after the later ones (the order the diagnostics are decided in follows the tree, not the text). */
  private moveDeferred(from: number, to: number): void {
    const d = this.deferred;
    if (from === to || to === d.length) return;
    const moved = d.splice(from, to - from);
    for (const x of moved) d.push(x);
  }

  /** A junk list's deferred entry (filled as the list loop meets junk). */
  private junkEntry(expected: string): Deferred {
    const x: Deferred = { type: 0, diag: undefined, junk: undefined, expected };
    this.deferred.push(x);
    return x;
  }

  private junkToken(x: Deferred, i: number): void {
    const k = this.kinds[i]! as Tok;
    const image = this.image(i);
    const what = KEYWORDS.includes(image) && k !== Tok.Identifier ? `keyword \`${image}\`` : k === Tok.StringLiteral || k === Tok.UnterminatedString ? "string" : `\`${image}\``;
    (x.junk ??= []).push({ start: this.starts[i]!, end: this.ends[i]!, what });
  }

  /**
   * The entries of a `{ ... }` body whose `{` was read, then its `}`: newlines and `;` between
   * entries, an entry at each token that can start one, a stray `{ }` or a junk token reported
   * (once per line) on the body's junk entry. It stops at the first token that can end the body;
   * after a failed entry the `}` is left to the caller's recovery.
   */
  private bodyEntries(body: Body): void {
    const follow = body === Body.Block ? F.Block : body === Body.Features ? F.Features : F.Risk;
    const start = body === Body.Block ? STMT_START : body === Body.Features ? FEATURE_START : RISK_START;
    const junkKinds = body === Body.Block ? STMT_JUNK : ENTRY_JUNK;
    const junk = this.junkEntry(body === Body.Block ? "a statement" : body === Body.Features ? "a feature `name = expression` or `export`" : "a risk limit `name = value`");
    for (;;) {
      const k = this.la1();
      const before = this.pos;
      if (k === Tok.Newline || k === Tok.Semicolon) this.next();
      else if (start[k] === 1) {
        this.push(follow);
        this.listPush(body === Body.Block ? this.statement(k) : body === Body.Risk ? this.riskEntry() : k === Tok.Export ? this.exportDecl() : this.featureDef());
        this.pop();
        if (this.failed()) return;
      } else if (k === Tok.LCurly) {
        this.strayBlock(junk, follow);
        if (this.failed()) return;
      } else if (junkKinds[k] === 1) this.junkToken(junk, this.next());
      else break;
      if (this.pos === before) break;
    }
    this.expect(Tok.RCurly, Rule.Other);
  }

  /**
   * A block where the list expects an element: read (its syntax errors count) and reported as
   * junk at its `{`; what it holds is not part of the tree, nor are its other diagnostics.
   */
  private strayBlock(x: Deferred, f: F): void {
    const at = this.starts[this.pos]!;
    const mark = this.deferred.length;
    this.push(f);
    this.block();
    this.pop();
    this.deferred.length = mark;
    (x.junk ??= []).push({ start: at, end: at + 1, what: "`{`" });
  }

  private tooDeep(sp: A.Span): A.ErrorExpr {
    this.deferred.push({
      type: 3,
      diag: { code: "E0110", message: `nesting too deep (more than ${MAX_EXPR_DEPTH} levels)`, span: sp, hint: "split the expression with `let` or helper features" },
      junk: undefined,
      expected: "",
    });
    this.lastDepth = 1;
    this.lastHeight = 1;
    return { kind: "Error", file: sp.file, start: sp.start, end: sp.end, checkedType: undefined };
  }

  /** E0110 for an expression tree taller than MAX_EXPR_HEIGHT (a very long operator chain). */
  private tooTall(sp: A.Span): A.ErrorExpr {
    this.deferred.push({
      type: 3,
      diag: { code: "E0110", message: `expression too long (a tree more than ${MAX_EXPR_HEIGHT} levels tall)`, span: sp, hint: "split the expression with `let` or helper features" },
      junk: undefined,
      expected: "",
    });
    this.lastDepth = 1;
    this.lastHeight = 1;
    return { kind: "Error", file: sp.file, start: sp.start, end: sp.end, checkedType: undefined };
  }

  // -------------------------------------------------------------------------------------------
  // Node helpers

  /** The span of a rule's node: from `start` to the end of the last real token it consumed; empty at the end of the text when it consumed none. */
  private nodeSpan(start: number, c0: number): A.Span {
    if (this.nReal === c0) return this.span(this.text.length, this.text.length);
    return this.span(start, this.lastEnd);
  }

  private ident(i: number, fallbackAt: number): A.Ident {
    if (i < 0) return { kind: "Ident", name: "", file: this.file, start: fallbackAt, end: fallbackAt, checkedSymbol: undefined };
    return { kind: "Ident", name: this.name(i), file: this.file, start: this.starts[i]!, end: this.ends[i]!, checkedSymbol: undefined };
  }

  private errorExpr(at: number, end = at): A.ErrorExpr {
    this.lastDepth = 1;
    this.lastHeight = 1;
    return { kind: "Error", file: this.file, start: at, end: Math.max(at, end), checkedType: undefined };
  }

  private stringLit(i: number): A.StringLit {
    const raw = this.image(i);
    return { kind: "String", value: decodeString(raw, this.kinds[i] === Tok.StringLiteral), raw, file: this.file, start: this.starts[i]!, end: this.ends[i]!, checkedType: undefined };
  }

  private numberLit(i: number): A.NumberLit {
    const raw = this.image(i);
    const clean = raw.indexOf("_") < 0 ? raw : raw.replace(/_/g, "");
    let value = Number(clean);
    if (!Number.isFinite(value)) value = Number.parseFloat(clean) || 0;
    const isInteger = !/[.eE]/.test(raw) || (this.kinds[i] === Tok.BadNumber && !/\./.test(raw));
    return { kind: "Number", value, raw, isInteger, file: this.file, start: this.starts[i]!, end: this.ends[i]!, checkedType: undefined };
  }

  private durationLit(i: number): A.DurationLit {
    const raw = this.image(i);
    const m = /^([\d_.]+)(ns|us|ms|s|m|h|d)$/.exec(raw)!;
    const amount = Number(m[1]!.replace(/_/g, ""));
    const unit = m[2] as A.DurationUnit;
    return { kind: "Duration", amount, unit, nanos: amount * DURATION_NANOS[unit], raw, file: this.file, start: this.starts[i]!, end: this.ends[i]!, checkedType: undefined };
  }

  // -------------------------------------------------------------------------------------------
  // Top level

  private parseChunk(items: A.Item[]): void {
    this.inChunk = true;
    const junk = this.junkEntry("a declaration (strategy, instrument, param, risk, features, import, var, fn, on)");
    while (this.pos < this.limit) {
      const k = this.la1();
      const before = this.pos;
      if (k === Tok.Newline || k === Tok.Semicolon) this.next();
      else if (ITEM_START[k] === 1) {
        this.push(F.All);
        const item = this.item(k);
        this.pop();
        this.failed();
        items.push(item);
      } else if (k === Tok.LCurly) {
        this.strayBlock(junk, F.All);
        this.failed();
      } else this.junkToken(junk, this.next());
      if (this.pos === before) break;
    }
    this.inChunk = false;
  }

  private item(k: Tok): A.Item {
    switch (k) {
      case Tok.Strategy: return this.strategyDecl();
      case Tok.Instrument: return this.instrumentDecl();
      case Tok.Param: return this.paramDecl();
      case Tok.Risk: return this.riskBlock();
      case Tok.Features: return this.featuresDecl();
      case Tok.Import: return this.importDecl();
      case Tok.Var: return this.varDecl();
      case Tok.Fn: return this.fnDecl();
      default: return this.handler();
    }
  }

  private strategyDecl(): A.StrategyDecl {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    const name = this.expect(Tok.Identifier, Rule.Other);
    let desc = -1;
    if (name !== FAILED && Parser.matches(this.la1(), Tok.StringLiteral)) desc = this.next();
    const sp = this.nodeSpan(s, c0);
    const out: A.StrategyDecl = { kind: "Strategy", name: this.ident(name, sp.end), file: sp.file, start: sp.start, end: sp.end };
    if (desc >= 0) out.description = this.stringLit(desc);
    return out;
  }

  private instrumentDecl(): A.InstrumentDecl {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    let name = -1;
    let expr: A.Expr | undefined;
    parse: {
      name = this.expect(Tok.Identifier, Rule.Other);
      if (name === FAILED || this.expect(Tok.Equals, Rule.Other) === FAILED) break parse;
      expr = this.expression();
    }
    const sp = this.nodeSpan(s, c0);
    return { kind: "Instrument", name: this.ident(name, sp.end), symbol: expr ?? this.errorExpr(sp.end), file: sp.file, start: sp.start, end: sp.end, checkedSymbol: undefined };
  }

  private paramDecl(): A.ParamDecl {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    let name = -1;
    let type: A.TypeRef | undefined;
    let expr: A.Expr | undefined;
    let range: { s: number; c0: number; lo: A.Expr | undefined; hi: A.Expr | undefined; sp: A.Span | undefined } | undefined;
    parse: {
      name = this.expect(Tok.Identifier, Rule.ParamDecl);
      if (name === FAILED) break parse;
      if (this.la1() === Tok.Colon) {
        this.push(F.Equals);
        type = this.typeAnnotation();
        this.pop();
        if (this.failed()) break parse;
      }
      if (this.expect(Tok.Equals, Rule.ParamDecl) === FAILED) break parse;
      this.push(F.In);
      expr = this.expression();
      this.pop();
      if (this.failed()) break parse;
      if (this.la1() === Tok.In) {
        range = { s: this.nextStart(), c0: this.nReal, lo: undefined, hi: undefined, sp: undefined };
        this.paramRange(range);
        if (this.failed()) break parse;
      }
    }
    const sp = this.nodeSpan(s, c0);
    const out: A.ParamDecl = { kind: "Param", name: this.ident(name, sp.end), value: expr ?? this.errorExpr(sp.end), file: sp.file, start: sp.start, end: sp.end, checkedSymbol: undefined };
    if (type !== undefined) out.type = type;
    if (range !== undefined) {
      const rs = range.sp!;
      out.range = { kind: "Range", lo: range.lo ?? this.errorExpr(rs.end), hi: range.hi ?? this.errorExpr(rs.end), file: rs.file, start: rs.start, end: rs.end };
    }
    return out;
  }

  private paramRange(r: { s: number; c0: number; lo: A.Expr | undefined; hi: A.Expr | undefined; sp: A.Span | undefined }): void {
    this.next();
    parse: {
      if (this.expect(Tok.LBracket, Rule.Other) === FAILED) break parse;
      this.push(F.CommaMust);
      r.lo = this.expression();
      this.pop();
      if (this.failed()) break parse;
      if (this.expect(Tok.Comma, Rule.Other) === FAILED) break parse;
      this.push(F.RBracket);
      r.hi = this.expression();
      this.pop();
      if (this.failed()) break parse;
      this.expect(Tok.RBracket, Rule.Other);
    }
    r.sp = this.nodeSpan(r.s, r.c0);
  }

  /** `: type` (entered on `:`); a missing type is an empty name at the annotation's end. */
  private typeAnnotation(): A.TypeRef {
    this.next();
    return this.typeName(-1);
  }

  /** A type: an identifier or the keyword `instrument`; a missing one has an empty name at `at` (-1: the end of what was read). */
  private typeName(at: number): A.TypeRef {
    const k = this.la1();
    if (k === Tok.Identifier || k === Tok.Instrument) {
      const i = this.next();
      return { kind: "TypeRef", name: this.name(i), file: this.file, start: this.starts[i]!, end: this.ends[i]! };
    }
    const end = at >= 0 ? at : this.lastEnd;
    this.noViableAlt(TYPE_EXPECTED, Rule.Other);
    return { kind: "TypeRef", name: "", file: this.file, start: end, end: end };
  }

  private riskBlock(): A.RiskBlock {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    const base = this.listTop;
    parse: {
      if (this.expect(Tok.LCurly, Rule.Other) === FAILED) break parse;
      this.bodyEntries(Body.Risk);
    }
    const entries = this.listEnd<A.RiskEntry>(base);
    this.checkSeparators(entries);
    const sp = this.nodeSpan(s, c0);
    return { kind: "Risk", entries, file: sp.file, start: sp.start, end: sp.end };
  }

  private riskEntry(): A.RiskEntry {
    const s = this.nextStart();
    const c0 = this.nReal;
    const key = this.next();
    let value: A.Expr | undefined;
    let per = false;
    let perValue: A.Expr | undefined;
    parse: {
      if (this.expect(Tok.Equals, Rule.Other) === FAILED) break parse;
      this.push(F.Per);
      value = this.expression();
      this.pop();
      if (this.failed()) break parse;
      if (this.la1() === Tok.Per) {
        this.next();
        per = true;
        perValue = this.expression();
        if (this.failed()) break parse;
      }
    }
    const es = this.nodeSpan(s, c0);
    const entry: A.RiskEntry = { kind: "RiskEntry", key: this.ident(key, es.start), value: value ?? this.errorExpr(es.end), file: es.file, start: es.start, end: es.end };
    if (per) entry.per = perValue ?? this.errorExpr(es.end);
    return entry;
  }

  private featuresDecl(): A.FeaturesBlock | A.FeatureUnit {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    let name = -1;
    let params: A.Parameter[] | undefined;
    const base = this.listTop;
    // The parameters' deferred diagnostics are decided after the body's.
    const p0 = this.deferred.length;
    let p1 = p0;
    parse: {
      if (this.la1() === Tok.Identifier) {
        name = this.next();
        if (this.la1() === Tok.LParen) {
          this.next();
          this.push(F.RParen);
          params = this.parameterList();
          this.pop();
          p1 = this.deferred.length;
          if (this.failed()) break parse;
          if (this.expect(Tok.RParen, Rule.Other, AFTER_UNIT_PARAMS) === FAILED) break parse;
        }
      }
      if (this.expect(Tok.LCurly, Rule.Other) === FAILED) break parse;
      this.bodyEntries(Body.Features);
    }
    const body = this.listEnd<A.FeatureStmt>(base);
    this.checkSeparators(body);
    this.moveDeferred(p0, p1);
    const sp = this.nodeSpan(s, c0);
    if (name < 0) return { kind: "Features", body, file: sp.file, start: sp.start, end: sp.end };
    return { kind: "FeatureUnit", name: this.ident(name, sp.start), params: params ?? [], body, file: sp.file, start: sp.start, end: sp.end, checkedSymbol: undefined };
  }

  private exportDecl(): A.ExportDecl {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    const names: A.Ident[] = [];
    parse: {
      const first = this.expect(Tok.Identifier, Rule.Other);
      if (first === FAILED) break parse;
      names.push(this.ident(first, 0));
      while (this.la1() === Tok.Comma) {
        this.next();
        const n = this.expect(Tok.Identifier, Rule.Other);
        if (n === FAILED) break parse;
        names.push(this.ident(n, 0));
      }
    }
    const sp = this.nodeSpan(s, c0);
    return { kind: "Export", names, file: sp.file, start: sp.start, end: sp.end };
  }

  private featureDef(): A.FeatureDef {
    const s = this.nextStart();
    const c0 = this.nReal;
    const name = this.next();
    let value: A.Expr | undefined;
    if (this.expect(Tok.Equals, Rule.Other) !== FAILED) value = this.expression();
    const ds = this.nodeSpan(s, c0);
    return { kind: "FeatureDef", name: this.ident(name, ds.start), value: value ?? this.errorExpr(ds.end), file: ds.file, start: ds.start, end: ds.end, checkedSymbol: undefined };
  }

  private importDecl(): A.ImportDecl {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    const names: A.Ident[] = [];
    let from = -1;
    parse: {
      const first = this.expect(Tok.Identifier, Rule.Other);
      if (first === FAILED) break parse;
      names.push(this.ident(first, 0));
      while (this.la1() === Tok.Comma) {
        this.next();
        const n = this.expect(Tok.Identifier, Rule.Other);
        if (n === FAILED) break parse;
        names.push(this.ident(n, 0));
      }
      if (this.expect(Tok.From, Rule.Other) === FAILED) break parse;
      const f = this.expect(Tok.StringLiteral, Rule.Other);
      if (f !== FAILED) from = f;
    }
    const sp = this.nodeSpan(s, c0);
    if (names.length === 0) names.push(this.ident(-1, sp.end));
    return {
      kind: "Import",
      names,
      from: from >= 0 ? this.stringLit(from) : { kind: "String", value: "", raw: "", file: this.file, start: sp.end, end: sp.end, checkedType: undefined },
      file: sp.file, start: sp.start, end: sp.end,
      checkedSymbol: undefined,
    };
  }

  /** `var` at the top level or in a block. */
  private varDecl(): A.VarDecl {
    const b = this.binding();
    const out: A.VarDecl = { kind: "Var", name: b.name, init: b.value, file: b.span.file, start: b.span.start, end: b.span.end, checkedSymbol: undefined };
    if (b.type !== undefined) out.type = b.type;
    return out;
  }

  /** The shared body of `var` and `let`: keyword, name, optional `: type`, `=`, value. */
  private binding(): { name: A.Ident; type: A.TypeRef | undefined; value: A.Expr; span: A.Span } {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    let name = -1;
    let type: A.TypeRef | undefined;
    let value: A.Expr | undefined;
    parse: {
      name = this.expect(Tok.Identifier, Rule.Other);
      if (name === FAILED) break parse;
      if (this.la1() === Tok.Colon) {
        this.push(F.Equals);
        type = this.typeAnnotation();
        this.pop();
        if (this.failed()) break parse;
      }
      if (this.expect(Tok.Equals, Rule.Other) === FAILED) break parse;
      value = this.expression();
    }
    const sp = this.nodeSpan(s, c0);
    return { name: this.ident(name, sp.end), type, value: value ?? this.errorExpr(sp.end), span: sp };
  }

  private fnDecl(): A.FnDecl {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    let name = -1;
    let params: A.Parameter[] | undefined;
    let arrow = -2;
    let returnType: A.TypeRef | undefined;
    let body: A.Block | A.Expr | undefined;
    let p0 = -1;
    let p1 = -1;
    parse: {
      name = this.expect(Tok.Identifier, Rule.Other);
      if (name === FAILED || this.expect(Tok.LParen, Rule.Other) === FAILED) break parse;
      // The parameters' deferred diagnostics are decided after the body's.
      p0 = this.deferred.length;
      this.push(F.RParen);
      params = this.parameterList();
      this.pop();
      p1 = this.deferred.length;
      if (this.failed()) break parse;
      if (this.expect(Tok.RParen, Rule.Other, AFTER_FN_PARAMS) === FAILED) break parse;
      if (this.la1() === Tok.Arrow) {
        arrow = this.next();
        this.push(F.LCurlyEquals);
        returnType = this.typeName(this.ends[arrow]!);
        this.pop();
        if (this.failed()) break parse;
      }
      const k = this.la1();
      if (k === Tok.LCurly) body = this.block();
      else if (k === Tok.Equals) {
        this.next();
        body = this.expression();
      } else this.noViableAlt(FN_BODY_EXPECTED, Rule.Other);
    }
    if (p1 >= 0) this.moveDeferred(p0, p1);
    const sp = this.nodeSpan(s, c0);
    const out: A.FnDecl = { kind: "Fn", name: this.ident(name, sp.start), params: params ?? [], body: body ?? this.errorExpr(sp.end), file: sp.file, start: sp.start, end: sp.end, checkedSymbol: undefined };
    if (arrow !== -2) out.returnType = returnType!;
    return out;
  }

  /** Parameters of a fn or a feature unit (possibly none, trailing comma allowed); the caller consumed `(`. */
  private parameterList(): A.Parameter[] {
    const out: A.Parameter[] = [];
    if (this.la1() !== Tok.Identifier) return out;
    this.push(F.CommaOpt);
    out.push(this.parameter());
    this.pop();
    if (this.failed()) return out;
    for (;;) {
      if (this.la1() !== Tok.Comma) break;
      if (this.la2() !== Tok.Identifier) {
        this.next();
        break;
      }
      this.next();
      this.push(F.CommaOpt);
      out.push(this.parameter());
      this.pop();
      if (this.failed()) return out;
    }
    return out;
  }

  private parameter(): A.Parameter {
    const s = this.nextStart();
    const c0 = this.nReal;
    const name = this.next();
    let type: A.TypeRef | undefined;
    let hasDefault = false;
    let value: A.Expr | undefined;
    parse: {
      if (this.la1() === Tok.Colon) {
        this.push(F.Equals);
        type = this.typeAnnotation();
        this.pop();
        if (this.failed()) break parse;
      }
      if (this.la1() === Tok.Equals) {
        this.next();
        hasDefault = true;
        value = this.expression();
      }
    }
    const ps = this.nodeSpan(s, c0);
    const param: A.Parameter = { kind: "Parameter", name: this.ident(name, ps.start), file: ps.file, start: ps.start, end: ps.end, checkedSymbol: undefined };
    if (type !== undefined) param.type = type;
    if (hasDefault) param.default = value ?? this.errorExpr(ps.end);
    return param;
  }

  private handler(): A.Handler {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    let event = -1;
    let hasParens = false;
    let args: A.Arg[] | undefined;
    let as = false;
    let binding = -1;
    let when = false;
    let guard: A.Expr | undefined;
    let body: A.Block | undefined;
    parse: {
      event = this.expect(Tok.Identifier, Rule.Other);
      if (event === FAILED) break parse;
      if (this.la1() === Tok.LParen) {
        this.next();
        hasParens = true;
        this.push(F.RParen);
        args = this.argumentList();
        this.pop();
        if (this.failed()) break parse;
        if (this.expect(Tok.RParen, Rule.Other, AFTER_HANDLER_ARGS) === FAILED) break parse;
      }
      if (this.la1() === Tok.As) {
        this.next();
        as = true;
        binding = this.expect(Tok.Identifier, Rule.Other);
        if (binding === FAILED) break parse;
      }
      // The guard's deferred diagnostics are decided after the body's.
      const g0 = this.deferred.length;
      if (this.la1() === Tok.When) {
        this.next();
        when = true;
        this.push(F.LCurly);
        guard = this.expression();
        this.pop();
        if (this.failed()) break parse;
      }
      const g1 = this.deferred.length;
      body = this.block();
      this.moveDeferred(g0, g1);
    }
    const sp = this.nodeSpan(s, c0);
    const out: A.Handler = {
      kind: "Handler",
      event: this.ident(event, sp.start),
      args: args ?? [],
      hasParens,
      body: body ?? { kind: "Block", stmts: [], file: this.file, start: sp.end, end: sp.end },
      file: sp.file, start: sp.start, end: sp.end,
      checkedSymbol: undefined,
    };
    if (as) out.binding = this.ident(binding, sp.end);
    if (when) out.guard = guard ?? this.errorExpr(sp.end);
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  /** `{ statements }` (entered without checking for `{`). */
  private block(): A.Block {
    const c0 = this.nReal;
    let s = 0;
    const base = this.listTop;
    parse: {
      const open = this.expect(Tok.LCurly, Rule.Other);
      if (open === FAILED) break parse;
      s = this.starts[open]!;
      this.bodyEntries(Body.Block);
    }
    const stmts = this.listEnd<A.Stmt>(base);
    this.checkSeparators(stmts);
    const sp = this.nodeSpan(s, c0);
    return { kind: "Block", stmts, file: sp.file, start: sp.start, end: sp.end };
  }

  private statement(k: Tok): A.Stmt {
    switch (k) {
      case Tok.Let: return this.letStmt();
      case Tok.Var: return this.varDecl();
      case Tok.If: return this.ifStmt();
      case Tok.For: return this.forStmt();
      case Tok.Return: return this.returnStmt();
      default: return this.exprStmt();
    }
  }

  private letStmt(): A.LetStmt {
    const b = this.binding();
    const out: A.LetStmt = { kind: "Let", name: b.name, value: b.value, file: b.span.file, start: b.span.start, end: b.span.end, checkedSymbol: undefined };
    if (b.type !== undefined) out.type = b.type;
    return out;
  }

  // `else if` chains are a loop, not recursion, so a long chain cannot overflow the stack.
  private ifStmt(): A.IfStmt {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    let cond: A.Expr | undefined;
    let then: A.Block | undefined;
    let elseBlock: A.Block | undefined;
    const clauses: Array<{ cond: A.Expr | undefined; then: A.Block | undefined; sp: A.Span; ifStart: number; d0: number; d1: number }> = [];
    // Deferred-diagnostic segments: the condition [d0, dThen), the block [dThen, dClauses), each clause, the else block [dElse, end).
    const d0 = this.deferred.length;
    let dThen = d0;
    let dClauses = d0;
    let dElse = -1;
    parse: {
      this.push(F.LCurly);
      cond = this.expression();
      this.pop();
      dThen = this.deferred.length;
      if (this.failed()) break parse;
      this.push(F.Else);
      then = this.block();
      this.pop();
      dClauses = this.deferred.length;
      if (this.failed()) break parse;
      while (this.la1() === Tok.Else && this.la2() === Tok.If) {
        const cs = this.nextStart();
        const cc0 = this.nReal;
        this.next();
        const ifStart = this.starts[this.next()]!;
        const clause = { cond: undefined as A.Expr | undefined, then: undefined as A.Block | undefined, sp: this.span(0, 0), ifStart, d0: this.deferred.length, d1: 0 };
        clauses.push(clause);
        this.push(F.Else);
        clauseParse: {
          this.push(F.LCurly);
          clause.cond = this.expression();
          this.pop();
          if (this.failed()) break clauseParse;
          clause.then = this.block();
        }
        clause.sp = this.nodeSpan(cs, cc0);
        clause.d1 = this.deferred.length;
        this.pop();
        if (this.failed()) break parse;
      }
      if (this.la1() === Tok.Else) {
        this.next();
        dElse = this.deferred.length;
        elseBlock = this.block();
      }
    }
    const sp = this.nodeSpan(s, c0);
    const limit = Math.min(clauses.length, MAX_EXPR_DEPTH);
    // The deferred diagnostics in the order the tree is built: the else block, the clauses from the
    // last to the first (those beyond the nesting limit are not built), then the condition and the block.
    if (this.deferred.length > d0) {
      const d = this.deferred;
      const end = d.length;
      const order: Deferred[] = [];
      if (dElse >= 0) for (let k = dElse; k < end; k++) order.push(d[k]!);
      const mark = order.length;
      for (let c = limit - 1; c >= 0; c--) for (let k = clauses[c]!.d0; k < clauses[c]!.d1; k++) order.push(d[k]!);
      for (let k = d0; k < dClauses; k++) order.push(d[k]!);
      d.length = d0;
      for (let k = 0; k < mark; k++) d.push(order[k]!);
      if (clauses.length > MAX_EXPR_DEPTH) this.tooDeep(clauses[MAX_EXPR_DEPTH]!.sp);
      for (let k = mark; k < order.length; k++) d.push(order[k]!);
    } else if (clauses.length > MAX_EXPR_DEPTH) this.tooDeep(clauses[MAX_EXPR_DEPTH]!.sp);
    let tail: A.Block | A.IfStmt | undefined = elseBlock;
    for (let i = limit - 1; i >= 0; i--) {
      const cl = clauses[i]!;
      const cs = cl.sp;
      // The clause's span starts at `if`, after its `else`, and ends with the chain it heads.
      const end = Math.max(cs.start, tail !== undefined ? tail.end : cs.end);
      const clause: A.IfStmt = {
        kind: "If",
        cond: cl.cond ?? this.errorExpr(cs.end),
        then: cl.then ?? { kind: "Block", stmts: [], file: this.file, start: cs.end, end: cs.end },
        file: this.file,
        start: cl.ifStart,
        end: Math.max(cl.ifStart, end),
      };
      if (tail !== undefined) clause.else = tail;
      tail = clause;
    }
    const out: A.IfStmt = {
      kind: "If",
      cond: cond ?? this.errorExpr(sp.end),
      then: then ?? { kind: "Block", stmts: [], file: this.file, start: sp.end, end: sp.end },
      file: sp.file, start: sp.start, end: sp.end,
    };
    if (tail !== undefined) out.else = tail;
    return out;
  }

  private forStmt(): A.ForStmt {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    let name = -1;
    let from: A.Expr | undefined;
    let to: A.Expr | undefined;
    let body: A.Block | undefined;
    parse: {
      name = this.expect(Tok.Identifier, Rule.Other);
      if (name === FAILED || this.expect(Tok.In, Rule.Other) === FAILED) break parse;
      this.push(F.DotDot);
      from = this.expression();
      this.pop();
      if (this.failed() || this.expect(Tok.DotDot, Rule.Other) === FAILED) break parse;
      this.push(F.LCurly);
      to = this.expression();
      this.pop();
      if (this.failed()) break parse;
      body = this.block();
    }
    const sp = this.nodeSpan(s, c0);
    return {
      kind: "For",
      variable: this.ident(name, sp.end),
      from: from ?? this.errorExpr(sp.end),
      to: to ?? this.errorExpr(sp.end),
      body: body ?? { kind: "Block", stmts: [], file: this.file, start: sp.end, end: sp.end },
      file: sp.file, start: sp.start, end: sp.end,
      checkedSymbol: undefined,
    };
  }

  private returnStmt(): A.ReturnStmt {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    let value: A.Expr | undefined;
    if (EXPR_START[this.la1()] === 1) value = this.expression();
    const sp = this.nodeSpan(s, c0);
    const out: A.ReturnStmt = { kind: "Return", file: sp.file, start: sp.start, end: sp.end };
    if (value !== undefined) out.value = value;
    return out;
  }

  private exprStmt(): A.AssignStmt | A.ExprStmt {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.push(F.Assign);
    const first = this.expression();
    this.pop();
    let op = -1;
    let value: A.Expr | undefined;
    if (!this.failed() && ASSIGN[this.la1()] === 1) {
      op = this.next();
      value = this.expression();
    }
    const sp = this.nodeSpan(s, c0);
    if (op < 0) return { kind: "ExprStmt", expr: first, file: sp.file, start: sp.start, end: sp.end };
    return { kind: "Assign", target: first, op: ASSIGN_OP_TEXT[this.kinds[op]!]!, value: value ?? this.errorExpr(sp.end), file: sp.file, start: sp.start, end: sp.end };
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  // The elements of the lists being read (statements, arguments, entries, features), as one stack
  // shared by nested lists; a finished list is copied out at its exact size (an array grown by
  // push from [] reserves room for 17 elements, and most of these lists are short).
  private readonly list: unknown[] = [];
  private listTop = 0;

  private listPush(x: unknown): void {
    this.list[this.listTop++] = x;
  }

  /** The elements pushed since `base`, popped. */
  private listEnd<T>(base: number): T[] {
    const out = this.list.slice(base, this.listTop) as T[];
    for (let k = base; k < this.listTop; k++) this.list[k] = undefined;
    this.listTop = base;
    return out;
  }

  // The flat operand / operator lists of the expressions being read, as stacks shared by nested
  // expressions (an argument's expression is read, folded and popped while its caller's list is
  // open above nothing of its own), so reading an expression allocates nothing but its nodes.
  private readonly stAtoms: Array<A.Expr | undefined> = [];
  private readonly stPrefixes: number[][] = [];
  private readonly stNext: number[] = [];
  private readonly stDepth: number[] = [];
  private readonly stHeight: number[] = [];
  /** Operand stack top; operator stack (token indices) and its top. */
  private stTop = 0;
  private readonly stOps: number[] = [];
  private opTop = 0;
  /** The list being folded: next operand, its end; next operator, its end. */
  private cOperand = 0;
  private cOperandEnd = 0;
  private cOp = 0;
  private cOpEnd = 0;

  private pushOperand(atom: A.Expr): void {
    const t = this.stTop++;
    this.stAtoms[t] = atom;
    this.stPrefixes[t] = this.prefixes;
    this.stNext[t] = 0;
    this.stDepth[t] = this.lastDepth;
    this.stHeight[t] = this.lastHeight;
  }

  /**
   * operand (binary-operator operand)*, folded by precedence. Sets lastDepth / lastHeight (the
   * nesting depth and tree height of the result).
   */
  expression(): A.Expr {
    this.push(F.Binary);
    const first = this.operand();
    this.pop();
    if (this.failed() || BINARY[this.la1()] !== 1) {
      if (this.prefixes === NO_PREFIXES) return first;
      const base = this.stTop;
      this.pushOperand(first);
      return this.fold(base, this.opTop);
    }
    const base = this.stTop;
    const opBase = this.opTop;
    this.pushOperand(first);
    while (BINARY[this.la1()] === 1) {
      this.stOps[this.opTop++] = this.next();
      this.push(F.Binary);
      const e = this.operand();
      this.pop();
      this.pushOperand(e);
      if (this.failed()) break;
    }
    return this.fold(base, opBase);
  }

  /** Folds the operands [base, stTop) and operators [opBase, opTop), then pops them. */
  private fold(base: number, opBase: number): A.Expr {
    this.cOperand = base;
    this.cOperandEnd = this.stTop;
    this.cOp = opBase;
    this.cOpEnd = this.opTop;
    const e = this.climbBinary(1);
    for (let k = base; k < this.stTop; k++) {
      this.stAtoms[k] = undefined;
      this.stPrefixes[k] = NO_PREFIXES;
    }
    this.stTop = base;
    this.opTop = opBase;
    return e;
  }

  /** Precedence climbing over the current flat list: operators binding at least `minPrec`. */
  private climbBinary(minPrec: number): A.Expr {
    let left = this.climbOperand();
    let depth = this.lastDepth;
    let height = this.lastHeight;
    let lastWasComparison = false;
    while (this.cOp < this.cOpEnd && this.cOperand < this.cOperandEnd) {
      const opIdx = this.stOps[this.cOp]!;
      const bop = BINARY_OP_TEXT[this.kinds[opIdx]!]!;
      const prec = BINARY_PRECEDENCE[bop];
      if (prec < minPrec) break;
      this.cOp++;
      const right = this.climbBinary(prec + 1);
      // The left operand continues this chain (no deeper nesting); the right one nests.
      depth = Math.max(depth, this.lastDepth + 1);
      height = Math.max(height, this.lastHeight) + 1;
      const isComparison = prec === COMPARISON_PRECEDENCE;
      if (isComparison && lastWasComparison) {
        this.deferred.push({
          type: 2,
          diag: {
            code: "E0101",
            message: `unexpected \`${bop}\`: comparisons do not chain`,
            span: this.span(this.starts[opIdx]!, this.ends[opIdx]!),
            expected: ["`and`", "`or`"],
            hint: "write `a < b and b < c`",
          },
          junk: undefined,
          expected: "",
        });
      }
      lastWasComparison = isComparison;
      if (depth > MAX_EXPR_DEPTH) {
        this.cOp = this.cOpEnd;
        return this.tooDeep(this.span(left.start, right.end));
      }
      if (height > MAX_EXPR_HEIGHT) {
        this.cOp = this.cOpEnd;
        return this.tooTall(this.span(left.start, right.end));
      }
      left = { kind: "Binary", op: bop, left, right, file: this.file, start: left.start, end: Math.max(left.start, right.end), checkedType: undefined };
    }
    this.lastDepth = depth;
    this.lastHeight = height;
    return left;
  }

  /** The next operand with its prefix operators: `-` binds to the operand, `not` to a comparison. */
  private climbOperand(): A.Expr {
    const t = this.cOperand;
    const prefixes = this.stPrefixes[t]!;
    const atom = this.stAtoms[t]!;
    const next = this.stNext[t]!;
    if (next < prefixes.length) {
      if (prefixes.length > MAX_EXPR_DEPTH) {
        this.stNext[t] = prefixes.length;
        this.cOperand++;
        return this.tooDeep(this.span(prefixes[0]! >> 1, atom.end));
      }
      const p = prefixes[next]!;
      this.stNext[t] = next + 1;
      const isNot = (p & 1) === 1;
      const inner = isNot ? this.climbBinary(NOT_PRECEDENCE + 1) : this.climbOperand();
      this.lastDepth += 1;
      this.lastHeight += 1;
      return { kind: "Unary", op: isNot ? "not" : "-", operand: inner, file: this.file, start: p >> 1, end: Math.max(p >> 1, inner.end), checkedType: undefined };
    }
    this.cOperand++;
    this.lastDepth = this.stDepth[t]!;
    this.lastHeight = this.stHeight[t]!;
    return atom;
  }

  /** The prefixes of the operand `operand` read last (NO_PREFIXES when none). */
  private prefixes: number[] = NO_PREFIXES;

  /**
   * Prefix operators (left in `this.prefixes`), an atom, then postfix suffixes (call, member,
   * index, `ticks`). Returns the operand without its prefixes.
   */
  private operand(): A.Expr {
    const s = this.nextStart();
    const c0 = this.nReal;
    let prefixes = NO_PREFIXES;
    let k = this.la1();
    while (k === Tok.Minus || k === Tok.Not) {
      if (prefixes === NO_PREFIXES) prefixes = [];
      const i = this.next();
      prefixes.push(this.starts[i]! * 2 + (k === Tok.Not ? 1 : 0));
      k = this.la1();
    }
    let e: A.Expr;
    this.lastDepth = 1;
    this.lastHeight = 1;
    switch (k) {
      case Tok.DurationLiteral: e = this.durationLit(this.next()); break;
      case Tok.NumberLiteral:
      case Tok.BadNumber: e = this.numberLit(this.next()); break;
      case Tok.StringLiteral:
      case Tok.UnterminatedString: e = this.stringLit(this.next()); break;
      case Tok.True:
      case Tok.False: {
        const i = this.next();
        e = { kind: "Bool", value: k === Tok.True, file: this.file, start: this.starts[i]!, end: this.ends[i]!, checkedType: undefined };
        break;
      }
      case Tok.Identifier: {
        const i = this.next();
        e = { kind: "Name", name: this.name(i), file: this.file, start: this.starts[i]!, end: this.ends[i]!, checkedType: undefined, checkedSymbol: undefined };
        break;
      }
      case Tok.LParen: {
        this.push(F.Suffix);
        e = this.parenExpr();
        this.pop();
        if (this.failed()) {
          this.prefixes = prefixes;
          return e;
        }
        break;
      }
      default: {
        this.noViableAlt(EXPRESSION_EXPECTED, Rule.Other);
        this.prefixes = prefixes;
        const sp = this.nodeSpan(s, c0);
        return this.errorExpr(sp.end, sp.end);
      }
    }
    if (SUFFIX[this.la1()] === 1) e = this.suffixes(e, s, c0);
    this.prefixes = prefixes;
    return e;
  }

  /** The suffixes of an operand whose atom is `atom` (lastDepth / lastHeight are the atom's). */
  private suffixes(atom: A.Expr, s: number, c0: number): A.Expr {
    let e = atom;
    let depth = this.lastDepth;
    let height = this.lastHeight;
    let tooDeep = 0;
    for (;;) {
      const k = this.la1();
      if (k === Tok.Ticks) {
        const i = this.next();
        e = { kind: "Ticks", value: e, file: this.file, start: e.start, end: Math.max(e.start, this.ends[i]!), checkedType: undefined };
        depth += 1;
        height += 1;
      } else if (k === Tok.LParen) {
        this.push(F.Suffix);
        this.next();
        this.push(F.RParen);
        const args = this.argumentList();
        this.pop();
        if (!this.failed()) this.expect(Tok.RParen, Rule.Other);
        this.pop();
        const argDepth = this.lastDepth;
        const argHeight = this.lastHeight;
        const end = Math.max(this.lastEnd, e.end);
        depth = Math.max(depth, argDepth) + 1;
        height = Math.max(height, argHeight) + 1;
        e = { kind: "Call", callee: e, args, file: this.file, start: e.start, end: Math.max(e.start, end), checkedType: undefined, checkedCall: undefined };
      } else if (k === Tok.Dot) {
        this.push(F.Suffix);
        this.next();
        const name = this.expect(Tok.Identifier, Rule.Other);
        this.pop();
        const ssEnd = this.lastEnd;
        e = { kind: "Member", object: e, member: this.ident(name, ssEnd), file: this.file, start: e.start, end: Math.max(ssEnd, e.end), checkedType: undefined };
        depth += 1;
        height += 1;
      } else if (k === Tok.LBracket) {
        this.push(F.Suffix);
        this.next();
        this.push(F.RBracket);
        const index = this.expression();
        this.pop();
        const indexDepth = this.lastDepth;
        const indexHeight = this.lastHeight;
        if (!this.failed()) this.expect(Tok.RBracket, Rule.Other);
        this.pop();
        const ssEnd = this.lastEnd;
        depth = Math.max(depth, indexDepth) + 1;
        height = Math.max(height, indexHeight) + 1;
        e = { kind: "Index", object: e, index, file: this.file, start: e.start, end: Math.max(ssEnd, e.end), checkedType: undefined };
      } else break;
      if (tooDeep === 0 && depth > MAX_EXPR_DEPTH) tooDeep = 1;
      if (tooDeep === 0 && height > MAX_EXPR_HEIGHT) tooDeep = 2;
      if (this.failed()) break;
    }
    if (tooDeep === 1) return this.tooDeep(this.nodeSpan(s, c0));
    if (tooDeep === 2) return this.tooTall(this.nodeSpan(s, c0));
    this.lastDepth = depth;
    this.lastHeight = height;
    return e;
  }

  /** `( expression )`: a Paren node spanning the brackets. */
  private parenExpr(): A.Expr {
    const s = this.nextStart();
    const c0 = this.nReal;
    this.next();
    this.push(F.RParen);
    const inner = this.expression();
    this.pop();
    const innerDepth = this.lastDepth;
    const innerHeight = this.lastHeight;
    if (!this.failed()) this.expect(Tok.RParen, Rule.Other);
    const sp = this.nodeSpan(s, c0);
    const depth = innerDepth + 1;
    const height = innerHeight + 1;
    if (depth > MAX_EXPR_DEPTH) return this.tooDeep(sp);
    if (height > MAX_EXPR_HEIGHT) return this.tooTall(sp);
    this.lastDepth = depth;
    this.lastHeight = height;
    return { kind: "Paren", expr: inner, file: sp.file, start: sp.start, end: sp.end, checkedType: undefined };
  }

  /** Arguments (possibly none, trailing comma allowed); sets lastDepth / lastHeight to their maximum (0 when none). */
  private argumentList(): A.Arg[] {
    const base = this.listTop;
    let depth = 0;
    let height = 0;
    if (EXPR_START[this.la1()] === 1) {
      for (;;) {
        this.push(F.CommaOpt);
        this.listPush(this.argument());
        this.pop();
        depth = Math.max(depth, this.lastDepth);
        height = Math.max(height, this.lastHeight);
        if (this.failed()) break;
        if (this.la1() !== Tok.Comma) break;
        if (EXPR_START[this.la2()] !== 1) {
          this.next();
          break;
        }
        this.next();
      }
    }
    this.lastDepth = depth;
    this.lastHeight = height;
    return this.listEnd<A.Arg>(base);
  }

  private argument(): A.Arg {
    const s = this.nextStart();
    const c0 = this.nReal;
    let name = -2;
    if (this.la1() === Tok.Identifier && this.la2() === Tok.Colon) {
      name = this.next();
      this.next();
    }
    const value = this.expression();
    const depth = this.lastDepth;
    const height = this.lastHeight;
    const as = this.nodeSpan(s, c0);
    const arg: A.Arg = { kind: "Arg", value, file: as.file, start: as.start, end: as.end };
    if (name !== -2) arg.name = this.ident(name, as.start);
    this.lastDepth = depth;
    this.lastHeight = height;
    return arg;
  }
}

const EXPRESSION_STARTS = ["number", "identifier", "`(`"];

/** Turns the list of expected tokens into words: an expression, `}`... */
function summarizeExpected(expected: string[]): string[] {
  const uniq = [...new Set(expected)];
  if (EXPRESSION_STARTS.every((s) => uniq.includes(s))) {
    const rest = uniq.filter((s) => !["number", "identifier", "`(`", "duration", "string", "`true`", "`false`", "`-`", "`not`"].includes(s));
    return ["an expression", ...rest];
  }
  return uniq;
}

function joinExpected(list: string[]): string {
  if (list.length <= 1) return list[0] ?? "something else";
  return `${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
}

/**
 * The parser's decision tables, by token name (for test/grammar/validation.test.ts, which checks
 * that the list loops' alternatives are disjoint, that every token is handled by every list, and
 * that an error inside a list element is recovered at that element).
 */
export function grammarTables(): {
  lists: Record<string, { separators: string[]; starts: string[]; junk: string[]; block: string[]; exits: string[]; follow: string[] }>;
  exprStarts: string[];
  binary: string[];
  suffix: string[];
  assign: string[];
} {
  const names = (set: Uint8Array | readonly Tok[]): string[] => {
    const out: string[] = [];
    if (set instanceof Uint8Array) {
      for (let k = 0; k < set.length; k++) if (set[k] === 1) out.push(typeOfKind(k).name);
    } else for (const k of set) out.push(typeOfKind(k).name);
    return out;
  };
  const followOf = (f: F): string[] => names(FOLLOW.subarray(f * Tok.Count, (f + 1) * Tok.Count));
  const exits = (handled: Uint8Array[]): string[] => names(REAL_KINDS.filter((k) => !handled.some((s) => s[k] === 1)).concat([Tok.Eof]));
  const SEP = setOf(SEPARATOR_KINDS);
  const CURLY = setOf([Tok.LCurly]);
  const RISK_START = setOf([Tok.Identifier]);
  const FEATURE_START = setOf([Tok.Identifier, Tok.Export]);
  return {
    lists: {
      program: { separators: names(SEP), starts: names(ITEM_START), junk: names(TOP_JUNK), block: names(CURLY), exits: exits([SEP, ITEM_START, TOP_JUNK, CURLY]), follow: followOf(F.All) },
      block: { separators: names(SEP), starts: names(STMT_START), junk: names(STMT_JUNK), block: names(CURLY), exits: exits([SEP, STMT_START, STMT_JUNK, CURLY]), follow: followOf(F.Block) },
      risk: { separators: names(SEP), starts: names(RISK_START), junk: names(ENTRY_JUNK), block: names(CURLY), exits: exits([SEP, RISK_START, ENTRY_JUNK, CURLY]), follow: followOf(F.Risk) },
      features: { separators: names(SEP), starts: names(FEATURE_START), junk: names(ENTRY_JUNK), block: names(CURLY), exits: exits([SEP, FEATURE_START, ENTRY_JUNK, CURLY]), follow: followOf(F.Features) },
    },
    exprStarts: names(EXPR_START),
    binary: names(BINARY),
    suffix: names(SUFFIX),
    assign: names(ASSIGN),
  };
}
