/**
 * The feature graph: every stateful stdlib operator instance a strategy (or a feature unit) needs,
 * as a plain array of nodes with integer ids in topological order (a node's inputs always have
 * smaller ids). Arithmetic between series is not a node: it is inlined as code where it is read,
 * so `ema(mid, 20) - ema(mid, 100)` costs two operator updates and one subtraction per event.
 *
 * Common sub-expressions are merged by a structural key (operator class, constructor arguments,
 * input code, instrument): `ema(mid, 20)` written twice — or reached through two feature-unit
 * instances with the same arguments — is one node.
 *
 * Updates: a node is updated on the events that can change one of its inputs. Its `triggers` are
 * the event kinds and instruments that reach it ("book:0", "trade:1", "bar:0"); the generated
 * code updates, per trigger, exactly the nodes that carry it, in id order.
 */
import type { Span } from "../../grammar/index.js";
import type { OperatorMeta, ScalarType } from "../../stdlib/meta.js";

/** An event that drives feature updates: `book:<handle>`, `trade:<handle>`, `bar:<handle>`. */
export type Trigger = string;

/** One operator instance. */
export interface GraphNode {
  id: number;
  op: OperatorMeta;
  /** The class instantiated (op.className, or op.timeClassName for a duration window). */
  className: string;
  timeWindow: boolean;
  /** TypeScript code of each constructor argument, in op.ctorArgs order. */
  ctorArgs: string[];
  /** TypeScript code of each series argument (read when the node updates), in declared order. */
  inputs: string[];
  /** Nodes whose values the inputs read (their ready flags gate this node's). */
  deps: number[];
  /** Instrument handle for book/trade/bar-driven operators, -1 otherwise. */
  instrument: number;
  triggers: Set<Trigger>;
  /** Field name in the generated class (derived from the feature name when there is one). */
  field: string;
  /** Output name → type, for hover and the graph print. */
  outputs: ReadonlyMap<string, ScalarType>;
  /** Warm-up in updates with the parameters' default values (display only; `ready` is exact). */
  warmup: number;
  /** Feature names that denote this node (`mid`, `m.imb`), for the graph print. */
  names: string[];
  /** Where the operator call is written. */
  span: Span;
  /** CSE key. */
  key: string;
}

/** A series value as generated code: its expression, the nodes it reads, and its triggers. */
export interface SeriesCode {
  code: string;
  deps: ReadonlySet<number>;
  triggers: ReadonlySet<Trigger>;
  /** Type of the value (f64 features are plain numbers; bool operators give booleans). */
  type: ScalarType;
}

/** A named feature of the graph (a strategy feature or an exported feature of a unit). */
export interface NamedFeature {
  name: string;
  value: SeriesCode;
  span: Span;
}

/** The graph of one strategy or feature unit. */
export interface FeatureGraph {
  nodes: GraphNode[];
  /** Features by their qualified name (`mid`, `m.imb`), in definition order. */
  features: NamedFeature[];
  /** Instrument handles: symbol per handle, in declaration order. */
  instruments: Array<{ name: string; symbol: string }>;
}

/** Generated code made readable for the graph print: `#3`, `#5.signal`, params by name, instruments by name. */
export function readableCode(code: string, graph: FeatureGraph): string {
  return code
    .replace(/this\.@@(\d+)@@\.value/g, "#$1")
    .replace(/this\.@@(\d+)@@\.([A-Za-z_]\w*)/g, "#$1.$2")
    .replace(/this\.@@r(\d+)@@/g, "ready(#$1)")
    .replace(/this\.p_([A-Za-z_]\w*)/g, "$1")
    .replace(/infos\[(\d+)\]!/g, (_m, h: string) => graph.instruments[Number(h)]?.name ?? `instrument ${h}`);
}

/** Text rendering of a graph: one line per node (worst-case warm-up over the params' ranges), then the named features. */
export function printGraphText(graph: FeatureGraph): string {
  const lines: string[] = [];
  lines.push(`feature graph: ${graph.nodes.length} operator node(s), ${graph.features.length} feature(s)`);
  for (const n of graph.nodes) {
    const name = n.op.namespace ? `${n.op.namespace}.${n.op.name}` : n.op.name;
    const args = [...n.inputs, ...n.ctorArgs].map((c) => readableCode(c, graph)).join(", ");
    const trig = [...n.triggers].sort().join(" ");
    const deps = n.deps.length ? ` <- ${n.deps.map((d) => `#${d}`).join(" ")}` : "";
    const names = n.names.length ? `  [${n.names.join(", ")}]` : "";
    lines.push(`#${n.id} ${name}(${args}) warmup=${n.warmup} on ${trig || "(never)"}${deps}${names}`);
  }
  for (const f of graph.features) {
    lines.push(`feature ${f.name} = ${readableCode(f.value.code, graph)}`);
  }
  return lines.join("\n") + "\n";
}

/** Graphviz DOT rendering of a graph. */
export function printGraphDot(graph: FeatureGraph): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ["digraph features {", "  rankdir=LR;", "  node [shape=box, fontname=\"monospace\"];"];
  const sources = new Set<string>();
  for (const n of graph.nodes) {
    const name = n.op.namespace ? `${n.op.namespace}.${n.op.name}` : n.op.name;
    const label = `#${n.id} ${name}${n.names.length ? `\\n${n.names.join(", ")}` : ""}\\nwarmup ${n.warmup}`;
    lines.push(`  n${n.id} [label=${q(label).replace(/\\\\n/g, "\\n")}];`);
    for (const d of n.deps) lines.push(`  n${d} -> n${n.id};`);
    if (n.deps.length === 0) {
      for (const t of n.triggers) {
        const [kind, h] = t.split(":");
        const inst = graph.instruments[Number(h)]?.name ?? h;
        const src = `${kind}(${inst})`;
        if (!sources.has(src)) {
          sources.add(src);
          lines.push(`  ${q(src)} [shape=ellipse];`);
        }
        lines.push(`  ${q(src)} -> n${n.id};`);
      }
    }
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
