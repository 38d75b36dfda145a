/**
 * The abstract syntax tree of a `.algo` file: what grammar/ hands to every later phase.
 *
 * Shape of the tree:
 *   Program
 *     items: Item[]            top-level declarations in source order:
 *       Strategy   `strategy Name "description"`
 *       Instrument `instrument es = "ESZ4"`
 *       Param      `param size: qty = 2 in [1, 5]`
 *       Risk       `risk { max_position = 10  max_order_rate = 50 per 1s  price_band = 8 ticks }`
 *       Features   `features { mid = book.mid(es)  ... }`            (a strategy's feature block)
 *       FeatureUnit`features Micro(inst: instrument, w: int = 300) { ... export a, b }`
 *       Import     `import Micro from "./micro.algo"`
 *       Var        `var fills: int = 0`                               (strategy state)
 *       Fn         `fn name(a: f64) -> f64 { return a }` or `fn name(a: f64) -> f64 = a * 2`
 *       Handler    `on book(es) when cond { ... }`, `on trade(es) as t { ... }`, `on start { }`
 *     Statements (inside Block): Let, Var, Assign, If, For, Return, ExprStmt.
 *     Expressions: Number, Duration, String, Bool, Name, Unary, Binary, Call (with Arg, positional
 *       or named), Member (`m.imb`), Index (history `x[10]`), Ticks (`2 ticks`), Paren, Error.
 *
 * Every node is `Located`: it carries its own `file` id and `start` / `end` (UTF-16 offsets into
 * the source text, end exclusive) as plain number fields, not a separate Span object: a 10k-line
 * file has ~110k nodes, and one Span object each was ~40% of the tree's objects for the garbage
 * collector to copy and promote. `spanOf(node)` makes a Span where one is stored (diagnostics,
 * symbols). A node has no field called `span`; comments (kept out of the tree) do.
 * Besides syntax, nodes hold the checker's slots (ExprSlot's `checkedType`, SymbolSlot's
 * `checkedSymbol`, CallExpr's `checkedCall`): undefined in a fresh tree, filled by compiler/check,
 * so a checked tree belongs to one checked program.
 * Error recovery: the parser always returns a Program. A declaration name it could not read is an
 * Ident with `name === ""`; an expression it could not read is an `Error` expression. A syntax
 * diagnostic was reported for each, so later phases should stay silent about them.
 * Nothing here has meaning beyond syntax: `buy`, `sell`, `ioc`, `book`, `ema`, handler kinds and
 * type names are plain identifiers the checker interprets.
 */

/** A source range: file id (index into the caller's file table), UTF-16 offsets, end exclusive. */
export interface Span {
  file: number;
  start: number;
  end: number;
}

/**
 * Where a node lies, stored on the node itself (see the file comment): the same three numbers as a
 * Span. Every node has them as its last fields before the checker's slots (`checkedType`,
 * `checkedSymbol`, `checkedCall`), so all nodes of a kind share one shape.
 */
export interface Located {
  /** File id (index into the caller's file table). */
  file: number;
  /** UTF-16 offset of the node's first character. */
  start: number;
  /** UTF-16 offset just past its last character. */
  end: number;
}

/**
 * The checker's slot on the nodes that declare or reference a name (Ident, Name and the
 * declarations): the index of the node's entry in the checked program's symbol table
 * (compiler/check/node-map.ts SlotMap, read as `program.symbols`), so that recording a symbol is
 * a store rather than an insertion into a Map of ~30k nodes. An index, not the SymbolInfo: a
 * symbol points back at its declaring node, and the tree must stay acyclic (tools and tests
 * JSON.stringify it). Undefined until a checker records a symbol; the AST builder creates it
 * (undefined) so all nodes of a kind keep one shape. Not syntax, like ExprSlot's `checkedType`.
 */
export interface SymbolSlot {
  checkedSymbol?: number;
}

/** A new Span with a node's (or another range's) file and offsets: what diagnostics and symbols store. */
export function spanOf(at: Located): Span {
  return { file: at.file, start: at.start, end: at.end };
}

