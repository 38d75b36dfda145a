/**
 * Lowering: checked expressions → TypeScript code, building the feature graph on the way. Every
 * stdlib operator call becomes a graph node (merged by a structural key), feature units are
 * instantiated by binding their parameters in an environment, and arithmetic is inlined as code.
 *
 * The code produced refers to graph nodes through markers (`@@<id>@@` for the operator instance
 * field, `@@r<id>@@` for its ready flag) because a node's field name is only final once every
 * feature that names it has been seen; `resolveMarkers` substitutes the final names.
 *
 * Handler-only constructs (position, exposure, trade/bar/fill bindings, `ticks`) produce code over
 * the handler's parameters `ctx`, `trade`, `bar`, `fill`, and the class's fields.
 */
import {
  type CallExpr,
  type Expr,
  type FeatureDef,
  type FeatureUnit,
  type Located,
  type Node,
  type Span,
  spanOf,
} from "../../grammar/index.js";
import { findOperator } from "../../stdlib/catalog.js";
import type { OperatorMeta, ScalarType } from "../../stdlib/meta.js";
import { NAMED_VALUES } from "../builtins.js";
import type { CheckedFile, CheckedProgram, Interval, ResolvedCall, SymbolInfo } from "../check/program.js";
import type { FeatureGraph, GraphNode, SeriesCode, Trigger } from "./graph.js";

/** A lowered expression. */
export type Value =
  /** `iv`: for a feature unit's parameter bound to a constant, the values the argument can take. */
  | { k: "scalar"; code: string; type: ScalarType | "string" | "other"; iv?: Interval }
  | { k: "series"; s: SeriesCode }
  | { k: "unit"; env: Env }
  | { k: "outputs"; node: GraphNode }
  | { k: "inst"; handle: number };

/** A feature-unit instance (or the strategy itself): how its parameters are bound. */
export interface Env {
  /** Unique key of the instance ("" for the strategy). */
  key: string;
  /** Qualified-name prefix of its features ("" or "m."). */
  prefix: string;
  bindings: Map<SymbolInfo, Value>;
}

/** Where an expression is being lowered. */
export interface Scope {
  /** True inside an `on` handler (or a fn called from one): ctx and bindings are available. */
  handler: boolean;
  /** Instrument whose tick size a `ticks` literal uses. */
  tickInstrument: number;
  /** Binding kind of each handler binding symbol. */
  bindings: Map<SymbolInfo, "trade" | "bar" | "fill">;
  /** Local variable name of each let / for / fn-param symbol in scope. */
  locals: Map<SymbolInfo, string>;
}

/** Thrown for a construct the back end cannot lower; only reachable when the checker let an error through. */
export class LoweringError extends Error {
  /** The offending source range. */
  readonly span: Span;

  /** `at`: the offending node (or a span). */
  constructor(message: string, at: Located) {
    super(message);
    this.span = spanOf(at);
  }
}

const NUMERIC: ReadonlySet<string> = new Set(["f64", "int", "price", "qty", "notional", "duration", "time"]);

/** Builds the feature graph of a program's root file and lowers expressions to code. */
export class Lowering {
  readonly nodes: GraphNode[] = [];
  private readonly byKey = new Map<string, GraphNode>();
  private readonly featureCache = new Map<string, Value>();
  private readonly inProgress = new Set<string>();
  /** Instrument symbol → handle. */
  readonly handles = new Map<SymbolInfo, number>();
  readonly instruments: Array<{ name: string; symbol: string }> = [];
  readonly rootEnv: Env = { key: "", prefix: "", bindings: new Map() };
  private unitCounter = 0;

  constructor(
    readonly program: CheckedProgram,
    readonly root: CheckedFile,
  ) {
    for (const item of root.ast.items) {
      if (item.kind !== "Instrument") continue;
      const sym = this.program.symbols.get(item) ?? this.program.symbols.get(item.name);
      const symbol = item.symbol.kind === "String" ? item.symbol.value : "";
      if (!sym) continue;
      this.handles.set(sym, this.instruments.length);
      this.instruments.push({ name: item.name.name, symbol });
    }
  }

  /** The graph built so far. */
  graph(features: FeatureGraph["features"]): FeatureGraph {
    return { nodes: this.nodes, features, instruments: this.instruments };
  }

