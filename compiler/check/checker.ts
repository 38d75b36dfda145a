/**
 * The checker: name resolution, types and units, stdlib call matching, handler and action rules,
 * purity and recursion of `fn`, assignment rules, params, risk block, strategy vs feature-unit
 * files, and the lints. It fills the tables of a CheckedProgram (program.ts) for one file at a
 * time; program-building (loading imports, cycles) is in load.ts.
 *
 * It never throws: every branch tolerates the parser's error-recovered trees (empty names,
 * `Error` expressions), and an expression whose problem was already reported gets the "error"
 * type, on which every later check stays silent.
 */
import {
  type Arg,
  type AssignStmt,
  type BinaryExpr,
  type Block,
  type CallExpr,
  type Expr,
  type FeatureDef,
  type FeatureUnit,
  type FnDecl,
  type ForStmt,
  type Handler,
  type IfStmt,
  type ImportDecl,
  type Item,
  type LetStmt,
  type MemberExpr,
  type Node,
  type ParamDecl,
  type Parameter,
  type RiskBlock,
  type Span,
  type Stmt,
  type TypeRef,
  type VarDecl,
  spanOf,
} from "../../grammar/index.js";
import { OPERATORS, findOperator, qualifiedName } from "../../stdlib/catalog.js";
import { NUMERIC_TYPES, type OperatorMeta, type OperatorParam, type ScalarType } from "../../stdlib/meta.js";
import {
  ACTIONS,
  BUILTIN_FUNCTIONS,
  HANDLERS,
  NAMED_VALUES,
  RISK_KEYS,
  type ActionDef,
  type BuiltinArgType,
  type BuiltinFunction,
  type HandlerKind,
} from "../builtins.js";
import { Codes, Hints, diag, hint, type Diagnostic, type DiagnosticExtras } from "../diagnostics/index.js";
import type { DiagnosticDef, TemplateArgs } from "../diagnostics/definition.js";
import { CallArgs, type CheckedFile, type CheckedProgram, type HandlerInfo, type Interval, type ResolvedCall, type RiskLimit, type SymbolInfo, type SymbolKind } from "./program.js";
import { NodeMap } from "./node-map.js";
import { suggest } from "./suggest.js";
import {
  ERROR_TYPE,
  TYPE_NAMES,
  addUnits,
  assignable,
  describe,
  divUnits,
  isNumeric,
  isPlainNumber,
  modUnits,
  mulUnits,
  sameUnit,
  typeName,
  type OutputsTypeRef,
  type TypeInfo,
  type UnitResult,
  type UnitTypeRef,
  type ValueType,
} from "./types.js";

/** Value types that are plain strings (everything but unit instances, outputs and records). */
type PlainType = Extract<ValueType, string>;

/**
 * Shared TypeInfo objects `{ type, series }` (no `literal` key) per plain type: the checker returns
 * these instead of a fresh object per expression. Bounded by the number of type names; frozen,
 * since TypeInfo values are never mutated once made.
 */
const SHARED_TYPES = new Map<PlainType, readonly [TypeInfo, TypeInfo]>();

/** The shared `{ type, series }` of a plain type. */
function typeInfo(type: PlainType, series: boolean): TypeInfo {
  let pair = SHARED_TYPES.get(type);
  if (pair === undefined) {
    pair = [Object.freeze({ type, series: false }), Object.freeze({ type, series: true })];
    SHARED_TYPES.set(type, pair);
  }
  return series ? pair[1] : pair[0];
}

/** The types of bare literals (`2`, `0.5`, `1s`): they adapt to the unit they meet. */
const INT_LITERAL: TypeInfo = Object.freeze({ type: "int", series: false, literal: true });
const F64_LITERAL: TypeInfo = Object.freeze({ type: "f64", series: false, literal: true });
const DURATION_LITERAL: TypeInfo = Object.freeze({ type: "duration", series: false, literal: true });

/**
 * Shared TypeInfo objects of plain types by type, then series × literal state (0..5: series
 * false/true × `literal` absent/false/true), for the type table: the tree holds these instead of
 * one fresh object per expression (the tree outlives many garbage collections, and so would
 * ~100k small copies). Same keys and values as the object they stand for.
 */
const CANONICAL_TYPES = new Map<PlainType, TypeInfo[]>();

function canonicalType(t: TypeInfo): TypeInfo {
  const type = t.type;
  if (typeof type !== "string") return t;
  const literal = t.literal;
  if (literal === undefined && "literal" in t) return t; // an explicit `literal: undefined`: keep its keys
  let row = CANONICAL_TYPES.get(type);
  if (row === undefined) {
    row = [
      typeInfo(type, false),
      Object.freeze({ type, series: false, literal: false }),
      Object.freeze({ type, series: false, literal: true }),
      typeInfo(type, true),
      Object.freeze({ type, series: true, literal: false }),
      Object.freeze({ type, series: true, literal: true }),
    ];
    CANONICAL_TYPES.set(type, row);
  }
  return row[(t.series ? 3 : 0) + (literal === undefined ? 0 : literal ? 2 : 1)]!;
}

/** The shared `{ type, series: true }` of a scalar type. */
function seriesOf(type: ScalarType): TypeInfo {
  return typeInfo(type, true);
}

/** Namespaces of stdlib operators ("book", "flow", "bar", ...), from the metadata. */
const NAMESPACES: ReadonlySet<string> = new Set(OPERATORS.flatMap((op) => (op.namespace ? [op.namespace] : [])));

/** Where an expression is being checked; decides which names and calls are allowed. */
type Place = "feature" | "handler" | "fn" | "const";

/** A lexical scope: names declared in one block (or the file), with a link to the outer one. */
class Scope {
  /** The names declared here; made on the first declaration (most blocks declare nothing). */
  private declared: Map<string, SymbolInfo> | undefined;
  constructor(readonly parent: Scope | undefined) {}
  /** The names declared in this scope (not its parents). */
  get names(): Map<string, SymbolInfo> {
    return (this.declared ??= new Map());
  }
  lookup(name: string): SymbolInfo | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const hit = s.declared?.get(name);
      if (hit) return hit;
    }
    return undefined;
  }
  allNames(): string[] {
    const out: string[] = [];
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.declared) out.push(...s.declared.keys());
    return out;
  }
}

/** `ctx` with another scope (a block's own). */
function withScope(ctx: Ctx, scope: Scope): Ctx {
  return { scope, place: ctx.place, fn: ctx.fn, unit: ctx.unit };
}

/** Where we are while checking an expression. */
interface Ctx {
  scope: Scope;
  place: Place;
  /** The fn whose body this is (place "fn"). */
  fn?: SymbolInfo;
  /** The feature unit whose body this is. */
  unit?: FeatureUnit;
}

/** Per-file checking state. */
interface FileState {
  file: CheckedFile;
  scope: Scope;
  /** Features being typed, in order (the chain a cycle report shows). */
  resolving: SymbolInfo[];
  /** Every feature of the file (strategy features, then each unit's), by its definition node. */
  featureDefs: NodeMap<FeatureDef, FeatureEntry>;
  /** Fn symbols whose return type is being inferred. */
  fnResolving: Set<SymbolInfo>;
  /** Feature unit symbol → state to type its exports lazily. */
  unitDefs: Map<SymbolInfo, { unit: FeatureUnit; scope: Scope; typed: boolean }>;
  /** Lets declared in handler/fn blocks (for the unused lint). */
  lets: SymbolInfo[];
}

/** A feature and where its type stands: not yet asked for, being typed (a cycle if asked again), typed. */
interface FeatureEntry {
  sym: SymbolInfo;
  def: FeatureDef;
  /** The scope it is checked in (shared by the features of one block). */
  ctx: Ctx;
  state: "untyped" | "typing" | "typed";
}

const HANDLER_ONLY_KINDS: ReadonlySet<SymbolKind> = new Set(["var", "let", "binding"]);

/** A fn's parameter: every one is required (a `fn` parameter has no default). */
interface FnParam extends ParamShape {
  type: ScalarType | "error";
  param: Parameter;
}

/** A parameter as bindArgs sees it. */
interface ParamShape {
  name: string;
  optional: boolean;
}

/**
 * How a call's arguments bound to its parameters (bindArgs). Arrays, not Maps: every call of the
 * program is bound, and a Map per call was a large share of the checker's allocation.
 */
interface Binding {
  /** `byParam[i]`: the argument bound to parameter i (parameters that share a name share it). */
  byParam: Array<Arg | undefined>;
  ok: boolean;
}

/** The first parameter `a` is bound to, or -1 (unknown name, duplicate, one too many, variadic rest). */
function boundTo(b: Binding, a: Arg): number {
  return b.byParam.indexOf(a);
}

/** An extra positional argument of a variadic action (`log`): positional and bound to nothing. */
function isRest(b: Binding, a: Arg, variadic: boolean): boolean {
  return variadic && !a.name && boundTo(b, a) < 0;
}

/** The first parameter named like `params[i]` (a name binds once, as in a Map keyed by name). */
function firstNamed(params: readonly ParamShape[], i: number): number {
  const name = params[i]!.name;
  let j = 0;
  while (params[j]!.name !== name) j++;
  return j;
}

/** The bound arguments of a call, by parameter name, in the order the call gives them. */
function callArgs(e: CallExpr, params: readonly ParamShape[], b: Binding): CallArgs {
  let positional = true;
  for (let j = 0; j < e.args.length && positional; j++) positional = b.byParam[j] === e.args[j];
  if (positional) return new CallArgs(e.args, paramNames(params));
  const names = new Array<string | undefined>(e.args.length);
  for (let j = 0; j < e.args.length; j++) {
    const i = boundTo(b, e.args[j]!);
    names[j] = i >= 0 ? params[i]!.name : undefined;
  }
  return new CallArgs(e.args, names);
}

/** The names of a parameter list, made once per list (shared by the calls that bind in order). */
const PARAM_NAMES = new WeakMap<readonly ParamShape[], readonly string[]>();

function paramNames(params: readonly ParamShape[]): readonly string[] {
  let names = PARAM_NAMES.get(params);
  if (names === undefined) {
    names = params.map((p) => p.name);
    PARAM_NAMES.set(params, names);
  }
  return names;
}

/**
 * Parameter lists of builtins, actions and operators in the shape bindArgs takes, made once per
 * list (keyed by the static metadata, so bounded by the size of the vocabulary).
 */
const PARAM_SHAPES = new WeakMap<object, readonly ParamShape[]>();

function paramShape(params: ReadonlyArray<{ name: string; optional?: boolean }>): readonly ParamShape[] {
  let shape = PARAM_SHAPES.get(params);
  if (shape === undefined) {
    shape = params.map((p) => ({ name: p.name, optional: p.optional === true }));
    PARAM_SHAPES.set(params, shape);
  }
  return shape;
}

/** An operator's parameters in bindArgs' shape: optional when they have a default. */
function operatorShape(op: OperatorMeta): readonly ParamShape[] {
  let shape = PARAM_SHAPES.get(op);
  if (shape === undefined) {
    shape = op.params.map((p) => ({ name: p.name, optional: p.default !== undefined }));
    PARAM_SHAPES.set(op, shape);
  }
  return shape;
}

/** Checks the files of a program, filling its tables. One instance per program. */
/** The largest count window (`sma(x, n)`): its buffer holds n numbers. */
const MAX_WINDOW_COUNT = 10_000_000;
/** The largest history index (`x[k]`): x keeps k + 1 values. */
const MAX_HISTORY_INDEX = 1_000_000;

export class Checker {
  private readonly states = new Map<number, FileState>();
  /** Fns whose type is final (a feature's state is in its FeatureEntry). */
  private readonly resolvedFns = new Set<SymbolInfo>();

