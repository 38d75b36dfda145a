/**
 * Entry point of the parser: text → tokens (grammar/lexer.ts) → AST (grammar/parser.ts), plus
 * comments and syntax diagnostics. Never throws: every input, however malformed, yields a Program
 * and a list of diagnostics.
 */
import type { Comment, Program } from "./ast.js";
import { lex, lexArrays, Tok } from "./lexer.js";
import { Parser } from "./parser.js";
import type { SyntaxDiagnostic } from "./syntax-codes.js";

/** What `parse` returns: always a tree, plus the comments (in source order) and syntax errors. */
export interface ParseResult {
  ast: Program;
  /** Syntax diagnostics (all errors), sorted by position. Empty means the file parsed cleanly. */
  errors: SyntaxDiagnostic[];
  comments: Comment[];
}

/** Parses one file's text; `file` is the id stored in every node and span. Never throws. */
export function parse(text: string, file: number): ParseResult {
  try {
    return parseUnguarded(text, file);
  } catch (err) {
    // Only a stack overflow can get here (the nesting limits are meant to make it unreachable);
    // it is still a syntax problem of this input, not a crash of the caller.
    if (!(err instanceof RangeError)) throw err;
    return {
      ast: { kind: "Program", items: [], file, start: 0, end: text.length },
      errors: [{ code: "E0110", message: "nesting too deep (the parser ran out of stack)", span: { file, start: 0, end: 0 } }],
      comments: [],
    };
  }
}

/** Item keywords: a top-level declaration starts with one of these. */
const ITEM_KEYWORD = new Uint8Array(Tok.Count);
for (const k of [Tok.Strategy, Tok.Instrument, Tok.Param, Tok.Risk, Tok.Features, Tok.Import, Tok.Var, Tok.Fn, Tok.On]) ITEM_KEYWORD[k] = 1;

/**
 * Where the token stream (entries [0, count) of the last `lex`) is cut: before each declaration
 * that starts a line at bracket depth 0. The parser reads each chunk on its own (past its last
 * token it sees the end of the input), so an error cannot spill into the next declaration. Inside
 * an unclosed `{` nothing is cut: the parser then sees the whole rest.
 */
function chunkStarts(count: number): number[] {
  const { kinds } = lexArrays();
  const starts = [0];
  let depth = 0;
  let prev = -1;
  for (let i = 0; i < count; i++) {
    const t = kinds[i]!;
    if (t === Tok.LParen || t === Tok.LBracket || t === Tok.LCurly) depth++;
    else if (t === Tok.RParen || t === Tok.RBracket || t === Tok.RCurly) depth = Math.max(0, depth - 1);
    else if (depth === 0 && i > starts[starts.length - 1]! && ITEM_KEYWORD[t] === 1 && (prev === Tok.Newline || prev === Tok.Semicolon)) starts.push(i);
    prev = t;
  }
  return starts;
}

/** The one parser (it holds no state between inputs). */
const PARSER = new Parser();

function parseUnguarded(text: string, file: number): ParseResult {
  const lexed = lex(text, file);
  const ast = PARSER.parseProgram(text, file, lexed, chunkStarts(lexed.count));
  const errors = lexed.errors;
  errors.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { ast, errors, comments: lexed.comments };
}