  /**
   * Gives the event clock's readers their triggers; call once, after every expression is lowered
   * and before the update methods are generated. `time_of_day` has no series input, so no event
   * reaches it through its inputs: it is read on every event (the handlers read the clock first),
   * and an operator fed by it alone (`ema(time_of_day(), 5)`) takes a sample on every event that
   * updates features — the triggers of the rest of the graph, or, when nothing else in the graph
   * has one, every book and trade event of every instrument. An operator that also reads another
   * series keeps that series' triggers only, as before (no extra samples for it).
   */
  finishClockTriggers(): void {
    const clocked = new Set<number>();
    for (const node of this.nodes) {
      if (node.className === "TimeOfDay" || (node.triggers.size === 0 && node.deps.some((d) => clocked.has(d)))) clocked.add(node.id);
    }
    if (clocked.size === 0) return;
    const every = new Set<Trigger>();
    for (const node of this.nodes) if (!clocked.has(node.id)) for (const t of node.triggers) every.add(t);
    if (every.size === 0) {
      for (let h = 0; h < this.instruments.length; h++) {
        every.add(`book:${h}`);
        every.add(`trade:${h}`);
      }
    }
    for (const node of this.nodes) if (clocked.has(node.id)) for (const t of every) node.triggers.add(t);
  }

  /** A fresh scope for feature definitions. */
  static featureScope(): Scope {
    return { handler: false, tickInstrument: 0, bindings: new Map(), locals: new Map() };
  }

  /** The value of a feature symbol in an environment (memoised: a feature is lowered once per instance). */
  feature(sym: SymbolInfo, env: Env): Value {
    const def = sym.decl as FeatureDef;
    const key = `${env.key}|${sym.file}:${def.start}`;
    const cached = this.featureCache.get(key);
    if (cached) return cached;
    if (this.inProgress.has(key)) throw new LoweringError(`feature \`${sym.name}\` depends on itself`, def);
    this.inProgress.add(key);
    const v = this.expr(def.value, env, Lowering.featureScope());
    this.inProgress.delete(key);
    this.featureCache.set(key, v);
    const nodeId = directNode(v);
    if (nodeId !== undefined) this.nodes[nodeId]!.names.push(env.prefix + sym.name);
    return v;
  }

  /** Lowers an expression. */
  expr(e: Expr, env: Env, scope: Scope): Value {
    switch (e.kind) {
      case "Number":
        return scalar(numberCode(e.value), e.isInteger ? "int" : "f64");
      case "Duration":
        return scalar(numberCode(Math.round(e.nanos)), "duration");
      case "String":
        return scalar(JSON.stringify(e.value), "string");
      case "Bool":
        return scalar(e.value ? "true" : "false", "bool");
      case "Paren":
        return this.expr(e.expr, env, scope);
      case "Name":
        return this.name(e, env, scope);
      case "Unary": {
        const v = this.expr(e.operand, env, scope);
        return this.map1(v, (c) => (e.op === "-" ? `(-${c})` : `(!${c})`), e.op === "not" ? "bool" : typeOf(v), e);
      }
      case "Binary": {
        const l = this.expr(e.left, env, scope);
        const r = this.expr(e.right, env, scope);
        const op = BINARY_TS[e.op];
        const t = this.exprType(e);
        return this.map2(l, r, (a, b) => `(${a} ${op} ${b})`, t, e);
      }
      case "Ticks": {
        const v = this.expr(e.value, env, scope);
        const h = scope.tickInstrument;
        return this.map1(v, (c) => `(${c} * this.tk[${h}])`, "price", e);
      }
      case "Index":
        return this.history(e.object, e.index, env, scope, e);
      case "Member":
        return this.member(e, env, scope);
      case "Call":
        return this.call(e, env, scope);
      case "Error":
        throw new LoweringError("cannot compile an expression with errors", e);
    }
  }

  /** The checker's scalar type of an expression ("f64" when unknown). */
  exprType(e: Expr): ScalarType {
    const t = this.program.types.get(e)?.type;
    return typeof t === "string" && NUMERIC.has(t) ? (t as ScalarType) : t === "bool" ? "bool" : "f64";
  }

  private name(e: Extract<Expr, { kind: "Name" }>, env: Env, scope: Scope): Value {
    const named = NAMED_VALUES.get(e.name);
    const sym = this.program.symbols.get(e);
    if (!sym) {
      if (named === "side") return scalar(e.name === "buy" ? "1" : "-1", "side");
      if (named === "tif") return scalar(e.name === "gtc" ? "0" : e.name === "ioc" ? "1" : "2", "other");
      throw new LoweringError(`unresolved name \`${e.name}\``, e);
    }
    return this.symbolValue(sym, env, scope, e);
  }