  constructor(private readonly program: CheckedProgram) {}

  /** Reports a diagnostic. */
  private report<T extends string>(def: DiagnosticDef<T>, span: Span, args: TemplateArgs<T>, extras?: DiagnosticExtras): void {
    this.program.diagnostics.push(diag(def, span, args, extras));
  }

  /** Records the type of `e` (a shared copy when it has one, see canonicalType) and returns `t`. */
  private setType(e: Expr, t: TypeInfo): TypeInfo {
    this.program.types.set(e, canonicalType(t));
    return t;
  }

  // ------------------------------------------------------------------------------------------
  // Files

  /**
   * Declares a file's top-level names and checks everything in it. Imports must already be
   * resolved (`importTargets` maps each import Ident to the symbol it names, when it resolved).
   */
  checkFile(file: CheckedFile, importTargets: ReadonlyMap<Node, SymbolInfo | "missing">): void {
    const scope = new Scope(undefined);
    const st: FileState = {
      file,
      scope,
      resolving: [],
      featureDefs: new NodeMap(),
      fnResolving: new Set(),
      unitDefs: new Map(),
      lets: [],
    };
    this.states.set(file.id, st);
    (file as { scope: ReadonlyMap<string, SymbolInfo> }).scope = scope.names;
    this.declareTopLevel(st, importTargets);
    const before = this.program.diagnostics.length;
    this.checkTopLevel(st);
    // Unused-name lints on a file with errors mostly repeat them (a typo leaves its target
    // "unused"); they run once the file is clean.
    const fileHasError = (d: Diagnostic): boolean => d.severity === "error" && d.span.file === file.id;
    if (!this.program.diagnostics.some(fileHasError) && !this.program.diagnostics.slice(0, before).some(fileHasError)) this.lintFile(st);
  }

  private declare(st: FileState | undefined, scope: Scope, sym: SymbolInfo, nameNode: Node | undefined): void {
    if (sym.name === "") return; // a name the parser could not read: already reported
    const prev = scope.names.get(sym.name);
    if (prev) {
      this.report(Codes.DuplicateDefinition, sym.nameSpan, { name: sym.name }, {
        related: [{ span: prev.nameSpan, message: "first defined here" }],
      });
    } else {
      if (scope.parent) {
        const outer = scope.parent.lookup(sym.name);
        if (outer && sym.kind !== "fn-param" && sym.kind !== "unit-param") {
          this.report(Codes.ShadowedName, sym.nameSpan, { name: sym.name }, {
            related: [{ span: outer.nameSpan, message: "outer definition" }],
          });
        }
      }
      scope.names.set(sym.name, sym);
    }
    this.program.symbols.set(sym.decl, sym);
    if (nameNode) this.program.symbols.set(nameNode, sym);
    if (st && sym.kind === "let") st.lets.push(sym);
  }

  private newSymbol(kind: SymbolKind, name: string, file: number, decl: Node, nameSpan: Span, type: TypeInfo): SymbolInfo {
    return { kind, name, file, decl, nameSpan, type, uses: 0 };
  }

  private declareTopLevel(st: FileState, importTargets: ReadonlyMap<Node, SymbolInfo | "missing">): void {
    const f = st.file;
    const featureCtx: Ctx = { scope: st.scope, place: "feature" };
    for (const item of f.ast.items) {
      switch (item.kind) {
        case "Instrument":
          this.declare(st, st.scope, this.newSymbol("instrument", item.name.name, f.id, item, spanOf(item.name), { type: "instrument", series: false }), item.name);
          break;
        case "Param": {
          const sym = this.newSymbol("param", item.name.name, f.id, item, spanOf(item.name), ERROR_TYPE);
          this.declare(st, st.scope, sym, item.name);
          break;
        }
        case "Var": {
          const sym = this.newSymbol("var", item.name.name, f.id, item, spanOf(item.name), ERROR_TYPE);
          this.declare(st, st.scope, sym, item.name);
          break;
        }
        case "Features":
          for (const s of item.body) {
            if (s.kind !== "FeatureDef") continue;
            const sym = this.newSymbol("feature", s.name.name, f.id, s, spanOf(s.name), ERROR_TYPE);
            this.declare(st, st.scope, sym, s.name);
            st.featureDefs.set(s, { sym, def: s, ctx: featureCtx, state: "untyped" });
          }
          break;
        case "FeatureUnit": {
          const sym = this.newSymbol("feature-unit", item.name.name, f.id, item, spanOf(item.name), ERROR_TYPE);
          this.declare(st, st.scope, sym, item.name);
          st.unitDefs.set(sym, { unit: item, scope: new Scope(st.scope), typed: false });
          break;
        }
        case "Fn": {
          const declared = item.returnType ? this.typeRef(item.returnType) : undefined;
          const sym = this.newSymbol("fn", item.name.name, f.id, item, spanOf(item.name), declared ? { type: declared, series: false } : ERROR_TYPE);
          this.declare(st, st.scope, sym, item.name);
          break;
        }
        case "Import":
          for (const n of item.names) {
            const target = importTargets.get(n);
            const t = target && target !== "missing" ? target.type : ERROR_TYPE;
            const sym = this.newSymbol("import", n.name, f.id, item, spanOf(n), t);
            if (target && target !== "missing") sym.target = target;
            this.declare(st, st.scope, sym, undefined);
            this.program.symbols.set(n, sym);
          }
          break;
        default:
          break;
      }
    }
    // Unit scopes: params and features, declared once the file scope is complete.
    for (const [sym, u] of st.unitDefs) {
      const unitCtx: Ctx = { scope: u.scope, place: "feature", unit: u.unit };
      for (const p of u.unit.params) {
        const t = p.type ? this.typeRef(p.type) : "f64";
        const ps = this.newSymbol("unit-param", p.name.name, f.id, p, spanOf(p.name), { type: t ?? "error", series: false });
        ps.unit = u.unit;
        this.declare(st, u.scope, ps, p.name);
      }
      for (const s of u.unit.body) {
        if (s.kind !== "FeatureDef") continue;
        const fs = this.newSymbol("feature", s.name.name, f.id, s, spanOf(s.name), ERROR_TYPE);
        fs.unit = u.unit;
        this.declare(st, u.scope, fs, s.name);
        st.featureDefs.set(s, { sym: fs, def: s, ctx: unitCtx, state: "untyped" });
      }
      void sym;
    }
  }

  /** A type annotation → scalar type; unknown names are reported. */
  private typeRef(t: TypeRef): ScalarType | undefined {
    if (t.name === "") return undefined;
    if ((TYPE_NAMES as readonly string[]).includes(t.name)) return t.name as ScalarType;
    const s = suggest(t.name, TYPE_NAMES);
    this.report(Codes.UnknownName, spanOf(t), { name: t.name }, s ? { hint: hint(Hints.DidYouMean, { name: s }) } : {});
    return undefined;
  }

  private checkTopLevel(st: FileState): void {
    const f = st.file;
    const fileCtx: Ctx = { scope: st.scope, place: "const" };
    let strategySeen = false;
    let riskSeen = false;
    const needsStrategy = (what: string, span: Span): void => {
      if (f.strategy) return;
      if (f.kind === "feature-unit") this.report(Codes.NotAllowedInUnit, span, { what: `${what} at the top level` });
      else this.report(Codes.MissingStrategy, span, { what }, { hint: Hints.StrategyHeader });
    };
    for (const item of f.ast.items) {
      switch (item.kind) {
        case "Strategy":
          if (strategySeen) this.report(Codes.MisplacedStatement, spanOf(item), { what: "a second `strategy` declaration" });
          strategySeen = true;
          break;
        case "Instrument":
          needsStrategy("`instrument`", spanOf(item));
          this.checkInstrument(item, fileCtx);
          break;
        case "Param":
          needsStrategy("`param`", spanOf(item));
          this.checkParam(item, fileCtx);
          break;
        case "Var":
          needsStrategy("`var`", spanOf(item));
          this.checkTopVar(item, fileCtx);
          break;
        case "Risk":
          needsStrategy("`risk`", spanOf(item));
          if (riskSeen) this.report(Codes.MisplacedStatement, spanOf(item), { what: "a second `risk` block" });
          else this.checkRisk(st, item, fileCtx);
          riskSeen = true;
          break;
        case "Features":
          needsStrategy("a `features` block", spanOf(item));
          for (const s of item.body) {
            if (s.kind === "Export") this.report(Codes.MisplacedStatement, spanOf(s), { what: "`export` outside a feature unit" });
          }
          break;
        case "FeatureUnit":
          break;
        case "Import":
          break;
        case "Fn":
          break;
        case "Handler":
          needsStrategy("an `on` handler", spanOf(item));
          this.checkHandler(st, item);
          break;
        default:
          break;
      }
    }
    // Unit params first (their defaults are constants the unit's features fold), then features
    // (lazily typed, so order does not matter), unit exports, fns.
    for (const u of st.unitDefs.values()) this.checkUnitParams(u.unit, u.scope);
    for (const entry of st.featureDefs.values()) this.featureType(st, entry.sym);
    for (const sym of st.unitDefs.keys()) this.unitType(st, sym);
    for (const item of f.ast.items) if (item.kind === "Fn") this.checkFnBody(st, item);
  }

  // ------------------------------------------------------------------------------------------
  // Declarations

  private checkInstrument(item: Item & { kind: "Instrument" }, ctx: Ctx): void {
    const t = this.expr(item.symbol, ctx);
    if (t.type !== "string" && t.type !== "error") {
      this.report(Codes.TypeMismatch, spanOf(item.symbol), { expected: "a string symbol like \"ESZ4\"", found: describe(t) });
      return;
    }
    const sym = stripParens(item.symbol);
    if (sym.kind !== "String") return;
    const key = `${item.file}|${sym.value}`;
    const first = this.instrumentSymbols.get(key);
    if (first === undefined) {
      this.instrumentSymbols.set(key, item);
      return;
    }
    this.report(
      Codes.DuplicateInstrumentSymbol,
      spanOf(item.symbol),
      { name: item.name.name, symbol: sym.value, first: first.name.name },
      { related: [{ span: spanOf(first.symbol), message: "first declared here" }] },
    );
  }

  /** Instrument declarations by file and symbol. */
  private readonly instrumentSymbols = new Map<string, Item & { kind: "Instrument" }>();

