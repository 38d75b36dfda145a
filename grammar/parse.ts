/**
 * Entry point of the parser: text → tokens (grammar/lexer.ts) → parse nodes (grammar/parser.ts)
 * → AST (grammar/build-ast.ts), plus comments and syntax diagnostics. Never throws: every input, however
 * malformed, yields a Program and a list of diagnostics.
 */
import type { IRecognitionException, IToken, TokenType } from "chevrotain";
import type { Comment, Item, Program, Span } from "./ast.js";
import { AstBuilder } from "./build-ast.js";
import * as T from "./lexer.js";
import { runParser, type FeatureStmtN, type ParserErrorPayload } from "./parser.js";
import type { SyntaxDiagnostic } from "./syntax-codes.js";

/** What `parse` returns: always a tree, plus the comments (in source order) and syntax errors. */
export interface ParseResult {
  ast: Program;
  /** Syntax diagnostics (all errors), sorted by position. Empty means the file parsed cleanly. */
  errors: SyntaxDiagnostic[];
  comments: Comment[];
}

/** Parses one file's text; `file` is the id stored in every span. Never throws. */
export function parse(text: string, file: number): ParseResult {
  try {
    return parseUnguarded(text, file);
  } catch (err) {
    // Only a stack overflow can get here (the nesting limits are meant to make it unreachable);
    // it is still a syntax problem of this input, not a crash of the caller.
    if (!(err instanceof RangeError)) throw err;
    return {
      ast: { kind: "Program", items: [], span: { file, start: 0, end: text.length } },
      errors: [{ code: "E0110", message: "nesting too deep (the parser ran out of stack)", span: { file, start: 0, end: 0 } }],
      comments: [],
    };
  }
}

/** Item keywords: a top-level declaration starts with one of these. */
const ITEM_KEYWORDS = new Set([T.Strategy, T.Instrument, T.Param, T.Risk, T.Features, T.Import, T.Var, T.Fn, T.On]);

/**
 * Splits the token stream (entries [0, count) of the last `lex`) before each declaration that
 * starts a line at bracket depth 0. Each chunk is parsed and turned into AST on its own, so its
 * parse nodes and token objects are short-lived (a whole-file tree of a large strategy is what
 * made garbage collection dominate), and an error cannot spill into the next declaration. Inside
 * an unclosed `{` nothing is split: the parser then sees the whole rest.
 */
function splitAtDeclarations(count: number): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  let depth = 0;
  let start = 0;
  let prev: TokenType | undefined;
  for (let i = 0; i < count; i++) {
    const t = T.tokenTypeAt(i);
    if (t === T.LParen || t === T.LBracket || t === T.LCurly) depth++;
    else if (t === T.RParen || t === T.RBracket || t === T.RCurly) depth = Math.max(0, depth - 1);
    else if (depth === 0 && i > start && ITEM_KEYWORDS.has(t)) {
      if (prev === T.Newline || prev === T.Semicolon) {
        chunks.push([start, i]);
        start = i;
      }
    }
    prev = t;
  }
  chunks.push([start, count]);
  return chunks;
}

function parseUnguarded(text: string, file: number): ParseResult {
  const lexed = T.lex(text, file);
  const errors = lexed.errors;
  const builder = new AstBuilder(file, text, errors);
  // Builds features-block statements while the parser reads them (see buildFeatureStmtEarly); its
  // own diagnostics list stays empty by construction.
  const early = new AstBuilder(file, text, []);
  const featureHook = (n: FeatureStmtN): void => early.buildFeatureStmtEarly(n);
  const items: Item[] = [];
  const chunks = splitAtDeclarations(lexed.count);
  let lastErrorStart = -1;
  for (let c = 0; c < chunks.length; c++) {
    const [from, to] = chunks[c]!;
    // Pooled token objects: this chunk's parse nodes, errors and AST are done with them before
    // the next chunk reuses them.
    const { root, errors: parseErrors } = runParser(T.materializeTokens(text, from, to), featureHook);
    if (parseErrors.length > 0) {
      const next = c + 1 < chunks.length ? T.tokenAt(text, chunks[c + 1]![0]) : undefined;
      const found: SyntaxDiagnostic[] = [];
      for (const e of parseErrors) {
        const d = convertError(e, file, text, lexed.unclosedCurlies, next);
        // Recovery can report several errors at one token; the first says it best.
        if (d.span.start === lastErrorStart) continue;
        lastErrorStart = d.span.start;
        found.push(d);
      }
      for (const d of found) errors.push(d);
      builder.noteErrors(found);
    }
    builder.addItems(root, items);
  }
  const ast = builder.finishProgram(items);
  errors.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { ast, errors, comments: lexed.comments };
}

