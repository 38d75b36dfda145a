/**
 * The parts of a generated class that hold and update the feature graph, shared by the strategy
 * emitter (strategy.ts) and the feature-program emitter (features.ts): node field names, their
 * declarations, their construction, and one update method per trigger.
 */
import { StructureKind, Scope as TsScope, type MethodDeclarationStructure, type PropertyDeclarationStructure } from "ts-morph";
import type { Span } from "../../grammar/index.js";
import { Lowering, LoweringError, resolveMarkers } from "../graph/lower.js";
import type { GraphNode } from "../graph/graph.js";

/** Gives every node a unique field name, from the first feature that names it when there is one. */
export function nameNodes(low: Lowering): void {
  const used = new Set<string>();
  for (const n of low.nodes) {
    const base = n.names[0] ? `f_${n.names[0].replace(/[^A-Za-z0-9_]/g, "_")}` : `n${n.id}_${n.op.name}`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    n.field = name;
  }
}

/** Fails when a bar-driven node has no bar length for its instrument. */
export function checkBarLengths(low: Lowering, barLen: ReadonlyMap<number, number>, how: string): void {
  for (const n of low.nodes) {
    if (n.op.drive === "bar" && !barLen.has(n.instrument)) {
      const inst = low.instruments[n.instrument]?.name ?? "inst";
      throw new LoweringError(`bar features of \`${inst}\` need a bar length: ${how.replace("{inst}", inst)}`, n.span);
    }
  }
}

/** Field declarations: one per node (the operator instance) plus its ready flag, and `tk`. */
export function graphFields(low: Lowering, where: (span: Span) => string): PropertyDeclarationStructure[] {
  const out: PropertyDeclarationStructure[] = [];
  for (const n of low.nodes) {
    const name = n.op.namespace ? `${n.op.namespace}.${n.op.name}` : n.op.name;
    out.push({
      kind: StructureKind.Property,
      name: n.field,
      scope: TsScope.Private,
      hasExclamationToken: true,
      type: n.className,
      docs: [`#${n.id} ${name}${n.names.length ? ` — ${n.names.join(", ")}` : ""} (${where(n.span)})`],
    });
    out.push({ kind: StructureKind.Property, name: `r_${n.field}`, type: "boolean", initializer: "false", scope: TsScope.Private });
  }
  out.push({
    kind: StructureKind.Property,
    name: "tk",
    type: "Float64Array",
    isReadonly: true,
    scope: TsScope.Private,
    initializer: `new Float64Array(${Math.max(1, low.instruments.length)})`,
    docs: ["Tick size in currency units per instrument handle (for `ticks`)."],
  });
  return out;
}

/** Lines of `subscriptions(init)` that size `tk` and construct every operator (`infos` in scope). */
export function constructionLines(low: Lowering): string[] {
  const lines = ["const infos: readonly InstrumentInfo[] = init.instruments;"];
  for (let h = 0; h < low.instruments.length; h++) {
    lines.push(`this.tk[${h}] = (infos[${h}]!.tickSize > 0 ? infos[${h}]!.tickSize : 1) * infos[${h}]!.priceScale;`);
  }
  for (const node of low.nodes) {
    lines.push(`this.${node.field} = new ${node.className}(${node.ctorArgs.map((c) => resolveMarkers(c, low.nodes)).join(", ")});`);
  }
  return lines;
}

/**
 * Lines that read the event clock into every `time_of_day` node (`ctx.time`), for the top of each
 * handler. time_of_day has no series input, so no trigger reaches it: it is read on every event a
 * handler receives, before the feature updates of that event (which may read it).
 */
export function timeOfDayUpdates(low: Lowering): string[] {
  return low.nodes
    .filter((nd) => nd.className === "TimeOfDay")
    .flatMap((nd) => [`this.${nd.field}.update(ctx.time);`, `this.r_${nd.field} = this.${nd.field}.ready;`]);
}

