// Parser unit tests: every construct of the language, its AST shape and its spans.
import { describe, expect, it } from "vitest";
import { parse, SourceFile, type Handler, type IfStmt } from "../../grammar/index.js";
import { arg, bin, call, expr, exprOf, id, item, n, num, parseClean, stmts, stripSpans, un } from "./helpers.js";

describe("declarations", () => {
  it("strategy with and without description", () => {
    expect(stripSpans(item(`strategy Maker "Quotes the touch"`))).toEqual({
      kind: "Strategy",
      name: id("Maker"),
      description: { kind: "String", value: "Quotes the touch", raw: `"Quotes the touch"` },
    });
    expect(stripSpans(item("strategy Maker"))).toEqual({ kind: "Strategy", name: id("Maker") });
  });

  it("instrument", () => {
    expect(stripSpans(item(`instrument es = "ESZ4"`))).toEqual({
      kind: "Instrument",
      name: id("es"),
      symbol: { kind: "String", value: "ESZ4", raw: `"ESZ4"` },
    });
  });

  it("param with type, default and range; type and range optional", () => {
    expect(stripSpans(item("param threshold: f64 = 0.30 in [0.05, 0.90]"))).toEqual({
      kind: "Param",
      name: id("threshold"),
      type: { kind: "TypeRef", name: "f64" },
      value: num("0.30"),
      range: { kind: "Range", lo: num("0.05"), hi: num("0.90") },
    });
    expect(stripSpans(item("param n = 3"))).toEqual({ kind: "Param", name: id("n"), value: num("3") });
    // A range may continue on the next line.
    expect(stripSpans(item("param n: int = 3\n  in [1, 5]"))).toMatchObject({ range: { lo: num("1"), hi: num("5") } });
  });

  it("risk block with units: plain, `_` digits, `per 1s`, `ticks`", () => {
    const r = item("risk {\n  max_position = 10\n  max_loss = 25_000\n  max_order_rate = 50 per 1s\n  price_band = 8 ticks\n}");
    expect(stripSpans(r)).toEqual({
      kind: "Risk",
      entries: [
        { kind: "RiskEntry", key: id("max_position"), value: num("10") },
        { kind: "RiskEntry", key: id("max_loss"), value: { kind: "Number", value: 25000, raw: "25_000", isInteger: true } },
        {
          kind: "RiskEntry",
          key: id("max_order_rate"),
          value: num("50"),
          per: { kind: "Duration", amount: 1, unit: "s", nanos: 1e9, raw: "1s" },
        },
        { kind: "RiskEntry", key: id("price_band"), value: { kind: "Ticks", value: num("8") } },
      ],
    });
  });

  it("features block", () => {
    const f = item("features {\n  mid = book.mid(es)\n  jump = mid - mid[10]\n}");
    expect(stripSpans(f)).toEqual({
      kind: "Features",
      body: [
        { kind: "FeatureDef", name: id("mid"), value: call({ kind: "Member", object: n("book"), member: id("mid") }, arg(n("es"))) },
        { kind: "FeatureDef", name: id("jump"), value: bin("-", n("mid"), { kind: "Index", object: n("mid"), index: num("10") }) },
      ],
    });
  });

  it("standalone feature unit with params and export", () => {
    const f = item("features Micro(inst: instrument, window: int = 300) {\n  mid = book.mid(inst)\n  export mid, window\n}");
    expect(stripSpans(f)).toEqual({
      kind: "FeatureUnit",
      name: id("Micro"),
      params: [
        { kind: "Parameter", name: id("inst"), type: { kind: "TypeRef", name: "instrument" } },
        { kind: "Parameter", name: id("window"), type: { kind: "TypeRef", name: "int" }, default: num("300") },
      ],
      body: [
        { kind: "FeatureDef", name: id("mid"), value: call({ kind: "Member", object: n("book"), member: id("mid") }, arg(n("inst"))) },
        { kind: "Export", names: [id("mid"), id("window")] },
      ],
    });
  });

  it("import", () => {
    expect(stripSpans(item(`import Micro from "./micro.algo"`))).toEqual({
      kind: "Import",
      names: [id("Micro")],
      from: { kind: "String", value: "./micro.algo", raw: `"./micro.algo"` },
    });
    expect(stripSpans(item(`import A, B from "./x.algo"`))).toMatchObject({ names: [id("A"), id("B")] });
  });

  it("var with and without type", () => {
    expect(stripSpans(item("var fills: int = 0"))).toEqual({ kind: "Var", name: id("fills"), type: { kind: "TypeRef", name: "int" }, init: num("0") });
    expect(stripSpans(item("var x = 1.5"))).toEqual({ kind: "Var", name: id("x"), init: num("1.5") });
  });

  it("fn with block body and with expression body", () => {
    const f = item("fn clamp(x: f64, lo: f64, hi: f64) -> f64 {\n  if x < lo { return lo }\n  return min(x, hi)\n}");
    expect(f.kind).toBe("Fn");
    expect(stripSpans(f)).toMatchObject({
      name: id("clamp"),
      params: [{ name: id("x") }, { name: id("lo") }, { name: id("hi") }],
      returnType: { kind: "TypeRef", name: "f64" },
      body: { kind: "Block", stmts: [{ kind: "If" }, { kind: "Return", value: call(n("min"), arg(n("x")), arg(n("hi"))) }] },
    });
    expect(stripSpans(item("fn sq(x: f64) -> f64 = x * x"))).toEqual({
      kind: "Fn",
      name: id("sq"),
      params: [{ kind: "Parameter", name: id("x"), type: { kind: "TypeRef", name: "f64" } }],
      returnType: { kind: "TypeRef", name: "f64" },
      body: bin("*", n("x"), n("x")),
    });
  });
});

