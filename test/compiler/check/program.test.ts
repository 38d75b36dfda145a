/**
 * The CheckedProgram tables the back end and the language server rely on: symbols by node,
 * expression types, resolved stdlib calls with arguments bound by name, handlers and risk limits.
 */
import { describe, expect, it } from "vitest";
import type { CallExpr, Expr, Node } from "../../../grammar/index.js";
import { checkText, memoryHost, type CheckedProgram } from "../../../compiler/index.js";

const SRC = `strategy S "s"
instrument es = "ESZ4"
param size: qty = 2 in [1, 5]
param window: int = 300 in [50, 2000]
risk {
  max_position = 10
  max_order_rate = 50 per 1s
  price_band = 8 ticks
}
features {
  mid = book.mid(es)
  bands = bollinger(mid, window, k: 2.5)
  vol = stdev(log_return(mid), 1m)
  upper = bands.upper
}
on book(es) when ready(vol) and ready(upper) {
  if mid > upper and exposure(es, buy) + size <= 10 {
    buy(es, size, limit: book.best_ask(es) + 2 ticks, tif: ioc)
  }
}
on trade(es) as t { record("px", t.price) }
`;

function walk(n: unknown, out: Node[]): Node[] {
  if (n && typeof n === "object") {
    if ("kind" in (n as object) && "start" in (n as object)) out.push(n as Node);
    for (const [k, v] of Object.entries(n as object)) if (k !== "checkedType") walk(v, out);
  }
  return out;
}

function calls(p: CheckedProgram): Array<[string, CallExpr]> {
  const out: Array<[string, CallExpr]> = [];
  for (const [node, rc] of p.calls) {
    const name = rc.kind === "operator" ? `${rc.op.namespace ? `${rc.op.namespace}.` : ""}${rc.op.name}` : rc.kind === "builtin" ? rc.builtin.name : rc.kind === "action" ? rc.action.name : rc.symbol.name;
    out.push([name, node]);
  }
  return out;
}

describe("CheckedProgram", () => {
  const p = checkText(SRC, "s.algo", { analyses: [] });

  it("checks clean", () => {
    expect(p.diagnostics.map((d) => d.message)).toEqual([]);
  });

  it("binds stdlib arguments by parameter name and marks time windows", () => {
    const byName = new Map(calls(p).map(([n, c]) => [n, p.calls.get(c)!]));
    const boll = byName.get("bollinger")!;
    expect(boll.kind).toBe("operator");
    expect([...boll.args.keys()]).toEqual(["x", "period", "k"]);
    const stdev = byName.get("stdev")!;
    expect(stdev.kind === "operator" && stdev.timeWindow).toBe(true);
    expect(p.constants.get(stdev.args.get("window")!)).toEqual({ lo: 60e9, hi: 60e9 });
    const buy = byName.get("buy")!;
    expect([...buy.args.keys()]).toEqual(["inst", "qty", "limit", "tif"]);
  });

  it("types every expression, with units and series-ness", () => {
    const exprs = walk(p.files[0]!.ast, []).filter((n) => !["Ident", "TypeRef", "Arg", "Block", "Program"].includes(n.kind));
    const typed = exprs.filter((n) => p.types.has(n as Expr));
    const upper = typed.find((n) => n.kind === "Member" && (n as any).member.name === "upper") as Expr;
    expect(p.types.get(upper)).toEqual({ type: "price", series: true });
    const tprice = typed.find((n) => n.kind === "Member" && (n as any).member.name === "price") as Expr;
    expect(p.types.get(tprice)).toEqual({ type: "price", series: false });
    for (const n of typed) expect(p.types.get(n as Expr)!.type).not.toBe("error");
  });

  it("resolves every name to its declaration", () => {
    const names = walk(p.files[0]!.ast, []).filter((n) => n.kind === "Name") as Array<Expr & { kind: "Name" }>;
    const libraryCallees = new Set<Node>([...p.calls].filter(([, rc]) => rc.kind !== "fn" && rc.kind !== "unit").map(([c]) => c.callee));
    for (const n of names) {
      // Named values, the operator namespace and stdlib/builtin/action callees are not symbols.
      if (["buy", "sell", "ioc", "book"].includes(n.name) || libraryCallees.has(n)) continue;
      const sym = p.symbols.get(n);
      expect(sym?.name, n.name).toBe(n.name);
    }
    const size = p.files[0]!.scope.get("size")!;
    expect(size.kind).toBe("param");
    expect(size.constant).toEqual({ lo: 1, hi: 5 });
    expect(size.uses).toBe(2);
  });

  it("records handlers and risk limits", () => {
    const hs = [...p.handlers.values()];
    expect(hs.map((h) => [h.kind, h.instruments.map((i) => i.name), h.binding?.name])).toEqual([
      ["book", ["es"], undefined],
      ["trade", ["es"], "t"],
    ]);
    const risk = p.files[0]!.risk;
    expect(risk.get("max_position")!.value).toEqual({ lo: 10, hi: 10 });
    expect(risk.get("max_order_rate")!.perNanos).toEqual({ lo: 1e9, hi: 1e9 });
    expect(risk.get("price_band")!.inTicks).toBe(true);
  });
});

describe("imports through a host", () => {
  it("resolves relative imports from an in-memory host (as the language server does)", () => {
    const host = memoryHost({
      "lib/flow.algo": "features Flow(inst: instrument, n: int = 20) {\n  ofi = flow.ofi(inst)\n  avg = sma(ofi, n)\n  export ofi, avg\n}\n",
    });
    const src = 'strategy S "s"\nimport Flow from "./lib/flow.algo"\ninstrument es = "ESZ4"\nfeatures { f = Flow(es, n: 50) }\non book(es) when ready(f.avg) { record("avg", f.avg) }\n';
    const p = checkText(src, "main.algo", { host, analyses: [] });
    expect(p.diagnostics).toEqual([]);
    expect(p.files.map((f) => [f.path, f.kind])).toEqual([
      ["main.algo", "strategy"],
      ["lib/flow.algo", "feature-unit"],
    ]);
    const imp = p.files[0]!.scope.get("Flow")!;
    expect(imp.kind).toBe("import");
    expect(imp.target?.kind).toBe("feature-unit");
    expect(p.files[0]!.imports[0]!.file).toBe(1);
    const unitCall = [...p.calls.values()].find((c) => c.kind === "unit")!;
    expect(unitCall.kind === "unit" && [...unitCall.args.keys()]).toEqual(["inst", "n"]);
  });
});
