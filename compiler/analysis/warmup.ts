/**
 * Warm-up analysis: a handler that reads a feature must know it is warm. A read is covered when a
 * `ready(x)` that holds at that point — in the handler's `when` guard, an enclosing `if`, or an
 * earlier conjunct of the same `and` chain — names x or a feature downstream of it (a feature is
 * ready only when all its inputs are: `ready(vol)` covers `mid`, `ret` and `vol`).
 * Stateless book/trade/bar accessors (`book.best_bid(es)`, warm-up 1) read in the handler of the
 * event that updates them (`on book(es)`) are warm by construction.
 */
import { type Block, type Expr, type Handler, type Stmt, spanOf } from "../../grammar/index.js";
import type { CheckedFile, CheckedProgram } from "../check/program.js";
import { diag, type Diagnostic } from "../diagnostics/index.js";
import { RiskCodes } from "../diagnostics/risk-codes.js";
import { Lowering, LoweringError } from "../graph/lower.js";
import { barLengthDiagnostics } from "./bars.js";
import type { GraphNode } from "../graph/graph.js";

/** Runs the warm-up analysis over every strategy root. */
export function analyzeWarmup(program: CheckedProgram): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const id of program.roots) {
    const file = program.files[id];
    if (file?.kind === "strategy") out.push(...new WarmupAnalysis(program, file).run());
  }
  return out;
}

class WarmupAnalysis {
  private readonly low: Lowering;
  private readonly diags: Diagnostic[] = [];
  private handler: Handler | undefined;
  private trigger = "";

  constructor(
    private readonly program: CheckedProgram,
    private readonly file: CheckedFile,
  ) {
    this.low = new Lowering(program, file);
  }

  run(): Diagnostic[] {
    for (const item of this.file.ast.items) {
      if (item.kind !== "Handler") continue;
      const info = this.program.handlers.get(item);
      if (!info) continue;
      this.handler = item;
      const h = info.instruments[0] ? this.low.handles.get(info.instruments[0]) : undefined;
      this.trigger = h !== undefined && (info.kind === "book" || info.kind === "trade" || info.kind === "bar") ? `${info.kind}:${h}` : "";
      let warm = new Set<number>();
      if (item.guard) warm = this.condition(item.guard, warm);
      this.block(item.body, warm);
    }
    // The graph is now what the handlers read: check its bar features' lengths on the way.
    return [...this.diags, ...barLengthDiagnostics(this.program, this.file, this.low)];
  }

  private block(b: Block, warm: Set<number>): void {
    for (const s of b.stmts) this.stmt(s, warm);
  }

  private stmt(s: Stmt, warm: Set<number>): void {
    switch (s.kind) {
      case "Let":
        this.reads(s.value, warm);
        return;
      case "Assign":
        this.reads(s.value, warm);
        return;
      case "If": {
        const thenWarm = this.condition(s.cond, warm);
        this.block(s.then, thenWarm);
        if (s.else) {
          if (s.else.kind === "If") this.stmt(s.else, warm);
          else this.block(s.else, warm);
        }
        return;
      }
      case "For":
        this.reads(s.from, warm);
        this.reads(s.to, warm);
        this.block(s.body, warm);
        return;
      case "Return":
        if (s.value) this.reads(s.value, warm);
        return;
      case "ExprStmt":
        this.reads(s.expr, warm);
        return;
      default:
        return;
    }
  }

  /** Checks the reads of a condition; returns the warm set that holds when it is true. */
  private condition(e: Expr, warm: Set<number>): Set<number> {
    const conjuncts: Expr[] = [];
    const flatten = (x: Expr) => {
      if (x.kind === "Binary" && x.op === "and") {
        flatten(x.left);
        flatten(x.right);
      } else if (x.kind === "Paren") flatten(x.expr);
      else conjuncts.push(x);
    };
    flatten(e);
    let w = new Set(warm);
    for (const c of conjuncts) {
      this.reads(c, w);
      const covered = this.readyOf(c);
      if (covered.length) {
        w = new Set(w);
        for (const id of covered) for (const up of this.upstream(id)) w.add(up);
      }
    }
    return w;
  }

  /** Node ids a `ready(x)` conjunct asserts warm (x's own nodes), or []. */
  private readyOf(e: Expr): number[] {
    if (e.kind !== "Call") return [];
    const rc = this.program.calls.get(e);
    if (!rc || rc.kind !== "builtin" || rc.builtin.name !== "ready") return [];
    const x = rc.args.get("x");
    if (!x) return [];
    const deps = this.seriesDeps(x);
    return deps ? [...deps] : [];
  }

  private upstream(id: number): number[] {
    const seen = new Set<number>();
    const stack = [id];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const d of this.low.nodes[n]!.deps) stack.push(d);
    }
    return [...seen];
  }

  private seriesDeps(e: Expr): ReadonlySet<number> | undefined {
    try {
      const v = this.low.expr(e, this.low.rootEnv, { handler: true, tickInstrument: 0, bindings: new Map(), locals: new Map() });
      if (v.k === "series") return v.s.deps;
      if (v.k === "outputs") return new Set([v.node.id]);
      return undefined;
    } catch (err) {
      if (err instanceof LoweringError) return undefined;
      throw err;
    }
  }

  /** Reports every feature read in `e` that is not covered by `warm`. */
  private reads(e: Expr, warm: ReadonlySet<number>): void {
    switch (e.kind) {
      case "Name":
      case "Member":
      case "Index": {
        if (e.kind === "Member" && e.object.kind === "Name" && this.program.symbols.get(e.object)?.kind === "binding") return;
        const sym = e.kind === "Name" ? this.program.symbols.get(e) : undefined;
        if (sym && sym.kind !== "feature" && sym.kind !== "import") return;
        this.check(e, warm);
        return;
      }
      case "Call": {
        const rc = this.program.calls.get(e);
        if (rc?.kind === "builtin" && rc.builtin.name === "ready") return;
        if (rc?.kind === "operator") {
          this.check(e, warm);
          return;
        }
        for (const a of e.args) this.reads(a.value, warm);
        return;
      }
      case "Unary":
        this.reads(e.operand, warm);
        return;
      case "Binary":
        if (e.op === "and") {
          this.condition(e, new Set(warm));
          return;
        }
        this.reads(e.left, warm);
        this.reads(e.right, warm);
        return;
      case "Paren":
        this.reads(e.expr, warm);
        return;
      case "Ticks":
        this.reads(e.value, warm);
        return;
      default:
        return;
    }
  }

  private check(e: Expr, warm: ReadonlySet<number>): void {
    const deps = this.seriesDeps(e);
    if (!deps) return;
    for (const id of deps) {
      if (warm.has(id) || this.warmByConstruction(this.low.nodes[id]!)) continue;
      const src = this.program.sources[e.file];
      const name = src ? src.text.slice(e.start, e.end).replace(/\s+/g, " ") : "feature";
      this.diags.push(
        diag(RiskCodes.NotWarm, spanOf(e), { name }, {
          hint: `guard the handler: \`when ready(${name})\` (or \`if ready(${name}) { ... }\`)`,
          related: this.handler ? [{ span: spanOf(this.handler.event), message: "in this handler" }] : [],
        }),
      );
      return;
    }
  }

  /** Stateless accessors updated by the very event whose handler reads them. */
  private warmByConstruction(n: GraphNode): boolean {
    if (n.deps.length > 0 || n.warmup > 1) return false;
    const drive = n.op.drive;
    if (drive !== "book" && drive !== "trade" && drive !== "bar") return false;
    return this.trigger === `${drive}:${n.instrument}`;
  }
}