  /** The value a symbol denotes where it is read. */
  symbolValue(sym: SymbolInfo, env: Env, scope: Scope, at: Located): Value {
    switch (sym.kind) {
      case "param":
        return scalar(`this.p_${sym.name}`, scalarOf(sym));
      case "var":
        return scalar(`this.s_${sym.name}`, scalarOf(sym));
      case "let":
      case "for":
      case "fn-param": {
        const local = scope.locals.get(sym);
        if (local === undefined) throw new LoweringError(`\`${sym.name}\` is not in scope here`, at);
        return scalar(local, scalarOf(sym));
      }
      case "feature":
        return this.feature(sym, env);
      case "instrument": {
        const h = this.handles.get(sym);
        if (h === undefined) throw new LoweringError(`instrument \`${sym.name}\` is not declared in the strategy`, at);
        return { k: "inst", handle: h };
      }
      case "unit-param": {
        const bound = env.bindings.get(sym);
        if (!bound) throw new LoweringError(`feature unit parameter \`${sym.name}\` is not bound`, at);
        return bound;
      }
      case "import":
        if (sym.target) return this.symbolValue(sym.target, env, scope, at);
        throw new LoweringError(`import \`${sym.name}\` did not resolve`, at);
      default:
        throw new LoweringError(`\`${sym.name}\` (${sym.kind}) cannot be used as a value here`, at);
    }
  }

  private member(e: Extract<Expr, { kind: "Member" }>, env: Env, scope: Scope): Value {
    // Handler bindings: `t.price`, `b.close`, `f.qty`.
    if (e.object.kind === "Name") {
      const objSym = this.program.symbols.get(e.object);
      if (objSym && objSym.kind === "binding") {
        const kind = scope.bindings.get(objSym);
        if (!kind) throw new LoweringError(`\`${objSym.name}\` is not bound in this handler`, e);
        return bindingField(kind, e.member.name, scope.tickInstrument, e);
      }
    }
    const obj = this.expr(e.object, env, scope);
    if (obj.k === "unit") {
      const sym = this.program.symbols.get(e.member);
      if (!sym || sym.kind !== "feature") throw new LoweringError(`\`${e.member.name}\` is not a feature of the unit`, e);
      return this.feature(sym, obj.env);
    }
    if (obj.k === "outputs") {
      const n = obj.node;
      const t = n.outputs.get(e.member.name);
      if (!t) throw new LoweringError(`no output \`${e.member.name}\``, e);
      return series(`this.@@${n.id}@@.${e.member.name}`, [n.id], n.triggers, t);
    }
    throw new LoweringError(`\`.${e.member.name}\` cannot be read here`, e);
  }

  private history(object: Expr, index: Expr, env: Env, scope: Scope, at: Located): Value {
    const x = this.expr(object, env, scope);
    const k = this.expr(index, env, scope);
    if (x.k !== "series") throw new LoweringError("history `x[k]` needs a series", at);
    if (k.k !== "scalar") throw new LoweringError("the history depth must be a constant", at);
    if (k.code === "0") return x;
    const op = findOperator("lag");
    if (!op) throw new LoweringError("the stdlib has no `lag` operator", at);
    const node = this.node(op, false, [k.code], [x.s], -1, at, new Map([["k", Number(k.code)]]));
    return series(`this.@@${node.id}@@.value`, [node.id], node.triggers, x.s.type);
  }

  private call(e: CallExpr, env: Env, scope: Scope): Value {
    const rc = this.program.calls.get(e);
    if (!rc) throw new LoweringError("unresolved call", e);
    switch (rc.kind) {
      case "operator":
        return this.operatorCall(e, rc, env, scope);
      case "builtin":
        return this.builtinCall(e, rc, env, scope);
      case "fn": {
        const args = rc.decl.params.map((p) => {
          const a = rc.args.get(p.name.name) ?? p.default;
          if (!a) throw new LoweringError(`missing argument \`${p.name.name}\``, e);
          return this.expr(a, env, scope);
        });
        const t = this.exprType(e);
        return this.mapN(args, (codes) => `this.fn_${rc.decl.name.name}(${codes.join(", ")})`, t, e);
      }
      case "unit":
        return { k: "unit", env: this.unitEnv(rc.decl, rc.args, env, scope, e) };
      case "action":
        throw new LoweringError(`\`${rc.action.name}\` is an action, not a value`, e);
    }
  }