describe("handlers", () => {
  const h = (text: string) => stripSpans(item(text)) as Handler;

  it("every kind, with optional binding and guard", () => {
    expect(h("on book(es) when ready(vol) and ready(trend) {}")).toEqual({
      kind: "Handler",
      event: id("book"),
      args: [arg(n("es"))],
      hasParens: true,
      guard: bin("and", call(n("ready"), arg(n("vol"))), call(n("ready"), arg(n("trend")))),
      body: { kind: "Block", stmts: [] },
    });
    expect(h("on trade(es) as t { log(t.price) }")).toMatchObject({ event: id("trade"), binding: id("t"), args: [arg(n("es"))] });
    expect(h("on bar(es, 1m) as b when b.close > 0 {}")).toMatchObject({
      args: [arg(n("es")), arg({ kind: "Duration", amount: 1, unit: "m", nanos: 60e9, raw: "1m" })],
      binding: id("b"),
    });
    expect(h("on fill(f) { fills = fills + 1 }")).toMatchObject({ event: id("fill"), args: [arg(n("f"))] });
    expect(h("on timer(30s) when ready(vol) {}")).toMatchObject({ event: id("timer"), args: [arg({ kind: "Duration", nanos: 30e9 })] });
    expect(h("on start {}")).toEqual({ kind: "Handler", event: id("start"), args: [], hasParens: false, body: { kind: "Block", stmts: [] } });
    expect(h("on end { flatten(es) }")).toMatchObject({ event: id("end"), hasParens: false });
  });

  it("a brace on the next line and a guard continued with `and` on the next line", () => {
    const x = h("on book(es)\n  when a\n  and b\n{\n}");
    expect(x.guard).toEqual(bin("and", n("a"), n("b")));
  });
});

