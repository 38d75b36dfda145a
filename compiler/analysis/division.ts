/**
 * Division lint: a `/` or `%` whose divisor can be zero for some param value in its declared range
 * (or is the literal 0) gets a warning with the divisor's span. Divisors over features are not
 * flagged: their range is unknown here, and a guard in the handler is the user's tool for them.
 */
import { type Expr, type Node, spanOf } from "../../grammar/index.js";
import type { CheckedFile, CheckedProgram } from "../check/program.js";
import { diag, type Diagnostic } from "../diagnostics/index.js";
import { RiskCodes } from "../diagnostics/risk-codes.js";
import { AtomTable, Lin, le, solve } from "./linear.js";

/** Runs the division lint over every root file. */
export function analyzeDivision(program: CheckedProgram): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const id of program.roots) {
    const file = program.files[id];
    if (file) out.push(...divisionLint(program, file));
  }
  return out;
}

function divisionLint(program: CheckedProgram, file: CheckedFile): Diagnostic[] {
  const table = new AtomTable();
  const out: Diagnostic[] = [];
  const text = (e: Expr) => program.sources[e.file]!.text.slice(e.start, e.end).replace(/\s+/g, " ");
  /** The divisor as a linear form over params, or undefined when it reads anything else. */
  const linear = (e: Expr): Lin | undefined => {
    switch (e.kind) {
      case "Number":
        return Lin.of(e.value);
      case "Paren":
        return linear(e.expr);
      case "Unary":
        return e.op === "-" ? linear(e.operand)?.scale(-1) : undefined;
      case "Name": {
        const sym = program.symbols.get(e);
        if (!sym || sym.kind !== "param" || !sym.constant) return undefined;
        const iv = sym.constant;
        const t = sym.type.type;
        return Lin.atom(table.get(sym.name, () => ({ label: sym.name, lo: iv.lo, hi: iv.hi, integer: t === "int" || t === "qty", opaque: false })));
      }
      case "Binary": {
        const l = linear(e.left);
        const r = linear(e.right);
        if (!l || !r) return undefined;
        if (e.op === "+") return l.add(r);
        if (e.op === "-") return l.sub(r);
        if (e.op === "*" && r.isConstant()) return l.scale(r.constant);
        if (e.op === "*" && l.isConstant()) return r.scale(l.constant);
        return undefined;
      }
      default:
        return undefined;
    }
  };
  const visit = (n: unknown): void => {
    if (!n || typeof n !== "object") return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const node = n as Node & Record<string, unknown>;
    if (node.kind === "Binary" && (node.op === "/" || node.op === "%")) {
      const d = linear(node.right);
      if (d) {
        const zero = solve([le(d, Lin.of(0)), le(Lin.of(0), d)], table);
        if (zero.kind === "sat") {
          const values = [...d.coef.keys()].map((id) => `${table.atoms[id]!.label} = ${zero.point.get(id) ?? 0}`).join(", ");
          out.push(diag(RiskCodes.DivisionByZero, spanOf(node.right), { divisor: text(node.right) }, { hint: values ? `zero when ${values}; narrow the param's range or guard the division` : "dividing by zero gives Infinity or NaN" }));
        }
      }
    }
    for (const [k, v] of Object.entries(node)) {
      // checkedType: the checker's type slot of an expression (grammar/ast.ts ExprSlot), not syntax.
      if (k === "checkedType") continue;
      if (v && typeof v === "object") visit(v);
    }
  };
  visit(file.ast.items);
  return out;
}