  /** Binds a feature unit's parameters to the call's arguments (or their defaults). */
  private unitEnv(unit: FeatureUnit, args: ReadonlyMap<string, Expr>, env: Env, scope: Scope, at: Located): Env {
    const bindings = new Map<SymbolInfo, Value>();
    const keyParts: string[] = [unit.name.name];
    const child: Env = { key: "", prefix: "", bindings };
    for (const p of unit.params) {
      const sym = this.program.symbols.get(p) ?? this.program.symbols.get(p.name);
      if (!sym) continue;
      const arg = args.get(p.name.name);
      let v: Value;
      if (arg) v = this.expr(arg, env, scope);
      else if (p.default) v = this.expr(p.default, child, Lowering.featureScope());
      else throw new LoweringError(`missing argument \`${p.name.name}\` of feature unit ${unit.name.name}`, at);
      if (v.k === "scalar") {
        // The checker knows a unit parameter only by its default; what this instance's argument
        // can be (a literal, the caller's param and its range) bounds the operators' warm-ups.
        const iv = arg ? this.constInterval(arg, env) : p.default ? this.constInterval(p.default, child) : undefined;
        if (iv) v = { ...v, iv };
      }
      bindings.set(sym, v);
      keyParts.push(v.k === "inst" ? `i${v.handle}` : v.k === "scalar" ? v.code : v.k === "series" ? v.s.code : "?");
    }
    child.key = keyParts.join(",");
    child.prefix = `${unit.name.name.toLowerCase()}${this.unitCounter++}.`;
    return child;
  }

  /**
   * The values a constant expression can take in `env`: a feature unit's parameter takes its
   * binding's (the caller's literal or param range), anything else the checker's interval.
   */
  private constInterval(a: Expr, env: Env): Interval | undefined {
    let e = a;
    while (e.kind === "Paren") e = e.expr;
    if (e.kind === "Name") {
      const sym = this.program.symbols.get(e);
      const bound = sym?.kind === "unit-param" ? env.bindings.get(sym) : undefined;
      if (bound?.k === "scalar" && bound.iv) return bound.iv;
    }
    return this.program.constants.get(a);
  }

  /**
   * A constant argument of an operator. The operator is built once, before the run (in
   * `subscriptions`), where a handler's `let`s and loop variables do not exist: an argument that
   * reads one takes the checker's constant when it has a single value (`let w = 10`), and is an
   * error when it varies (`levels: k + 1` in `for k in 0..5`) — it compiled to a reference to an
   * undefined variable and failed at run time ("k_k is not defined").
   */
  private constArgument(opName: string, param: string, a: Expr, env: Env, scope: Scope): Value {
    if (scope.locals.size === 0) return this.expr(a, env, scope);
    try {
      return this.expr(a, env, { ...scope, locals: new Map() });
    } catch (err) {
      if (!(err instanceof LoweringError)) throw err;
      const iv = this.program.constants.get(a);
      if (iv && iv.lo === iv.hi) return scalar(numberCode(iv.lo), this.exprType(a));
      const range = iv ? ` (it takes values from ${iv.lo} to ${iv.hi})` : "";
      throw new LoweringError(
        `argument \`${param}\` of \`${opName}\` cannot depend on a loop variable or \`let\` that varies${range}: an operator is built once, before the run, with one value; call it once per value with a literal`,
        a,
      );
    }
  }