  private checkParam(item: ParamDecl, ctx: Ctx): void {
    const sym = this.program.symbols.get(item);
    const declared = item.type ? this.typeRef(item.type) : undefined;
    const vt = this.expr(item.value, ctx);
    const value = this.constInterval(item.value, ctx, false);
    let type: ScalarType | undefined = declared;
    if (vt.type !== "error" && value === undefined && !this.isConstSymbolic(item.value, ctx)) {
      this.report(Codes.NotConstant, spanOf(item.value), { what: `the default of param \`${item.name.name}\`` }, { hint: Hints.ParamRange });
    } else if (declared && vt.type !== "error" && !assignable(declared, vt, this.isIntegerConst(item.value))) {
      this.reportMismatch(spanOf(item.value), declared, vt, item.name.name);
    } else if (!declared && !item.type && typeof vt.type === "string" && vt.type !== "error") {
      type = vt.type === "string" || vt.type === "tif" || vt.type === "void" ? undefined : vt.type;
    }
    let constant = value;
    if (item.range) {
      const lo = this.expr(item.range.lo, ctx);
      const hi = this.expr(item.range.hi, ctx);
      const loV = this.constInterval(item.range.lo, ctx, false);
      const hiV = this.constInterval(item.range.hi, ctx, false);
      if (lo.type !== "error" && loV === undefined) this.report(Codes.NotConstant, spanOf(item.range.lo), { what: "a param range bound" }, { hint: Hints.ParamRange });
      if (hi.type !== "error" && hiV === undefined) this.report(Codes.NotConstant, spanOf(item.range.hi), { what: "a param range bound" }, { hint: Hints.ParamRange });
      if (type) {
        for (const [b, bt] of [[item.range.lo, lo], [item.range.hi, hi]] as const) {
          if (bt.type !== "error" && !assignable(type, bt, this.isIntegerConst(b))) this.reportMismatch(spanOf(b), type, bt, item.name.name);
        }
      }
      if (loV && hiV) {
        if (loV.lo > hiV.hi) {
          this.report(Codes.ParamRangeInverted, spanOf(item.range), { name: item.name.name, lo: fmtNum(loV.lo), hi: fmtNum(hiV.hi) }, {
            hint: hint(Hints.SwapBounds, { lo: fmtNum(loV.lo), hi: fmtNum(hiV.hi) }),
          });
        } else if (value && (value.lo < loV.lo || value.hi > hiV.hi)) {
          this.report(Codes.ParamDefaultOutOfRange, spanOf(item.value), { value: fmtNum(value.lo), name: item.name.name, lo: fmtNum(loV.lo), hi: fmtNum(hiV.hi) });
        } else {
          constant = { lo: loV.lo, hi: hiV.hi };
        }
      }
    }
    if (sym) {
      sym.type = type ? { type, series: false } : ERROR_TYPE;
      if (constant) sym.constant = constant;
    }
  }

  private checkTopVar(item: VarDecl, ctx: Ctx): void {
    const sym = this.program.symbols.get(item);
    const declared = item.type ? this.typeRef(item.type) : undefined;
    const vt = this.expr(item.init, ctx);
    let type: ValueType = declared ?? "error";
    if (vt.type !== "error") {
      const isConst = this.constInterval(item.init, ctx, true) !== undefined || this.isConstSymbolic(item.init, ctx);
      if (!isConst) {
        this.report(Codes.NotConstant, spanOf(item.init), { what: `the initial value of var \`${item.name.name}\`` });
      } else if (declared && !assignable(declared, vt, this.isIntegerConst(item.init))) {
        this.reportMismatch(spanOf(item.init), declared, vt, item.name.name);
      } else if (!declared) {
        type = vt.type === "int" && vt.literal && !this.isIntegerConst(item.init) ? "f64" : vt.type;
      }
    }
    if (type !== "error" && (type === "instrument" || type === "string" || type === "tif" || type === "void" || typeof type !== "string")) {
      this.report(Codes.TypeMismatch, spanOf(item.init), { expected: "a scalar value (number, bool, side, duration, time)", found: typeName(type) });
      type = "error";
    }
    if (sym) sym.type = { type, series: false };
  }