/** Words used for tokens in messages. */
function describeToken(t: IToken): string {
  switch (t.tokenType) {
    case T.Newline: return "end of line";
    case T.Semicolon: return "`;`";
    case T.Identifier: return `identifier \`${t.image}\``;
    case T.NumberLiteral:
    case T.BadNumber: return `number \`${t.image}\``;
    case T.DurationLiteral: return `duration \`${t.image}\``;
    case T.StringLiteral:
    case T.UnterminatedString: return "string";
    default:
      if (t.tokenType.name === "EOF") return "end of file";
      if (T.KEYWORDS.includes(t.image)) return `keyword \`${t.image}\``;
      return `\`${t.image}\``;
  }
}

const EXPRESSION_STARTS = ["number", "identifier", "`(`"];

/** Turns the list of expected tokens into words: an expression, a statement, `}`... */
function summarizeExpected(expected: string[], rule: string): string[] {
  const uniq = [...new Set(expected)];
  if (EXPRESSION_STARTS.every((s) => uniq.includes(s))) {
    const rest = uniq.filter((s) => !["number", "identifier", "`(`", "duration", "string", "`true`", "`false`", "`-`", "`not`"].includes(s));
    if (rule === "statement" || uniq.includes("`let`")) return ["a statement"];
    return ["an expression", ...rest];
  }
  if (rule === "item" || (uniq.includes("`strategy`") && uniq.includes("`on`"))) return ["a declaration (strategy, instrument, param, risk, features, import, var, fn, on)"];
  return uniq;
}

function joinExpected(list: string[]): string {
  if (list.length <= 1) return list[0] ?? "something else";
  return `${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
}

function convertError(e: IRecognitionException, file: number, text: string, unclosedCurlies: number[], chunkEnd: IToken | undefined): SyntaxDiagnostic {
  let payload: ParserErrorPayload = { expected: [], rule: "" };
  try {
    payload = JSON.parse(e.message) as ParserErrorPayload;
  } catch {
    payload = { expected: [], rule: "" };
  }
  // The end of a chunk is not the end of the file: there, the next declaration is what was found.
  const atChunkEnd = e.token.tokenType.name === "EOF" || !Number.isFinite(e.token.startOffset);
  const found = atChunkEnd && chunkEnd !== undefined ? chunkEnd : e.token;
  const isEof = found.tokenType.name === "EOF" || !Number.isFinite(found.startOffset);
  const expected = summarizeExpected(payload.expected, payload.rule);
  const foundText = isEof ? "end of file" : describeToken(found);
  const missing = isEof || found.tokenType === T.Newline || found.tokenType === T.Semicolon || found.tokenType === T.RCurly;
  const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  let span: Span;
  if (missing && prev !== undefined && Number.isFinite(prev.startOffset) && prev.image !== "") {
    const at = prev.startOffset + prev.image.length;
    span = { file, start: at, end: at };
  } else if (isEof) {
    span = { file, start: text.length, end: text.length };
  } else {
    span = { file, start: found.startOffset, end: found.startOffset + found.image.length };
  }
  const d: SyntaxDiagnostic = missing
    ? { code: "E0102", message: `expected ${joinExpected(expected)} before ${foundText}`, span, expected }
    : { code: "E0101", message: `unexpected ${foundText}; expected ${joinExpected(expected)}`, span, expected };
  if (isEof && expected.includes("`}`") && unclosedCurlies.length > 0) {
    const open = unclosedCurlies[unclosedCurlies.length - 1]!;
    d.related = [{ span: { file, start: open, end: open + 1 }, message: "this `{` is never closed" }];
    d.hint = "add the missing `}`";
  } else if (!missing && payload.rule === "paramDecl" && found.tokenType === T.Identifier && expected.includes("`=`")) {
    d.hint = "a type is written after a colon: `param name: type = value`";
  }
  return d;
}