describe("statements", () => {
  it("let, var, assignment operators, expression statements, return", () => {
    expect(stmts("let a = 1\nlet b: price = 2\nx = 3\nx += 1\nx -= 1\nx *= 2\nx /= 2\nbuy(es, 1)\nreturn\nreturn a")).toEqual([
      { kind: "Let", name: id("a"), value: num("1") },
      { kind: "Let", name: id("b"), type: { kind: "TypeRef", name: "price" }, value: num("2") },
      { kind: "Assign", target: n("x"), op: "=", value: num("3") },
      { kind: "Assign", target: n("x"), op: "+=", value: num("1") },
      { kind: "Assign", target: n("x"), op: "-=", value: num("1") },
      { kind: "Assign", target: n("x"), op: "*=", value: num("2") },
      { kind: "Assign", target: n("x"), op: "/=", value: num("2") },
      { kind: "ExprStmt", expr: call(n("buy"), arg(n("es")), arg(num("1"))) },
      { kind: "Return" },
      { kind: "Return", value: n("a") },
    ]);
  });

  it("`;` separates statements on one line", () => {
    expect(stmts("a = 1; b = 2")).toHaveLength(2);
  });

  it("if / else if / else builds a chain", () => {
    const [s] = stmts("if a { x() } else if b { y() } else if c { z() } else { w() }") as [IfStmt];
    expect(s.cond).toEqual(n("a"));
    const e1 = s.else as IfStmt;
    expect(e1.kind).toBe("If");
    expect(e1.cond).toEqual(n("b"));
    const e2 = e1.else as IfStmt;
    expect(e2.cond).toEqual(n("c"));
    expect(e2.else).toEqual({ kind: "Block", stmts: [{ kind: "ExprStmt", expr: call(n("w")) }] });
  });

  it("`else` on the line after `}`", () => {
    const [s] = stmts("if a {\n  x()\n}\nelse {\n  y()\n}") as [IfStmt];
    expect(s.else?.kind).toBe("Block");
  });

  it("for over a constant range", () => {
    expect(stmts("for k in 0..5 { record(\"k\", k) }")).toEqual([
      {
        kind: "For",
        variable: id("k"),
        from: num("0"),
        to: num("5"),
        body: { kind: "Block", stmts: [{ kind: "ExprStmt", expr: call(n("record"), arg({ kind: "String", value: "k", raw: `"k"` }), arg(n("k"))) }] },
      },
    ]);
  });

  it("actions parse as calls with positional and named arguments", () => {
    expect(stmts("sell(es, size, limit: book.best_bid(es), tif: ioc)")).toEqual([
      {
        kind: "ExprStmt",
        expr: call(
          n("sell"),
          arg(n("es")),
          arg(n("size")),
          arg(call({ kind: "Member", object: n("book"), member: id("best_bid") }, arg(n("es"))), "limit"),
          arg(n("ioc"), "tif"),
        ),
      },
    ]);
  });

  it("a call's arguments may span lines, with a trailing comma", () => {
    expect(stmts("quote(es,\n  bid: b,\n  ask: a,\n)")).toEqual([{ kind: "ExprStmt", expr: call(n("quote"), arg(n("es")), arg(n("b"), "bid"), arg(n("a"), "ask")) }]);
  });
});

