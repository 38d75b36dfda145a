/** Test helpers for grammar/: parse fragments, strip spans for structural comparison. */
import { parse, type Expr, type Item, type Program, type Stmt } from "../../grammar/index.js";

/** Deep copy of a tree without its nodes' `file` / `start` / `end` fields and comments' `span` (and without Paren nodes when `dropParens`). */
export function stripSpans<T>(node: T, dropParens = false): T {
  return strip(node, dropParens) as T;
}

function strip(v: unknown, dropParens: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => strip(x, dropParens));
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (dropParens && o["kind"] === "Paren") return strip(o["expr"], dropParens);
    const out: Record<string, unknown> = {};
    const isNode = typeof o["kind"] === "string";
    for (const k of Object.keys(o)) {
      if (o[k] === undefined || k === "span" || (isNode && (k === "file" || k === "start" || k === "end"))) continue;
      out[k] = strip(o[k], dropParens);
    }
    return out;
  }
  return v;
}

/** Parses text that must be free of syntax errors. */
export function parseClean(text: string): Program {
  const r = parse(text, 0);
  if (r.errors.length > 0) throw new Error(`unexpected syntax errors in ${JSON.stringify(text)}: ${r.errors.map((e) => `${e.code} ${e.message}`).join("; ")}`);
  return r.ast;
}

/** The one item of a clean one-item program. */
export function item(text: string): Item {
  const p = parseClean(text);
  if (p.items.length !== 1) throw new Error(`expected one item, got ${p.items.length}`);
  return p.items[0]!;
}

/** Parses an expression (as `var x = <text>`), spans kept. */
export function exprOf(text: string): Expr {
  const i = item(`var x = ${text}`);
  if (i.kind !== "Var") throw new Error("not a var");
  return i.init;
}

/** Parses an expression and strips spans. */
export function expr(text: string): Expr {
  return stripSpans(exprOf(text));
}

/** Parses statements inside `on start { ... }`, spans stripped. */
export function stmts(text: string): Stmt[] {
  const i = item(`on start {\n${text}\n}`);
  if (i.kind !== "Handler") throw new Error("not a handler");
  return stripSpans(i.body.stmts);
}

/** Shorthands for expected trees. */
export const n = (name: string) => ({ kind: "Name", name });
export const num = (raw: string) => ({ kind: "Number", value: Number(raw.replace(/_/g, "")), raw, isInteger: !/[.eE]/.test(raw) });
export const bin = (op: string, left: unknown, right: unknown) => ({ kind: "Binary", op, left, right });
export const un = (op: string, operand: unknown) => ({ kind: "Unary", op, operand });
export const id = (name: string) => ({ kind: "Ident", name });
export const arg = (value: unknown, name?: string) => (name === undefined ? { kind: "Arg", value } : { kind: "Arg", value, name: id(name) });
export const call = (callee: unknown, ...args: unknown[]) => ({ kind: "Call", callee, args });
