/**
 * The syntax diagnostics (E01xx) the parser reports: code, message template and a one-paragraph
 * explanation each. The compiler merges this table into the single diagnostics table; templates
 * use `{name}` placeholders filled from the values listed in `args`.
 */
import type { Span } from "./ast.js";

/** Every syntax diagnostic code. */
export type SyntaxCode =
  | "E0101"
  | "E0102"
  | "E0103"
  | "E0104"
  | "E0105"
  | "E0106"
  | "E0107"
  | "E0108"
  | "E0109"
  | "E0110";

/** A syntax error found by the lexer or the parser. All syntax diagnostics are errors. */
export interface SyntaxDiagnostic {
  code: SyntaxCode;
  /** The rendered message (template filled in). */
  message: string;
  /** Where: the offending token, or a zero-width span where something is missing. */
  span: Span;
  /** What the parser would have accepted here, as shown to users (`identifier`, `` `}` ``...). */
  expected?: string[];
  /** What to do about it. */
  hint?: string;
  /** Related places, e.g. the `{` left unclosed. */
  related?: Array<{ span: Span; message: string }>;
}

/** One row of the syntax code table. */
export interface SyntaxCodeInfo {
  code: SyntaxCode;
  /** Short name (kebab case), stable. */
  name: string;
  /** Message template; `{found}`, `{expected}`, `{text}`, `{unit}`, `{limit}` placeholders. */
  template: string;
  /** What the placeholders are. */
  args: string[];
  /** A paragraph for `algo explain`. */
  explanation: string;
}

/** The table of syntax codes, in code order. */
export const SYNTAX_CODES: readonly SyntaxCodeInfo[] = [
  {
    code: "E0101",
    name: "unexpected-token",
    template: "unexpected {found}; expected {expected}",
    args: ["found", "expected"],
    explanation:
      "The parser met a token that cannot continue the construct it was reading, for example " +
      "`param size qty = 2` (missing `:`) or `a < b < c` (comparisons do not chain). The message " +
      "lists what would have been accepted at that point. The parser skips to the end of the line " +
      "(or the closing `}`) and carries on, so errors further down are still reported.",
  },
  {
    code: "E0102",
    name: "missing-token",
    template: "expected {expected} before {found}",
    args: ["expected", "found"],
    explanation:
      "A construct ended too early: the line, the block or the file ended while something was " +
      "still required, for example `let x =` with nothing after `=`, `ema(mid, 20` without `)`, " +
      "or a `{` that is never closed. Add what the message names.",
  },
  {
    code: "E0103",
    name: "unterminated-string",
    template: "unterminated string literal",
    args: [],
    explanation:
      "A string starts with `\"` but the line ends before the closing `\"`. Strings cannot span " +
      "lines; write `\\n` for a line break inside a string.",
  },
  {
    code: "E0104",
    name: "invalid-escape",
    template: "invalid escape sequence `{text}` in string",
    args: ["text"],
    explanation:
      "Inside a string, a backslash starts an escape. The valid escapes are `\\\\`, `\\\"`, `\\n`, " +
      "`\\t` and `\\r`. To write a backslash itself, double it.",
  },
  {
    code: "E0105",
    name: "invalid-number",
    template: "invalid number literal `{text}`",
    args: ["text"],
    explanation:
      "Numbers are digits with optional `_` between digits (`25_000`), an optional fraction " +
      "(`0.30`) and an optional exponent (`1e-3`). A number cannot end with `_`, contain `__`, or " +
      "run into letters (`12abc`); separate a name from a number with a space or an operator.",
  },
  {
    code: "E0106",
    name: "invalid-duration",
    template: "invalid duration literal `{text}`; durations end in ns, us, ms, s, m, h or d",
    args: ["text"],
    explanation:
      "A duration is a number immediately followed by a unit: `500ns`, `10us`, `250ms`, `1s`, " +
      "`5m`, `1h`, `1d`. Other suffixes (`5min`, `2sec`, `1w`) are not units; write `5m`, `2s`, `7d`.",
  },
  {
    code: "E0107",
    name: "invalid-character",
    template: "invalid character {text}",
    args: ["text"],
    explanation:
      "The character cannot start any token of the language (for example `$`, `@`, `#`, a " +
      "backtick, or a non-ASCII symbol outside a string or comment). Remove it, or put the text " +
      "inside a string or a comment.",
  },
  {
    code: "E0108",
    name: "unterminated-comment",
    template: "unterminated block comment",
    args: [],
    explanation:
      "A `/*` comment is never closed with `*/`; everything to the end of the file is treated as " +
      "comment. Block comments do not nest.",
  },
  {
    code: "E0109",
    name: "missing-separator",
    template: "expected a line break or `;` between statements",
    args: [],
    explanation:
      "Statements and declarations end at the end of the line (or at `;`, or at the `}` that " +
      "closes their block). Two statements written on one line, like `let a = 1 let b = 2`, need " +
      "a `;` or a line break between them. An expression continues on the next line only after a " +
      "binary operator, a comma or an open bracket.",
  },
  {
    code: "E0110",
    name: "nesting-too-deep",
    template: "nesting too deep (more than {limit} levels)",
    args: ["limit"],
    explanation:
      "Brackets, blocks or an expression nest deeper than the compiler supports (64 brackets; " +
      "256 levels of prefix operators, calls, indexing and operands of operators — a flat chain " +
      "such as `a + b + c` is one level), or one expression is longer than 1024 operators in a " +
      "row. Real strategies never come close to these limits; split the expression with `let` " +
      "or helper features.",
  },
];

/** Looks up one row of the syntax table. */
export function syntaxCodeInfo(code: SyntaxCode): SyntaxCodeInfo {
  return SYNTAX_CODES.find((c) => c.code === code)!;
}

/** Fills a template's `{name}` placeholders. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}
