/**
 * Code generation: a checked strategy → one TypeScript module holding a class that implements the
 * runtime's Strategy interface (runtime/engine/strategy.ts). The module is built with ts-morph's
 * structures API and is deterministic: the same program gives byte-identical text.
 *
 * Shape of the generated class:
 *   - `p_<name>` fields for params (set from the constructor's params record, defaults otherwise),
 *     `s_<name>` for `var` state, one field per feature-graph node (a stdlib operator instance) and
 *     its ready flag `r_<field>`, `tk` (tick size in currency per instrument), record series ids;
 *   - `subscriptions(init)` constructs the operators (their buffers are sized here, once) and
 *     declares timers and bars; `onBook` / `onTrade` / `onBar` update exactly the graph nodes the
 *     event reaches (one `upd_*` method per trigger, nodes in topological order), then run the
 *     handlers; `onFill`, `onTimer`, `onStart`, `onEnd` run theirs.
 * Every handler is straight-line code over numbers: no closures, arrays, objects or strings are
 * created per event (`log` formats a string: it is for rare events).
 * Each block carries a comment with the `.algo` line it came from.
 */
import {
  Project,
  type ClassDeclarationStructure,
  type CodeBlockWriter,
  type ImportDeclarationStructure,
  type WriterFunction,
  StructureKind,
  type MethodDeclarationStructure,
  type PropertyDeclarationStructure,
  Scope as TsScope,
} from "ts-morph";
import { type Block, type Expr, type FnDecl, type Handler, type Located, type Stmt, type Span, type SourceFile, spanOf } from "../../grammar/index.js";
import type { CheckedFile, CheckedProgram, SymbolInfo } from "../check/program.js";
import type { FeatureGraph, GraphNode } from "../graph/graph.js";
import { Lowering, LoweringError, numberCode, readyCode, resolveMarkers, type Scope, type Value } from "../graph/lower.js";
import { checkBarLengths, constructionLines, graphFields, graphTriggers, nameNodes, timeOfDayUpdates, updateMethods } from "./graph-members.js";

/** A parameter of the generated strategy, for validating `--set` values before construction. */
export interface StrategyParamInfo {
  name: string;
  type: string;
  default: number | boolean;
  lo?: number;
  hi?: number;
}

/** What code generation produced. */
export interface EmittedStrategy {
  /** The TypeScript module text. */
  code: string;
  className: string;
  graph: FeatureGraph;
  params: StrategyParamInfo[];
  /** Generated line (1-based) → `.algo` span, for source maps. */
  lineMap: Array<{ line: number; span: Span }>;
}

/** Thrown when the program cannot be compiled (a back-end limit); carries the offending span. */
export { LoweringError };

interface HandlerSite {
  handler: Handler;
  kind: string;
  instrument: number;
  period: number;
}

