/**
 * E0110 counts real nesting, not chain length: a flat left-associative chain (`a + a + ... + a`)
 * is one level however long it is, up to MAX_EXPR_HEIGHT operands (the bound that keeps every
 * recursive walk of later phases within the stack); brackets, prefix operators, calls, indexing,
 * member access and the right operand of an operator nest, capped at MAX_EXPR_DEPTH.
 */
import { describe, expect, it } from "vitest";
import { checkText } from "../../compiler/index.js";
import { formatSource, MAX_EXPR_DEPTH, MAX_EXPR_HEIGHT, parse, type Expr, type FeatureDef, type FeaturesBlock } from "../../grammar/index.js";

function codes(text: string): string[] {
  return parse(text, 0).errors.map((e) => e.code);
}

/** A strategy whose features, handler and fn each hold `expr` (written with the name `x`). */
function strategyWith(expr: (name: string) => string): string {
  return [
    'strategy T "nesting"',
    'instrument es = "ESZ4"',
    "param k: f64 = 1.0 in [0.5, 2.0]",
    "risk {",
    "  max_position = 10",
    "  max_order_qty = 5",
    "  max_order_rate = 10 per 1s",
    "  max_loss = 1000",
    "  max_open_orders = 4",
    "  price_band = 4 ticks",
    "}",
    `fn f(x: f64) -> f64 = ${expr("x")}`,
    "features {",
    "  mid = zscore(book.mid(es), 20)",
    `  s = ${expr("mid")}`,
    "}",
    "on book(es) when ready(s) {",
    `  let a = ${expr("k")}`,
    `  if ${expr("s")} > 0 and exposure(es, buy) + 1 <= 10 {`,
    "    buy(es, 1)",
    "  }",
    '  record("a", a + f(s))',
    "}",
  ].join("\n");
}

const flat = (n: number) => (x: string) => Array.from({ length: n }, () => x).join(" + ");

/** Height of an expression tree (a naive recursive walk: it must not overflow either). */
function height(e: Expr): number {
  switch (e.kind) {
    case "Binary": return 1 + Math.max(height(e.left), height(e.right));
    case "Unary": return 1 + height(e.operand);
    case "Paren": return 1 + height(e.expr);
    default: return 1;
  }
}

describe("E0110: nesting depth, not chain length", () => {
  it("a flat 257-term sum parses, checks and formats clean (it used to be E0110)", () => {
    const text = strategyWith(flat(257));
    expect(codes(text)).toEqual([]);
    const p = checkText(text, "flat.algo");
    expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const feature = (parse(text, 0).ast.items.find((i) => i.kind === "Features") as FeaturesBlock).body[1] as FeatureDef;
    expect(height(feature.value)).toBe(257);
    // Left-associative: the first operator is the deepest.
    let e = feature.value;
    let chain = 0;
    while (e.kind === "Binary") {
      expect(e.right.kind).toBe("Name");
      e = e.left;
      chain++;
    }
    expect(chain).toBe(256);
    const formatted = formatSource(text, 0);
    expect(formatted.ok).toBe(true);
    if (formatted.ok) expect(formatSource(formatted.text, 0)).toEqual(formatted);
  });

  it("a flat chain of nearly MAX_EXPR_HEIGHT operands runs through the whole front end and analyses without E0110", () => {
    // `if chain > 0 and ...` adds two levels above the chain.
    const text = strategyWith(flat(MAX_EXPR_HEIGHT - 2));
    expect(codes(text)).toEqual([]);
    const p = checkText(text, "long.algo");
    expect(p.diagnostics.map((d) => d.code)).not.toContain("E0110");
    expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("mixed operators in one flat line are not nesting either", () => {
    const terms = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? "a * b" : i % 3 === 1 ? "c / 2" : "d")).join(" - ");
    expect(codes(`var x = ${terms}`)).toEqual([]);
    expect(codes(`var x = ${Array.from({ length: 300 }, () => "a > 0").join(" and ")}`)).toEqual([]);
  });

  it("a chain longer than MAX_EXPR_HEIGHT is E0110 (expression too long), without overflowing the stack", () => {
    const r = parse(`var x = ${flat(MAX_EXPR_HEIGHT + 1)("a")}`, 0);
    expect(r.errors.map((e) => e.code)).toEqual(["E0110"]);
    expect(r.errors[0]!.message).toBe(`expression too long (a tree more than ${MAX_EXPR_HEIGHT} levels tall)`);
    const p = checkText(strategyWith(flat(50_000)), "huge.algo");
    expect(p.diagnostics.map((d) => d.code)).toContain("E0110");
  });

  it("genuinely deep nesting still errors, and nothing overflows", () => {
    const deep = MAX_EXPR_DEPTH + 1;
    const nested: string[] = [
      `var x = ${"-".repeat(deep)}a`,
      `var x = ${"not ".repeat(deep)}a`,
      `var x = a${"[1]".repeat(deep)}`,
      `var x = a${".b".repeat(deep)}`,
      `var x = f${"()".repeat(deep)}`,
      `var x = a${" ticks".repeat(deep)}`,
      // Each `(...)` level adds two (the bracket and the right operand), within the 64-bracket limit.
      `var x = ${"-(a - ".repeat(60)}${"-".repeat(200)}a${")".repeat(60)}`,
    ];
    for (const text of nested) {
      const r = parse(text, 0);
      expect(r.errors.map((e) => e.code), text.slice(0, 40)).toContain("E0110");
      expect(r.errors.find((e) => e.code === "E0110")!.message).toBe(`nesting too deep (more than ${MAX_EXPR_DEPTH} levels)`);
    }
    // Just under the limit is accepted.
    expect(codes(`var x = ${"-".repeat(MAX_EXPR_DEPTH - 1)}a`)).toEqual([]);
    expect(codes(`var x = a${"[1]".repeat(MAX_EXPR_DEPTH - 1)}`)).toEqual([]);
  });
});
