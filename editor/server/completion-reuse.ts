/**
 * Answering a completion request right after an edit from the previous version's analysis, when
 * the edit provably cannot change the answer — so completion does not wait for the new version's
 * check. The answer must be exactly the one the new version's analysis would give (a property test
 * in test/editor/completion-reuse.test.ts compares both on random edits).
 *
 * What completion reads from an analysis: the enclosing nodes at the cursor (top level, risk block,
 * body; handler or not; enclosing handlers, fns and `for`s), the file-level symbols with their
 * types, the local declarations before the cursor, the comments. The rule below accepts an edit
 * only when all of these are unchanged:
 *   1. the two texts differ in one region on one line L (no line break removed or inserted);
 *   2. L lies strictly inside the body of an `on` handler (its `{` and `}` on other lines), and no
 *      comment touches L: statements in a handler body declare nothing at file level, so every
 *      file-level symbol and type is unaffected;
 *   3. L lexes to the same sequence of token kinds before and after (only names, numbers, strings
 *      and spacing changed), with no comment, no lexing error and no `for` or `var`: the parser
 *      decides on token kinds only, so the new tree has the same shape (the same enclosing nodes);
 *   4. no `let` on L is in scope at the cursor (one declared on L is in scope only on later lines
 *      or after a `;`): its name or type may be what changed.
 */
import type { Position } from "vscode-languageserver";
import { SourceFile } from "../../grammar/index.js";
import { For, Let, Semicolon, Var, tokenize } from "../../grammar/lexer.js";
import { toOffset } from "./convert.js";
import type { CompletionSite } from "./features.js";
import { editRegion } from "./text-diff.js";
import type { Analysis } from "./workspace.js";

/** A site on `a` (an older version's analysis) answering completion at `pos` of `text`, or undefined. */
export function reusedCompletionSite(a: Analysis, text: string, pos: Position): CompletionSite | undefined {
  const old = a.file.source;
  const r = editRegion(old.text, text);
  const source = new SourceFile(old.path, text);
  const offset = toOffset(source, pos);
  if (r.start === r.oldEnd && r.start === r.newEnd) return { a, source, offset, astOffset: offset };
  // 1. One line.
  for (let i = r.start; i < r.oldEnd; i++) if (isLineBreak(old.text.charCodeAt(i))) return undefined;
  for (let i = r.start; i < r.newEnd; i++) if (isLineBreak(text.charCodeAt(i))) return undefined;
  const line = old.position(r.start).line;
  const lineStart = old.lineStarts[line - 1]!;
  const oldLineEnd = old.lineEnd(line);
  if (r.oldEnd > oldLineEnd) return undefined;
  const delta = r.newEnd - r.oldEnd;
  // 2. Strictly inside a handler body; no comment on the line.
  const inBody = a.file.ast.items.some((item) => {
    if (item.kind !== "Handler") return false;
    const body = item.body;
    return body.end > body.start && old.position(body.start).line < line && old.position(body.end - 1).line > line;
  });
  if (!inBody) return undefined;
  if (a.file.comments.some((c) => c.span.start <= oldLineEnd && c.span.end >= lineStart)) return undefined;
  // 3. Same token kinds.
  const before = tokenize(old.text.slice(lineStart, oldLineEnd), 0);
  const after = tokenize(text.slice(lineStart, oldLineEnd + delta), 0);
  if (before.comments.length + after.comments.length + before.errors.length + after.errors.length > 0) return undefined;
  if (before.tokens.length !== after.tokens.length) return undefined;
  let declares = false;
  let separated = false;
  for (let i = 0; i < before.tokens.length; i++) {
    const kind = before.tokens[i]!.tokenType;
    if (kind !== after.tokens[i]!.tokenType || kind === For || kind === Var) return undefined;
    if (kind === Let) declares = true;
    if (kind === Semicolon) separated = true;
  }
  // 4. No let of L in scope at the cursor.
  const cursorLine = pos.line + 1;
  if (declares && (cursorLine > line || (cursorLine === line && separated))) return undefined;
  // The cursor in the old text: lines before L are unchanged, later ones moved by delta; on L
  // itself any offset of the line gives the same answer (same enclosing nodes, no let in scope).
  let astOffset: number;
  if (offset <= r.start) astOffset = offset;
  else if (offset >= r.newEnd) astOffset = offset - delta;
  else astOffset = r.start;
  return { a, source, offset, astOffset };
}

function isLineBreak(c: number): boolean {
  return c === 10 || c === 13;
}