  private operatorCall(e: CallExpr, rc: Extract<ResolvedCall, { kind: "operator" }>, env: Env, scope: Scope): Value {
    const op = rc.op;
    const inputs: SeriesCode[] = [];
    const constValues = new Map<string, number>();
    let instrument = -1;
    const argCode = new Map<string, string>();
    for (const p of op.params) {
      const a = rc.args.get(p.name);
      if (p.kind === "series") {
        if (!a) throw new LoweringError(`missing series argument \`${p.name}\``, e);
        // A constant level (`crossover(r, 30)`) is read by the operator's update, in the graph's
        // code, where a handler's lets do not exist: it lowers like a constant argument.
        const v = p.levelOk ? this.constArgument(op.namespace ? `${op.namespace}.${op.name}` : op.name, p.name, a, env, scope) : this.expr(a, env, scope);
        if (v.k === "series") inputs.push(v.s);
        else if (v.k === "scalar") inputs.push({ code: v.code, deps: new Set(), triggers: new Set(), type: "f64" });
        else throw new LoweringError(`argument \`${p.name}\` must be a series`, a);
      } else if (p.kind === "instrument") {
        if (!a) throw new LoweringError(`missing instrument argument \`${p.name}\``, e);
        const v = this.expr(a, env, scope);
        if (v.k !== "inst") throw new LoweringError(`argument \`${p.name}\` must be an instrument`, a);
        if (instrument < 0) instrument = v.handle;
        argCode.set(p.name, `infos[${v.handle}]!`);
      } else {
        let code: string | undefined;
        if (a) {
          const v = this.constArgument(op.namespace ? `${op.namespace}.${op.name}` : op.name, p.name, a, env, scope);
          if (v.k === "series") throw new LoweringError(`argument \`${p.name}\` must be a compile-time constant`, a);
          if (v.k === "inst") throw new LoweringError(`argument \`${p.name}\` must be a number`, a);
          if (v.k === "scalar") code = v.code;
          const iv = this.constInterval(a, env);
          if (iv) constValues.set(p.name, iv.hi);
        } else if (p.default !== undefined) {
          code = typeof p.default === "boolean" ? String(p.default) : numberCode(p.default);
          if (typeof p.default === "number") constValues.set(p.name, p.default);
        }
        if (code !== undefined) argCode.set(p.name, code);
      }
    }
    const ctorArgs: string[] = [];
    for (const name of op.ctorArgs) {
      const c = argCode.get(name);
      if (c === undefined) {
        // An optional trailing constructor argument left to the class's own default.
        break;
      }
      ctorArgs.push(c);
    }
    const node = this.node(op, rc.timeWindow, ctorArgs, inputs, instrument, e, constValues);
    if (op.outputs.length > 1 || (op.outputs[0] && op.outputs[0].name !== "value")) return { k: "outputs", node };
    const t = node.outputs.get("value") ?? "f64";
    return series(`this.@@${node.id}@@.value`, [node.id], node.triggers, t);
  }

  /** Creates (or reuses) the graph node of an operator instance. */
  private node(
    op: OperatorMeta,
    timeWindow: boolean,
    ctorArgs: string[],
    inputs: SeriesCode[],
    instrument: number,
    at: Located,
    constValues: ReadonlyMap<string, number>,
  ): GraphNode {
    const className = timeWindow && op.timeClassName ? op.timeClassName : op.className;
    const key = `${className}(${ctorArgs.join(",")};${inputs.map((i) => i.code).join(",")};${instrument})`;
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const deps = new Set<number>();
    const triggers = new Set<Trigger>();
    for (const i of inputs) {
      for (const d of i.deps) deps.add(d);
      for (const t of i.triggers) triggers.add(t);
    }
    if (op.drive === "book") triggers.add(`book:${instrument}`);
    else if (op.drive === "trade") triggers.add(`trade:${instrument}`);
    else if (op.drive === "bar") triggers.add(`bar:${instrument}`);
    const outputs = new Map<string, ScalarType>();
    for (const o of op.outputs) {
      if ("type" in o.type) outputs.set(o.name, o.type.type);
      else {
        const idx = op.params.filter((p) => p.kind === "series").findIndex((p) => p.name === (o.type as { sameAs: string }).sameAs);
        outputs.set(o.name, inputs[idx]?.type ?? "f64");
      }
    }
    const args: Record<string, number> = {};
    for (const p of op.params) {
      const v = constValues.get(p.name);
      if (v !== undefined) args[p.name] = v;
      else if (typeof p.default === "number") args[p.name] = p.default;
    }
    let own = 0;
    try {
      own = timeWindow ? 0 : op.warmup(args);
    } catch {
      own = 0;
    }
    let inputWarm = 0;
    for (const d of deps) inputWarm = Math.max(inputWarm, this.nodes[d]!.warmup);
    const warmup = Number.isFinite(own) ? own + Math.max(0, inputWarm - (own > 0 && inputWarm > 0 ? 1 : 0)) : inputWarm;
    const node: GraphNode = {
      id: this.nodes.length,
      op,
      className,
      timeWindow,
      ctorArgs,
      inputs: inputs.map((i) => i.code),
      deps: [...deps].sort((a, b) => a - b),
      instrument,
      triggers,
      field: "",
      outputs,
      warmup,
      names: [],
      span: spanOf(at),
      key,
    };
    this.nodes.push(node);
    this.byKey.set(key, node);
    return node;
  }