/** An identifier in a declaring position (a name being introduced or a key). "" when missing. */
export interface Ident extends Located, SymbolSlot {
  kind: "Ident";
  name: string;
}

/** A type annotation: `f64`, `int`, `bool`, `price`, `qty`, `duration`, `time`, `side`, `instrument`. */
export interface TypeRef extends Located {
  kind: "TypeRef";
  name: string;
}

// ---------------------------------------------------------------------------------------------
// Top level

/** The whole file. */
export interface Program extends Located {
  kind: "Program";
  items: Item[];
}

/** Any top-level declaration. */
export type Item =
  | StrategyDecl
  | InstrumentDecl
  | ParamDecl
  | RiskBlock
  | FeaturesBlock
  | FeatureUnit
  | ImportDecl
  | VarDecl
  | FnDecl
  | Handler;

/** `strategy Name "description"` (description optional). */
export interface StrategyDecl extends Located {
  kind: "Strategy";
  name: Ident;
  description?: StringLit;
}

/** `instrument es = "ESZ4"`; `symbol` is normally a String (the checker insists). */
export interface InstrumentDecl extends Located, SymbolSlot {
  kind: "Instrument";
  name: Ident;
  symbol: Expr;
}

/** `param name: type = default in [lo, hi]`; the type and the range are optional in the syntax. */
export interface ParamDecl extends Located, SymbolSlot {
  kind: "Param";
  name: Ident;
  type?: TypeRef;
  value: Expr;
  range?: ParamRange;
}

/** The `in [lo, hi]` of a param (inclusive bounds). */
export interface ParamRange extends Located {
  kind: "Range";
  lo: Expr;
  hi: Expr;
}

/** `risk { key = value ... }`. */
export interface RiskBlock extends Located {
  kind: "Risk";
  entries: RiskEntry[];
}

/** `max_order_rate = 50 per 1s` → value 50, per 1s; `price_band = 8 ticks` → value Ticks(8). */
export interface RiskEntry extends Located {
  kind: "RiskEntry";
  key: Ident;
  value: Expr;
  per?: Expr;
}

/** A strategy's `features { ... }` block. */
export interface FeaturesBlock extends Located {
  kind: "Features";
  body: FeatureStmt[];
}

/** A standalone parameterised feature graph: `features Name(params) { defs... export a, b }`. */
export interface FeatureUnit extends Located, SymbolSlot {
  kind: "FeatureUnit";
  name: Ident;
  params: Parameter[];
  body: FeatureStmt[];
}

/** What a features body holds (the parser accepts `export` in both kinds of block; the checker decides). */
export type FeatureStmt = FeatureDef | ExportDecl;

/** `name = expr` inside a features body: defines a series. */
export interface FeatureDef extends Located, SymbolSlot {
  kind: "FeatureDef";
  name: Ident;
  value: Expr;
}

/** `export a, b, c` inside a feature unit. */
export interface ExportDecl extends Located {
  kind: "Export";
  names: Ident[];
}

/** `import A from "./file.algo"` (also `import A, B from "..."`). */
export interface ImportDecl extends Located, SymbolSlot {
  kind: "Import";
  names: Ident[];
  from: StringLit;
}

/** `var name: type = init` — mutable strategy state (also parsed inside blocks; the checker rejects it there). */
export interface VarDecl extends Located, SymbolSlot {
  kind: "Var";
  name: Ident;
  type?: TypeRef;
  init: Expr;
}

/** A parameter of a `fn` or a feature unit: `name: type` or `name: type = default`. */
export interface Parameter extends Located, SymbolSlot {
  kind: "Parameter";
  name: Ident;
  type?: TypeRef;
  default?: Expr;
}

/** `fn name(params) -> type { stmts }` or the expression form `fn name(params) -> type = expr`. */
export interface FnDecl extends Located, SymbolSlot {
  kind: "Fn";
  name: Ident;
  params: Parameter[];
  returnType?: TypeRef;
  body: Block | Expr;
}