/** Generates the TypeScript module of a checked strategy (the program must have no errors). */
export function emitStrategy(program: CheckedProgram, root: CheckedFile, options: { sourceName: string; version: string }): EmittedStrategy {
  const low = new Lowering(program, root);
  const source = program.sources[root.id]!;
  const className = safeClassName(root.strategy?.name.name || baseName(options.sourceName));
  const where = (at: Located) => `${options.sourceName}:${source.position(at.start).line}`;
  const lineMarks: Array<{ marker: string; span: Span }> = [];
  const mark = (span: Span): string => {
    const marker = `/*@L${lineMarks.length}@*/`;
    lineMarks.push({ marker, span });
    return marker;
  };

  // ---- params and vars
  const params: StrategyParamInfo[] = [];
  const paramFields: PropertyDeclarationStructure[] = [];
  const ctorLines: string[] = [];
  const stateFields: PropertyDeclarationStructure[] = [];
  const fns: FnDecl[] = [];
  const handlers: HandlerSite[] = [];
  for (const item of root.ast.items) {
    if (item.kind === "Param") {
      const sym = symbolOf(program, item, item.name);
      const t = item.type?.name ?? (sym ? String(sym.type.type) : "f64");
      // The checker folded the default (and the declared range into the param's constant interval).
      const dv = item.value.kind === "Bool" ? item.value.value : program.constants.get(item.value)?.lo;
      const range = item.range && sym?.constant ? { lo: sym.constant.lo, hi: sym.constant.hi } : undefined;
      const info: StrategyParamInfo = { name: item.name.name, type: t, default: t === "bool" ? Boolean(dv) : Number(dv) };
      if (range && typeof range.lo === "number" && typeof range.hi === "number") {
        info.lo = range.lo;
        info.hi = range.hi;
      }
      params.push(info);
      paramFields.push(prop(`p_${item.name.name}`, t === "bool" ? "boolean" : "number", undefined, true, `param ${item.name.name} (${where(item)})`));
      ctorLines.push(
        t === "bool"
          ? `this.p_${item.name.name} = typeof params.${item.name.name} === "boolean" ? params.${item.name.name} : ${info.default ? "true" : "false"};`
          : `this.p_${item.name.name} = typeof params.${item.name.name} === "number" ? params.${item.name.name} : ${numberCode(info.default as number)};`,
      );
    } else if (item.kind === "Var") {
      const init = low.expr(item.init, low.rootEnv, Lowering.featureScope());
      const t = item.type?.name === "bool" ? "boolean" : "number";
      stateFields.push(prop(`s_${item.name.name}`, t, init.k === "scalar" ? resolveMarkers(init.code, low.nodes) : "0", false, `var ${item.name.name} (${where(item)})`));
    } else if (item.kind === "Fn") {
      fns.push(item);
    } else if (item.kind === "Handler") {
      const info = program.handlers.get(item);
      if (!info) continue;
      const inst = info.instruments[0] ? low.handles.get(info.instruments[0]) ?? 0 : 0;
      handlers.push({ handler: item, kind: info.kind, instrument: inst, period: info.period ? info.period.lo : 0 });
    }
  }

  // ---- handler bodies (lowering them builds the graph: only features that are read are computed)
  const records: string[] = [];
  const recordId = (name: string): number => {
    let i = records.indexOf(name);
    if (i < 0) {
      i = records.length;
      records.push(name);
    }
    return i;
  };
  const bodies = new Map<Handler, string[]>();
  for (const h of handlers) {
    const scope: Scope = { handler: true, tickInstrument: h.instrument, bindings: new Map(), locals: new Map() };
    const info = program.handlers.get(h.handler)!;
    if (info.binding && (h.kind === "trade" || h.kind === "bar" || h.kind === "fill")) scope.bindings.set(info.binding, h.kind);
    const lines: string[] = [];
    const body = new StatementEmitter(program, low, recordId, mark, lines);
    if (h.handler.guard) {
      const g = low.expr(h.handler.guard, low.rootEnv, scope);
      lines.push(`${mark(spanOf(h.handler.guard))}if (${codeOf(g)}) {`);
      body.block(h.handler.body, scope, 1);
      lines.push("}");
    } else {
      body.block(h.handler.body, scope, 0);
    }
    bodies.set(h.handler, lines);
  }
  // Exported features of the strategy's own feature block are kept as named features for `algo features`.
  const features: FeatureGraph["features"] = [];
  for (const item of root.ast.items) {
    if (item.kind !== "Features") continue;
    for (const st of item.body) {
      if (st.kind !== "FeatureDef") continue;
      const sym = symbolOf(program, st, st.name);
      if (!sym || sym.uses === 0) continue;
      const v = low.feature(sym, low.rootEnv);
      if (v.k === "series") features.push({ name: st.name.name, value: v.s, span: spanOf(st) });
    }
  }
  // fn bodies
  const fnMethods: MethodDeclarationStructure[] = [];
  for (const fn of fns) {
    const scope: Scope = { handler: false, tickInstrument: 0, bindings: new Map(), locals: new Map() };
    const paramsTs = fn.params.map((p) => {
      const sym = symbolOf(program, p, p.name);
      const local = `a_${p.name.name}`;
      if (sym) scope.locals.set(sym, local);
      return { name: local, type: tsType(p.type?.name) };
    });
    const lines: string[] = [];
    const em = new StatementEmitter(program, low, recordId, mark, lines);
    if (fn.body.kind === "Block") em.block(fn.body, scope, 0);
    else lines.push(`return ${codeOf(low.expr(fn.body, low.rootEnv, scope))};`);
    fnMethods.push({
      kind: StructureKind.Method,
      name: `fn_${fn.name.name}`,
      scope: TsScope.Private,
      parameters: paramsTs,
      returnType: tsType(fn.returnType?.name),
      docs: [`fn ${fn.name.name} (${where(fn)})`],
      statements: linesWriter(lines, low),
    });
  }

  nameNodes(low);

  // ---- bar lengths per instrument (bar-driven nodes use the instrument's bar handler length)
  const barLen = new Map<number, number>();
  for (const h of handlers) if (h.kind === "bar" && !barLen.has(h.instrument)) barLen.set(h.instrument, h.period);
  checkBarLengths(low, barLen, "add an `on bar({inst}, 1m)` handler");
  // Bar-driven operators take no bar length of their own: with two `on bar` lengths for one
  // instrument, which bars they should see is ambiguous, so refuse rather than pick one silently.
  for (const nd of low.nodes) {
    if (nd.op.drive !== "bar") continue;
    const lens = [...new Set(handlers.filter((h) => h.kind === "bar" && h.instrument === nd.instrument).map((h) => h.period))];
    if (lens.length > 1) {
      const inst = low.instruments[nd.instrument]?.name ?? "inst";
      const name = nd.op.namespace ? `${nd.op.namespace}.${nd.op.name}` : nd.op.name;
      throw new LoweringError(
        `\`${name}\` reads the bars of \`${inst}\`, but the strategy has \`on bar(${inst}, …)\` handlers of ${lens.length} different lengths, so which bars it should see is ambiguous; keep bar features to one bar length per instrument (one \`on bar(${inst}, …)\` length)`,
        nd.span,
      );
    }
  }

  // ---- imports
  const classes = [...new Set(low.nodes.map((n) => n.className))].sort();
  // The whole module is described as structures and printed once: adding members one by one
  // re-parses the file after every addition (a third of a cold \`algo build\`).
  const imports: ImportDeclarationStructure[] = [];
  if (classes.length) imports.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: "algolang/stdlib", namedImports: classes });
  imports.push({
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "algolang/runtime",
    isTypeOnly: true,
    namedImports: ["BarView", "FillView", "InstrumentInfo", "RiskLimits", "Strategy", "StrategyContext", "StrategyInit", "Subscriptions", "TradeView"],
  });

  // ---- fields
  const nodeFields = graphFields(low, where);
  const n = low.instruments.length;
  const miscFields: PropertyDeclarationStructure[] = [];
  for (let i = 0; i < records.length; i++) miscFields.push(prop(`rec_${i}`, "number", "0", false, `record series "${records[i]}"`));

  // ---- methods
  const methods: MethodDeclarationStructure[] = [];
  const timers = handlers.filter((h) => h.kind === "timer");
  const bars = [...barLen.entries()];
  const extraBars = handlers.filter((h) => h.kind === "bar" && barLen.get(h.instrument) !== h.period);
  methods.push({
    kind: StructureKind.Method,
    name: "subscriptions",
    parameters: [{ name: "init", type: "StrategyInit" }],
    returnType: "Subscriptions",
    docs: ["Constructs the feature operators (every buffer is sized here, once) and declares timers and bars."],
    statements: (w) => {
      for (const l of constructionLines(low)) w.writeLine(l);
      const timerList = timers.map((t) => numberCode(t.period)).join(", ");
      const barList = [...bars.map(([h, len]) => `{ instrument: ${h}, lenNs: ${numberCode(len)} }`), ...extraBars.map((b) => `{ instrument: ${b.instrument}, lenNs: ${numberCode(b.period)} }`)];
      w.writeLine(`return { timersNs: [${timerList}], bars: [${barList.join(", ")}] };`);
    },
  });
  // Per-trigger update methods.
  low.finishClockTriggers();
  methods.push(...updateMethods(low));
  const triggers = new Set(graphTriggers(low));
  const handlerCalls = (kind: string, h?: number, period?: number): string[] => {
    const out: string[] = [];
    for (const site of handlers) {
      if (site.kind !== kind) continue;
      if (h !== undefined && site.instrument !== h) continue;
      if (period !== undefined && site.period !== period) continue;
      out.push(`// ${where(site.handler)}: on ${kind}`);
      out.push(...bodies.get(site.handler)!);
    }
    return out;
  };
  const dispatch = (kind: "book" | "trade" | "bar"): string[] => {
    const lines: string[] = [];
    for (let h = 0; h < n; h++) {
      if (kind === "bar") {
        const lens = new Set<number>();
        if (barLen.has(h)) lens.add(barLen.get(h)!);
        for (const s of handlers) if (s.kind === "bar" && s.instrument === h) lens.add(s.period);
        for (const len of [...lens].sort((a, b) => a - b)) {
          const body: string[] = [];
          if (triggers.has(`bar:${h}`) && barLen.get(h) === len) body.push(`this.upd_bar_${h}(ctx, bar);`);
          body.push(...handlerCalls("bar", h, len));
          if (body.length === 1 && !triggers.has(`bar:${h}`)) continue;
          lines.push(`if (inst === ${h} && barLenNs === ${numberCode(len)}) {`, ...body.map((l) => `\t${l}`), "}");
        }
        continue;
      }
      const body: string[] = [];
      if (triggers.has(`${kind}:${h}`)) body.push(kind === "trade" ? `this.upd_trade_${h}(ctx, trade);` : `this.upd_book_${h}(ctx);`);
      body.push(...handlerCalls(kind, h));
      if (body.length === 0) continue;
      lines.push(`if (inst === ${h}) {`, ...body.map((l) => `\t${l}`), "}");
    }
    return lines;
  };
  const addHandlerMethod = (name: string, parameters: Array<{ name: string; type: string }>, lines: string[], doc: string) => {
    if (lines.length === 0) return;
    methods.push({ kind: StructureKind.Method, name, parameters, returnType: "void", docs: [doc], statements: linesWriter(name === "onStart" ? lines : [...clockLines, ...lines], low) });
  };
  // time_of_day reads the event clock, not a series: it has no trigger, so every handler reads the
  // clock first (before the feature updates, which may read it).
  const clockLines = timeOfDayUpdates(low);
  // Operators that read our own orders' queue position get the engine's queue model.
  const startLines = [
    ...low.nodes.filter((nd) => nd.className === "BookQueuePosition").map((nd) => `this.${nd.field}.attachQueue(ctx);`),
    // time_of_day reads the absolute time: the run's time base is known only at start.
    ...low.nodes.filter((nd) => nd.className === "TimeOfDay").map((nd) => `this.${nd.field}.attachTimeBase(ctx.timeBase);`),
    ...clockLines,
    ...records.map((r, i) => `this.rec_${i} = ctx.series(${JSON.stringify(r)});`),
  ];
  const userStart = handlerCalls("start");
  addHandlerMethod("onStart", [{ name: "ctx", type: "StrategyContext" }], [...startLines, ...userStart], "Registers the record series, then runs `on start`.");
  addHandlerMethod("onBook", [{ name: "ctx", type: "StrategyContext" }, { name: "inst", type: "number" }], dispatch("book"), "Book event: update the features it reaches, then `on book` handlers.");
  addHandlerMethod(
    "onTrade",
    [{ name: "ctx", type: "StrategyContext" }, { name: "inst", type: "number" }, { name: "trade", type: "TradeView" }],
    dispatch("trade"),
    "Trade print: update the flow features, then `on trade` handlers.",
  );
  addHandlerMethod(
    "onBar",
    [{ name: "ctx", type: "StrategyContext" }, { name: "inst", type: "number" }, { name: "barLenNs", type: "number" }, { name: "bar", type: "BarView" }],
    dispatch("bar"),
    "A bar closed: update the bar features, then `on bar` handlers.",
  );
  addHandlerMethod("onFill", [{ name: "ctx", type: "StrategyContext" }, { name: "fill", type: "FillView" }], handlerCalls("fill"), "One of our orders (partly) filled.");
  const timerLines: string[] = [];
  timers.forEach((t, i) => {
    timerLines.push(`if (timerId === ${i}) {`, ...[`// ${where(t.handler)}: on timer`, ...bodies.get(t.handler)!].map((l) => `\t${l}`), "}");
  });
  addHandlerMethod("onTimer", [{ name: "ctx", type: "StrategyContext" }, { name: "timerId", type: "number" }], timerLines, "A timer fired.");
  addHandlerMethod("onEnd", [{ name: "ctx", type: "StrategyContext" }], handlerCalls("end"), "After the last event.");
  const allReady = low.nodes.map((nd) => `this.r_${nd.field}`);
  methods.push({
    kind: StructureKind.Method,
    name: "isReady",
    returnType: "boolean",
    docs: ["True once every feature is warm (the engine starts the metrics here)."],
    statements: [`return ${allReady.length ? allReady.join(" && ") : "true"};`],
  });
  methods.push(...fnMethods);

  const properties: PropertyDeclarationStructure[] = [
    {
      kind: StructureKind.Property,
      name: "instruments",
      isReadonly: true,
      type: "readonly string[]",
      initializer: JSON.stringify(low.instruments.map((i) => i.symbol)),
      docs: ["Symbols traded, in handle order."],
    },
    {
      kind: StructureKind.Property,
      name: "params",
      isStatic: true,
      isReadonly: true,
      initializer: JSON.stringify(params),
      docs: ["Declared params with defaults and ranges (the loader validates `--set` values against them)."],
    },
    ...paramFields,
    ...stateFields,
    ...miscFields,
    ...nodeFields,
  ];
  // The risk block in run-time units; the engine's risk manager enforces it on every order.
  const riskParts: string[] = [];
  const riskCode = (e: Expr) => {
    const v = low.expr(e.kind === "Ticks" ? e.value : e, low.rootEnv, Lowering.featureScope());
    return v.k === "scalar" ? v.code : undefined;
  };
  for (const [key, limit] of root.risk) {
    const code = riskCode(limit.entry.value);
    if (code === undefined) continue;
    if (key === "max_position") riskParts.push(`maxPosition: ${code}`);
    else if (key === "max_order_qty") riskParts.push(`maxOrderQty: ${code}`);
    else if (key === "max_open_orders") riskParts.push(`maxOpenOrders: ${code}`);
    else if (key === "max_loss") riskParts.push(`maxLoss: ${code}`);
    else if (key === "price_band") riskParts.push(limit.entry.value.kind === "Ticks" ? `priceBandTicks: ${code}` : `priceBand: ${code}`);
    else if (key === "max_order_rate" && limit.entry.per) {
      const per = riskCode(limit.entry.per);
      if (per !== undefined) riskParts.push(`maxOrderRate: { count: ${code}, windowNs: ${per} }`);
    }
  }
  properties.push({
    kind: StructureKind.Property,
    name: "risk",
    isReadonly: true,
    type: "RiskLimits",
    docs: ["The strategy's `risk` block in run-time units (the engine's risk manager enforces it)."],
  });
  const cls: ClassDeclarationStructure = {
    kind: StructureKind.Class,
    name: className,
    isExported: true,
    isDefaultExport: true,
    implements: ["Strategy"],
    docs: [
      `${root.strategy?.description?.value ?? `Strategy ${className}`}\n\nCompiled from ${options.sourceName}; ${low.nodes.length} feature operator(s), ${handlers.length} handler(s).`,
    ],
    properties,
    ctors: [
      {
        kind: StructureKind.Constructor,
        parameters: [{ name: "params", type: "Record<string, number | string | boolean>", initializer: "{}" }],
        statements: [...ctorLines, `this.risk = { ${riskParts.join(", ")} };`],
      },
    ],
    methods,
  };
  const project = new Project({ useInMemoryFileSystem: true });
  const sf = project.createSourceFile("strategy.ts", { statements: [...imports, cls] }, { overwrite: true });

  let code = `// Generated by algo ${options.version} from ${options.sourceName}. Do not edit: change the .algo file and rebuild.\n` + sf.getFullText();
  code = resolveMarkers(code, low.nodes);
  // Turn line markers into a line map, then strip them.
  const lineMap: EmittedStrategy["lineMap"] = [];
  const lines = code.split("\n");
  const markerRe = /\/\*@L(\d+)@\*\//g;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes("/*@L")) continue;
    let m: RegExpExecArray | null;
    markerRe.lastIndex = 0;
    while ((m = markerRe.exec(line)) !== null) lineMap.push({ line: i + 1, span: lineMarks[Number(m[1])]!.span });
    lines[i] = line.replace(markerRe, "");
  }
  code = lines.join("\n");
  void cls;
  return { code, className, graph: low.graph(features), params, lineMap };
}