/** The triggers that reach at least one node, sorted. */
export function graphTriggers(low: Lowering): string[] {
  const triggers = new Set<string>();
  for (const node of low.nodes) for (const t of node.triggers) triggers.add(t);
  return [...triggers].sort();
}

/**
 * Point-wise operators: their output is a function of the current inputs only, and a NaN input
 * gives a NaN output (docs/stdlib.md, "NaN inputs"). Every other series operator is stateful and
 * ignores an update whose input is NaN (state, outputs and warm-up unchanged).
 * test/compiler/emit/propagation.test.ts checks this list against the stdlib classes themselves.
 */
export const POINTWISE_OPERATORS: ReadonlySet<string> = new Set(["abs", "sign", "clamp", "min", "max", "iff", "time_of_day"]);

/**
 * Operators whose `update` ignores the event time (its last parameter is an optional `_ts`): the
 * generated code does not pass it. A time in ns is a double, and V8 boxes a double argument (a heap
 * allocation) at every call it does not inline — in a method updating ten operators, most calls.
 * Time windows, `sample` and time_of_day read the time and get it. test/compiler/emit/time-free.test.ts
 * checks this list against the stdlib classes' own parameter lists, both ways.
 */
export const TIME_FREE_UPDATES: ReadonlySet<string> = new Set([
  "Abs", "Autocorr", "Bollinger", "BookAskSize", "BookBestAsk", "BookBestBid", "BookBidSize", "BookDepth", "BookImbalance",
  "BookMicroprice", "BookMid", "BookPressure", "BookQueuePosition", "BookSpread", "BookSpreadBps", "Clamp", "Corr", "Cov",
  "Crossover", "Crossunder", "Dema", "Diff", "Ema", "EwmaVar", "HalfLife", "Hma", "Iff", "Kurtosis", "Lag", "LogReturn", "Macd",
  "Max2", "Median", "Min2", "Momentum", "OrderFlowImbalance", "Quantile", "RealizedVol", "Roc", "RollingMax", "RollingMin", "Rsi",
  "Sign", "SimpleReturn", "Skew", "Slope", "Sma", "Stdev", "Sum", "Tema", "Variance", "Wma", "Zscore",
]);

/** The arguments of a node's `update` call: its inputs, then the event time when the operator reads it. */
function updateArgs(node: GraphNode, inputs: readonly string[]): string {
  return (TIME_FREE_UPDATES.has(node.className) ? inputs : [...inputs, "t"]).join(", ");
}

/**
 * One `upd_<kind>_<handle>` method per trigger: the nodes it reaches, in topological order.
 *
 * Propagation: an operator driven by the event itself (book, trade, bar) produces a sample on every
 * event of its kind. A series operator is updated only when every node it reads is ready and at
 * least one of them produced a new sample on this event; it produces one itself when it accepted the
 * update: a stateful operator ignores a NaN input (then nothing downstream of it updates either), a
 * point-wise one always accepts, a clock operator (`sample`) produces one when it ticked. So a
 * downstream window never sees an upstream value twice, nor a value from before the upstream was
 * ready. Whether a node produced a sample is a local boolean `u<id>`, declared only where a later
 * node of the same method reads it.
 */