/**
 * `on <event>[(args)] [as binding] [when guard] { body }`.
 * Examples: `on book(es)`, `on trade(es) as t`, `on bar(es, 1m) as b`, `on fill(f)`, `on timer(30s)`,
 * `on start`, `on end`. `hasParens` distinguishes `on start` from `on start()`.
 */
export interface Handler extends Located, SymbolSlot {
  kind: "Handler";
  event: Ident;
  args: Arg[];
  hasParens: boolean;
  binding?: Ident;
  guard?: Expr;
  body: Block;
}

// ---------------------------------------------------------------------------------------------
// Statements

/** `{ stmt* }`. */
export interface Block extends Located {
  kind: "Block";
  stmts: Stmt[];
}

/** Any statement inside a block. */
export type Stmt = LetStmt | VarDecl | AssignStmt | IfStmt | ForStmt | ReturnStmt | ExprStmt;

/** `let name[: type] = value` — an immutable local. */
export interface LetStmt extends Located, SymbolSlot {
  kind: "Let";
  name: Ident;
  type?: TypeRef;
  value: Expr;
}

/** Assignment operators. */
export type AssignOp = "=" | "+=" | "-=" | "*=" | "/=";

/** `target op value`; the parser accepts any expression as target, the checker requires a `var` name. */
export interface AssignStmt extends Located {
  kind: "Assign";
  target: Expr;
  op: AssignOp;
  value: Expr;
}

/** `if cond { } else if cond { } else { }`; `else` holds a Block or the next If. */
export interface IfStmt extends Located {
  kind: "If";
  cond: Expr;
  then: Block;
  else?: Block | IfStmt;
}

/** `for k in from..to { }` — half-open: k = from, from+1, ..., to-1. */
export interface ForStmt extends Located, SymbolSlot {
  kind: "For";
  variable: Ident;
  from: Expr;
  to: Expr;
  body: Block;
}

/** `return` or `return expr` (in `fn` bodies). */
export interface ReturnStmt extends Located {
  kind: "Return";
  value?: Expr;
}

/** An expression used as a statement: normally a call (`buy(es, size)`, `record("x", v)`). */
export interface ExprStmt extends Located {
  kind: "ExprStmt";
  expr: Expr;
}

// ---------------------------------------------------------------------------------------------
// Expressions

/**
 * What every expression node carries besides its syntax: one slot the checker fills with the
 * expression's type (compiler/check's ExprTypes, read as `program.types`), so that recording a
 * type is a store rather than an insertion into a Map of ~100k nodes. Undefined until a checker
 * visits the node; the AST builder creates it (undefined) with every expression so all nodes of a
 * kind keep one shape. Not syntax: the formatter ignores it, and comparisons of trees (toEqual)
 * ignore undefined properties.
 */
export interface ExprSlot extends Located {
  checkedType?: unknown;
}

/** Any expression. */
export type Expr =
  | NumberLit
  | DurationLit
  | StringLit
  | BoolLit
  | NameExpr
  | UnaryExpr
  | BinaryExpr
  | CallExpr
  | MemberExpr
  | IndexExpr
  | TicksExpr
  | ParenExpr
  | ErrorExpr;

/** `42`, `25_000`, `0.30`, `1e-3`. `isInteger`: written without `.` or exponent. */
export interface NumberLit extends ExprSlot {
  kind: "Number";
  value: number;
  raw: string;
  isInteger: boolean;
}

/** Duration units, smallest first. */
export type DurationUnit = "ns" | "us" | "ms" | "s" | "m" | "h" | "d";

/** `250ms`, `1s`, `5m`, `1.5h`. `nanos` = amount × unit in nanoseconds (may be fractional for odd input). */
export interface DurationLit extends ExprSlot {
  kind: "Duration";
  amount: number;
  unit: DurationUnit;
  nanos: number;
  raw: string;
}