  private builtinCall(e: CallExpr, rc: Extract<ResolvedCall, { kind: "builtin" }>, env: Env, scope: Scope): Value {
    const arg = (name: string): Value => {
      const a = rc.args.get(name);
      if (!a) throw new LoweringError(`missing argument \`${name}\``, e);
      return this.expr(a, env, scope);
    };
    const inst = (name: string): number => {
      const v = arg(name);
      if (v.k !== "inst") throw new LoweringError(`\`${name}\` must be an instrument`, e);
      return v.handle;
    };
    const t = this.exprType(e);
    switch (rc.builtin.name) {
      case "ready": {
        const v = arg("x");
        if (v.k === "series") return scalar(this.readyNow(v.s.deps), "bool");
        if (v.k === "outputs") return scalar(readyCode(new Set([v.node.id])), "bool");
        if (v.k === "unit") return scalar("true", "bool");
        return scalar("true", "bool");
      }
      case "exposure": {
        const h = inst("inst");
        const side = arg("side");
        return scalar(`ctx.exposure(${h}, ${side.k === "scalar" ? side.code : "1"})`, "qty");
      }
      case "position":
        return scalar(`ctx.position(${inst("inst")})`, "qty");
      case "abs":
        return this.map1(arg("x"), (c) => `Math.abs(${c})`, t, e);
      case "sign":
        return this.map1(arg("x"), (c) => `Math.sign(${c})`, "int", e);
      case "min":
        return this.map2(arg("a"), arg("b"), (a, b) => `Math.min(${a}, ${b})`, t, e);
      case "max":
        return this.map2(arg("a"), arg("b"), (a, b) => `Math.max(${a}, ${b})`, t, e);
      case "clamp":
        return this.mapN([arg("x"), arg("lo"), arg("hi")], ([x, lo, hi]) => `Math.min(Math.max(${x}, ${lo}), ${hi})`, t, e);
      default:
        throw new LoweringError(`builtin \`${rc.builtin.name}\` cannot be compiled here`, e);
    }
  }

  /**
   * Code of `ready(x)` for a series reading these nodes: each is warm, and a top-of-book field among
   * them has a value now (`book.best_bid` is NaN while the bid side is empty, `book.mid` while either side
   * is: not ready then, though the node stays warm for the features computed from it).
   */
  private readyNow(deps: ReadonlySet<number>): string {
    if (deps.size === 0) return "true";
    return [...deps]
      .sort((a, b) => a - b)
      .map((d) => {
        const n = this.nodes[d]!;
        const bookValue = n.op.namespace === "book" && EMPTY_SIDE_NAN.has(n.op.name);
        return bookValue ? `this.@@r${d}@@ && this.@@${d}@@.value === this.@@${d}@@.value` : `this.@@r${d}@@`;
      })
      .join(" && ");
  }

  private map1(v: Value, f: (code: string) => string, type: ScalarType, at: Located): Value {
    return this.mapN([v], ([c]) => f(c!), type, at);
  }

  private map2(a: Value, b: Value, f: (a: string, b: string) => string, type: ScalarType, at: Located): Value {
    return this.mapN([a, b], ([x, y]) => f(x!, y!), type, at);
  }

  /** Combines values: series if any input is a series (deps and triggers united), scalar otherwise. */
  mapN(vs: Value[], f: (codes: string[]) => string, type: ScalarType, at: Located): Value {
    const codes: string[] = [];
    const deps = new Set<number>();
    const triggers = new Set<Trigger>();
    let isSeries = false;
    for (const v of vs) {
      if (v.k === "scalar") codes.push(v.code);
      else if (v.k === "series") {
        isSeries = true;
        codes.push(v.s.code);
        for (const d of v.s.deps) deps.add(d);
        for (const t of v.s.triggers) triggers.add(t);
      } else if (v.k === "inst") codes.push(String(v.handle));
      else throw new LoweringError("a feature unit or a multi-output operator cannot be used in arithmetic; pick a field", at);
    }
    const code = f(codes);
    return isSeries ? { k: "series", s: { code, deps, triggers, type } } : scalar(code, type);
  }
}