/** Emits handler statements as TypeScript lines (one indentation level = one tab). */
class StatementEmitter {
  constructor(
    private readonly program: CheckedProgram,
    private readonly low: Lowering,
    private readonly recordId: (name: string) => number,
    private readonly mark: (span: Span) => string,
    private readonly out: string[],
  ) {}

  block(b: Block, scope: Scope, depth: number): void {
    const inner: Scope = { ...scope, locals: new Map(scope.locals) };
    for (const s of b.stmts) this.stmt(s, inner, depth);
  }

  private line(depth: number, text: string): void {
    this.out.push("\t".repeat(depth) + text);
  }

  private expr(e: Expr, scope: Scope): string {
    return codeOf(this.low.expr(e, this.low.rootEnv, scope));
  }

  private stmt(s: Stmt, scope: Scope, depth: number): void {
    const m = this.mark(spanOf(s));
    switch (s.kind) {
      case "Let": {
        const sym = symbolOf(this.program, s, s.name);
        const local = `l_${s.name.name}`;
        const v = this.expr(s.value, scope);
        if (sym) scope.locals.set(sym, local);
        this.line(depth, `${m}const ${local} = ${v};`);
        return;
      }
      case "Var":
        throw new LoweringError("`var` is only allowed at the top level", s);
      case "Assign": {
        if (s.target.kind !== "Name") throw new LoweringError("only a `var` can be assigned", s);
        const sym = this.program.symbols.get(s.target);
        if (!sym || sym.kind !== "var") throw new LoweringError("only a `var` can be assigned", s);
        this.line(depth, `${m}this.s_${sym.name} ${s.op} ${this.expr(s.value, scope)};`);
        return;
      }
      case "If": {
        this.line(depth, `${m}if (${this.expr(s.cond, scope)}) {`);
        this.block(s.then, scope, depth + 1);
        let els = s.else;
        while (els) {
          if (els.kind === "If") {
            this.line(depth, `} else if (${this.expr(els.cond, scope)}) {`);
            this.block(els.then, scope, depth + 1);
            els = els.else;
          } else {
            this.line(depth, "} else {");
            this.block(els, scope, depth + 1);
            els = undefined;
          }
        }
        this.line(depth, "}");
        return;
      }
      case "For": {
        const sym = symbolOf(this.program, s, s.variable);
        const local = `k_${s.variable.name}`;
        const from = this.expr(s.from, scope);
        const to = this.expr(s.to, scope);
        const inner: Scope = { ...scope, locals: new Map(scope.locals) };
        if (sym) inner.locals.set(sym, local);
        this.line(depth, `${m}for (let ${local} = ${from}; ${local} < ${to}; ${local}++) {`);
        this.block(s.body, inner, depth + 1);
        this.line(depth, "}");
        return;
      }
      case "Return":
        this.line(depth, s.value ? `${m}return ${this.expr(s.value, scope)};` : `${m}return;`);
        return;
      case "ExprStmt": {
        const e = s.expr;
        if (e.kind === "Call") {
          const rc = this.program.calls.get(e);
          if (rc && rc.kind === "action") {
            this.action(rc.action.name, rc.args, rc.rest, scope, depth, m, e);
            return;
          }
        }
        this.line(depth, `${m}${this.expr(e, scope)};`);
        return;
      }
    }
  }