describe("expressions", () => {
  it("precedence: or < and < not < comparison < + - < * / % < unary - < postfix", () => {
    expect(expr("a or b and c")).toEqual(bin("or", n("a"), bin("and", n("b"), n("c"))));
    expect(expr("not a == b and c")).toEqual(bin("and", un("not", bin("==", n("a"), n("b"))), n("c")));
    expect(expr("a + b * c < d - e % f")).toEqual(bin("<", bin("+", n("a"), bin("*", n("b"), n("c"))), bin("-", n("d"), bin("%", n("e"), n("f")))));
    expect(expr("-a * b")).toEqual(bin("*", un("-", n("a")), n("b")));
    expect(expr("-x[1]")).toEqual(un("-", { kind: "Index", object: n("x"), index: num("1") }));
    expect(expr("a - b - c")).toEqual(bin("-", bin("-", n("a"), n("b")), n("c")));
    expect(expr("a / b / c")).toEqual(bin("/", bin("/", n("a"), n("b")), n("c")));
    expect(expr("(a + b) * c")).toEqual(bin("*", { kind: "Paren", expr: bin("+", n("a"), n("b")) }, n("c")));
    expect(expr("a != b")).toEqual(bin("!=", n("a"), n("b")));
    expect(expr("a >= -10")).toEqual(bin(">=", n("a"), un("-", num("10"))));
    expect(expr("not not a")).toEqual(un("not", un("not", n("a"))));
  });

  it("member access, calls, chained postfix and history", () => {
    expect(expr("macd(x, 12, 26, 9).signal")).toEqual({
      kind: "Member",
      object: call(n("macd"), arg(n("x")), arg(num("12")), arg(num("26")), arg(num("9"))),
      member: id("signal"),
    });
    expect(expr("m.imb[3]")).toEqual({ kind: "Index", object: { kind: "Member", object: n("m"), member: id("imb") }, index: num("3") });
    expect(expr("book.imbalance(es, levels: 3)")).toEqual(call({ kind: "Member", object: n("book"), member: id("imbalance") }, arg(n("es")), arg(num("3"), "levels")));
  });

  it("`ticks` after a value; binds tighter than +", () => {
    expect(expr("book.best_ask(es) + 2 ticks")).toEqual(
      bin("+", call({ kind: "Member", object: n("book"), member: id("best_ask") }, arg(n("es"))), { kind: "Ticks", value: num("2") }),
    );
    expect(expr("offset ticks")).toEqual({ kind: "Ticks", value: n("offset") });
  });

  it("literals: numbers with `_`, floats, exponents, durations, strings with escapes, booleans", () => {
    expect(expr("1_000_000")).toEqual({ kind: "Number", value: 1e6, raw: "1_000_000", isInteger: true });
    expect(expr("0.25")).toEqual({ kind: "Number", value: 0.25, raw: "0.25", isInteger: false });
    expect(expr("1e-3")).toEqual({ kind: "Number", value: 0.001, raw: "1e-3", isInteger: false });
    const d = (raw: string, amount: number, unit: string, nanos: number) => ({ kind: "Duration", amount, unit, nanos, raw });
    expect(expr("500ns")).toEqual(d("500ns", 500, "ns", 500));
    expect(expr("10us")).toEqual(d("10us", 10, "us", 10_000));
    expect(expr("250ms")).toEqual(d("250ms", 250, "ms", 250e6));
    expect(expr("5m")).toEqual(d("5m", 5, "m", 300e9));
    expect(expr("1h")).toEqual(d("1h", 1, "h", 3600e9));
    expect(expr("1d")).toEqual(d("1d", 1, "d", 86400e9));
    expect(expr("1.5s")).toEqual(d("1.5s", 1.5, "s", 1.5e9));
    expect(expr(String.raw`"a\"b\\c\nd\te"`)).toEqual({ kind: "String", value: 'a"b\\c\nd\te', raw: String.raw`"a\"b\\c\nd\te"` });
    expect(expr("true")).toEqual({ kind: "Bool", value: true });
    expect(expr("false")).toEqual({ kind: "Bool", value: false });
    expect(expr("buy")).toEqual(n("buy"));
  });

  it("an expression continues on the next line after an operator or inside brackets", () => {
    expect(expr("a +\n  b")).toEqual(bin("+", n("a"), n("b")));
    expect(expr("(a\n + b)")).toEqual({ kind: "Paren", expr: bin("+", n("a"), n("b")) });
    expect(expr("a\n  and b")).toEqual(bin("and", n("a"), n("b")));
  });
});

describe("comments", () => {
  it("line and block comments are returned in order and kept out of the tree", () => {
    const text = "// head\nvar x = 1 /* inline */ + 2 // tail\n/* multi\nline */\n";
    const r = parse(text, 3);
    expect(r.errors).toEqual([]);
    expect(r.comments.map((c) => [c.kind, c.text])).toEqual([
      ["LineComment", "// head"],
      ["BlockComment", "/* inline */"],
      ["LineComment", "// tail"],
      ["BlockComment", "/* multi\nline */"],
    ]);
    for (const c of r.comments) expect(text.slice(c.span.start, c.span.end)).toBe(c.text);
    expect(r.comments.every((c) => c.span.file === 3)).toBe(true);
    expect(stripSpans(r.ast.items)).toEqual([{ kind: "Var", name: id("x"), init: bin("+", num("1"), num("2")) }]);
  });
});

