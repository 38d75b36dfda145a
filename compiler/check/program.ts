/**
 * The checked program: what the checker hands to the feature-graph builder, the analyses (risk,
 * warm-up, look-ahead, division), the code generator and the language server. It is a set of
 * tables keyed by AST node — the tree itself is not copied or rewritten.
 *
 *   files[id]       every file of the program (roots and everything they import), by the file id
 *                   stored in nodes and spans; each with its SourceFile, AST, comments, kind (strategy,
 *                   feature unit, library), file-level scope, resolved imports and risk limits.
 *   symbols         node → SymbolInfo, for declaring nodes (ParamDecl, VarDecl, LetStmt,
 *                   FeatureDef, InstrumentDecl, FnDecl, FeatureUnit, Parameter, ForStmt, their
 *                   name Idents, import/export Idents, the handler binding Ident or `fill(f)` Name)
 *                   and for every reference (NameExpr, the member Ident of `m.imb`). A SlotMap:
 *                   each entry's index is kept in the node's `checkedSymbol` slot.
 *   types           expression node → TypeInfo { type, series, literal? } (types.ts); held in
 *                   the node's own slot (ExprTypes), so a tree belongs to one checked program
 *                   (buildCheckedProgram parses every file it checks).
 *   calls           call node → ResolvedCall: the stdlib operator (OperatorMeta) or builtin,
 *                   action, fn or feature unit it calls, with its arguments bound by parameter
 *                   name (defaults are not materialised: absent optional args are absent).
 *                   A SlotMap, indexed from the call's `checkedCall` slot.
 *   constants       expression node → Interval for every compile-time constant the checker
 *                   folded (window and const args, history indices, loop bounds, risk values);
 *                   a param contributes its declared range.
 *   handlers        Handler node → HandlerInfo (kind, instruments, period, binding).
 *   fnCalls         fn symbol → the fn symbols its body calls (the call graph used for inlining).
 *   diagnostics     everything reported (syntax, names, types, units, lints, then analyses),
 *                   sorted by file, offset and code.
 *
 * Invariants: every node of every parsed file that the checker visited has its entries; a
 * reference that did not resolve has no symbol entry and its expression type is "error". The
 * checker never throws, whatever the tree (including error-recovered partial trees).
 */
import type {
  Arg,
  Comment,
  Expr,
  FeatureUnit,
  FnDecl,
  Handler,
  ImportDecl,
  Node,
  Program,
  RiskEntry,
  SourceFile,
  Span,
  StrategyDecl,
  CallExpr,
} from "../../grammar/index.js";
import type { OperatorMeta } from "../../stdlib/meta.js";
import type { ActionDef, BuiltinFunction, HandlerKind, RiskKeyDef } from "../builtins.js";
import type { Diagnostic } from "../diagnostics/index.js";
import type { NodeMap, SlotMap } from "./node-map.js";
import type { TypeInfo } from "./types.js";

/**
 * The type table of a checked program: expression node → TypeInfo. Stored in the node's
 * `checkedType` slot (grammar/ast.ts ExprSlot) — recording ~100k types in a Map was the checker's
 * hottest spot. Only the checker sets entries.
 */
export class ExprTypes {
  /** The expression's type; undefined when the checker did not visit it. */
  get(e: Expr): TypeInfo | undefined {
    return e.checkedType as TypeInfo | undefined;
  }
  /** Whether the checker recorded a type for `e`. */
  has(e: Expr): boolean {
    return e.checkedType !== undefined;
  }
  /** Records the type of `e` (the checker's job). */
  set(e: Expr, t: TypeInfo): this {
    e.checkedType = t;
    return this;
  }
}

/** A closed interval of constant values (equal bounds for a literal). Durations in ns. */
export interface Interval {
  lo: number;
  hi: number;
}

/** What a name denotes. */
export type SymbolKind =
  | "param"
  | "var"
  | "let"
  | "feature"
  | "instrument"
  | "fn"
  | "fn-param"
  | "feature-unit"
  | "unit-param"
  | "import"
  | "binding"
  | "for";

/** One declared name. */
export interface SymbolInfo {
  kind: SymbolKind;
  name: string;
  /** File id of the declaration. */
  file: number;
  /** The declaring node (ParamDecl, VarDecl, LetStmt, FeatureDef, InstrumentDecl, FnDecl, FeatureUnit, Parameter, ImportDecl, Handler, ForStmt). */
  decl: Node;
  /** Span of the declared name. */
  nameSpan: Span;
  /** The value's type (for fn: the return type; for feature-unit and import of one: the instance type). */
  type: TypeInfo;
  /** Compile-time constant value range: params (their declared range), loop variables, unit params with defaults. */
  constant?: Interval;
  /** import: the symbol it names in the imported file (a feature unit or a fn). */
  target?: SymbolInfo;
  /** binding: the handler kind that binds it. */
  bindingOf?: HandlerKind;
  /** feature / unit-param: the feature unit it belongs to (undefined for a strategy's features). */
  unit?: FeatureUnit;
  /** Number of reads (assignments to a var are not reads). */
  uses: number;
}

