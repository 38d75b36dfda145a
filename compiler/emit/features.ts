/**
 * Code generation for `algo features`: a feature unit (or a strategy's `features` block) → a
 * TypeScript class the engine runs like a strategy that sends no orders. After every event that
 * reaches an exported feature (or on each tick of a `--every` clock) it writes one row — the event
 * time and the exported values — into a sink. The values are the stdlib operators' own, computed by
 * the same graph code a compiled strategy runs.
 */
import { Project, StructureKind, Scope as TsScope, type MethodDeclarationStructure, type PropertyDeclarationStructure } from "ts-morph";
import { type Located, type Span, spanOf } from "../../grammar/index.js";
import type { CheckedFile, CheckedProgram } from "../check/program.js";
import type { FeatureGraph, SeriesCode } from "../graph/graph.js";
import { Lowering, LoweringError, numberCode, resolveMarkers, type Env, type Value } from "../graph/lower.js";
import { checkBarLengths, constructionLines, graphFields, graphTriggers, nameNodes, timeOfDayUpdates, updateMethods } from "./graph-members.js";

/** How a feature program is instantiated. */
export interface FeatureProgramOptions {
  sourceName: string;
  version: string;
  /** Which feature unit of the file (default: the only one; a strategy file uses its features block). */
  unit?: string;
  /** Instrument (a unit's instrument param, or a strategy's instrument) → data symbol; "*" = the data's first. */
  instruments: Readonly<Record<string, string>>;
  /** Values of the unit's other params, or of a strategy's params (defaults otherwise). */
  params: Readonly<Record<string, number>>;
  /** Sample on a clock of this period (ns) instead of writing a row per update. */
  everyNs?: number;
  /** Bar length (ns) for bar-driven features. Default one minute. */
  barNs?: number;
}

/** What the feature-program emitter produced. */
export interface EmittedFeatures {
  code: string;
  className: string;
  /** Output column names, in order (after the time column). */
  columns: string[];
  graph: FeatureGraph;
  /** Data symbols, in instrument-handle order. */
  symbols: string[];
}

/** Thrown for a request that does not fit the file (unknown unit, missing instrument binding...). */
export class FeatureRequestError extends Error {}

