/**
 * Code generation: golden TypeScript for every example strategy (reviewed like any golden:
 * `UPDATE_GOLDEN=1` rewrites), byte-identical output across runs, zero TypeScript errors against the
 * runtime's and stdlib's real types, feature-graph properties (common sub-expressions merged, unused
 * features dropped, topological order, history sized), and source maps that lead back to the .algo.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import { describe, expect, it } from "vitest";
import { compileStrategy, validateParams } from "../../../compiler/build.js";
import { memoryHost } from "../../../compiler/index.js";
import { REPO } from "../check/golden-support.js";

const UPDATE = process.env.UPDATE_GOLDEN === "1";
const EXAMPLES = join(REPO, "examples");
const strategies = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".algo"))
  .filter((f) => /^\s*strategy\s/m.test(readFileSync(join(EXAMPLES, f), "utf8")))
  .sort();

function compileExample(name: string) {
  const path = join("examples", name);
  const r = compileStrategy(path, readFileSync(join(REPO, path), "utf8"), {
    readFile: (p) => (existsSync(join(REPO, p)) ? readFileSync(join(REPO, p), "utf8") : undefined),
    resolveImport: (from, spec) => join(from, "..", spec),
    fileKey: (p) => join(REPO, p),
  });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.output!;
}

function compileText(text: string) {
  const r = compileStrategy("t.algo", text, memoryHost({ "t.algo": text }));
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.output!;
}

describe("code generation", () => {
  it("writes Number.NaN, never the global NaN, and quotes through quoteAtCurrency", () => {
    const text = `strategy Q "q"

instrument es = "ES"

risk {
  max_position    = 2
  max_order_qty   = 1
  max_open_orders = 2
  max_order_rate  = 10 per 1s
  max_loss        = 1_000
  price_band      = 2 ticks
}

features {
  m = book.mid(es)
}

on book(es) when ready(m) {
  if exposure(es, buy) + 1 <= 2 and exposure(es, sell) - 1 >= -2 {
    quote(es, bid: book.best_bid(es), ask: book.best_ask(es), size: 1)
  }
}
`;
    const out = compileText(text);
    expect(out.ts).toMatch(/ctx\.quotePrices\[0\] = (?!ctx\.toFixed)/);
    expect(out.ts).toMatch(/ctx\.quotePrices\[1\] = (?!ctx\.toFixed)/);
    expect(out.ts).toContain("ctx.quoteAtCurrency(0, 1);");
    expect(out.ts).not.toMatch(/ctx\.quote\(/);
    expect(codeOnly(out.ts)).not.toMatch(/(?<!Number\.)\bNaN\b/);
  });

  it("finds the example strategies", () => {
    expect(strategies.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of strategies) {
    it(`golden: ${name}`, () => {
      const out = compileExample(name);
      const golden = join(REPO, "test/fixtures/codegen", name.replace(/\.algo$/, ".ts.golden"));
      if (UPDATE || !existsSync(golden)) {
        if (!UPDATE) throw new Error(`${golden} is missing; run \`npm run test:update\` and review it`);
        writeFileSync(golden, out.ts);
        return;
      }
      expect(out.ts).toBe(readFileSync(golden, "utf8"));
    });

    it(`no boxing forms: ${name}`, () => {
      // Global `NaN` in a conditional and `ctx.quote(…)` with double arguments box in V8
      // (runtime/engine/strategy.ts): the generated code writes `Number.NaN` and quotes through
      // `quotePrices` + `quoteAtCurrency`.
      const out = compileExample(name);
      expect(codeOnly(out.ts)).not.toMatch(/(?<!Number\.)\bNaN\b/);
      expect(out.ts).not.toMatch(/ctx\.quote\(/);
    });

    it(`deterministic: ${name}`, () => {
      const a = compileExample(name);
      const b = compileExample(name);
      expect(b.ts).toBe(a.ts);
      expect(b.js).toBe(a.js);
      expect(b.jsMap).toBe(a.jsMap);
    });
  }

  it("generated TypeScript type-checks against the runtime and stdlib (zero errors)", () => {
    const files = new Map<string, string>();
    for (const name of strategies) files.set(join(REPO, "tmp-gen", name.replace(/\.algo$/, ".ts")), compileExample(name).ts);
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: ["node"],
      baseUrl: REPO,
      paths: { "algolang/stdlib": ["stdlib/index.ts"], "algolang/runtime": ["runtime/index.ts"] },
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.readFile = (f) => files.get(f) ?? readFile(f);
    host.fileExists = (f) => files.has(f) || fileExists(f);
    const program = ts.createProgram([...files.keys()], options, host);
    const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.has(d.file.fileName));
    const text = diags.map((d) => `${d.file!.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(text).toEqual([]);
  });

  const base = `strategy T "t"
instrument es = "ESZ4"
param size: qty = 1 in [1, 2]
risk {
  max_position = 10
  max_order_qty = 5
  max_open_orders = 4
  max_order_rate = 50 per 1s
  max_loss = 1000
  price_band = 8 ticks
}
`;

  it("takes param defaults and ranges from the checker's constant folding", () => {
    const out = compileText(base.replace("param size: qty = 1 in [1, 2]", "param size: qty = 1 + 1 in [1, 2 * 2]") + "\non book(es) {\n  if exposure(es, buy) + size <= 10 { buy(es, size) }\n}\n");
    expect(out.emitted.params).toEqual([{ name: "size", type: "qty", default: 2, lo: 1, hi: 4 }]);
    expect(out.ts).toContain("this.p_size = typeof params.size === \"number\" ? params.size : 2;");
  });

  it("refuses --set values the risk proof does not cover", () => {
    const out = compileText(base.replace("param size: qty = 1 in [1, 2]", "param size: qty = 1 in [1, 2]\nparam fixed: qty = 3") + "\non book(es) {\n  if exposure(es, buy) + size + fixed <= 10 { buy(es, min(size, 2)) }\n}\n");
    expect(validateParams(out.emitted.params, { size: "2" })).toEqual({ ok: true, values: { size: 2 } });
    expect(validateParams(out.emitted.params, { fixed: "3" })).toEqual({ ok: true, values: { fixed: 3 } });
    const outside = validateParams(out.emitted.params, { size: "3" });
    expect(outside.ok ? [] : outside.errors).toEqual(["param `size` = 3 is outside its declared range [1, 2] (the risk proof covers only that range)"]);
    const unranged = validateParams(out.emitted.params, { fixed: "4" });
    expect(unranged.ok ? [] : unranged.errors).toEqual([
      "param `fixed` has no declared range, so the compiler proved the strategy safe for its default 3 only; declare `in [lo, hi]` to vary it",
    ]);
  });

  it("merges common sub-expressions and drops unused features", () => {
    const out = compileText(`${base}
features {
  mid = book.mid(es)
  a = ema(mid, 20) - ema(mid, 100)
  b = ema(book.mid(es), 20) * 2
  unused = stdev(mid, 50)
}
on book(es) when ready(a) and ready(b) {
  if a > b and exposure(es, buy) + size <= 10 { buy(es, size) }
}
`);
    const g = out.emitted.graph;
    const names = g.nodes.map((n) => `${n.op.namespace ? n.op.namespace + "." : ""}${n.op.name}`);
    expect(names.filter((n) => n === "book.mid")).toHaveLength(1);
    expect(names.filter((n) => n === "ema")).toHaveLength(2);
    expect(names).not.toContain("stdev");
    // Topological: inputs have smaller ids.
    for (const n of g.nodes) for (const d of n.deps) expect(d).toBeLessThan(n.id);
  });

  it("sizes history reads at compile time and updates nodes only on their triggers", () => {
    const out = compileText(`${base}
instrument nq = "NQZ4"
features {
  a = book.mid(es)
  b = book.mid(nq)
  jump = a - a[12]
}
on book(es) when ready(jump) and ready(b) {
  if jump > 0 and b > 0 and exposure(es, buy) + size <= 10 { buy(es, size) }
}
`);
    const lag = out.emitted.graph.nodes.find((n) => n.op.name === "lag")!;
    expect(lag.ctorArgs).toEqual(["12"]);
    expect([...lag.triggers]).toEqual(["book:0"]);
    const nqMid = out.emitted.graph.nodes.find((n) => n.op.name === "mid" && n.instrument === 1)!;
    expect([...nqMid.triggers]).toEqual(["book:1"]);
    expect(out.ts).toMatch(/private upd_book_1\(ctx: StrategyContext\): void \{\s*this\.f_b\.update\(ctx\.book\(1\)\);\s*this\.r_f_b = this\.f_b\.ready;\s*\}/);
  });

  it("maps generated JavaScript back to the .algo line of each handler statement", () => {
    const text = `${base}
features { mid = book.mid(es) }
on book(es) when ready(mid) {
  if exposure(es, buy) + size <= 10 {
    buy(es, size)
  }
}
`;
    const out = compileText(text);
    const lines = out.cjs.split("\n");
    const jsLine = lines.findIndex((l) => l.includes("ctx.buy(")) + 1;
    const col = lines[jsLine - 1]!.indexOf("ctx.buy(");
    const pos = originalPositionFor(new TraceMap(out.cjsMap), { line: jsLine, column: col });
    expect(pos.source).toBe("t.algo");
    const algoLine = text.split("\n").findIndex((l) => l.includes("buy(es, size)")) + 1;
    expect(pos.line).toBe(algoLine);
    // The same through the bundled ES module `algo build` writes (stdlib operators bundled in).
    const esm = out.js.split("\n");
    const esmLine = esm.findIndex((l) => l.includes("ctx.buy(")) + 1;
    const esmPos = originalPositionFor(new TraceMap(out.jsMap), { line: esmLine, column: esm[esmLine - 1]!.indexOf("ctx.buy(") });
    expect(esmPos.source).toBe("t.algo");
    expect(esmPos.line).toBe(algoLine);
    expect(out.js).not.toMatch(/from\s+["']algolang\//);
  });
});

/** Generated code without its comments. */
function codeOnly(ts: string): string {
  return ts.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
}