/**
 * The arguments of a resolved call by parameter name, in the order the call gives them. A
 * ReadonlyMap over the call's own argument list and the parameter name each argument bound to: a
 * checked program holds one per call (~11k for a 10k-line strategy), and a Map each was a large
 * share of what the checker allocates and keeps. Iterating builds a Map on demand (only the
 * language server and tests iterate).
 */
export class CallArgs implements ReadonlyMap<string, Expr> {
  /**
   * `names[j]` is the parameter `args[j]` is bound to, undefined when it bound to none (unknown
   * name, duplicate, one too many). `names` may be longer than `args` (a shared list of
   * parameter names when every argument is positional).
   */
  constructor(
    private readonly args: readonly Arg[],
    private readonly names: ReadonlyArray<string | undefined>,
  ) {}
  get size(): number {
    let n = 0;
    for (let j = 0; j < this.args.length; j++) if (this.names[j] !== undefined) n++;
    return n;
  }
  get(name: string): Expr | undefined {
    for (let j = 0; j < this.args.length; j++) if (this.names[j] === name) return this.args[j]!.value;
    return undefined;
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  forEach(callback: (value: Expr, key: string, map: ReadonlyMap<string, Expr>) => void, thisArg?: unknown): void {
    for (let j = 0; j < this.args.length; j++) {
      const name = this.names[j];
      if (name !== undefined) callback.call(thisArg, this.args[j]!.value, name, this);
    }
  }
  entries(): MapIterator<[string, Expr]> {
    return this.toMap().entries();
  }
  keys(): MapIterator<string> {
    return this.toMap().keys();
  }
  values(): MapIterator<Expr> {
    return this.toMap().values();
  }
  [Symbol.iterator](): MapIterator<[string, Expr]> {
    return this.toMap().entries();
  }
  private toMap(): Map<string, Expr> {
    const m = new Map<string, Expr>();
    this.forEach((value, key) => m.set(key, value));
    return m;
  }
}

/** A call resolved to what it calls, with arguments bound by parameter name. */
export type ResolvedCall =
  | { kind: "operator"; op: OperatorMeta; args: ReadonlyMap<string, Expr>; timeWindow: boolean }
  | { kind: "builtin"; builtin: BuiltinFunction; args: ReadonlyMap<string, Expr> }
  | { kind: "action"; action: ActionDef; args: ReadonlyMap<string, Expr>; rest: readonly Expr[] }
  | { kind: "fn"; symbol: SymbolInfo; decl: FnDecl; args: ReadonlyMap<string, Expr> }
  | { kind: "unit"; symbol: SymbolInfo; decl: FeatureUnit; args: ReadonlyMap<string, Expr> };

/** What the checker learned about one `on` handler. */
export interface HandlerInfo {
  kind: HandlerKind;
  /** Instruments named in the argument list (book, trade, bar). */
  instruments: SymbolInfo[];
  /** The bar length or timer period in ns (bar, timer). */
  period?: Interval;
  /** `as t` / `fill(f)` binding. */
  binding?: SymbolInfo;
}

/** One checked risk limit. */
export interface RiskLimit {
  def: RiskKeyDef;
  entry: RiskEntry;
  /** The limit's value (params contribute their range); undefined when it did not check. */
  value?: Interval;
  /** `price_band` written in ticks (`8 ticks`) rather than as a price. */
  inTicks?: boolean;
  /** `max_order_rate`: the window in ns. */
  perNanos?: Interval;
}

/** What kind of file it is. */
export type FileKind = "strategy" | "feature-unit" | "library";

/** One file of the program. */
export interface CheckedFile {
  id: number;
  path: string;
  source: SourceFile;
  ast: Program;
  comments: Comment[];
  kind: FileKind;
  strategy?: StrategyDecl;
  /** File-level names (params, vars, features, instruments, fns, feature units, imports). */
  scope: ReadonlyMap<string, SymbolInfo>;
  /** Each import with the file id it resolved to (undefined when missing or cyclic). */
  imports: Array<{ decl: ImportDecl; file?: number }>;
  /** The strategy's risk limits by key. */
  risk: ReadonlyMap<string, RiskLimit>;
}

/** The whole checked program. */
export interface CheckedProgram {
  files: CheckedFile[];
  /** SourceFile per file id (what the renderers take). */
  sources: SourceFile[];
  /** File ids of the files the caller asked for, in order. */
  roots: number[];
  symbols: SlotMap<Node, SymbolInfo>;
  types: ExprTypes;
  calls: SlotMap<CallExpr, ResolvedCall>;
  constants: NodeMap<Expr, Interval>;
  handlers: Map<Handler, HandlerInfo>;
  fnCalls: Map<SymbolInfo, Set<SymbolInfo>>;
  diagnostics: Diagnostic[];
}