/** Generates the feature program of a checked file (the program must have no errors). */
export function emitFeatureProgram(program: CheckedProgram, root: CheckedFile, options: FeatureProgramOptions): EmittedFeatures {
  const low = new Lowering(program, root);
  const source = program.sources[root.id]!;
  const where = (at: Located) => `${options.sourceName}:${source.position(at.start).line}`;
  const named: Array<{ name: string; value: SeriesCode }> = [];
  let paramFields: PropertyDeclarationStructure[] = [];
  let className = "Features";
  let symbols: string[];

  const units = root.ast.items.filter((i) => i.kind === "FeatureUnit");
  const featureBlocks = root.ast.items.filter((i) => i.kind === "Features");
  if (units.length > 0 && (options.unit !== undefined || featureBlocks.length === 0)) {
    const unit = options.unit === undefined ? units[0]! : units.find((u) => u.kind === "FeatureUnit" && u.name.name === options.unit);
    if (!unit || unit.kind !== "FeatureUnit") {
      throw new FeatureRequestError(`no feature unit \`${options.unit}\` in ${options.sourceName} (it has: ${units.map((u) => (u.kind === "FeatureUnit" ? u.name.name : "")).join(", ")})`);
    }
    if (options.unit === undefined && units.length > 1) {
      throw new FeatureRequestError(`${options.sourceName} has several feature units (${units.map((u) => (u.kind === "FeatureUnit" ? u.name.name : "")).join(", ")}); choose one with --unit`);
    }
    className = `${unit.name.name}Features`;
    const bindings = new Map<import("../check/program.js").SymbolInfo, Value>();
    const env: Env = { key: "", prefix: "", bindings };
    const known = new Set<string>();
    for (const p of unit.params) {
      const sym = program.symbols.get(p) ?? program.symbols.get(p.name);
      if (!sym) continue;
      known.add(p.name.name);
      if (p.type?.name === "instrument") {
        const symbol = options.instruments[p.name.name] ?? (unit.params.filter((q) => q.type?.name === "instrument").length === 1 ? options.instruments["*"] ?? "*" : undefined);
        if (symbol === undefined) throw new FeatureRequestError(`bind the instrument param \`${p.name.name}\` with --instrument ${p.name.name}=SYMBOL`);
        bindings.set(sym, { k: "inst", handle: low.instruments.length });
        low.instruments.push({ name: p.name.name, symbol });
      } else {
        const given = options.params[p.name.name];
        if (given !== undefined) bindings.set(sym, { k: "scalar", code: numberCode(given), type: "f64" });
        else if (p.default) bindings.set(sym, low.expr(p.default, env, Lowering.featureScope()));
        else throw new FeatureRequestError(`give a value for the param \`${p.name.name}\` with --set ${p.name.name}=VALUE`);
      }
    }
    for (const k of Object.keys(options.params)) {
      if (!known.has(k)) throw new FeatureRequestError(`unknown param \`${k}\` of feature unit ${unit.name.name} (it has: ${[...known].join(", ") || "none"})`);
    }
    const exported = unit.body.filter((s) => s.kind === "Export").flatMap((s) => (s.kind === "Export" ? s.names : []));
    const defs = new Map(unit.body.filter((s) => s.kind === "FeatureDef").map((s) => [s.kind === "FeatureDef" ? s.name.name : "", s]));
    const names = exported.length ? exported.map((n) => n.name) : [...defs.keys()];
    for (const name of names) {
      const def = defs.get(name);
      if (!def || def.kind !== "FeatureDef") continue;
      const sym = program.symbols.get(def) ?? program.symbols.get(def.name);
      if (!sym) continue;
      const v = low.feature(sym, env);
      if (v.k === "series") named.push({ name, value: v.s });
      else if (v.k === "outputs") {
        for (const [field, type] of v.node.outputs) named.push({ name: `${name}.${field}`, value: { code: `this.@@${v.node.id}@@.${field}`, deps: new Set([v.node.id]), triggers: v.node.triggers, type } });
      }
    }
    symbols = low.instruments.map((i) => i.symbol);
  } else if (featureBlocks.length > 0) {
    className = `${root.strategy?.name.name ?? "Strategy"}Features`;
    for (const i of low.instruments) {
      const mapped = options.instruments[i.name];
      if (mapped !== undefined) i.symbol = mapped;
    }
    // The features read the strategy's params as `this.p_<name>` (as in a compiled strategy).
    paramFields = strategyParamValues(program, root, options.params).map(({ name, value }) => ({
      kind: StructureKind.Property,
      name: `p_${name}`,
      scope: TsScope.Private,
      isReadonly: true,
      initializer: typeof value === "boolean" ? String(value) : numberCode(value),
    }));
    for (const block of featureBlocks) {
      if (block.kind !== "Features") continue;
      for (const st of block.body) {
        if (st.kind !== "FeatureDef") continue;
        const sym = program.symbols.get(st) ?? program.symbols.get(st.name);
        if (!sym) continue;
        const v = low.feature(sym, low.rootEnv);
        if (v.k === "series") named.push({ name: st.name.name, value: v.s });
      }
    }
    symbols = low.instruments.map((i) => i.symbol);
  } else {
    throw new FeatureRequestError(`${options.sourceName} defines no features (no \`features\` block or feature unit)`);
  }
  if (named.length === 0) throw new FeatureRequestError(`${options.sourceName}: nothing to compute (no exported series)`);

  nameNodes(low);
  const barNs = options.barNs ?? 60e9;
  const barLen = new Map<number, number>();
  for (const n of low.nodes) if (n.op.drive === "bar") barLen.set(n.instrument, barNs);
  checkBarLengths(low, barLen, "give --bar");

  const project = new Project({ useInMemoryFileSystem: true });
  const sf = project.createSourceFile("features.ts", "", { overwrite: true });
  const classes = [...new Set(low.nodes.map((n) => n.className))].sort();
  if (classes.length) sf.addImportDeclaration({ moduleSpecifier: "algolang/stdlib", namedImports: classes });
  sf.addImportDeclaration({
    moduleSpecifier: "algolang/runtime",
    isTypeOnly: true,
    namedImports: ["BarView", "InstrumentInfo", "Strategy", "StrategyContext", "StrategyInit", "Subscriptions", "TradeView"],
  });
  sf.addInterface({
    name: "FeatureSink",
    isExported: true,
    docs: ["Receives one row per update: the strategy clock (ns since the time base) and the values (reused array)."],
    methods: [{ name: "row", parameters: [{ name: "ts", type: "number" }, { name: "values", type: "Float64Array" }], returnType: "void" }],
  });
  const methods: MethodDeclarationStructure[] = [];
  methods.push({
    kind: StructureKind.Method,
    name: "subscriptions",
    parameters: [{ name: "init", type: "StrategyInit" }],
    returnType: "Subscriptions",
    docs: ["Constructs the feature operators and declares the sampling clock and bars."],
    statements: (w) => {
      for (const l of constructionLines(low)) w.writeLine(l);
      const bars = [...barLen.entries()].map(([h, len]) => `{ instrument: ${h}, lenNs: ${numberCode(len)} }`);
      w.writeLine(`return { timersNs: [${options.everyNs ? numberCode(options.everyNs) : ""}], bars: [${bars.join(", ")}] };`);
    },
  });
  low.finishClockTriggers();
  methods.push(...updateMethods(low));
  const triggers = new Set(graphTriggers(low));
  const exportedTriggers = new Set<string>();
  for (const f of named) {
    for (const t of f.value.triggers) exportedTriggers.add(t);
    // The clock's readers got their triggers after lowering (finishClockTriggers).
    for (const d of f.value.deps) for (const t of low.nodes[d]!.triggers) exportedTriggers.add(t);
  }
  const emitRow = options.everyNs ? "" : "this.emitRow(ctx);";
  const dispatch = (kind: "book" | "trade" | "bar"): string[] => {
    const lines: string[] = [];
    for (let h = 0; h < low.instruments.length; h++) {
      const trig = `${kind}:${h}`;
      if (!triggers.has(trig)) continue;
      const call = kind === "book" ? `this.upd_book_${h}(ctx);` : kind === "trade" ? `this.upd_trade_${h}(ctx, trade);` : `this.upd_bar_${h}(ctx, bar);`;
      const guard = kind === "bar" ? `inst === ${h} && barLenNs === ${numberCode(barLen.get(h) ?? barNs)}` : `inst === ${h}`;
      lines.push(`if (${guard}) {`, `    ${call}`);
      if (emitRow && exportedTriggers.has(trig)) lines.push(`    ${emitRow}`);
      lines.push("}");
    }
    return lines;
  };
  // time_of_day reads the event clock (no trigger reaches it): every handler reads it first.
  const clockLines = timeOfDayUpdates(low);
  const handler = (name: string, params: Array<{ name: string; type: string }>, lines: string[], doc: string) => {
    if (lines.length === 0) return;
    methods.push({ kind: StructureKind.Method, name, parameters: params, returnType: "void", docs: [doc], statements: name === "onStart" ? lines : [...clockLines, ...lines] });
  };
  handler(
    "onStart",
    [{ name: "ctx", type: "StrategyContext" }],
    low.nodes.filter((nd) => nd.className === "TimeOfDay").map((nd) => `this.${nd.field}.attachTimeBase(ctx.timeBase);`),
    "Gives time_of_day the run's time base (known only at start).",
  );
  handler("onBook", [{ name: "ctx", type: "StrategyContext" }, { name: "inst", type: "number" }], dispatch("book"), "Book event: update the features it reaches.");
  handler("onTrade", [{ name: "ctx", type: "StrategyContext" }, { name: "inst", type: "number" }, { name: "trade", type: "TradeView" }], dispatch("trade"), "Trade print: update the flow features.");
  handler(
    "onBar",
    [{ name: "ctx", type: "StrategyContext" }, { name: "inst", type: "number" }, { name: "barLenNs", type: "number" }, { name: "bar", type: "BarView" }],
    dispatch("bar"),
    "A bar closed: update the bar features.",
  );
  if (options.everyNs) handler("onTimer", [{ name: "ctx", type: "StrategyContext" }, { name: "timerId", type: "number" }], ["void timerId;", "this.emitRow(ctx);"], "The sampling clock ticked: write a row.");
  methods.push({
    kind: StructureKind.Method,
    name: "emitRow",
    scope: TsScope.Private,
    parameters: [{ name: "ctx", type: "StrategyContext" }],
    returnType: "void",
    docs: ["Writes the exported values (NaN where a feature is not warm yet)."],
    statements: [
      ...named.map((f, i) => {
        const ready = [...f.value.deps].sort((a, b) => a - b).map((d) => `this.@@r${d}@@`);
        const value = f.value.type === "bool" ? `(${f.value.code} ? 1 : 0)` : f.value.code;
        return resolveMarkers(`this.vals[${i}] = ${ready.length ? `${ready.join(" && ")} ? ${value} : Number.NaN` : value};`, low.nodes);
      }),
      "this.sink.row(ctx.time, this.vals);",
    ],
  });
  const cls = sf.addClass({
    name: className,
    isExported: true,
    isDefaultExport: true,
    implements: ["Strategy"],
    docs: [`Features of ${options.sourceName}: ${named.map((n) => n.name).join(", ")}.`],
  });
  cls.addProperty({ name: "instruments", isReadonly: true, type: "readonly string[]", initializer: JSON.stringify(symbols) });
  cls.addProperty({ name: "columns", isStatic: true, isReadonly: true, initializer: JSON.stringify(named.map((n) => n.name)) });
  cls.addProperty({ name: "vals", isReadonly: true, scope: TsScope.Private, type: "Float64Array", initializer: `new Float64Array(${named.length})` });
  cls.addProperties(paramFields);
  cls.addProperties(graphFields(low, where));
  cls.addConstructor({ parameters: [{ name: "sink", type: "FeatureSink", isReadonly: true, scope: TsScope.Private }] });
  cls.addMethods(methods);
  const code = resolveMarkers(`// Generated by algo ${options.version} from ${options.sourceName} (features). Do not edit.\n${sf.getFullText()}`, low.nodes);
  return { code, className, columns: named.map((n) => n.name), graph: low.graph(named.map((n) => ({ name: n.name, value: n.value, span: spanOf(root.ast) }))), symbols };
}