/**
 * Top-of-book fields whose value is NaN exactly when a side they read is empty (stdlib
 * microstructure/top-of-book.ts): `ready(...)` of them is false then. (Other book operators give
 * NaN with a meaning of their own, e.g. `book.queue_position` when no order of ours rests.)
 */
const EMPTY_SIDE_NAN: ReadonlySet<string> = new Set(["best_bid", "best_ask", "mid", "microprice", "spread", "spread_bps"]);

/** The JavaScript operator for each binary operator of the language. */
const BINARY_TS: Readonly<Record<string, string>> = {
  or: "||",
  and: "&&",
  "==": "===",
  "!=": "!==",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
  "%": "%",
};

function scalar(code: string, type: ScalarType | "string" | "other"): Value {
  return { k: "scalar", code, type };
}

function series(code: string, deps: number[], triggers: ReadonlySet<Trigger>, type: ScalarType): Value {
  return { k: "series", s: { code, deps: new Set(deps), triggers: new Set(triggers), type } };
}

function typeOf(v: Value): ScalarType {
  if (v.k === "series") return v.s.type;
  if (v.k === "scalar" && v.type !== "string" && v.type !== "other") return v.type;
  return "f64";
}

function scalarOf(sym: SymbolInfo): ScalarType {
  const t = sym.type.type;
  return typeof t === "string" && (NUMERIC.has(t) || t === "bool" || t === "side") ? (t as ScalarType) : "f64";
}

/** The node id when a value is exactly one single-output node's value. */
export function directNode(v: Value): number | undefined {
  if (v.k === "outputs") return v.node.id;
  if (v.k !== "series") return undefined;
  const m = /^this\.@@(\d+)@@\.value$/.exec(v.s.code);
  return m ? Number(m[1]) : undefined;
}

/** Code of the conjunction of the ready flags of some nodes. */
export function readyCode(deps: ReadonlySet<number>): string {
  if (deps.size === 0) return "true";
  return [...deps]
    .sort((a, b) => a - b)
    .map((d) => `this.@@r${d}@@`)
    .join(" && ");
}

/** A number as TypeScript source (integers without exponent where exact). */
export function numberCode(v: number): string {
  // Not the global `NaN`: V8 boxes it in a conditional (`c ? x : NaN`); see runtime/engine/strategy.ts.
  if (Number.isNaN(v)) return "Number.NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return v < 0 ? `(${v.toFixed(0)})` : v.toFixed(0);
  return v < 0 ? `(${String(v)})` : String(v);
}

/** Code of a field of a trade/bar/fill binding. */
function bindingField(kind: "trade" | "bar" | "fill", field: string, inst: number, at: Located): Value {
  if (kind === "trade") {
    switch (field) {
      case "price":
        return scalar(`ctx.toCurrency(${inst}, trade.price)`, "price");
      case "qty":
        return scalar("trade.size", "qty");
      case "aggressor":
        return scalar("trade.aggressor", "side");
      case "time":
        return scalar("trade.ts", "time");
    }
  } else if (kind === "bar") {
    switch (field) {
      case "open":
      case "high":
      case "low":
      case "close":
        return scalar(`ctx.toCurrency(${inst}, bar.${field})`, "price");
      case "volume":
        return scalar("bar.volume", "qty");
      case "time":
        return scalar("bar.start", "time");
    }
  } else {
    switch (field) {
      case "price":
        return scalar("ctx.toCurrency(fill.instrument, fill.price)", "price");
      case "qty":
        return scalar("fill.qty", "qty");
      case "side":
        return scalar("fill.side", "side");
      case "instrument":
        return scalar("fill.instrument", "other");
      case "time":
        return scalar("fill.ts", "time");
    }
  }
  throw new LoweringError(`\`${field}\` is not a field of a ${kind}`, at);
}

/** Replaces node markers in generated code with the nodes' final field names. */
export function resolveMarkers(code: string, nodes: readonly GraphNode[]): string {
  return code.replace(/@@(r?)(\d+)@@/g, (_m, r: string, id: string) => {
    const n = nodes[Number(id)]!;
    return r ? `r_${n.field}` : n.field;
  });
}

/** Nodes of the AST that lowering keys by identity (re-exported for the emitter). */
export type { Node };