  private action(name: string, args: ReadonlyMap<string, Expr>, rest: readonly Expr[], scope: Scope, depth: number, m: string, at: Located): void {
    const inst = (key: string): number | undefined => {
      const a = args.get(key);
      if (!a) return undefined;
      const v = this.low.expr(a, this.low.rootEnv, scope);
      if (v.k !== "inst") throw new LoweringError(`\`${key}\` must be an instrument`, a);
      return v.handle;
    };
    const h = inst("inst");
    // Prices in an order are written relative to the order's instrument: `ticks` use its tick size.
    const orderScope: Scope = h === undefined ? scope : { ...scope, tickInstrument: h };
    const arg = (key: string): string | undefined => {
      const a = args.get(key);
      return a ? codeOf(this.low.expr(a, this.low.rootEnv, orderScope)) : undefined;
    };
    switch (name) {
      case "buy":
      case "sell": {
        const side = name === "buy" ? "1" : "-1";
        const qty = arg("qty")!;
        const limit = arg("limit");
        if (limit === undefined) this.line(depth, `${m}ctx.${name}(${h}, ${qty});`);
        else {
          // The register form of `ctx.limit`: the currency price in `orderPrices`, rounded by the call.
          this.line(depth, `${m}ctx.orderPrices[0] = ${limit};`);
          this.line(depth, `ctx.limitAtCurrency(${h}, ${side}, ${qty}, ${arg("tif") ?? "0"}, ${arg("post_only") ?? "false"});`);
        }
        return;
      }
      case "bid":
      case "ask": {
        const qty = arg("qty")!;
        // Post-only limits (`ctx.bid`/`ctx.ask` with a GTC default) in the register form.
        this.line(depth, `${m}ctx.orderPrices[0] = ${arg("price")!};`);
        this.line(depth, `ctx.limitAtCurrency(${h}, ${name === "bid" ? "1" : "-1"}, ${qty}, ${arg("tif") ?? "0"}, true);`);
        return;
      }
      case "quote":
        // The register form of `ctx.quote` (runtime/engine/strategy.ts): currency prices in
        // `quotePrices`, rounded to the tick by `quoteAtCurrency` itself, so no double crosses a
        // call (none is boxed per event).
        this.line(depth, `${m}ctx.quotePrices[0] = ${arg("bid")!};`);
        this.line(depth, `ctx.quotePrices[1] = ${arg("ask")!};`);
        this.line(depth, `ctx.quoteAtCurrency(${h}, ${arg("size")!});`);
        return;
      case "cancel": {
        const side = arg("side");
        this.line(depth, side === undefined ? `${m}ctx.cancelAll(${h});` : `${m}ctx.cancelSide(${h}, ${side});`);
        return;
      }
      case "cancel_all":
        this.line(depth, `${m}ctx.cancelAll(${h ?? -1});`);
        return;
      case "flatten":
        this.line(depth, `${m}ctx.flatten(${h});`);
        return;
      case "record": {
        const nameExpr = args.get("name");
        const label = nameExpr && nameExpr.kind === "String" ? nameExpr.value : "value";
        const id = this.recordId(label);
        this.line(depth, `${m}ctx.record(this.rec_${id}, +(${arg("value")}));`);
        return;
      }
      case "log": {
        const parts = rest.map((e) => (e.kind === "String" ? JSON.stringify(e.value) : `String(${codeOf(this.low.expr(e, this.low.rootEnv, scope))})`));
        this.line(depth, `${m}ctx.log(${parts.length ? parts.join(' + " " + ') : '""'});`);
        return;
      }
      default:
        throw new LoweringError(`action \`${name}\` cannot be compiled`, at);
    }
  }
}

