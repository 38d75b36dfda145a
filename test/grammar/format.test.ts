// The formatter: golden files, idempotence, `parse(fmt(x))` equals `parse(x)` modulo spans (on the
// goldens, on every .algo fixture and example in the repo, and on generated programs), comments kept.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatExpr, formatProgram, formatSource, parse, spanOf } from "../../grammar/index.js";
import { exprArb, programArb } from "./ast-arbitrary.js";
import { stripSpans } from "./helpers.js";

const GOLDEN_DIR = new URL("./format/", import.meta.url).pathname;
const REPO = new URL("../../", import.meta.url).pathname;
const update = process.env["UPDATE_GOLDEN"] === "1";

function fmt(text: string): string {
  const r = formatSource(text);
  if (!r.ok) throw new Error(`syntax errors: ${r.errors.map((e) => `${e.code} ${e.message} @${e.span.start}`).join("; ")}`);
  return r.text;
}

/** The properties every formatted file must have. */
function checkFormatProperties(text: string): string {
  const once = fmt(text);
  expect(fmt(once)).toBe(once);
  const before = parse(text, 0);
  const after = parse(once, 0);
  expect(stripSpans(after.ast)).toEqual(stripSpans(before.ast));
  // Every comment survives, verbatim (trailing whitespace aside), in the same order.
  expect(after.comments.map((c) => c.text.trimEnd())).toEqual(before.comments.map((c) => c.text.trimEnd()));
  return once;
}

function algoFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...algoFilesUnder(p));
    else if (p.endsWith(".algo")) out.push(p);
  }
  return out;
}

describe("golden files", () => {
  const inputs = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith(".algo") && !f.endsWith(".formatted.algo")).sort();
  it("there are golden inputs", () => {
    expect(inputs.length).toBeGreaterThanOrEqual(5);
  });
  it.each(inputs)("%s", (file) => {
    const text = readFileSync(join(GOLDEN_DIR, file), "utf8");
    const out = checkFormatProperties(text);
    const goldenPath = join(GOLDEN_DIR, file.replace(/\.algo$/, ".formatted.algo"));
    if (update || !existsSync(goldenPath)) writeFileSync(goldenPath, out);
    expect(out).toBe(readFileSync(goldenPath, "utf8"));
    // The golden itself is a fixed point.
    expect(fmt(out)).toBe(out);
  });
});

describe("every .algo file in the repo that parses", () => {
  const files = [...algoFilesUnder(join(REPO, "examples")), ...algoFilesUnder(join(REPO, "test/fixtures"))];
  const clean = files.filter((f) => parse(readFileSync(f, "utf8"), 0).errors.length === 0);
  it.runIf(clean.length > 0).each(clean.map((f) => [f.slice(REPO.length)]))("%s", (rel) => {
    checkFormatProperties(readFileSync(join(REPO, rel), "utf8"));
  });
});

