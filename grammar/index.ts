/**
 * The face of grammar/: text → AST (+ comments + syntax diagnostics), the formatter, the line
 * table. Later phases import from here only.
 */
export type * from "./ast.js";
export { BINARY_PRECEDENCE, NOT_PRECEDENCE, NEGATE_PRECEDENCE, DURATION_NANOS, spanOf } from "./ast.js";
export { SourceFile, computeLineStarts, type LineColumn } from "./source.js";
export {
  SYNTAX_CODES,
  syntaxCodeInfo,
  fillTemplate,
  type SyntaxCode,
  type SyntaxCodeInfo,
  type SyntaxDiagnostic,
} from "./syntax-codes.js";
export { parse, type ParseResult } from "./parse.js";
export { formatSource, formatProgram, formatExpr, encodeString, type FormatResult } from "./format.js";
export { KEYWORDS, MAX_NESTING } from "./lexer.js";
export { MAX_EXPR_DEPTH, MAX_EXPR_HEIGHT } from "./parser.js";