function codeOf(v: Value): string {
  switch (v.k) {
    case "scalar":
      return v.code;
    case "series":
      return v.s.code;
    case "inst":
      return String(v.handle);
    case "outputs":
      return `this.@@${v.node.id}@@`;
    case "unit":
      return readyCode(new Set());
  }
}

function linesWriter(lines: string[], low: Lowering): WriterFunction {
  return (w: CodeBlockWriter) => {
    for (const l of lines) {
      const depth = /^\t*/.exec(l)![0].length;
      const text = resolveMarkers(l.slice(depth), low.nodes);
      w.writeLine("    ".repeat(depth) + text);
    }
  };
}

function prop(name: string, type: string, initializer: string | undefined, readonly: boolean, doc?: string): PropertyDeclarationStructure {
  const p: PropertyDeclarationStructure = { kind: StructureKind.Property, name, type, isReadonly: readonly, scope: TsScope.Private };
  if (initializer !== undefined) p.initializer = initializer;
  if (doc) p.docs = [doc];
  return p;
}

function symbolOf(program: CheckedProgram, node: object, name: object): SymbolInfo | undefined {
  return program.symbols.get(node as never) ?? program.symbols.get(name as never);
}

function tsType(name: string | undefined): string {
  return name === "bool" ? "boolean" : "number";
}

function baseName(path: string): string {
  const b = path.split(/[\\/]/).pop() ?? "Strategy";
  return b.replace(/\.algo$/, "");
}

function safeClassName(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let s = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  if (!s || /^[0-9]/.test(s)) s = `Strategy${s}`;
  return s;
}

export type { SourceFile, GraphNode };