describe("spans", () => {
  const text = `strategy S "d"\n\ninstrument es = "ESZ4"\non book(es) when ready(vol) {\n  let long = exposure(es, buy) + 2 ticks\n  if long <= 10 { buy(es, 1) } else { cancel_all(es) }\n}\n`;
  const ast = parseClean(text);
  const at = (sp: { start: number; end: number }) => text.slice(sp.start, sp.end);

  it("cover exactly the node's text", () => {
    expect(at(ast.items[0]!)).toBe(`strategy S "d"`);
    expect(at(ast.items[1]!)).toBe(`instrument es = "ESZ4"`);
    const h = ast.items[2] as Handler;
    expect(at(h)).toBe(text.slice(text.indexOf("on book"), text.lastIndexOf("}") + 1));
    expect(at(h.event)).toBe("book");
    expect(at(h.guard!)).toBe("ready(vol)");
    expect(at(h.body).startsWith("{") && at(h.body).endsWith("}")).toBe(true);
    const let0 = h.body.stmts[0]!;
    expect(at(let0)).toBe("let long = exposure(es, buy) + 2 ticks");
    if (let0.kind !== "Let") throw new Error("let");
    expect(at(let0.name)).toBe("long");
    expect(at(let0.value)).toBe("exposure(es, buy) + 2 ticks");
    if (let0.value.kind !== "Binary") throw new Error("binary");
    expect(at(let0.value.left)).toBe("exposure(es, buy)");
    expect(at(let0.value.right)).toBe("2 ticks");
    const ifs = h.body.stmts[1] as IfStmt;
    expect(at(ifs)).toBe("if long <= 10 { buy(es, 1) } else { cancel_all(es) }");
    expect(at(ifs.cond)).toBe("long <= 10");
    expect(at(ifs.else!)).toBe("{ cancel_all(es) }");
  });

  it("every node's range lies inside its parent's and carries the file id (as fields, no Span object)", () => {
    const r = parse(text, 7);
    const visit = (node: unknown, parent: { start: number; end: number }): number => {
      let count = 0;
      if (Array.isArray(node)) {
        for (const x of node) count += visit(x, parent);
        return count;
      }
      if (node === null || typeof node !== "object") return 0;
      const o = node as Record<string, unknown>;
      let inner = parent;
      if (typeof o["kind"] === "string") {
        expect(o["span"]).toBeUndefined();
        const sp = o as { file: number; start: number; end: number };
        expect(sp.file).toBe(7);
        expect(sp.start).toBeGreaterThanOrEqual(parent.start);
        expect(sp.end).toBeLessThanOrEqual(parent.end);
        expect(sp.start).toBeLessThanOrEqual(sp.end);
        inner = sp;
        count++;
      }
      for (const k of Object.keys(o)) count += visit(o[k], inner);
      return count;
    };
    expect(visit(r.ast, { start: 0, end: text.length })).toBeGreaterThan(40);
  });

  it("exprOf helper spans point into `var x = ...`", () => {
    const e = exprOf("a + b");
    expect(e.start).toBe("var x = ".length);
  });
});

describe("SourceFile", () => {
  const f = new SourceFile("a.algo", "ab\ncd\r\n\nlast");
  it("maps offsets to 1-based line/column and back", () => {
    expect(f.lineCount).toBe(4);
    expect(f.position(0)).toEqual({ line: 1, column: 1 });
    expect(f.position(2)).toEqual({ line: 1, column: 3 });
    expect(f.position(3)).toEqual({ line: 2, column: 1 });
    expect(f.position(7)).toEqual({ line: 3, column: 1 });
    expect(f.position(8)).toEqual({ line: 4, column: 1 });
    expect(f.position(11)).toEqual({ line: 4, column: 4 });
    expect(f.position(999)).toEqual({ line: 4, column: 5 });
    for (let off = 0; off <= f.text.length; off++) {
      const { line, column } = f.position(off);
      if (f.text[off - 1] === "\r") continue;
      expect(f.offset(line, column)).toBe(off);
    }
    expect(f.lineText(2)).toBe("cd");
    expect(f.lineText(4)).toBe("last");
  });
});
