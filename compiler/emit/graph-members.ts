/**
 * The parts of a generated class that hold and update the feature graph, shared by the strategy
 * emitter (strategy.ts) and the feature-program emitter (features.ts): node field names, their
 * declarations, their construction, and one update method per trigger.
 */
import { StructureKind, Scope as TsScope, type MethodDeclarationStructure, type PropertyDeclarationStructure } from "ts-morph";
import type { Span } from "../../grammar/index.js";
import { Lowering, LoweringError, resolveMarkers } from "../graph/lower.js";

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

/** The triggers that reach at least one node, sorted. */
export function graphTriggers(low: Lowering): string[] {
  const triggers = new Set<string>();
  for (const node of low.nodes) for (const t of node.triggers) triggers.add(t);
  return [...triggers].sort();
}

/** One `upd_<kind>_<handle>` method per trigger: the nodes it reaches, in topological order. */
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
        w.writeLine("const t = ctx.time;");
        for (const node of low.nodes) {
          if (!node.triggers.has(trig)) continue;
          const f = `this.${node.field}`;
          const inputs = node.inputs.map((c) => resolveMarkers(c, low.nodes));
          if (node.op.drive === "book") w.writeLine(`${f}.update(ctx.book(${node.instrument}), t);`);
          else if (node.op.drive === "trade") {
            if (kind !== "trade" || node.instrument !== h) continue;
            w.writeLine(`${f}.onTrade(ctx.toCurrency(${h}, trade.price), trade.size, trade.aggressor, t);`);
          } else if (node.op.drive === "bar") {
            if (kind !== "bar" || node.instrument !== h) continue;
            w.writeLine(`${f}.onBar(ctx.toCurrency(${h}, bar.open), ctx.toCurrency(${h}, bar.high), ctx.toCurrency(${h}, bar.low), ctx.toCurrency(${h}, bar.close), bar.volume, t);`);
          } else w.writeLine(`${f}.update(${[...inputs, "t"].join(", ")});`);
          const deps = node.deps.map((d) => `this.r_${low.nodes[d]!.field}`);
          w.writeLine(`this.r_${node.field} = ${[`${f}.ready`, ...deps].join(" && ")};`);
        }
      },
    });
  }
  return methods;
}