/** `"text"`; `value` has escapes decoded, `raw` is the source including quotes. */
export interface StringLit extends ExprSlot {
  kind: "String";
  value: string;
  raw: string;
}

/** `true` / `false`. */
export interface BoolLit extends ExprSlot {
  kind: "Bool";
  value: boolean;
}

/** A name used as a value: a feature, param, var, let, instrument, `buy`/`sell`, `ioc`, `book`... */
export interface NameExpr extends ExprSlot, SymbolSlot {
  kind: "Name";
  name: string;
}

/** Unary operators: arithmetic negation and logical not. */
export type UnaryOp = "-" | "not";

/** `-x`, `not x`. */
export interface UnaryExpr extends ExprSlot {
  kind: "Unary";
  op: UnaryOp;
  operand: Expr;
}

/** Binary operators (see BINARY_PRECEDENCE for binding strength). */
export type BinaryOp = "or" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%";

/** `left op right`. */
export interface BinaryExpr extends ExprSlot {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

/** `callee(args)`: `ema(mid, 20)`, `book.mid(es)`, `buy(es, size, limit: p, tif: ioc)`. */
export interface CallExpr extends ExprSlot {
  kind: "Call";
  callee: Expr;
  args: Arg[];
  /** The checker's slot for the resolved call: its entry index in `program.calls` (see SymbolSlot). */
  checkedCall?: number;
}

/** One call argument: positional (`name` undefined) or named (`levels: 3`). */
export interface Arg extends Located {
  kind: "Arg";
  name?: Ident;
  value: Expr;
}

/** `object.member`: `m.imb`, `t.price`, `macd(x, 12, 26, 9).signal`, `book.mid`. */
export interface MemberExpr extends ExprSlot {
  kind: "Member";
  object: Expr;
  member: Ident;
}

/** History access `x[k]`: x as it was k updates ago (k must be a compile-time constant). */
export interface IndexExpr extends ExprSlot {
  kind: "Index";
  object: Expr;
  index: Expr;
}

/** `value ticks`: a price offset in ticks of the instrument (`book.best_ask(es) + 2 ticks`). */
export interface TicksExpr extends ExprSlot {
  kind: "Ticks";
  value: Expr;
}

/** `(expr)` — kept so the formatter reproduces the user's grouping. */
export interface ParenExpr extends ExprSlot {
  kind: "Paren";
  expr: Expr;
}

/** An expression the parser could not read (a diagnostic was reported). */
export interface ErrorExpr extends ExprSlot {
  kind: "Error";
}

/** Any node of the tree. */
export type Node =
  | Program
  | Item
  | Stmt
  | Expr
  | Ident
  | TypeRef
  | ParamRange
  | RiskEntry
  | FeatureDef
  | ExportDecl
  | Parameter
  | Block
  | Arg;

/** A source comment; kept out of the tree, attached back by the formatter and the LSP. */
export interface Comment {
  kind: "LineComment" | "BlockComment";
  /** Source text including `//` or the `/*` `*\/` delimiters. */
  text: string;
  span: Span;
}

/**
 * Binding strength of binary operators (higher binds tighter). Unary `-` binds tighter than all
 * of them, postfix (call, member, index, `ticks`) tighter still; `not` sits between `and` and the
 * comparisons, so `not a == b` is `not (a == b)`. Comparisons do not chain.
 */
export const BINARY_PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  or: 1,
  and: 2,
  "==": 4,
  "!=": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

/** Precedence of prefix `not` (between `and` and the comparisons). */
export const NOT_PRECEDENCE = 3;
/** Precedence of prefix `-` (above every binary operator). */
export const NEGATE_PRECEDENCE = 7;

/** Nanoseconds in one of each duration unit. */
export const DURATION_NANOS: Readonly<Record<DurationUnit, number>> = {
  ns: 1,
  us: 1_000,
  ms: 1_000_000,
  s: 1_000_000_000,
  m: 60_000_000_000,
  h: 3_600_000_000_000,
  d: 86_400_000_000_000,
};