  private checkRisk(st: FileState, block: RiskBlock, ctx: Ctx): void {
    const risk = st.file.risk as Map<string, RiskLimit>;
    const seen = new Map<string, Span>();
    for (const e of block.entries) {
      const key = e.key.name;
      if (key === "") continue;
      const def = RISK_KEYS.get(key);
      const vt = this.expr(e.value, ctx);
      const perT = e.per ? this.expr(e.per, ctx) : undefined;
      if (!def) {
        const s = suggest(key, RISK_KEYS.keys());
        this.report(Codes.UnknownRiskKey, spanOf(e.key), { key }, {
          hint: s ? hint(Hints.DidYouMean, { name: s }) : hint(Hints.RiskKeys, { keys: [...RISK_KEYS.keys()].join(", ") }),
        });
        continue;
      }
      const prev = seen.get(key);
      if (prev) {
        this.report(Codes.DuplicateDefinition, spanOf(e.key), { name: key }, { related: [{ span: prev, message: "first set here" }] });
        continue;
      }
      seen.set(key, spanOf(e.key));
      const value = this.constInterval(e.value, ctx, true);
      if (vt.type === "error" || (perT && perT.type === "error")) continue;
      if (value === undefined) {
        this.report(Codes.NotConstant, spanOf(e.value), { what: `risk limit \`${key}\`` });
        continue;
      }
      const found = e.per ? `${describe(vt)} per ${describe(perT!)}` : describe(vt);
      const bad = (): void => this.report(Codes.RiskValueUnit, spanOf(e), { key, expected: def.expects, found });
      const integer = this.isIntegerConst(e.value);
      let ok: boolean;
      switch (def.value) {
        case "qty":
          ok = !e.per && assignable("qty", vt, integer);
          break;
        case "count":
          ok = !e.per && assignable("int", vt, integer);
          break;
        case "notional":
          ok = !e.per && assignable("notional", vt, integer);
          break;
        case "price-distance":
          ok = !e.per && assignable("price", vt, integer);
          break;
        case "rate":
          ok = e.per !== undefined && assignable("int", vt, integer) && perT!.type === "duration" && this.constInterval(e.per, ctx, true) !== undefined;
          break;
      }
      if (!ok || value.lo < 0) {
        bad();
        continue;
      }
      const limit: RiskLimit = { def, entry: e, value };
      if (def.value === "price-distance") limit.inTicks = stripParens(e.value).kind === "Ticks";
      if (e.per) {
        const p = this.constInterval(e.per, ctx, true);
        if (p) limit.perNanos = p;
      }
      risk.set(key, limit);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Features and feature units

  /** The type of a feature, computed on first request (reports cycles). */
  private featureType(st: FileState, sym: SymbolInfo): TypeInfo {
    const entry = st.featureDefs.get(sym.decl as FeatureDef);
    if (!entry || entry.sym !== sym || entry.state === "typed") return sym.type;
    if (entry.state === "typing") {
      const chain = [...st.resolving.slice(st.resolving.indexOf(sym)), sym].map((s) => s.name).join(" → ");
      this.report(Codes.FeatureCycle, sym.nameSpan, { name: sym.name, chain });
      return ERROR_TYPE;
    }
    entry.state = "typing";
    st.resolving.push(sym);
    const t = this.expr(entry.def.value, entry.ctx);
    st.resolving.pop();
    let result = t;
    if (t.type !== "error" && !t.series) {
      if (t.type === "void") result = ERROR_TYPE;
      else {
        this.report(Codes.TypeMismatch, spanOf(entry.def.value), {
          expected: "a series (an expression over market data or other features)",
          found: describe(t),
        });
        result = ERROR_TYPE;
      }
    }
    sym.type = typeof result.type === "string" ? typeInfo(result.type, result.type !== "error") : { type: result.type, series: true };
    entry.state = "typed";
    return sym.type;
  }

  /** Types a unit's exports (once) and returns its instance type. */
  private unitType(st: FileState, sym: SymbolInfo): TypeInfo {
    const u = st.unitDefs.get(sym);
    if (!u) return sym.type;
    if (u.typed) return sym.type;
    u.typed = true;
    const exports = new Map<string, TypeInfo>();
    const unitType: UnitTypeRef = { kind: "unit", name: sym.name, exports };
    sym.type = { type: unitType, series: true };
    for (const s of u.unit.body) {
      if (s.kind !== "Export") continue;
      for (const n of s.names) {
        if (n.name === "") continue;
        const fs = u.scope.names.get(n.name);
        if (!fs || fs.kind !== "feature") {
          const features = [...u.scope.names.values()].filter((x) => x.kind === "feature").map((x) => x.name);
          const sug = suggest(n.name, features);
          this.report(Codes.ExportUnknown, spanOf(n), { name: n.name, unit: sym.name }, sug ? { hint: hint(Hints.DidYouMean, { name: sug }) } : {});
          continue;
        }
        fs.uses++;
        this.program.symbols.set(n, fs);
        exports.set(n.name, this.featureType(st, fs));
      }
    }
    return sym.type;
  }

  private checkUnitParams(unit: FeatureUnit, scope: Scope): void {
    const ctx: Ctx = { scope, place: "const", unit };
    for (const p of unit.params) {
      const ps = this.program.symbols.get(p);
      if (!p.type) {
        this.report(Codes.TypeMismatch, spanOf(p.name), { expected: "a type annotation (`name: type`)", found: "none" });
      }
      if (p.default) {
        const dt = this.expr(p.default, ctx);
        const v = this.constInterval(p.default, ctx, false);
        if (dt.type !== "error") {
          if (v === undefined) this.report(Codes.NotConstant, spanOf(p.default), { what: `the default of \`${p.name.name}\`` });
          else if (ps && typeof ps.type.type === "string" && ps.type.type !== "error" && !assignable(ps.type.type as ScalarType, dt, this.isIntegerConst(p.default))) {
            this.reportMismatch(spanOf(p.default), ps.type.type as ScalarType, dt, p.name.name);
          } else if (ps) ps.constant = v;
        }
      }
      if (ps && ps.type.type !== "instrument" && !ps.constant) ps.constant = { lo: -Infinity, hi: Infinity };
    }
  }

  // ------------------------------------------------------------------------------------------
  // Functions

  /** A fn's parameters with their types, made once per fn (a fn is called from many features). */
  private fnParams(decl: FnDecl): readonly FnParam[] {
    let params = this.fnParamLists.get(decl);
    if (params === undefined) {
      params = decl.params.map((p) => {
        const t = p.type ? ((TYPE_NAMES as readonly string[]).includes(p.type.name) ? (p.type.name as ScalarType) : "error") : "f64";
        return { name: p.name.name, optional: false, type: t, param: p };
      });
      this.fnParamLists.set(decl, params);
    }
    return params;
  }

  private readonly fnParamLists = new Map<FnDecl, readonly FnParam[]>();

  /** Checks a fn body (declares its params; return type from the declaration or the body). */
  private checkFnBody(st: FileState, decl: FnDecl): TypeInfo {
    const sym = this.program.symbols.get(decl);
    if (!sym) return ERROR_TYPE;
    if (this.resolvedFns.has(sym)) return sym.type;
    if (st.fnResolving.has(sym)) return decl.returnType ? sym.type : ERROR_TYPE; // recursion: reported by the call graph
    st.fnResolving.add(sym);
    const scope = new Scope(st.scope);
    for (const p of decl.params) {
      if (p.type) this.typeRef(p.type);
      const t = p.type && (TYPE_NAMES as readonly string[]).includes(p.type.name) ? (p.type.name as ScalarType) : p.type ? "error" : "f64";
      this.declare(st, scope, this.newSymbol("fn-param", p.name.name, st.file.id, p, spanOf(p.name), { type: t, series: false }), p.name);
      if (p.default) this.report(Codes.MisplacedStatement, spanOf(p.default), { what: "a default value of a `fn` parameter" });
    }
    const ctx: Ctx = { scope, place: "fn", fn: sym };
    const declared = decl.returnType && sym.type.type !== "error" ? (sym.type.type as ScalarType) : undefined;
    let bodyType: TypeInfo;
    if (decl.body.kind === "Block") {
      bodyType = this.block(decl.body, ctx, st, declared);
      const last = decl.body.stmts[decl.body.stmts.length - 1];
      if (declared && (!last || (last.kind !== "Return" && last.kind !== "If"))) {
        this.report(Codes.ReturnMismatch, spanOf(decl.body), { fn: sym.name, expected: declared, found: "no value" });
      } else {
        // The body ends in an `if` (or returns early): every path through it must return, or the
        // call would fall off the end and give no value at run time.
        const open = fallThrough(decl.body);
        const inferred = typeof bodyType.type === "string" && bodyType.type !== "error" && bodyType.type !== "void" ? bodyType.type : undefined;
        const expected = declared ?? inferred;
        if (open && expected) {
          const noElse = open.kind === "If" && !open.else;
          this.report(Codes.ReturnMismatch, spanOf(open), { fn: sym.name, expected, found: noElse ? "no value when this `if` is false" : "no value at the end of this branch" }, {
            hint: noElse ? Hints.ElseReturns : Hints.BranchReturns,
          });
        }
      }
    } else {
      bodyType = this.expr(decl.body, ctx);
      if (declared && bodyType.type !== "error" && !assignable(declared, bodyType, this.isIntegerConst(decl.body))) {
        this.report(Codes.ReturnMismatch, spanOf(decl.body), { fn: sym.name, expected: declared, found: describe(bodyType) });
      }
    }
    st.fnResolving.delete(sym);
    if (!declared) {
      const t = bodyType.type;
      sym.type = { type: t === "int" && bodyType.literal && decl.body.kind !== "Block" ? "int" : t, series: false };
    }
    this.resolvedFns.add(sym);
    return sym.type;
  }

  // ------------------------------------------------------------------------------------------
  // Handlers

  private checkHandler(st: FileState, h: Handler): void {
    const kind = h.event.name;
    const def = HANDLERS.get(kind);
    const scope = new Scope(st.scope);
    const ctx: Ctx = { scope, place: "handler" };
    const info: HandlerInfo = { kind: (def?.kind ?? "start") as HandlerKind, instruments: [] };
    if (kind !== "" && !def) {
      const s = suggest(kind, HANDLERS.keys());
      this.report(Codes.UnknownHandler, spanOf(h.event), { kind }, s ? { hint: hint(Hints.DidYouMean, { name: s }) } : {});
    }
    if (def) {
      this.program.handlers.set(h, info);
      const bad = (span: Span): void => this.report(Codes.HandlerArguments, span, { kind, expected: def.expects });
      const args = h.args;
      const named = args.find((a) => a.name);
      if (named) bad(spanOf(named));
      const instrumentArg = (a: Arg): void => {
        const t = this.expr(a.value, ctx);
        if (t.type === "error") return;
        const sym = this.program.symbols.get(a.value);
        if (t.type !== "instrument" || !sym) bad(spanOf(a.value));
        else info.instruments.push(sym);
      };
      const durationArg = (a: Arg): void => {
        const t = this.expr(a.value, ctx);
        if (t.type === "error") return;
        const v = this.constInterval(a.value, ctx, true);
        if (t.type !== "duration" || v === undefined || v.lo <= 0) bad(spanOf(a.value));
        else info.period = v;
      };
      switch (def.kind) {
        case "book":
          if (args.length !== 1) bad(args.length > 1 ? spanOf(args[1]!) : spanOf(h.event));
          if (args[0]) instrumentArg(args[0]);
          break;
        case "trade":
          if (args.length === 0) bad(spanOf(h.event));
          for (const a of args) instrumentArg(a);
          break;
        case "bar":
          if (args.length !== 2) bad(args.length > 2 ? spanOf(args[2]!) : spanOf(h.event));
          if (args[0]) instrumentArg(args[0]);
          if (args[1]) durationArg(args[1]);
          break;
        case "timer":
          if (args.length !== 1) bad(args.length > 1 ? spanOf(args[1]!) : spanOf(h.event));
          if (args[0]) durationArg(args[0]);
          break;
        case "fill": {
          if (args.length > 1 || (args.length === 1 && h.binding)) bad(spanOf(args[args.length - 1]!));
          const a = args[0];
          if (a) {
            if (a.value.kind === "Name") {
              const b = this.newSymbol("binding", a.value.name, st.file.id, h, spanOf(a.value), { type: { kind: "record", name: "fill", fields: def.bindingFields! }, series: false });
              b.bindingOf = "fill";
              this.declare(st, scope, b, a.value);
              info.binding = b;
            } else {
              this.expr(a.value, ctx);
              bad(spanOf(a.value));
            }
          }
          break;
        }
        case "start":
        case "end":
          if (args.length > 0) bad(spanOf(args[0]!));
          break;
      }
      if (h.binding && h.binding.name !== "") {
        if (!def.bindingFields || (def.kind === "fill" && args.length > 0)) {
          if (def.kind !== "fill") bad(spanOf(h.binding));
        } else {
          const b = this.newSymbol("binding", h.binding.name, st.file.id, h, spanOf(h.binding), { type: { kind: "record", name: def.kind, fields: def.bindingFields }, series: false });
          b.bindingOf = def.kind;
          this.declare(st, scope, b, h.binding);
          info.binding = b;
        }
      }
    } else {
      for (const a of h.args) this.expr(a.value, ctx);
    }
    if (h.guard) this.condition(h.guard, ctx);
    if (h.body.stmts.length === 0 && def) this.report(Codes.EmptyHandler, spanOf(h), { kind });
    this.block(h.body, ctx, st, undefined, false);
  }

  // ------------------------------------------------------------------------------------------
  // Statements

  /**
   * Checks a block in a new scope. Returns the type of the value a fn body gives (the type of
   * its `return` statements), or "void".
   */
  private block(b: Block, outer: Ctx, st: FileState, returnType: ScalarType | undefined, newScope = true): TypeInfo {
    const ctx: Ctx = newScope ? withScope(outer, new Scope(outer.scope)) : outer;
    let ret: TypeInfo = { type: "void", series: false };
    for (const s of b.stmts) {
      const r = this.stmt(s, ctx, st, returnType);
      if (r) ret = r;
    }
    return ret;
  }

  private stmt(s: Stmt, ctx: Ctx, st: FileState, returnType: ScalarType | undefined): TypeInfo | undefined {
    switch (s.kind) {
      case "Let":
        this.letStmt(s, ctx, st);
        return undefined;
      case "Var":
        this.report(Codes.MisplacedStatement, spanOf(s), { what: "`var` inside a block" }, { hint: "declare `var` state at the top level of the strategy" });
        {
          const t = this.expr(s.init, ctx);
          // Declared anyway (as a let) so its uses below do not cascade into unknown-name errors.
          const sym = this.newSymbol("let", s.name.name, st.file.id, s, spanOf(s.name), t.type === "void" ? ERROR_TYPE : { type: t.type, series: t.series });
          sym.uses = 1;
          this.declare(undefined, ctx.scope, sym, s.name);
        }
        return undefined;
      case "Assign":
        this.assign(s, ctx);
        return undefined;
      case "If":
        return this.ifStmt(s, ctx, st, returnType);
      case "For":
        return this.forStmt(s, ctx, st, returnType);
      case "Return": {
        if (ctx.place !== "fn") {
          this.report(Codes.MisplacedStatement, spanOf(s), { what: "`return` outside a `fn`" });
          if (s.value) this.expr(s.value, ctx);
          return undefined;
        }
        const t = s.value ? this.expr(s.value, ctx) : { type: "void" as const, series: false };
        if (returnType && t.type !== "error" && !assignable(returnType, t, s.value ? this.isIntegerConst(s.value) : false)) {
          this.report(Codes.ReturnMismatch, s.value ? spanOf(s.value) : spanOf(s), { fn: ctx.fn?.name ?? "", expected: returnType, found: describe(t) });
        }
        return t;
      }
      case "ExprStmt": {
        const e = s.expr;
        if (e.kind === "Call") {
          const t = this.call(e, ctx, true);
          const rc = this.program.calls.get(e);
          if (rc && rc.kind !== "action" && t.type !== "error") this.report(Codes.NotAStatement, spanOf(e), {});
          return undefined;
        }
        const t = this.expr(e, ctx);
        if (t.type !== "error") this.report(Codes.NotAStatement, spanOf(e), {});
        return undefined;
      }
    }
  }

  private letStmt(s: LetStmt, ctx: Ctx, st: FileState): void {
    const t = this.expr(s.value, ctx);
    let type: TypeInfo = { type: t.type, series: t.series };
    if (t.type === "void") {
      type = ERROR_TYPE;
    }
    if (s.type) {
      const declared = this.typeRef(s.type);
      if (declared && t.type !== "error" && t.type !== "void") {
        if (!assignable(declared, t, this.isIntegerConst(s.value))) this.reportMismatch(spanOf(s.value), declared, t, s.name.name);
        type = { type: declared, series: t.series };
      } else if (!declared) type = ERROR_TYPE;
    } else if (t.literal) {
      type = { type: t.type === "int" && !this.isIntegerConst(s.value) ? "f64" : t.type, series: false, literal: true };
    }
    const sym = this.newSymbol("let", s.name.name, st.file.id, s, spanOf(s.name), type);
    const c = this.constInterval(s.value, ctx, true);
    if (c && !t.series) sym.constant = c;
    this.declare(st, ctx.scope, sym, s.name);
  }

  private assign(s: AssignStmt, ctx: Ctx): void {
    const vt = this.expr(s.value, ctx);
    const target = s.target;
    if (target.kind !== "Name") {
      this.expr(target, ctx);
      this.report(Codes.AssignToNonVar, spanOf(target), { name: exprText(target), kind: "expression" });
      return;
    }
    const sym = ctx.scope.lookup(target.name);
    if (!sym) {
      this.unknownName(target.name, spanOf(target), ctx);
      this.setType(target, ERROR_TYPE);
      return;
    }
    this.program.symbols.set(target, sym);
    this.setType(target, sym.type);
    if (sym.kind !== "var") {
      const hintText = sym.kind === "let" ? hint(Hints.DeclareVar, { name: sym.name, type: typeName(sym.type.type) }) : undefined;
      this.report(Codes.AssignToNonVar, spanOf(target), { name: sym.name, kind: kindName(sym.kind) }, {
        related: [{ span: sym.nameSpan, message: "declared here" }],
        ...(hintText ? { hint: hintText } : {}),
      });
      return;
    }
    if (ctx.place === "fn") {
      this.report(Codes.ImpureFunction, spanOf(s), { fn: ctx.fn?.name ?? "", what: `assigning to var \`${sym.name}\`` });
      return;
    }
    const want = sym.type.type;
    if (vt.type === "error" || want === "error" || typeof want !== "string") return;
    if (s.op === "=") {
      if (!assignable(want as ScalarType, vt, this.isIntegerConst(s.value))) this.reportAssign(spanOf(s.value), sym.name, want as ScalarType, vt);
      return;
    }
    if (typeof vt.type !== "string") return;
    const vs = vt.type as ScalarType;
    let r: UnitResult;
    if (s.op === "+=" || s.op === "-=") r = addUnits(s.op === "+=" ? "+" : "-", want as ScalarType, false, vs, vt.literal === true);
    else if (s.op === "*=") r = mulUnits(want as ScalarType, false, vs, vt.literal === true);
    else r = divUnits(want as ScalarType, false, vs, vt.literal === true);
    if (!r.ok) {
      if (r.reason === "non-numeric") this.report(Codes.NonNumericOperand, spanOf(s), { op: s.op, found: `${typeName(want)} and ${typeName(vs)}` });
      else this.reportAssign(spanOf(s.value), sym.name, want as ScalarType, vt);
    } else if (r.type !== want && !(want === "f64" && r.type === "int")) {
      this.reportAssign(spanOf(s.value), sym.name, want as ScalarType, { type: r.type, series: false });
    }
  }

  private ifStmt(s: IfStmt, ctx: Ctx, st: FileState, returnType: ScalarType | undefined): TypeInfo | undefined {
    this.condition(s.cond, ctx);
    const a = this.block(s.then, ctx, st, returnType);
    let b: TypeInfo | undefined;
    if (s.else) b = s.else.kind === "Block" ? this.block(s.else, ctx, st, returnType) : this.ifStmt(s.else, ctx, st, returnType);
    if (ctx.place !== "fn") return undefined;
    return b && b.type !== "void" ? b : a;
  }

  private forStmt(s: ForStmt, ctx: Ctx, st: FileState, returnType: ScalarType | undefined): TypeInfo | undefined {
    let range: Interval | undefined;
    const bound = (e: Expr): Interval | undefined => {
      const t = this.expr(e, ctx);
      if (t.type === "error") return undefined;
      const v = this.constInterval(e, ctx, true);
      if (v === undefined) {
        this.report(Codes.NotConstant, spanOf(e), { what: "a loop bound" });
        return undefined;
      }
      if (t.type !== "int") {
        this.report(Codes.TypeMismatch, spanOf(e), { expected: "int", found: describe(t) });
        return undefined;
      }
      return v;
    };
    const from = bound(s.from);
    const to = bound(s.to);
    if (from && to) range = { lo: from.lo, hi: to.hi - 1 };
    const scope = new Scope(ctx.scope);
    const sym = this.newSymbol("for", s.variable.name, st.file.id, s, spanOf(s.variable), { type: "int", series: false });
    sym.constant = range ?? { lo: -Infinity, hi: Infinity };
    this.declare(st, scope, sym, s.variable);
    const r = this.block(s.body, withScope(ctx, scope), st, returnType, false);
    return ctx.place === "fn" ? r : undefined;
  }

  private condition(e: Expr, ctx: Ctx): void {
    const t = this.expr(e, ctx);
    if (t.type === "error") return;
    if (t.type !== "bool") {
      this.report(Codes.ConditionNotBool, spanOf(e), { found: describe(t) }, isNumeric(t.type) ? { hint: hint(Hints.UseComparison, { expr: exprText(e) }) } : {});
      return;
    }
    const c = this.constBoolValue(e);
    if (c !== undefined) this.report(Codes.ConstantCondition, spanOf(e), { value: String(c) });
  }

  // ------------------------------------------------------------------------------------------
  // Expressions

  /** Types an expression, records it and returns the type. */
  expr(e: Expr, ctx: Ctx): TypeInfo {
    switch (e.kind) {
      case "Number":
        return this.setType(e, e.isInteger ? INT_LITERAL : F64_LITERAL);
      case "Duration":
        return this.setType(e, DURATION_LITERAL);
      case "String":
        return this.setType(e, typeInfo("string", false));
      case "Bool":
        return this.setType(e, typeInfo("bool", false));
      case "Error":
        return this.setType(e, ERROR_TYPE);
      case "Paren":
        return this.setType(e, this.expr(e.expr, ctx));
      case "Name":
        return this.setType(e, this.name(e, ctx));
      case "Unary": {
        const t = this.expr(e.operand, ctx);
        if (t.type === "error") return this.setType(e, ERROR_TYPE);
        if (e.op === "not") {
          if (t.type !== "bool") {
            this.report(Codes.BoolOperands, spanOf(e.operand), { op: "not", found: describe(t) });
            return this.setType(e, ERROR_TYPE);
          }
          return this.setType(e, t);
        }
        if (!isNumeric(t.type) && t.type !== "duration") {
          this.report(Codes.NonNumericOperand, spanOf(e.operand), { op: "-", found: describe(t) });
          return this.setType(e, ERROR_TYPE);
        }
        return this.setType(e, t);
      }
      case "Binary":
        return this.setType(e, this.binary(e, ctx));
      case "Call":
        return this.setType(e, this.call(e, ctx, false));
      case "Member":
        return this.setType(e, this.member(e, ctx));
      case "Index": {
        const t = this.expr(e.object, ctx);
        const k = this.expr(e.index, ctx);
        let bad = false;
        if (k.type !== "error") {
          const v = this.constInterval(e.index, ctx, true);
          if (v === undefined || k.type !== "int" || v.lo < 0 || !Number.isInteger(v.lo) || v.hi > MAX_HISTORY_INDEX) {
            this.report(Codes.BadHistoryIndex, spanOf(e.index), { found: v === undefined ? describe(k) : fmtInterval(v, k.type) });
            bad = true;
          }
        }
        if (t.type === "error") return this.setType(e, ERROR_TYPE);
        if (!t.series) {
          this.report(Codes.HistoryOfScalar, spanOf(e.object), { found: typeName(t.type) });
          return this.setType(e, ERROR_TYPE);
        }
        if (typeof t.type !== "string") {
          this.report(Codes.TypeMismatch, spanOf(e.object), { expected: "a series of numbers or bools", found: typeName(t.type) });
          return this.setType(e, ERROR_TYPE);
        }
        return this.setType(e, bad ? ERROR_TYPE : typeInfo(t.type, true));
      }
      case "Ticks": {
        const t = this.expr(e.value, ctx);
        if (t.type === "error") return this.setType(e, ERROR_TYPE);
        if (!isPlainNumber(t.type) || t.series) {
          this.report(Codes.TypeMismatch, spanOf(e.value), { expected: "a plain number of ticks", found: describe(t) });
          return this.setType(e, ERROR_TYPE);
        }
        return this.setType(e, typeInfo("price", false));
      }
    }
  }

  private name(e: Expr & { kind: "Name" }, ctx: Ctx): TypeInfo {
    const sym = ctx.scope.lookup(e.name);
    if (!sym) {
      const nv = NAMED_VALUES.get(e.name);
      if (nv) return typeInfo(nv, false);
      if (NAMESPACES.has(e.name) || BUILTIN_FUNCTIONS.has(e.name) || ACTIONS.has(e.name) || findOperator(e.name)) {
        this.report(Codes.TypeMismatch, spanOf(e), { expected: "a value", found: `function \`${e.name}\`` }, { hint: `call it: \`${e.name}(...)\`` });
        return ERROR_TYPE;
      }
      if (e.name !== "") this.unknownName(e.name, spanOf(e), ctx);
      return ERROR_TYPE;
    }
    this.program.symbols.set(e, sym);
    sym.uses++;
    if (ctx.place === "feature" && HANDLER_ONLY_KINDS.has(sym.kind)) {
      this.report(Codes.HandlerOnlyInFeatures, spanOf(e), { name: e.name, what: `a ${kindName(sym.kind)}, which exists only in handlers` }, { hint: Hints.FeaturesOnly });
      return ERROR_TYPE;
    }
    switch (sym.kind) {
      case "fn":
      case "feature-unit":
        this.report(Codes.TypeMismatch, spanOf(e), { expected: "a value", found: `${kindName(sym.kind)} \`${sym.name}\`` }, { hint: `call it: \`${sym.name}(...)\`` });
        return ERROR_TYPE;
      case "import":
        if (sym.target) {
          this.report(Codes.TypeMismatch, spanOf(e), { expected: "a value", found: `${kindName(sym.target.kind)} \`${sym.name}\`` }, { hint: `call it: \`${sym.name}(...)\`` });
        }
        return ERROR_TYPE;
      default:
        return this.symbolType(sym);
    }
  }

  private symbolType(sym: SymbolInfo): TypeInfo {
    if (sym.kind === "feature") {
      const st = this.states.get(sym.file);
      return st ? this.featureType(st, sym) : sym.type;
    }
    if (sym.kind === "feature-unit") {
      const st = this.states.get(sym.file);
      return st ? this.unitType(st, sym) : sym.type;
    }
    return sym.type;
  }

  private unknownName(name: string, span: Span, ctx: Ctx): void {
    const candidates = [...ctx.scope.allNames(), ...NAMED_VALUES.keys()];
    const s = suggest(name, candidates);
    this.report(Codes.UnknownName, span, { name }, s ? { hint: hint(Hints.DidYouMean, { name: s }) } : {});
  }

  private binary(e: BinaryExpr, ctx: Ctx): TypeInfo {
    const a = this.expr(e.left, ctx);
    const b = this.expr(e.right, ctx);
    const series = a.series || b.series;
    if (a.type === "error" || b.type === "error") return ERROR_TYPE;
    const op = e.op;
    if (op === "and" || op === "or") {
      const bad = a.type !== "bool" ? a : b.type !== "bool" ? b : undefined;
      if (bad) {
        this.report(Codes.BoolOperands, spanOf(bad === a ? e.left : e.right), { op, found: describe(bad) });
        return ERROR_TYPE;
      }
      return typeInfo("bool", series);
    }
    if (typeof a.type !== "string" || typeof b.type !== "string" || a.type === "void" || b.type === "void") {
      const bad = typeof a.type !== "string" || a.type === "void" ? a : b;
      this.report(Codes.NonNumericOperand, spanOf(bad === a ? e.left : e.right), { op, found: describe(bad) });
      return ERROR_TYPE;
    }
    const at = a.type as ScalarType;
    const bt = b.type as ScalarType;
    const aLit = a.literal === true;
    const bLit = b.literal === true;
    if (op === "==" || op === "!=") {
      if ((isNumeric(at) || at === "duration") && (isNumeric(bt) || bt === "duration")) {
        const r = sameUnit(at, aLit, bt, bLit);
        if (!r.ok) {
          this.report(Codes.UnitCompare, spanOf(e), { left: at, right: bt });
          return ERROR_TYPE;
        }
      } else if (at !== bt) {
        this.report(Codes.TypeMismatch, spanOf(e.right), { expected: typeName(at), found: describe(b) });
        return ERROR_TYPE;
      }
      return typeInfo("bool", series);
    }
    if (op === "<" || op === "<=" || op === ">" || op === ">=") {
      if (!isOrdered(at) || !isOrdered(bt)) {
        const bad = !isOrdered(at) ? a : b;
        this.report(Codes.NonNumericOperand, spanOf(bad === a ? e.left : e.right), { op, found: describe(bad) });
        return ERROR_TYPE;
      }
      const ok = at === "time" || bt === "time" ? at === bt : sameUnit(at, aLit, bt, bLit).ok;
      if (!ok) {
        this.report(Codes.UnitCompare, spanOf(e), { left: at, right: bt }, this.unitHint(at, bt));
        return ERROR_TYPE;
      }
      return typeInfo("bool", series);
    }
    let r: UnitResult;
    if (op === "+" || op === "-") r = addUnits(op, at, aLit, bt, bLit);
    else if (op === "*") r = mulUnits(at, aLit, bt, bLit);
    else if (op === "/") r = divUnits(at, aLit, bt, bLit);
    else r = modUnits(at, aLit, bt, bLit);
    if (!r.ok) {
      if (r.reason === "non-numeric") {
        const bad = !(isNumeric(at) || at === "duration" || at === "time") ? a : b;
        this.report(Codes.NonNumericOperand, spanOf(bad === a ? e.left : e.right), { op, found: describe(bad) });
      } else if (r.reason === "product") {
        this.report(Codes.UnitProduct, spanOf(e), { left: at, op, right: bt });
      } else {
        const verb = op === "+" ? "add" : op === "-" ? "subtract" : "take the remainder of";
        this.report(Codes.UnitMismatch, spanOf(e), { verb, left: at, right: bt }, this.unitHint(at, bt));
      }
      return ERROR_TYPE;
    }
    return r.literal ? { type: r.type, series, literal: true } : typeInfo(r.type, series);
  }

  private unitHint(a: ScalarType, b: ScalarType): DiagnosticExtras {
    const pq = (a === "price" && b === "qty") || (a === "qty" && b === "price");
    const advice = pq
      ? Hints.ConvertToNotional
      : isPlainNumber(a) || isPlainNumber(b)
        ? hint(Hints.LiteralAdapts, { unit: isPlainNumber(a) ? b : a })
        : "convert one side first (a ratio of two same-unit values is a plain f64)";
    return { hint: hint(Hints.UnitAddition, { left: a, right: b, advice }) };
  }

  private member(e: MemberExpr, ctx: Ctx): TypeInfo {
    // `book.mid` without a call: an operator used as a value.
    if (e.object.kind === "Name" && !ctx.scope.lookup(e.object.name) && NAMESPACES.has(e.object.name)) {
      const q = `${e.object.name}.${e.member.name}`;
      if (findOperator(q)) this.report(Codes.TypeMismatch, spanOf(e), { expected: "a value", found: `function \`${q}\`` }, { hint: `call it: \`${q}(...)\`` });
      else this.unknownFunction(q, spanOf(e), e.object.name);
      return ERROR_TYPE;
    }
    const t = this.expr(e.object, ctx);
    const field = e.member.name;
    if (t.type === "error" || field === "") return ERROR_TYPE;
    const target = exprText(e.object);
    const vt = t.type;
    if (typeof vt === "string") {
      this.report(Codes.UnknownField, spanOf(e.member), { target, field });
      return ERROR_TYPE;
    }
    if (vt.kind === "unit") {
      const x = vt.exports.get(field);
      if (!x) return this.noField(e, target, [...vt.exports.keys()]);
      const fsym = this.unitExportSymbol(vt, field);
      if (fsym) this.program.symbols.set(e.member, fsym);
      return { type: x.type, series: true }; // a unit's export: a scalar or error type
    }
    if (vt.kind === "outputs") {
      const x = vt.fields.get(field);
      if (!x) return this.noField(e, target, [...vt.fields.keys()]);
      return typeInfo(x, true);
    }
    const x = vt.fields[field];
    if (!x) return this.noField(e, target, Object.keys(vt.fields));
    return typeInfo(x, false);
  }

  private unitExportSymbol(u: UnitTypeRef, field: string): SymbolInfo | undefined {
    for (const st of this.states.values()) {
      for (const [sym, d] of st.unitDefs) {
        if (sym.name === u.name && sym.type.type === u) return d.scope.names.get(field);
      }
    }
    return undefined;
  }

  private noField(e: MemberExpr, target: string, fields: string[]): TypeInfo {
    const s = suggest(e.member.name, fields);
    this.report(Codes.UnknownField, spanOf(e.member), { target, field: e.member.name }, {
      hint: s ? hint(Hints.DidYouMean, { name: s }) : hint(Hints.Fields, { fields: fields.join(", ") || "none" }),
    });
    return ERROR_TYPE;
  }

  private unknownFunction(name: string, span: Span, namespace: string | undefined): void {
    let candidates: string[];
    if (namespace !== undefined) candidates = OPERATORS.filter((o) => o.namespace === namespace).map(qualifiedName);
    else {
      candidates = [
        ...OPERATORS.filter((o) => !o.namespace).map((o) => o.name),
        ...BUILTIN_FUNCTIONS.keys(),
        ...ACTIONS.keys(),
        ...OPERATORS.filter((o) => o.namespace).map(qualifiedName),
      ];
    }
    const s = suggest(name, candidates);
    this.report(Codes.UnknownFunction, span, { name }, s ? { hint: hint(Hints.DidYouMean, { name: s }) } : {});
  }

  // ------------------------------------------------------------------------------------------
  // Calls

  private call(e: CallExpr, ctx: Ctx, statement: boolean): TypeInfo {
    const callee = e.callee;
    if (callee.kind === "Name") {
      const name = callee.name;
      const sym = ctx.scope.lookup(name);
      if (sym) {
        this.program.symbols.set(callee, sym);
        sym.uses++;
        const target = sym.kind === "import" ? sym.target : sym;
        if (sym.kind === "import" && !target) return this.checkArgsOnly(e, ctx);
        if (target && target.kind === "fn") return this.fnCall(e, ctx, sym, target);
        if (target && target.kind === "feature-unit") return this.unitCall(e, ctx, sym, target);
        this.report(Codes.NotCallable, spanOf(callee), { name, kind: kindName(sym.kind) }, { related: [{ span: sym.nameSpan, message: "declared here" }] });
        return this.checkArgsOnly(e, ctx);
      }
      const action = ACTIONS.get(name);
      if (action) return this.actionCall(e, ctx, action, statement);
      const builtin = BUILTIN_FUNCTIONS.get(name);
      if (builtin) return this.builtinCall(e, ctx, builtin);
      const op = findOperator(name);
      if (op) return this.operatorCall(e, ctx, op, name);
      if (name !== "") this.unknownFunction(name, spanOf(callee), undefined);
      return this.checkArgsOnly(e, ctx);
    }
    if (callee.kind === "Member" && callee.object.kind === "Name" && !ctx.scope.lookup(callee.object.name) && NAMESPACES.has(callee.object.name)) {
      const q = `${callee.object.name}.${callee.member.name}`;
      const op = findOperator(q);
      if (op) return this.operatorCall(e, ctx, op, q);
      if (callee.member.name !== "") this.unknownFunction(q, spanOf(callee), callee.object.name);
      return this.checkArgsOnly(e, ctx);
    }
    if (callee.kind === "Member" && callee.object.kind === "Name" && !ctx.scope.lookup(callee.object.name) && !NAMED_VALUES.has(callee.object.name)) {
      // `foo.bar(...)` with an unknown namespace.
      const q = `${callee.object.name}.${callee.member.name}`;
      if (callee.object.name !== "") this.unknownFunction(q, spanOf(callee), undefined);
      return this.checkArgsOnly(e, ctx);
    }
    const t = this.expr(callee, ctx);
    if (t.type !== "error") this.report(Codes.NotCallable, spanOf(callee), { name: exprText(callee), kind: describe(t) });
    return this.checkArgsOnly(e, ctx);
  }

  /** Types the arguments of a call that did not resolve; the call's type is "error". */
  private checkArgsOnly(e: CallExpr, ctx: Ctx): TypeInfo {
    for (const a of e.args) this.expr(a.value, ctx);
    return ERROR_TYPE;
  }

  /**
   * Binds arguments to parameters: positional ones fill the next unbound parameter in order,
   * named ones their parameter. Reports unknown, duplicate, missing and extra arguments.
   */
  private bindArgs(e: CallExpr, callee: string, params: readonly ParamShape[], variadic: boolean): Binding {
    // Made at their size and filled by a loop (`fill` is a slow path in V8, `push` over-allocates).
    const byParam = new Array<Arg | undefined>(params.length);
    for (let i = 0; i < params.length; i++) byParam[i] = undefined;
    let ok = true;
    let next = 0;
    let extra: Arg | undefined;
    for (let j = 0; j < e.args.length; j++) {
      const a = e.args[j]!;
      if (a.name) {
        const pname = a.name.name;
        if (pname === "") continue;
        let i = 0;
        while (i < params.length && params[i]!.name !== pname) i++;
        if (i === params.length) {
          const s = suggest(pname, params.map((p) => p.name));
          this.report(Codes.UnknownNamedArgument, spanOf(a.name), { callee, name: pname }, s ? { hint: hint(Hints.DidYouMean, { name: s }) } : {});
          ok = false;
          continue;
        }
        const first = byParam[i];
        if (first !== undefined) {
          this.report(Codes.DuplicateArgument, spanOf(a), { name: pname }, { related: [{ span: spanOf(first), message: "first given here" }] });
          ok = false;
          continue;
        }
        byParam[i] = a;
        continue;
      }
      while (next < params.length && byParam[firstNamed(params, next)] !== undefined) next++;
      if (next < params.length) {
        byParam[firstNamed(params, next)] = a;
        next++;
      } else if (!variadic) extra ??= a;
    }
    if (extra) {
      this.report(Codes.TooManyArguments, spanOf(extra), { callee, max: params.length, found: e.args.length });
      ok = false;
    }
    for (let i = 0; i < params.length; i++) {
      const f = firstNamed(params, i);
      if (!params[i]!.optional && byParam[f] === undefined) {
        this.report(Codes.MissingArgument, spanOf(e), { param: params[i]!.name, callee });
        ok = false;
      }
      byParam[i] = byParam[f];
    }
    return { byParam, ok };
  }

  private operatorCall(e: CallExpr, ctx: Ctx, op: OperatorMeta, q: string): TypeInfo {
    const params = operatorShape(op);
    const b = this.bindArgs(e, q, params, false);
    // The type of each bound argument by parameter index (for outputs typed `sameAs` one).
    const argTypes = new Array<TypeInfo | undefined>(params.length);
    for (let i = 0; i < params.length; i++) argTypes[i] = undefined;
    let failed = !b.ok;
    let timeWindow = false;
    for (const a of e.args) if (boundTo(b, a) < 0) this.expr(a.value, ctx);
    for (let i = 0; i < params.length; i++) {
      const a = b.byParam[i];
      if (!a) continue;
      const t = this.expr(a.value, ctx);
      argTypes[i] = t;
      if (t.type === "error") {
        failed = true;
        continue;
      }
      const r = this.checkOperatorArg(q, op.params[i]!, a.value, t, ctx);
      if (r === "fail") failed = true;
      if (r === "time") timeWindow = true;
    }
    this.program.calls.set(e, { kind: "operator", op, args: callArgs(e, params, b), timeWindow });
    if (failed) return ERROR_TYPE;
    if (op.outputs.length === 1) return seriesOf(outputType(op, op.outputs[0]!, argTypes));
    const fields = new Map<string, ScalarType>();
    for (const o of op.outputs) fields.set(o.name, outputType(op, o, argTypes));
    const outputs: OutputsTypeRef = { kind: "outputs", op, fields };
    return { type: outputs, series: true };
  }

  /** Checks one operator argument; "time" when it is a duration window. */
  private checkOperatorArg(callee: string, p: OperatorParam, e: Expr, t: TypeInfo, ctx: Ctx): "ok" | "fail" | "time" {
    switch (p.kind) {
      case "series": {
        const accepts = p.accepts ?? NUMERIC_TYPES;
        if (!t.series && p.levelOk && t.type !== "error" && this.constInterval(e, ctx, true) !== undefined) {
          // A constant level in place of the series (`crossover(r, 30)`): any numeric constant.
          if (typeof t.type === "string" && isNumeric(t.type)) return "ok";
        }
        if (!t.series) {
          this.report(Codes.ArgumentType, spanOf(e), { param: p.name, callee, expected: `a series of ${accepts.join(" or ")}`, found: describe(t) });
          return "fail";
        }
        const ty = t.type;
        if (typeof ty !== "string" || !(accepts as readonly string[]).includes(ty)) {
          if (ty === "int" && accepts.includes("f64")) return "ok";
          const acceptText = accepts.join(" or ");
          if (typeof ty === "string" && isNumeric(ty) && accepts.some((x) => isNumeric(x))) {
            this.report(Codes.ArgumentUnit, spanOf(e), { param: p.name, callee, expected: acceptText, found: ty });
          } else {
            this.report(Codes.ArgumentType, spanOf(e), { param: p.name, callee, expected: `a series of ${acceptText}`, found: describe(t) });
          }
          return "fail";
        }
        return "ok";
      }
      case "instrument":
        if (t.type !== "instrument") {
          this.report(Codes.ArgumentType, spanOf(e), { param: p.name, callee, expected: "an instrument", found: describe(t) });
          return "fail";
        }
        return "ok";
      case "window": {
        const v = this.constInterval(e, ctx, true);
        if (v === undefined) {
          this.report(Codes.NotConstant, spanOf(e), { what: `the window of \`${callee}\`` }, { hint: Hints.WindowForm });
          return "fail";
        }
        const allowsTime = p.allowsTime !== false;
        if (t.type === "duration" && allowsTime) {
          if (v.lo <= 0 || !Number.isFinite(v.hi)) {
            this.report(Codes.ArgumentOutOfRange, spanOf(e), { param: p.name, callee, lo: "1ns", hi: "∞", value: fmtInterval(v, "duration") });
            return "fail";
          }
          return "time";
        }
        if (t.type !== "int") {
          this.report(Codes.BadWindow, spanOf(e), { callee, expected: allowsTime ? "an int count or a duration" : "an int count", found: describe(t) }, allowsTime ? { hint: Hints.WindowForm } : {});
          return "fail";
        }
        // A count window sizes a buffer of that many numbers: at most MAX_WINDOW_COUNT (80 MB).
        return this.rangeCheck(callee, p, p.max !== undefined && p.max <= MAX_WINDOW_COUNT ? p.max : MAX_WINDOW_COUNT, e, v, "int");
      }
      case "const": {
        const want = p.accepts?.[0] ?? "f64";
        const v = this.constInterval(e, ctx, true);
        const isBool = want === "bool" && t.type === "bool" && this.isConstBool(e);
        const x = stripParens(e);
        const isSide = want === "side" && t.type === "side" && x.kind === "Name" && !ctx.scope.lookup(x.name);
        if (v === undefined && !isBool && !isSide) {
          this.report(Codes.NotConstant, spanOf(e), { what: `argument \`${p.name}\` of \`${callee}\`` });
          return "fail";
        }
        if (!assignable(want, t, this.isIntegerConst(e))) {
          if (isNumeric(want) && typeof t.type === "string" && isNumeric(t.type)) {
            this.report(Codes.ArgumentUnit, spanOf(e), { param: p.name, callee, expected: want, found: t.type });
          } else {
            this.report(Codes.ArgumentType, spanOf(e), { param: p.name, callee, expected: want, found: describe(t) });
          }
          return "fail";
        }
        return v ? this.rangeCheck(callee, p, p.max ?? Infinity, e, v, typeof t.type === "string" ? t.type : "f64") : "ok";
      }
    }
  }

  /** Checks a constant argument against [p.min, max]. */
  private rangeCheck(callee: string, p: OperatorParam, max: number, e: Expr, v: Interval, type: string): "ok" | "fail" {
    const lo = p.min ?? -Infinity;
    const hi = max;
    if (v.lo < lo || v.hi > hi) {
      this.report(Codes.ArgumentOutOfRange, spanOf(e), { param: p.name, callee, lo: fmtNum(lo), hi: fmtNum(hi), value: fmtInterval(v, type) });
      return "fail";
    }
    return "ok";
  }

  private builtinCall(e: CallExpr, ctx: Ctx, b: BuiltinFunction): TypeInfo {
    const misplaced = (b.handlerOnly && ctx.place !== "handler") || (b.name === "ready" && ctx.place !== "handler" && ctx.place !== "fn");
    if (b.handlerOnly && ctx.place !== "handler") {
      if (ctx.place === "fn") this.report(Codes.ImpureFunction, spanOf(e.callee), { fn: ctx.fn?.name ?? "", what: `\`${b.name}()\`` });
      else this.report(Codes.HandlerOnlyInFeatures, spanOf(e.callee), { name: b.name, what: "a handler builtin (it reads orders and positions)" }, { hint: Hints.FeaturesOnly });
    }
    if (b.name === "ready" && ctx.place !== "handler" && ctx.place !== "fn") {
      this.report(Codes.HandlerOnlyInFeatures, spanOf(e.callee), { name: "ready", what: "a warm-up test for handlers and `when` guards" }, { hint: Hints.FeaturesOnly });
    }
    const params = paramShape(b.params);
    const bound = this.bindArgs(e, b.name, params, false);
    let failed = !bound.ok || misplaced;
    for (const a of e.args) if (boundTo(bound, a) < 0) this.expr(a.value, ctx);
    let unit: { type: ScalarType; literal: boolean; expr: Expr } | undefined;
    let series = false;
    for (let i = 0; i < params.length; i++) {
      const p = b.params[i]!;
      const a = bound.byParam[i];
      if (!a) continue;
      const t = this.expr(a.value, ctx);
      series ||= t.series;
      if (t.type === "error") {
        failed = true;
        continue;
      }
      if (b.name === "ready") {
        if (!t.series) {
          this.report(Codes.ReadyArgument, spanOf(a.value), { found: describe(t) });
          failed = true;
        }
        continue;
      }
      if (p.type === "numeric") {
        if (typeof t.type !== "string" || !isNumeric(t.type)) {
          this.report(Codes.ArgumentType, spanOf(a.value), { param: p.name, callee: b.name, expected: "a number", found: describe(t) });
          failed = true;
          continue;
        }
        if (!unit) unit = { type: t.type as ScalarType, literal: t.literal === true, expr: a.value };
        else {
          const r = sameUnit(unit.type, unit.literal, t.type as ScalarType, t.literal === true);
          if (!r.ok) {
            this.report(Codes.UnitMismatch, spanOf(a.value), { verb: `\`${b.name}\``, left: unit.type, right: t.type }, this.unitHint(unit.type, t.type as ScalarType));
            failed = true;
          } else unit = { type: r.type, literal: r.literal, expr: a.value };
        }
        continue;
      }
      if (!this.checkBuiltinArg(b.name, p.name, p.type, a.value, t)) failed = true;
    }
    this.program.calls.set(e, { kind: "builtin", builtin: b, args: callArgs(e, params, bound) });
    if (failed) return ERROR_TYPE;
    if ("type" in b.result) return typeInfo(b.result.type, series);
    return unit?.literal ? { type: unit.type, series, literal: true } : typeInfo(unit?.type ?? "f64", series);
  }

  /** Checks an action/builtin argument of a fixed kind; false when reported. */
  private checkBuiltinArg(callee: string, param: string, want: BuiltinArgType, e: Expr, t: TypeInfo): boolean {
    const fail = (expected: string): false => {
      this.report(Codes.ArgumentType, spanOf(e), { param, callee, expected, found: describe(t) });
      return false;
    };
    switch (want) {
      case "instrument":
        return t.type === "instrument" ? true : fail("an instrument");
      case "side":
        return t.type === "side" ? true : fail("a side (`buy` or `sell`)");
      case "tif":
        return t.type === "tif" ? true : fail("a time in force (`gtc`, `ioc` or `fok`)");
      case "bool":
        return t.type === "bool" ? true : fail("a bool");
      case "string":
        if (t.type !== "string") return fail("a string");
        if (stripParens(e).kind !== "String") {
          this.report(Codes.NotConstant, spanOf(e), { what: `argument \`${param}\` of \`${callee}\`` });
          return false;
        }
        return true;
      case "qty":
      case "price":
        if (typeof t.type === "string" && isNumeric(t.type)) {
          if (!assignable(want, t, this.isIntegerConst(e))) {
            this.report(Codes.ArgumentUnit, spanOf(e), { param, callee, expected: want, found: t.type });
            return false;
          }
          return true;
        }
        return fail(`a ${want}`);
      case "numeric":
        return typeof t.type === "string" && isNumeric(t.type) ? true : fail("a number");
      case "series":
        return t.series ? true : fail("a series");
      case "recordable":
        return (typeof t.type === "string" && isNumeric(t.type)) || t.type === "bool" ? true : fail("a number or a bool");
      case "any":
        if (t.type === "void" || typeof t.type !== "string") return fail("a number, bool, side or string");
        return true;
    }
  }

  private actionCall(e: CallExpr, ctx: Ctx, action: ActionDef, statement: boolean): TypeInfo {
    if (ctx.place === "fn") {
      this.report(Codes.ImpureFunction, spanOf(e.callee), { fn: ctx.fn?.name ?? "", what: `the action \`${action.name}\`` });
    } else if (ctx.place !== "handler") {
      this.report(Codes.ActionOutsideHandler, spanOf(e.callee), { action: action.name }, { hint: Hints.MoveToHandler });
    } else if (!statement) {
      this.report(Codes.NoValue, spanOf(e), { name: action.name });
    }
    const params = paramShape(action.params);
    const b = this.bindArgs(e, action.name, params, action.variadic === true);
    const variadic = action.variadic === true;
    for (const a of e.args) if (boundTo(b, a) < 0 && !isRest(b, a, variadic)) this.expr(a.value, ctx);
    for (let i = 0; i < params.length; i++) {
      const a = b.byParam[i];
      if (!a) continue;
      const t = this.expr(a.value, ctx);
      if (t.type === "error") continue;
      this.checkBuiltinArg(action.name, params[i]!.name, action.params[i]!.type, a.value, t);
    }
    const rest: Expr[] = [];
    for (const a of e.args) {
      if (!isRest(b, a, variadic)) continue;
      rest.push(a.value);
      const t = this.expr(a.value, ctx);
      if (t.type !== "error") this.checkBuiltinArg(action.name, "…", "any", a.value, t);
    }
    this.program.calls.set(e, { kind: "action", action, args: callArgs(e, params, b), rest });
    return statement ? typeInfo("void", false) : ERROR_TYPE;
  }

  private fnCall(e: CallExpr, ctx: Ctx, sym: SymbolInfo, fnSym: SymbolInfo): TypeInfo {
    const decl = fnSym.decl as FnDecl;
    if (ctx.fn) {
      let set = this.program.fnCalls.get(ctx.fn);
      if (!set) this.program.fnCalls.set(ctx.fn, (set = new Set()));
      set.add(fnSym);
    }
    const params = this.fnParams(decl);
    const b = this.bindArgs(e, sym.name, params, false);
    let failed = !b.ok;
    let series = false;
    for (const a of e.args) if (boundTo(b, a) < 0) this.expr(a.value, ctx);
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const a = b.byParam[i];
      if (!a) continue;
      const t = this.expr(a.value, ctx);
      series ||= t.series;
      if (t.type === "error" || p.type === "error") {
        failed = true;
        continue;
      }
      if (!assignable(p.type, t, this.isIntegerConst(a.value))) {
        if (isNumeric(p.type) && typeof t.type === "string" && isNumeric(t.type)) {
          this.report(Codes.ArgumentUnit, spanOf(a.value), { param: p.name, callee: sym.name, expected: p.type, found: t.type });
        } else {
          this.report(Codes.ArgumentType, spanOf(a.value), { param: p.name, callee: sym.name, expected: p.type, found: describe(t) });
        }
        failed = true;
      }
    }
    this.program.calls.set(e, { kind: "fn", symbol: fnSym, decl, args: callArgs(e, params, b) });
    const st = this.states.get(fnSym.file);
    const rt = decl.returnType ? fnSym.type : st ? this.checkFnBody(st, decl) : fnSym.type;
    if (failed || rt.type === "error") return ERROR_TYPE;
    if (rt.type === "void") {
      this.report(Codes.NoValue, spanOf(e), { name: sym.name });
      return ERROR_TYPE;
    }
    return { type: rt.type, series: series || rt.series };
  }

  private unitCall(e: CallExpr, ctx: Ctx, sym: SymbolInfo, unitSym: SymbolInfo): TypeInfo {
    const decl = unitSym.decl as FeatureUnit;
    if (ctx.place !== "feature") {
      this.report(Codes.MisplacedStatement, spanOf(e), { what: `an instance of feature unit \`${sym.name}\` outside a \`features\` block` });
    }
    const params = decl.params.map((p) => ({ name: p.name.name, optional: p.default !== undefined, p }));
    const b = this.bindArgs(e, sym.name, params, false);
    let failed = !b.ok;
    for (const a of e.args) if (boundTo(b, a) < 0) this.expr(a.value, ctx);
    for (let i = 0; i < params.length; i++) {
      const { name, p } = params[i]!;
      const a = b.byParam[i];
      if (!a) continue;
      const t = this.expr(a.value, ctx);
      if (t.type === "error") {
        failed = true;
        continue;
      }
      const want = p.type && (TYPE_NAMES as readonly string[]).includes(p.type.name) ? (p.type.name as ScalarType) : "f64";
      if (want === "instrument") {
        if (t.type !== "instrument") {
          this.report(Codes.ArgumentType, spanOf(a.value), { param: name, callee: sym.name, expected: "an instrument", found: describe(t) });
          failed = true;
        }
        continue;
      }
      if (this.constInterval(a.value, ctx, true) === undefined && !(want === "bool" && this.isConstBool(a.value))) {
        this.report(Codes.NotConstant, spanOf(a.value), { what: `argument \`${name}\` of \`${sym.name}\`` });
        failed = true;
      } else if (!assignable(want, t, this.isIntegerConst(a.value))) {
        if (isNumeric(want) && typeof t.type === "string" && isNumeric(t.type)) {
          this.report(Codes.ArgumentUnit, spanOf(a.value), { param: name, callee: sym.name, expected: want, found: t.type });
        } else {
          this.report(Codes.ArgumentType, spanOf(a.value), { param: name, callee: sym.name, expected: want, found: describe(t) });
        }
        failed = true;
      }
    }
    this.program.calls.set(e, { kind: "unit", symbol: unitSym, decl, args: callArgs(e, params, b) });
    const t = this.symbolType(unitSym);
    return failed || t.type === "error" ? ERROR_TYPE : t;
  }

  // ------------------------------------------------------------------------------------------
  // Constants

  /**
   * The value range of a compile-time constant expression, or undefined when it is not one.
   * Params count as constants (their declared range) unless `allowParams` is false.
   */
  constInterval(e: Expr, ctx: Ctx, allowParams: boolean): Interval | undefined {
    const v = this.fold(e, ctx, allowParams);
    if (v !== undefined) this.program.constants.set(e, v);
    return v;
  }

  private fold(e: Expr, ctx: Ctx, allowParams: boolean): Interval | undefined {
    switch (e.kind) {
      case "Number":
        return { lo: e.value, hi: e.value };
      case "Duration":
        return { lo: e.nanos, hi: e.nanos };
      case "Paren":
        return this.fold(e.expr, ctx, allowParams);
      case "Ticks":
        return this.fold(e.value, ctx, allowParams);
      case "Unary": {
        if (e.op !== "-") return undefined;
        const v = this.fold(e.operand, ctx, allowParams);
        return v ? { lo: -v.hi, hi: -v.lo } : undefined;
      }
      case "Name": {
        if (!allowParams) return undefined;
        const sym = ctx.scope.lookup(e.name);
        if (!sym) return undefined;
        if (sym.kind === "param" || sym.kind === "for" || sym.kind === "unit-param" || sym.kind === "let") return sym.constant;
        return undefined;
      }
      case "Binary": {
        const a = this.fold(e.left, ctx, allowParams);
        const b = a ? this.fold(e.right, ctx, allowParams) : undefined;
        if (!a || !b) return undefined;
        switch (e.op) {
          case "+":
            return { lo: a.lo + b.lo, hi: a.hi + b.hi };
          case "-":
            return { lo: a.lo - b.hi, hi: a.hi - b.lo };
          case "*": {
            const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi].map((x) => (Number.isNaN(x) ? 0 : x));
            return { lo: Math.min(...p), hi: Math.max(...p) };
          }
          case "/": {
            if (b.lo <= 0 && b.hi >= 0) return { lo: -Infinity, hi: Infinity };
            const p = [a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi].map((x) => (Number.isNaN(x) ? 0 : x));
            return { lo: Math.min(...p), hi: Math.max(...p) };
          }
          default:
            return undefined;
        }
      }
      default:
        return undefined;
    }
  }