describe("formatting rules", () => {
  it("canonical spacing, indentation, one statement per line, `{}` for empty blocks", () => {
    const text = "on   book( es ,levels:3 )when a>b{let x=-1+2*(3-c)\nif x<=2{buy(es,1);log(\"x\")}else{}}\non start{}\n";
    expect(fmt(text)).toBe(
      "on book(es, levels: 3) when a > b {\n  let x = -1 + 2 * (3 - c)\n  if x <= 2 {\n    buy(es, 1)\n    log(\"x\")\n  } else {}\n}\non start {}\n",
    );
  });

  it("keeps at most one blank line and none at the edges of blocks", () => {
    expect(fmt("\n\nvar a = 1\n\n\n\nvar b = 2\non start {\n\n  x()\n\n\n  y()\n\n}\n\n")).toBe("var a = 1\n\nvar b = 2\non start {\n  x()\n\n  y()\n}\n");
  });

  it("keeps own-line, trailing and after-brace comments in place", () => {
    const text = "// top\n\n/* block */\nvar a = 1  // trailing\non start {  // after brace\n  // own line\n  x()  /* tail */\n  // last in block\n}\n// end of file\n";
    expect(fmt(text)).toBe(text);
  });

  it("moves a comment inside an expression before its statement", () => {
    expect(fmt("var a = f(1, // one\n  2)\n")).toBe("// one\nvar a = f(1, 2)\n");
  });

  it("refuses a file with syntax errors and returns them", () => {
    const r = formatSource("var x = \nvar y = 2\n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.code).toBe("E0102");
  });

  it("adds parentheses where the tree needs them", () => {
    const p = parse("var x = a", 0).ast;
    const v = p.items[0]!;
    if (v.kind !== "Var") throw new Error("var");
    const S = spanOf(v);
    const nm = (name: string) => ({ kind: "Name" as const, name, ...S });
    expect(formatExpr({ kind: "Binary", op: "*", left: { kind: "Binary", op: "+", left: nm("a"), right: nm("b"), ...S }, right: nm("c"), ...S })).toBe("(a + b) * c");
    expect(formatExpr({ kind: "Binary", op: "-", left: nm("a"), right: { kind: "Binary", op: "-", left: nm("b"), right: nm("c"), ...S }, ...S })).toBe("a - (b - c)");
    expect(formatExpr({ kind: "Unary", op: "-", operand: { kind: "Binary", op: "+", left: nm("a"), right: nm("b"), ...S }, ...S })).toBe("-(a + b)");
    expect(formatExpr({ kind: "Binary", op: "<", left: { kind: "Binary", op: "<", left: nm("a"), right: nm("b"), ...S }, right: nm("c"), ...S })).toBe("(a < b) < c");
    expect(formatExpr({ kind: "Member", object: { kind: "Unary", op: "-", operand: nm("a"), ...S }, member: { kind: "Ident", name: "m", ...S }, ...S })).toBe("(-a).m");
    expect(formatExpr({ kind: "Binary", op: "+", left: { kind: "Unary", op: "not", operand: nm("a"), ...S }, right: nm("b"), ...S })).toBe("(not a) + b");
  });
});

describe("generated programs (fast-check)", () => {
  it("parse(print(ast)) gives the ast back (modulo spans and parentheses), and printing is idempotent", () => {
    fc.assert(
      fc.property(programArb, (ast) => {
        const text = formatProgram(ast);
        const r = parse(text, 0);
        expect(r.errors, text).toEqual([]);
        expect(stripSpans(r.ast, true)).toEqual(stripSpans(ast, true));
        expect(fmt(text)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("expressions round-trip through the printer", () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        const text = `var x = ${formatExpr(e)}\n`;
        const r = parse(text, 0);
        expect(r.errors, text).toEqual([]);
        const v = r.ast.items[0]!;
        expect(v.kind === "Var" && stripSpans(v.init, true)).toEqual(stripSpans(e, true));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("docs/language.md", () => {
  const doc = readFileSync(join(REPO, "docs/language.md"), "utf8");
  const blocks = [...doc.matchAll(/```algo\n([\s\S]*?)```/g)].map((m) => m[1]!);
  it("has examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(15);
  });
  it.each(blocks.map((b, i) => [i, b]))("example %i parses (as a file, or as statements of a handler)", (_i, block) => {
    const asFile = parse(block as string, 0).errors;
    if (asFile.length === 0) return;
    const asStatements = parse(`on start {\n${block as string}\n}\n`, 0).errors;
    expect(asStatements.map((e) => `${e.code} ${e.message}`)).toEqual([]);
  });
});

describe("mutated programs that still parse (fast-check)", () => {
  it("format idempotently and keep their tree", () => {
    const sketch = readFileSync(join(GOLDEN_DIR, "sketch.algo"), "utf8");
    const lines = sketch.split("\n");
    let clean = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(lines.length - 1), fc.boolean()), { minLength: 1, maxLength: 5 }), (ops) => {
        // Line-level mutations: move or duplicate whole lines (often still valid programs).
        const ls = [...lines];
        for (const [a, b, dup] of ops) {
          const line = ls[a % ls.length]!;
          if (!dup) ls.splice(a % ls.length, 1);
          ls.splice(b % (ls.length + 1), 0, line);
        }
        const text = ls.join("\n");
        if (parse(text, 0).errors.length > 0) return;
        clean++;
        checkFormatProperties(text);
      }),
      { numRuns: 300 },
    );
    expect(clean).toBeGreaterThan(10);
  });
});