/**
 * The values of a strategy's params for its feature program: `given` (from `--set`) where set,
 * else the declared default. A value must fit the param's type and declared range, as for `algo
 * backtest`; an unknown name is an error, not silently ignored.
 */
function strategyParamValues(
  program: CheckedProgram,
  root: CheckedFile,
  given: Readonly<Record<string, number>>,
): Array<{ name: string; value: number | boolean }> {
  const out: Array<{ name: string; value: number | boolean }> = [];
  const strategy = root.strategy?.name.name ?? "the strategy";
  for (const item of root.ast.items) {
    if (item.kind !== "Param") continue;
    const name = item.name.name;
    const sym = program.symbols.get(item) ?? program.symbols.get(item.name);
    const type = item.type?.name ?? (sym ? String(sym.type.type) : "f64");
    const dv = item.value.kind === "Bool" ? item.value.value : program.constants.get(item.value)?.lo;
    const v = given[name];
    if (type === "bool") {
      if (v !== undefined && v !== 0 && v !== 1) throw new FeatureRequestError(`param \`${name}\` of ${strategy} is a bool: give --set ${name}=1 (true) or 0 (false)`);
      out.push({ name, value: v === undefined ? Boolean(dv) : v === 1 });
      continue;
    }
    if (v === undefined) {
      out.push({ name, value: Number(dv) });
      continue;
    }
    if ((type === "int" || type === "qty") && !Number.isInteger(v)) throw new FeatureRequestError(`param \`${name}\`: expected a whole number (${type}), got ${v}`);
    const lo = item.range ? sym?.constant?.lo : undefined;
    const hi = item.range ? sym?.constant?.hi : undefined;
    if (typeof lo === "number" && typeof hi === "number" && (v < lo || v > hi)) {
      throw new FeatureRequestError(`param \`${name}\` = ${v} is outside its declared range [${lo}, ${hi}]`);
    }
    if (!item.range && v !== Number(dv)) {
      throw new FeatureRequestError(`param \`${name}\` has no declared range, so the compiler folded it to its default ${Number(dv)}; declare \`in [lo, hi]\` to vary it`);
    }
    out.push({ name, value: v });
  }
  const known = new Set(out.map((p) => p.name));
  for (const k of Object.keys(given)) {
    if (!known.has(k)) throw new FeatureRequestError(`unknown param \`${k}\` of strategy ${strategy} (it declares: ${[...known].join(", ") || "none"})`);
  }
  return out;
}

export { LoweringError };