  /** A constant that is not a number: `true`/`false`, `buy`/`sell`, `gtc`/`ioc`/`fok`. */
  private isConstSymbolic(e: Expr, ctx: Ctx): boolean {
    const x = stripParens(e);
    if (x.kind === "Bool") return true;
    return x.kind === "Name" && NAMED_VALUES.has(x.name) && !ctx.scope.lookup(x.name);
  }

  private isConstBool(e: Expr): boolean {
    const x = stripParens(e);
    return x.kind === "Bool";
  }

  /** True when a constant expression is written with integers only (`2`, `-3`, `2 * 5`). */
  private isIntegerConst(e: Expr): boolean {
    const x = stripParens(e);
    switch (x.kind) {
      case "Number":
        return x.isInteger;
      case "Unary":
        return this.isIntegerConst(x.operand);
      case "Binary":
        return x.op !== "/" && this.isIntegerConst(x.left) && this.isIntegerConst(x.right);
      default: {
        const t = this.program.types.get(x);
        return t !== undefined && (t.type === "int" || t.type === "qty");
      }
    }
  }

  /** The value of a condition made of literals only (`true`, `1 > 2`), else undefined. */
  private constBoolValue(e: Expr): boolean | undefined {
    const x = stripParens(e);
    if (x.kind === "Bool") return x.value;
    if (x.kind === "Unary" && x.op === "not") {
      const v = this.constBoolValue(x.operand);
      return v === undefined ? undefined : !v;
    }
    if (x.kind === "Binary") {
      const a = literalNumber(x.left);
      const b = literalNumber(x.right);
      if (a !== undefined && b !== undefined) {
        switch (x.op) {
          case "<": return a < b;
          case "<=": return a <= b;
          case ">": return a > b;
          case ">=": return a >= b;
          case "==": return a === b;
          case "!=": return a !== b;
          default: return undefined;
        }
      }
      if (x.op === "and" || x.op === "or") {
        const l = this.constBoolValue(x.left);
        const r = this.constBoolValue(x.right);
        if (l !== undefined && r !== undefined) return x.op === "and" ? l && r : l || r;
      }
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------
  // Diagnostics helpers

  private reportMismatch(span: Span, expected: ScalarType, found: TypeInfo, name: string): void {
    if (isNumeric(expected) && typeof found.type === "string" && isNumeric(found.type) && !found.literal) {
      this.report(Codes.UnitAssign, span, { found: found.type, name, expected });
    } else {
      this.report(Codes.TypeMismatch, span, { expected, found: describe(found) });
    }
  }

  private reportAssign(span: Span, name: string, expected: ScalarType, found: TypeInfo): void {
    this.reportMismatch(span, expected, found, name);
  }

  // ------------------------------------------------------------------------------------------
  // Lints

  private lintFile(st: FileState): void {
    const isStrategy = st.file.kind === "strategy";
    for (const sym of st.scope.names.values()) {
      if (sym.name.startsWith("_")) continue;
      switch (sym.kind) {
        case "feature":
          if (sym.uses === 0 && isStrategy && sym.type.type !== "error") this.report(Codes.UnusedFeature, sym.nameSpan, { name: sym.name });
          break;
        case "param":
          if (sym.uses === 0) this.report(Codes.UnusedParam, sym.nameSpan, { name: sym.name });
          break;
        case "var":
          if (sym.uses === 0) this.report(Codes.UnusedVariable, sym.nameSpan, { kind: "var", name: sym.name });
          break;
        case "import":
          if (sym.uses === 0) this.report(Codes.UnusedImport, sym.nameSpan, { name: sym.name });
          break;
        default:
          break;
      }
    }
    for (const u of st.unitDefs.values()) {
      for (const sym of u.scope.names.values()) {
        if (sym.name.startsWith("_") || sym.uses > 0) continue;
        if (sym.kind === "feature" && sym.type.type !== "error") this.report(Codes.UnusedFeature, sym.nameSpan, { name: sym.name });
        if (sym.kind === "unit-param") this.report(Codes.UnusedParam, sym.nameSpan, { name: sym.name });
      }
    }
    for (const sym of st.lets) {
      if (sym.uses === 0 && !sym.name.startsWith("_")) this.report(Codes.UnusedVariable, sym.nameSpan, { kind: "let", name: sym.name });
    }
  }
}

/** An operator output's type: its own, or the type of the argument it is `sameAs` (f64 if none). */
function outputType(op: OperatorMeta, o: OperatorMeta["outputs"][number], argTypes: ReadonlyArray<TypeInfo | undefined>): ScalarType {
  if ("type" in o.type) return o.type.type;
  let i = 0;
  while (i < op.params.length && op.params[i]!.name !== o.type.sameAs) i++;
  const src = argTypes[i];
  return src && typeof src.type === "string" && src.type !== "error" ? (src.type as ScalarType) : "f64";
}

/** Values that have an order (`<`, `>=`): numbers, durations, times. */
function isOrdered(t: ScalarType): boolean {
  return isNumeric(t) || t === "duration" || t === "time";
}

/** The value of a number literal, possibly negated and parenthesised (`-(2)`), else undefined. */
function literalNumber(y: Expr): number | undefined {
  const z = stripParens(y);
  if (z.kind === "Number") return z.value;
  if (z.kind === "Unary" && z.op === "-") {
    const w = literalNumber(z.operand);
    return w === undefined ? undefined : -w;
  }
  return undefined;
}

/**
 * Where control can reach the end of a fn's `block` without a `return`: the `if` that has no
 * `else`, or the last statement (the block itself when empty) of a branch that does not return.
 * Undefined when every path returns. A statement that always returns ends the block: what follows
 * it is never reached.
 */
function fallThrough(block: Block): Block | Stmt | undefined {
  if (block.stmts.some(alwaysReturns)) return undefined;
  const last = block.stmts[block.stmts.length - 1];
  if (!last) return block;
  if (last.kind !== "If") return last;
  return ifFallThrough(last);
}

function ifFallThrough(s: IfStmt): Block | Stmt | undefined {
  if (!s.else) return s;
  return fallThrough(s.then) ?? (s.else.kind === "If" ? ifFallThrough(s.else) : fallThrough(s.else));
}

function alwaysReturns(s: Stmt): boolean {
  if (s.kind === "Return") return true;
  if (s.kind !== "If" || !s.else) return false;
  return s.then.stmts.some(alwaysReturns) && (s.else.kind === "If" ? alwaysReturns(s.else) : s.else.stmts.some(alwaysReturns));
}

function stripParens(e: Expr): Expr {
  let x = e;
  while (x.kind === "Paren") x = x.expr;
  return x;
}

/** Short source-like text of an expression for messages (`m`, `t.price`, `macd(...)`). */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case "Name":
      return e.name;
    case "Member":
      return `${exprText(e.object)}.${e.member.name}`;
    case "Call":
      return `${exprText(e.callee)}(...)`;
    case "Number":
      return e.raw;
    case "Duration":
      return e.raw;
    case "String":
      return e.raw;
    case "Bool":
      return String(e.value);
    case "Paren":
      return `(${exprText(e.expr)})`;
    case "Index":
      return `${exprText(e.object)}[${exprText(e.index)}]`;
    case "Unary":
      return e.op === "not" ? `not ${exprText(e.operand)}` : `-${exprText(e.operand)}`;
    case "Binary":
      return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`;
    case "Ticks":
      return `${exprText(e.value)} ticks`;
    case "Error":
      return "?";
  }
}

function kindName(k: SymbolKind): string {
  switch (k) {
    case "fn-param":
      return "function parameter";
    case "unit-param":
      return "feature unit parameter";
    case "feature-unit":
      return "feature unit";
    case "binding":
      return "handler binding";
    case "for":
      return "loop variable";
    case "fn":
      return "function";
    default:
      return k;
  }
}

function fmtNum(n: number): string {
  if (n === Infinity) return "∞";
  if (n === -Infinity) return "-∞";
  return String(n);
}

function fmtInterval(v: Interval, type: ValueType | string): string {
  const one = (n: number): string => (type === "duration" && Number.isFinite(n) ? `${n}ns` : fmtNum(n));
  return v.lo === v.hi ? one(v.lo) : `[${one(v.lo)}, ${one(v.hi)}]`;
}
