/**
 * NodeMap and SlotMap (the checked program's node-keyed tables) against a plain Map: after any
 * sequence of set / delete / clear over nodes (for NodeMap spread across files and offsets, many
 * sharing a shard, some sharing a span), both hold the same entries in the same order and answer
 * get / has / size alike. SlotMap ignores a slot another map wrote. Plus a whole program: a large
 * generated strategy's tables list the same nodes in the order the checker visits them, and its
 * checked tree stays acyclic.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Located, Span } from "../../../grammar/index.js";
import { checkText } from "../../../compiler/index.js";
import { NodeMap, SlotMap } from "../../../compiler/check/node-map.js";

type FakeNode = { kind: string } & Located;

const op = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("set" as const), node: fc.nat(199), value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("delete" as const), node: fc.nat(199) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("clear" as const) }) },
);

describe("NodeMap", () => {
  it("behaves as a Map keyed by node (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ file: fc.nat(3), start: fc.oneof(fc.nat(6), fc.nat(50), fc.nat(20_000)) }), { minLength: 200, maxLength: 200 }),
        fc.array(op, { maxLength: 400 }),
        (spans, ops) => {
          // Nodes 2k and 2k + 1 share a span (as a Call and its callee share a start).
          const nodes: FakeNode[] = spans.map((s, i) => ({ kind: `n${i}`, ...(i % 2 === 1 ? nodesSpan(spans, i - 1) : { ...s, end: s.start + 1 }) }));
          const table = new NodeMap<FakeNode, number>();
          replayAgainstMap(table, nodes, ops);
          expect(table.get(undefined as unknown as FakeNode)).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it("lists a large program's symbols in the order the checker records them", () => {
    const lines = ['strategy S "s"', 'instrument es = "ESZ4"', "features {", "  mid = book.mid(es)"];
    for (let i = 0; i < 3000; i++) lines.push(`  f${i} = ema(${i < 10 ? "mid" : `f${i - 10}`}, ${2 + (i % 30)})`);
    lines.push("}", "on book(es) when ready(f2999) {", '  record("x", f2999)', "}");
    const p = checkText(lines.join("\n"), "s.algo", { analyses: [] });
    expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // Declarations first (the FeatureDef node, then its name), in source order, then references.
    const decls = [...p.symbols].filter(([n]) => n.kind === "FeatureDef").map(([, s]) => s.name);
    expect(decls).toEqual(["mid", ...Array.from({ length: 3000 }, (_, i) => `f${i}`)]);
    const refs = [...p.symbols].filter(([n]) => n.kind === "Name");
    expect(refs.length).toBe(1 + 3000 + 3); // `es` in mid, each ema's input, the handler's three
    expect(refs.length + 2 * 3002).toBe(p.symbols.size); // + the instrument's and features' decls and names
    for (const [node, sym] of p.symbols) expect(p.symbols.get(node)).toBe(sym);
    expect(p.calls.size).toBe(3003); // book.mid, 3000 emas, ready, record
    for (const [call, rc] of p.calls) expect(p.calls.get(call)).toBe(rc);
  });
});

type Op = { kind: "set"; node: number; value: number } | { kind: "delete"; node: number } | { kind: "clear" };

/** What NodeMap and SlotMap share with Map. */
type MapLike<K> = Pick<Map<K, number>, "get" | "has" | "delete" | "clear" | "size" | "keys" | "values" | "forEach" | typeof Symbol.iterator> & {
  set(k: K, v: number): unknown;
};

/** Applies `ops` to `t` and to a plain Map; then both must hold and answer the same. */
function replayAgainstMap<K>(t: MapLike<K>, nodes: readonly K[], ops: readonly Op[]): void {
  const real = new Map<K, number>();
  for (const o of ops) {
    if (o.kind === "set") {
      expect(t.set(nodes[o.node]!, o.value)).toBe(t);
      real.set(nodes[o.node]!, o.value);
    } else if (o.kind === "delete") {
      expect(t.delete(nodes[o.node]!)).toBe(real.delete(nodes[o.node]!));
    } else {
      t.clear();
      real.clear();
    }
  }
  expect(t.size).toBe(real.size);
  expect([...t]).toEqual([...real]);
  expect([...t.keys()]).toEqual([...real.keys()]);
  expect([...t.values()]).toEqual([...real.values()]);
  const seen: Array<[K, number]> = [];
  t.forEach((v, k) => seen.push([k, v]));
  expect(seen).toEqual([...real.entries()]);
  for (const n of nodes) {
    expect(t.get(n)).toBe(real.get(n));
    expect(t.has(n)).toBe(real.has(n));
  }
}

function nodesSpan(spans: ReadonlyArray<{ file: number; start: number }>, i: number): Span {
  const s = spans[i]!;
  return { file: s.file, start: s.start, end: s.start + 1 };
}

type SlotNode = { kind: string; checkedSymbol?: number };

describe("SlotMap", () => {
  it("behaves as a Map keyed by node (fast-check), whatever another map left in the slots", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.array(fc.nat(199), { maxLength: 50 }), (ops, foreign) => {
        const nodes: SlotNode[] = Array.from({ length: 200 }, (_, i) => ({ kind: `n${i}`, checkedSymbol: undefined }));
        // Another map (another checked program over the same tree) has set slots first.
        const other = new SlotMap<SlotNode, number>("checkedSymbol");
        for (const k of foreign) other.set(nodes[k]!, -1);
        const table = new SlotMap<SlotNode, number>("checkedSymbol");
        replayAgainstMap(table, nodes, ops);
        expect(table.get(undefined as unknown as SlotNode)).toBeUndefined();
        expect(table.has({ kind: "not in any map" })).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps an index in the node, so a checked tree stays acyclic", () => {
    const p = checkText('strategy S "s"\ninstrument es = "ESZ4"\nfeatures {\n  mid = book.mid(es)\n  m = ema(mid, 20)\n}\non book(es) { record("m", m) }\n', "s.algo", { analyses: [] });
    expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(() => JSON.stringify(p.files[0]!.ast)).not.toThrow();
    for (const [node, sym] of p.symbols) {
      expect(typeof (node as { checkedSymbol?: unknown }).checkedSymbol).toBe("number");
      expect(p.symbols.get(node)).toBe(sym);
    }
    for (const [call] of p.calls) expect(typeof call.checkedCall).toBe("number");
    expect(p.calls.size).toBe(3); // book.mid, ema, record
  });
});