export function updateMethods(low: Lowering): MethodDeclarationStructure[] {
  const methods: MethodDeclarationStructure[] = [];
  for (const trig of graphTriggers(low)) {
    const [kind, hs] = trig.split(":") as [string, string];
    const h = Number(hs);
    const extra = kind === "trade" ? [{ name: "trade", type: "TradeView" }] : kind === "bar" ? [{ name: "bar", type: "BarView" }] : [];
    methods.push({
      kind: StructureKind.Method,
      name: `upd_${kind}_${h}`,
      scope: TsScope.Private,
      parameters: [{ name: "ctx", type: "StrategyContext" }, ...extra],
      returnType: "void",
      docs: [`Updates the features a ${kind} event of ${low.instruments[h]?.name ?? h} reaches, in topological order.`],
      statements: (w) => {
        // Node id → code telling whether it produced a sample on this event ("true" for event-driven nodes).
        const produced = new Map<number, string>();
        const reached = low.nodes.filter((node) => node.triggers.has(trig));
        const readsTime = (node: GraphNode) =>
          node.className !== "TimeOfDay" && (node.op.drive === "trade" || node.op.drive === "bar" || node.op.drive === "clock" || !TIME_FREE_UPDATES.has(node.className));
        if (reached.some(readsTime)) w.writeLine("const t = ctx.time;");
        const readLater = new Set<number>();
        for (const node of reached) for (const d of node.deps) readLater.add(d);
        for (const node of reached) {
          const f = `this.${node.field}`;
          const r = `this.r_${node.field}`;
          const drive = node.op.drive;
          // The clock: the handler read it before these updates (timeOfDayUpdates); it has a new value on every event.
          if (node.className === "TimeOfDay") {
            produced.set(node.id, "true");
            continue;
          }
          if (drive === "book" || drive === "trade" || drive === "bar") {
            if (drive === "book") w.writeLine(`${f}.update(${updateArgs(node, [`ctx.book(${node.instrument})`])});`);
            else if (drive === "trade") {
              if (kind !== "trade" || node.instrument !== h) continue;
              w.writeLine(`${f}.onTrade(ctx.toCurrency(${h}, trade.price), trade.size, trade.aggressor, t);`);
            } else {
              if (kind !== "bar" || node.instrument !== h) continue;
              w.writeLine(`${f}.onBar(ctx.toCurrency(${h}, bar.open), ctx.toCurrency(${h}, bar.high), ctx.toCurrency(${h}, bar.low), ctx.toCurrency(${h}, bar.close), bar.volume, t);`);
            }
            w.writeLine(`${r} = ${[`${f}.ready`, ...node.deps.map((d) => `this.r_${low.nodes[d]!.field}`)].join(" && ")};`);
            produced.set(node.id, "true");
            continue;
          }
          const fresh = node.deps.filter((d) => produced.has(d)).map((d) => produced.get(d)!);
          if (fresh.length === 0) continue;
          const gate = [
            ...(fresh.includes("true") ? [] : [fresh.length > 1 ? `(${fresh.join(" || ")})` : fresh[0]!]),
            ...node.deps.map((d) => `this.r_${low.nodes[d]!.field}`),
          ];
          const u = `u${node.id}`;
          const tracked = readLater.has(node.id);
          if (tracked) w.writeLine(`let ${u} = false;`);
          const inputs = node.inputs.map((c) => resolveMarkers(c, low.nodes));
          w.writeLine(`if (${gate.length ? gate.join(" && ") : "true"}) {`);
          w.indent(() => {
            if (drive === "series" && POINTWISE_OPERATORS.has(node.op.name)) {
              w.writeLine(`${f}.update(${updateArgs(node, inputs)});`);
              w.writeLine(`${r} = ${f}.ready;`);
              if (tracked) w.writeLine(`${u} = true;`);
              return;
            }
            const locals = inputs.map((c, i) => {
              const name = `x${node.id}_${i}`;
              w.writeLine(`const ${name} = ${c};`);
              return name;
            });
            if (drive === "clock") {
              w.writeLine(`${f}.update(${[...locals, "t"].join(", ")});`);
              w.writeLine(`${r} = ${f}.ready;`);
              if (tracked) w.writeLine(`${u} = ${f}.ticked;`);
              return;
            }
            // Stateful: a NaN input is ignored by the operator, so it produces no sample.
            w.writeLine(`if (${locals.length ? locals.map((x) => `${x} === ${x}`).join(" && ") : "true"}) {`);
            w.indent(() => {
              w.writeLine(`${f}.update(${updateArgs(node, locals)});`);
              w.writeLine(`${r} = ${f}.ready;`);
              if (tracked) w.writeLine(`${u} = true;`);
            });
            w.writeLine("}");
          });
          w.writeLine("}");
          produced.set(node.id, tracked ? u : "false");
        }
      },
    });
  }
  return methods;
}
