/**
 * The static risk check (DESIGN.md "Static risk checks"). For every order an `on` handler can send,
 * on every path through the handler and for every param value in its declared range, prove:
 *   - quantity ≤ max_order_qty;
 *   - the worst-case position stays within ±max_position: for a buy, exposure(i, buy) + the buys
 *     already sent in this event + qty ≤ max_position (resting orders counted as filled); for a sell,
 *     exposure(i, sell) − sells already sent − qty ≥ −max_position;
 *   - a buy limit is at most price_band above the best ask, a sell limit at most price_band below
 *     the best bid (prices measured in ticks; `book.best_ask(es) + 2 ticks` is what makes it provable);
 *   - one event sends at most max_open_orders orders (a quote counts two; loops multiply).
 * Each order is proven safe, proven unsafe (a concrete counterexample over params and state), or
 * unknown (the quantity or price depends on something unbounded: a hint says how to make it
 * provable). `flatten` and `cancel*` only reduce risk and are exempt.
 *
 * Method: symbolic execution over linear forms (linear.ts). Path conditions (`if`, `when`, `and`,
 * `or`, `not`, comparisons) become linear constraints; `abs`, `min`, `max`, `clamp`, `sign` and
 * helper `fn`s split into cases; `let` bindings carry their forms, so guards written through a
 * `let` count. Facts assumed at every event, because the runtime enforces them: exposure(i, sell)
 * ≤ position(i) ≤ exposure(i, buy), exposure(i, buy) ≤ max_position, exposure(i, sell) ≥
 * −max_position, and the book is not crossed (best bid ≤ best ask).
 */
import { type Block, type CallExpr, type Expr, type Handler, type Located, type Span, type Stmt, spanOf } from "../../grammar/index.js";
import type { CheckedFile, CheckedProgram, ResolvedCall, SymbolInfo } from "../check/program.js";
import type { Diagnostic } from "../diagnostics/index.js";
import { diag } from "../diagnostics/index.js";
import { RiskCodes } from "../diagnostics/risk-codes.js";
import { ACTIONS } from "../builtins.js";
import { AtomTable, Lin, le, lt, solve, type Atom, type Constraint } from "./linear.js";

/** Outcome of one check of one order. */
export type Outcome = "safe" | "unsafe" | "unknown";

/** What the analysis established for one check of one order. */
export interface CheckResult {
  limit: "max_order_qty" | "max_position" | "price_band";
  outcome: Outcome;
  /** Human-readable: the proof's facts, or the counterexample, or why it is unknown. */
  detail: string;
  /** For an unsafe max_position check: the fix to suggest (the guard, in the order's own terms). */
  guard?: string;
}

/** One order-sending action and what was proven about it. */
export interface OrderProof {
  action: string;
  span: Span;
  handler: Span;
  checks: CheckResult[];
  /** Number of paths through the handler that reach the action. */
  paths: number;
  /** Path conditions seen on those paths (source text, `not (...)` for else branches). */
  conditions: string[];
}

/** The analysis's full result for one strategy file. */
export interface RiskReport {
  file: number;
  orders: OrderProof[];
  /** Largest number of orders one event of each handler can send. */
  ordersPerEvent: Array<{ handler: Span; kind: string; count: number }>;
}

const MAX_PATHS = 512;
const MAX_ALTS = 64;
const MAX_UNROLL = 16;

interface Alt {
  facts: Constraint[];
  reasons: string[];
  value: Lin;
}

interface Path {
  facts: Constraint[];
  reasons: string[];
  locals: Map<SymbolInfo, Lin>;
  /** Bool lets, as the facts that hold when they are true / false (read when they were bound). */
  conds: Map<SymbolInfo, { pos: CondAlt[]; neg: CondAlt[] }>;
  vars: Map<SymbolInfo, Lin>;
  buys: Map<number, Lin>;
  sells: Map<number, Lin>;
  orders: number;
}

/** Related spans of a diagnostic about handlers of one event: every handler but the last. */
function sameEventRelated(group: ReadonlyArray<{ handler: Handler; count: number }>): Array<{ span: Span; message: string }> {
  return group.slice(0, -1).map((g) => ({ span: spanOf(g.handler.event), message: `this handler runs on the same event and sends up to ${g.count}` }));
}

/** One way a condition can hold: linear facts, and the source text that explains them. */
interface CondAlt {
  facts: Constraint[];
  reasons: string[];
}

class TooComplex extends Error {}

/** Runs the risk analysis over every strategy root of the program. */
export function analyzeRisk(program: CheckedProgram): { diagnostics: Diagnostic[]; reports: RiskReport[] } {
  const diagnostics: Diagnostic[] = [];
  const reports: RiskReport[] = [];
  for (const id of program.roots) {
    const file = program.files[id];
    if (!file || file.kind !== "strategy") continue;
    const r = new RiskAnalysis(program, file);
    diagnostics.push(...r.run());
    reports.push(r.report);
  }
  return { diagnostics, reports };
}

/** The risk analysis of one strategy file. */
export class RiskAnalysis {
  readonly report: RiskReport;
  private readonly table = new AtomTable();
  private readonly instruments = new Map<SymbolInfo, number>();
  private readonly instrumentNames: string[] = [];
  private readonly diags: Diagnostic[] = [];
  private limits: { qty?: Lin; pos?: Lin; band?: Lin; open?: Lin; bandInTicks: boolean; rate?: { n: Lin; perNs: number } } = { bandInTicks: true };
  private readonly proofs = new Map<string, OrderProof>();
  /** Order quantities that can be ≤ 0 (R0408), one per quantity expression, in source order. */
  private readonly nonPositive = new Map<string, { span: Span; action: string; qty: number; hint: string }>();
  /** Atom id → the param it stands for, with its declared range (for R0408's hint). */
  private readonly paramAtoms = new Map<number, { name: string; lo: number; hi: number }>();
  /** Handlers by the event they run on, with the orders each can send per run. */
  private readonly eventGroups = new Map<string, Array<{ handler: Handler; count: number }>>();
  /** Handlers already reported for sending more than max_open_orders on their own. */
  private readonly openOrdersRefuted = new Set<Handler>();
  /** Handlers already warned (R0412) on their own. */
  private readonly rateWarned = new Set<Handler>();
  private currentHandler: Handler | undefined;

  constructor(
    private readonly program: CheckedProgram,
    private readonly file: CheckedFile,
  ) {
    this.report = { file: file.id, orders: [], ordersPerEvent: [] };
  }

  run(): Diagnostic[] {
    for (const item of this.file.ast.items) {
      if (item.kind !== "Instrument") continue;
      const sym = this.program.symbols.get(item) ?? this.program.symbols.get(item.name);
      if (!sym) continue;
      this.instruments.set(sym, this.instrumentNames.length);
      this.instrumentNames.push(item.name.name);
    }
    const handlers = this.file.ast.items.filter((i): i is Handler => i.kind === "Handler");
    const sendsOrders = handlers.some((h) => this.blockSendsOrders(h.body));
    if (sendsOrders && !this.checkLimitsDeclared()) return this.diags;
    if (!sendsOrders) return this.diags;
    this.readLimits();
    for (const h of handlers) this.handler(h);
    this.sameEventHandlers();
    this.report.orders = [...this.proofs.values()].sort((a, b) => a.span.start - b.span.start);
    for (const p of this.report.orders) this.reportOrder(p);
    for (const q of [...this.nonPositive.values()].sort((a, b) => a.span.start - b.span.start)) {
      this.diags.push(diag(RiskCodes.OrderQtyNotPositive, q.span, { action: q.action, qty: fmt(q.qty) }, { hint: q.hint }));
    }
    return this.diags;
  }

  // ---- limits

  private checkLimitsDeclared(): boolean {
    const risk = this.file.ast.items.find((i) => i.kind === "Risk");
    const name = this.file.strategy?.name.name || "strategy";
    if (!risk) {
      const span = spanOf(this.file.strategy ?? this.file.ast);
      this.diags.push(diag(RiskCodes.MissingRiskBlock, span, { name }, { hint: "add `risk { max_position = ... max_order_qty = ... max_open_orders = ... max_order_rate = N per 1s  max_loss = ... price_band = N ticks }`" }));
      return false;
    }
    let ok = true;
    for (const key of ["max_position", "max_order_qty", "max_open_orders", "max_order_rate", "max_loss", "price_band"]) {
      if (!this.file.risk.has(key)) {
        this.diags.push(diag(RiskCodes.MissingRiskLimit, spanOf(risk), { key }));
        ok = false;
      }
    }
    return ok;
  }

  private readLimits(): void {
    const value = (key: string): Lin | undefined => {
      const l = this.file.risk.get(key);
      if (!l) return undefined;
      const e = l.entry.value.kind === "Ticks" ? l.entry.value.value : l.entry.value;
      const alts = this.safeEval(e, this.emptyPath());
      return alts.length === 1 ? alts[0]!.value : undefined;
    };
    this.limits.qty = value("max_order_qty");
    this.limits.pos = value("max_position");
    this.limits.open = value("max_open_orders");
    this.limits.band = value("price_band");
    const bandEntry = this.file.risk.get("price_band");
    this.limits.bandInTicks = !!bandEntry && bandEntry.entry.value.kind === "Ticks";
    const rate = this.file.risk.get("max_order_rate");
    const n = value("max_order_rate");
    if (rate?.perNanos && n) this.limits.rate = { n, perNs: rate.perNanos.lo };
  }

  // ---- handlers

  private handler(h: Handler): void {
    this.currentHandler = h;
    let paths: Path[] = [this.emptyPath()];
    try {
      if (h.guard) paths = this.branch(paths, h.guard, true);
      paths = this.block(h.body, paths);
    } catch (e) {
      if (!(e instanceof TooComplex)) throw e;
      // Every order in the handler is unknown: mark those not yet seen.
      this.markAllUnknown(h.body, h, "the handler has too many paths to analyse; split it or simplify its conditions");
      return;
    }
    const count = paths.reduce((m, p) => Math.max(m, p.orders), 0);
    const info = this.program.handlers.get(h);
    this.report.ordersPerEvent.push({ handler: spanOf(h), kind: info?.kind ?? h.event.name, count });
    const limit = this.limits.open;
    if (count > 0 && info) {
      const key = `${info.kind}|${info.instruments.map((s) => s.name).join(",")}|${info.period ? `${info.period.lo}..${info.period.hi}` : ""}`;
      const group = this.eventGroups.get(key) ?? [];
      group.push({ handler: h, count });
      this.eventGroups.set(key, group);
    }
    if (limit && count > 0) {
      const r = solve([lt(limit, Lin.of(count))], this.table);
      if (r.kind === "sat") {
        this.openOrdersRefuted.add(h);
        const lim = limit.eval(r.point);
        this.diags.push(diag(RiskCodes.OpenOrdersUnsafe, spanOf(h.event), { handler: `on ${h.event.name}`, count, limit: fmt(lim) }));
      }
    }
    if (this.limits.rate && info?.period && (info.kind === "timer" || info.kind === "bar") && count > 0) {
      const { n, perNs } = this.limits.rate;
      const perEvent = count * Math.max(1, Math.ceil(perNs / Math.max(1, info.period.lo)));
      const r = solve([lt(n, Lin.of(perEvent))], this.table);
      if (r.kind === "sat") {
        this.rateWarned.add(h);
        this.diags.push(
          diag(RiskCodes.RateMayBind, spanOf(h.event), {
            handler: `on ${h.event.name}`,
            count,
            gap: durationText(info.period.lo),
            limit: `${fmt(n.eval(r.point))} per ${durationText(perNs)}`,
          }),
        );
      }
    }
  }

  /**
   * Handlers of the same event (two `on book(es)`, two timers of one period, ...) all run on it,
   * one after the other: their orders add up against max_open_orders. Reported once per event,
   * at its last handler, unless one of the handlers alone already exceeds the limit.
   */
  private sameEventHandlers(): void {
    for (const group of this.eventGroups.values()) {
      if (group.length < 2) continue;
      this.sameEventRate(group);
    }
    const limit = this.limits.open;
    if (!limit) return;
    for (const group of this.eventGroups.values()) {
      if (group.length < 2 || group.some((g) => this.openOrdersRefuted.has(g.handler))) continue;
      const total = group.reduce((n, g) => n + g.count, 0);
      const r = solve([lt(limit, Lin.of(total))], this.table);
      if (r.kind !== "sat") continue;
      const last = group[group.length - 1]!.handler;
      this.diags.push(
        diag(
          RiskCodes.OpenOrdersUnsafe,
          spanOf(last.event),
          { handler: `on ${last.event.name}`, count: total, limit: fmt(limit.eval(r.point)) },
          {
            related: sameEventRelated(group),
            hint: `${group.length} handlers run on each such event and their orders add up (${group.map((g) => g.count).join(" + ")}); send fewer, merge the handlers, or raise max_open_orders`,
          },
        ),
      );
    }
  }

  /** The order-rate warning (R0412) for timer/bar handlers of one period, their orders added up. */
  private sameEventRate(group: Array<{ handler: Handler; count: number }>): void {
    const info = this.program.handlers.get(group[0]!.handler);
    if (!this.limits.rate || !info?.period || (info.kind !== "timer" && info.kind !== "bar")) return;
    if (group.some((g) => this.rateWarned.has(g.handler))) return;
    const { n, perNs } = this.limits.rate;
    const total = group.reduce((k, g) => k + g.count, 0);
    const perEvent = total * Math.max(1, Math.ceil(perNs / Math.max(1, info.period.lo)));
    const r = solve([lt(n, Lin.of(perEvent))], this.table);
    if (r.kind !== "sat") return;
    const last = group[group.length - 1]!.handler;
    this.diags.push(
      diag(
        RiskCodes.RateMayBind,
        spanOf(last.event),
        { handler: `on ${last.event.name}`, count: total, gap: durationText(info.period.lo), limit: `${fmt(n.eval(r.point))} per ${durationText(perNs)}` },
        { related: sameEventRelated(group) },
      ),
    );
  }

  /** How many facts every path starts with (emptyPath: the model's standing facts, before any guard). */
  private standingFacts = 0;

  private emptyPath(): Path {
    const facts: Constraint[] = [];
    for (let h = 0; h < this.instrumentNames.length; h++) {
      const eb = this.exposureAtom(h, true);
      const es = this.exposureAtom(h, false);
      const pos = this.positionAtom(h);
      facts.push(le(Lin.atom(es), Lin.atom(pos)), le(Lin.atom(pos), Lin.atom(eb)));
      if (this.limits.pos) {
        facts.push(le(Lin.atom(eb), this.limits.pos), le(this.limits.pos.scale(-1), Lin.atom(es)));
      }
      facts.push(le(Lin.atom(this.bookAtom(h, true)), Lin.atom(this.bookAtom(h, false))));
    }
    this.standingFacts = facts.length;
    return { facts, reasons: [], locals: new Map(), conds: new Map(), vars: new Map(), buys: new Map(), sells: new Map(), orders: 0 };
  }

  private block(b: Block, paths: Path[]): Path[] {
    let ps = paths;
    for (const s of b.stmts) ps = this.stmt(s, ps);
    return ps;
  }

  private stmt(s: Stmt, paths: Path[]): Path[] {
    switch (s.kind) {
      case "Let": {
        const sym = this.sym(s) ?? this.sym(s.name);
        const out: Path[] = [];
        for (const p of paths) {
          // A bool let keeps what it means at this point, so `if ok { ... }` guards like the
          // comparison it names (evaluated now: later orders do not change what it said).
          const asCond = sym && this.program.types.get(s.value)?.type === "bool" ? { pos: this.cond(s.value, p, true), neg: this.cond(s.value, p, false) } : undefined;
          for (const a of this.eval(s.value, p)) {
            const np = fork(p, a);
            if (sym) np.locals.set(sym, a.value);
            if (sym && asCond) np.conds.set(sym, asCond);
            out.push(np);
          }
        }
        return this.cap(out);
      }
      case "Assign": {
        if (s.target.kind !== "Name") return paths;
        const sym = this.program.symbols.get(s.target);
        if (!sym || sym.kind !== "var") return paths;
        // After an assignment the var holds an unknown new value (state across events is not tracked).
        return paths.map((p) => {
          const np = fork(p);
          np.vars.set(sym, Lin.atom(this.table.fresh({ label: sym.name, lo: -Infinity, hi: Infinity, integer: false, opaque: true })));
          return np;
        });
      }
      case "If": {
        const thenPaths = this.block(s.then, this.branch(paths, s.cond, true));
        const elsePaths = this.branch(paths, s.cond, false);
        const elseOut = s.else ? (s.else.kind === "If" ? this.stmt(s.else, elsePaths) : this.block(s.else, elsePaths)) : elsePaths;
        return this.cap([...thenPaths, ...elseOut]);
      }
      case "For":
        return this.loop(s, paths);
      case "ExprStmt": {
        const e = s.expr;
        if (e.kind === "Call") {
          const rc = this.program.calls.get(e);
          if (rc && rc.kind === "action") return this.cap(paths.flatMap((p) => this.action(e, rc, p)));
        }
        return paths;
      }
      default:
        return paths;
    }
  }

  private loop(s: Extract<Stmt, { kind: "For" }>, paths: Path[]): Path[] {
    const sym = this.sym(s) ?? this.sym(s.variable);
    const out: Path[] = [];
    for (const p of paths) {
      const from = this.eval(s.from, p);
      const to = this.eval(s.to, p);
      const f = from.length === 1 && from[0]!.value.isConstant() ? from[0]!.value.constant : undefined;
      const t = to.length === 1 && to[0]!.value.isConstant() ? to[0]!.value.constant : undefined;
      if (f !== undefined && t !== undefined && t - f <= MAX_UNROLL) {
        let ps = [p];
        for (let k = f; k < t; k++) {
          ps = ps.map((q) => {
            const nq = fork(q);
            if (sym) nq.locals.set(sym, Lin.of(k));
            return nq;
          });
          ps = this.block(s.body, ps);
        }
        out.push(...ps);
        continue;
      }
      // Not unrolled: the body runs with the loop variable anywhere in range and the exposures
      // havocked (read them again inside the loop to guard); orders multiply by the trip count.
      const fromHi = this.boundOf(from, "lo");
      const toHi = this.boundOf(to, "hi");
      const trips = Number.isFinite(fromHi) && Number.isFinite(toHi) ? Math.max(0, toHi - fromHi) : Infinity;
      const kAtom = this.table.fresh({ label: sym?.name ?? "k", lo: fromHi, hi: toHi - 1, integer: true, opaque: false });
      const start = fork(p);
      if (sym) start.locals.set(sym, Lin.atom(kAtom));
      for (let h = 0; h < this.instrumentNames.length; h++) {
        start.buys.set(h, Lin.atom(this.table.fresh({ label: `buys sent earlier in the loop (${this.instrumentNames[h]})`, lo: 0, hi: Infinity, integer: true, opaque: true })));
        start.sells.set(h, Lin.atom(this.table.fresh({ label: `sells sent earlier in the loop (${this.instrumentNames[h]})`, lo: 0, hi: Infinity, integer: true, opaque: true })));
      }
      const before = p.orders;
      for (const q of this.block(s.body, [start])) {
        const nq = fork(q);
        nq.orders = before + (q.orders - before) * (Number.isFinite(trips) ? trips : 1_000_000);
        out.push(nq);
      }
    }
    return this.cap(out);
  }

  private boundOf(alts: Alt[], side: "lo" | "hi"): number {
    let best = side === "lo" ? Infinity : -Infinity;
    for (const a of alts) {
      let lo = a.value.constant;
      let hi = a.value.constant;
      for (const [id, c] of a.value.coef) {
        const at = this.table.atoms[id]!;
        lo += c > 0 ? c * at.lo : c * at.hi;
        hi += c > 0 ? c * at.hi : c * at.lo;
      }
      best = side === "lo" ? Math.min(best, lo) : Math.max(best, hi);
    }
    return best;
  }

  private cap(paths: Path[]): Path[] {
    if (paths.length <= 32) return paths;
    const feasible = paths.filter((p) => solve(p.facts, this.table).kind !== "unsat");
    if (feasible.length > MAX_PATHS) throw new TooComplex();
    return feasible;
  }

  /** Paths extended with the condition `e` (or its negation). */
  private branch(paths: Path[], e: Expr, positive: boolean): Path[] {
    const out: Path[] = [];
    for (const p of paths) {
      for (const d of this.cond(e, p, positive)) {
        const np = fork(p);
        np.facts.push(...d.facts);
        np.reasons.push(...d.reasons);
        out.push(np);
      }
    }
    return this.cap(out);
  }

  // ---- conditions: disjunctions of conjunctions of linear facts

  private cond(e: Expr, p: Path, positive: boolean): Array<{ facts: Constraint[]; reasons: string[] }> {
    const text = this.text(e);
    const reason = positive ? text : `not (${text})`;
    switch (e.kind) {
      case "Paren":
        return this.cond(e.expr, p, positive);
      case "Unary":
        if (e.op === "not") return this.cond(e.operand, p, !positive);
        break;
      case "Bool":
        return e.value === positive ? [{ facts: [], reasons: [] }] : [];
      case "Binary": {
        if ((e.op === "and" && positive) || (e.op === "or" && !positive)) {
          const out: Array<{ facts: Constraint[]; reasons: string[] }> = [];
          for (const l of this.cond(e.left, p, positive)) {
            for (const r of this.cond(e.right, p, positive)) out.push({ facts: [...l.facts, ...r.facts], reasons: [...l.reasons, ...r.reasons] });
            if (out.length > MAX_ALTS) return [{ facts: [], reasons: [reason] }];
          }
          return out;
        }
        if (e.op === "or" || e.op === "and") return [...this.cond(e.left, p, positive), ...this.cond(e.right, p, positive)].slice(0, MAX_ALTS);
        const cmp = e.op;
        if (cmp === "<" || cmp === "<=" || cmp === ">" || cmp === ">=" || cmp === "==" || cmp === "!=") {
          if (!this.isNumericExpr(e.left) || !this.isNumericExpr(e.right)) break;
          const out: Array<{ facts: Constraint[]; reasons: string[] }> = [];
          for (const l of this.eval(e.left, p)) {
            for (const r of this.eval(e.right, p)) {
              const base = [...l.facts, ...r.facts];
              for (const c of comparison(cmp, l.value, r.value, positive)) out.push({ facts: [...base, ...c], reasons: [reason] });
            }
          }
          return out.slice(0, MAX_ALTS);
        }
        break;
      }
      case "Name": {
        const sym = this.program.symbols.get(e);
        const known = sym ? p.conds.get(sym) : undefined;
        if (known) return (positive ? known.pos : known.neg).map((c) => ({ facts: c.facts, reasons: c.reasons.length ? c.reasons : [reason] }));
        break;
      }
      case "Call": {
        const rc = this.program.calls.get(e);
        if (rc?.kind === "fn" && rc.decl.body.kind !== "Block") return this.fnCond(e, rc, p, positive);
        break;
      }
      default:
        break;
    }
    // A condition the analysis cannot read (a bool feature, ready(...)): no information either way.
    return [{ facts: [], reasons: [] }];
  }

  private isNumericExpr(e: Expr): boolean {
    const t = this.program.types.get(e)?.type;
    return t === "f64" || t === "int" || t === "qty" || t === "price" || t === "notional" || t === "duration" || t === "time";
  }

  // ---- expressions: alternatives of linear forms

  private safeEval(e: Expr, p: Path): Alt[] {
    try {
      return this.eval(e, p);
    } catch (err) {
      if (err instanceof TooComplex) return [this.opaque(e)];
      throw err;
    }
  }

  private eval(e: Expr, p: Path): Alt[] {
    switch (e.kind) {
      case "Number": {
        const t = this.program.types.get(e)?.type;
        // A bare literal used as a price is an amount of currency: unknown in ticks.
        if (t === "price" && e.value !== 0) return [this.opaque(e)];
        return [alt(Lin.of(e.value))];
      }
      case "Duration":
        return [alt(Lin.of(e.nanos))];
      case "Paren":
        return this.eval(e.expr, p);
      case "Ticks":
        return this.eval(e.value, p);
      case "Name":
        return [alt(this.name(e, p))];
      case "Unary":
        if (e.op === "-") return this.eval(e.operand, p).map((a) => ({ ...a, value: a.value.scale(-1) }));
        return [this.opaque(e)];
      case "Binary": {
        if (e.op !== "+" && e.op !== "-" && e.op !== "*" && e.op !== "/") return [this.opaque(e)];
        // Prices are measured in ticks: a bare number added to a price is currency, unknown in ticks.
        if ((e.op === "+" || e.op === "-") && this.program.types.get(e)?.type === "price") {
          if (isCurrencyLiteral(e.left) || isCurrencyLiteral(e.right)) return [this.opaque(e)];
        }
        const out: Alt[] = [];
        for (const l of this.eval(e.left, p)) {
          for (const r of this.eval(e.right, p)) {
            const facts = [...l.facts, ...r.facts];
            const reasons = [...l.reasons, ...r.reasons];
            let v: Lin | undefined;
            if (e.op === "+") v = l.value.add(r.value);
            else if (e.op === "-") v = l.value.sub(r.value);
            else if (e.op === "*") {
              if (r.value.isConstant()) v = l.value.scale(r.value.constant);
              else if (l.value.isConstant()) v = r.value.scale(l.value.constant);
            } else if (r.value.isConstant() && r.value.constant !== 0) v = l.value.scale(1 / r.value.constant);
            out.push({ facts, reasons, value: v ?? this.productAtom(e, l.value, r.value) });
          }
        }
        return this.limitAlts(out, e);
      }
      case "Call":
        return this.call(e, p);
      default:
        return [this.opaque(e)];
    }
  }

  private limitAlts(alts: Alt[], e: Expr): Alt[] {
    return alts.length > MAX_ALTS ? [this.opaque(e)] : alts;
  }

  private name(e: Extract<Expr, { kind: "Name" }>, p: Path): Lin {
    const sym = this.program.symbols.get(e);
    if (!sym) {
      if (e.name === "buy") return Lin.of(1);
      if (e.name === "sell") return Lin.of(-1);
      return Lin.atom(this.opaqueAtom(`name:${e.name}`, e.name));
    }
    switch (sym.kind) {
      case "param": {
        const iv = sym.constant;
        const t = sym.type.type;
        if (t === "price") return Lin.atom(this.opaqueAtom(`param:${sym.name}`, sym.name));
        const atom = this.table.get(`param:${sym.name}`, () => ({
          label: sym.name,
          lo: iv ? iv.lo : -Infinity,
          hi: iv ? iv.hi : Infinity,
          integer: t === "int" || t === "qty",
          opaque: false,
        }));
        this.paramAtoms.set(atom.id, { name: sym.name, lo: atom.lo, hi: atom.hi });
        return Lin.atom(atom);
      }
      case "let":
      case "for":
      case "fn-param":
        return p.locals.get(sym) ?? Lin.atom(this.opaqueAtom(`local:${sym.name}:${sym.nameSpan.start}`, sym.name));
      case "var": {
        const v = p.vars.get(sym);
        if (v) return v;
        return Lin.atom(this.opaqueAtom(`var:${sym.name}`, sym.name));
      }
      default:
        return Lin.atom(this.opaqueAtom(`sym:${sym.kind}:${sym.name}:${sym.nameSpan.file}:${sym.nameSpan.start}`, sym.name));
    }
  }

  private call(e: CallExpr, p: Path): Alt[] {
    const rc = this.program.calls.get(e);
    if (!rc) return [this.opaque(e)];
    if (rc.kind === "builtin") {
      const arg = (n: string) => rc.args.get(n);
      switch (rc.builtin.name) {
        case "exposure": {
          const h = this.instrumentOf(arg("inst"));
          const side = arg("side");
          if (h === undefined || !side) return [this.opaque(e)];
          const buy = side.kind === "Name" && side.name === "buy";
          const base = Lin.atom(this.exposureAtom(h, buy));
          const sent = (buy ? p.buys : p.sells).get(h);
          return [alt(sent ? (buy ? base.add(sent) : base.sub(sent)) : base)];
        }
        case "position": {
          const h = this.instrumentOf(arg("inst"));
          return h === undefined ? [this.opaque(e)] : [alt(Lin.atom(this.positionAtom(h)))];
        }
        case "abs":
          return this.cases(e, [arg("x")!], p, ([x]) => [
            { facts: [le(Lin.of(0), x!)], value: x! },
            { facts: [lt(x!, Lin.of(0))], value: x!.scale(-1) },
          ]);
        case "min":
          return this.cases(e, [arg("a")!, arg("b")!], p, ([a, b]) => [
            { facts: [le(a!, b!)], value: a! },
            { facts: [lt(b!, a!)], value: b! },
          ]);
        case "max":
          return this.cases(e, [arg("a")!, arg("b")!], p, ([a, b]) => [
            { facts: [le(b!, a!)], value: a! },
            { facts: [lt(a!, b!)], value: b! },
          ]);
        case "clamp":
          return this.cases(e, [arg("x")!, arg("lo")!, arg("hi")!], p, ([x, lo, hi]) => [
            { facts: [lt(x!, lo!), le(lo!, hi!)], value: lo! },
            { facts: [le(lo!, x!), le(x!, hi!)], value: x! },
            { facts: [lt(hi!, x!), le(lo!, hi!)], value: hi! },
            // lo > hi: the result is hi (Math.min(Math.max(x, lo), hi)).
            { facts: [lt(hi!, lo!)], value: hi! },
          ]);
        case "sign":
          return this.cases(e, [arg("x")!], p, ([x]) => [
            { facts: [lt(Lin.of(0), x!)], value: Lin.of(1) },
            { facts: [le(x!, Lin.of(0)), le(Lin.of(0), x!)], value: Lin.of(0) },
            { facts: [lt(x!, Lin.of(0))], value: Lin.of(-1) },
          ]);
        default:
          return [this.opaque(e)];
      }
    }
    if (rc.kind === "operator") {
      if (rc.op.namespace === "book" && (rc.op.name === "best_ask" || rc.op.name === "best_bid")) {
        const h = this.instrumentOf(rc.args.get(rc.op.params[0]!.name));
        if (h !== undefined) return [alt(Lin.atom(this.bookAtom(h, rc.op.name === "best_bid")))];
      }
      return [this.opaque(e)];
    }
    if (rc.kind === "fn") return this.inlineFn(e, rc, p);
    return [this.opaque(e)];
  }

  /**
   * The fn's params bound to the call's arguments (each argument's alternatives multiply), or
   * undefined when an argument is missing or the alternatives are too many to follow.
   */
  private bindFnArgs(
    rc: Extract<ResolvedCall, { kind: "fn" }>,
    p: Path,
  ): Array<{ facts: Constraint[]; reasons: string[]; locals: Map<SymbolInfo, Lin> }> | undefined {
    let alts: Array<{ facts: Constraint[]; reasons: string[]; locals: Map<SymbolInfo, Lin> }> = [{ facts: [], reasons: [], locals: new Map(p.locals) }];
    for (const param of rc.decl.params) {
      const sym = this.sym(param) ?? this.sym(param.name);
      const a = rc.args.get(param.name.name) ?? param.default;
      if (!a) return undefined;
      const next: typeof alts = [];
      for (const cur of alts) {
        for (const v of this.eval(a, { ...p, locals: cur.locals })) {
          const locals = new Map(cur.locals);
          if (sym) locals.set(sym, v.value);
          next.push({ facts: [...cur.facts, ...v.facts], reasons: [...cur.reasons, ...v.reasons], locals });
        }
      }
      if (next.length > MAX_ALTS) return undefined;
      alts = next;
    }
    return alts;
  }

  /** A call of a bool `fn` with an expression body used as a condition: its body, with the arguments bound. */
  private fnCond(e: CallExpr, rc: Extract<ResolvedCall, { kind: "fn" }>, p: Path, positive: boolean): CondAlt[] {
    const alts = this.bindFnArgs(rc, p);
    if (alts === undefined) return [{ facts: [], reasons: [] }];
    const out: CondAlt[] = [];
    const text = positive ? this.text(e) : `not (${this.text(e)})`;
    for (const a of alts) {
      const fp: Path = { ...p, facts: [...p.facts, ...a.facts], reasons: [...p.reasons, ...a.reasons], locals: a.locals };
      for (const c of this.cond(rc.decl.body as Expr, fp, positive)) out.push({ facts: [...a.facts, ...c.facts], reasons: [...a.reasons, text] });
    }
    return out.length > MAX_ALTS ? [{ facts: [], reasons: [] }] : out;
  }

  private inlineFn(e: CallExpr, rc: Extract<ResolvedCall, { kind: "fn" }>, p: Path): Alt[] {
    const alts = this.bindFnArgs(rc, p);
    if (alts === undefined) return [this.opaque(e)];
    const out: Alt[] = [];
    for (const a of alts) {
      const fp: Path = { ...p, facts: [...p.facts, ...a.facts], reasons: [...p.reasons, ...a.reasons], locals: a.locals };
      if (rc.decl.body.kind === "Block") {
        for (const r of this.fnBlock(rc.decl.body, fp)) out.push({ facts: [...a.facts, ...r.facts], reasons: [...a.reasons, ...r.reasons], value: r.value });
      } else {
        for (const r of this.eval(rc.decl.body, fp)) out.push({ facts: [...a.facts, ...r.facts], reasons: [...a.reasons, ...r.reasons], value: r.value });
      }
    }
    return this.limitAlts(out, e);
  }

  /** The values a fn block can return, each with the conditions of its path. */
  private fnBlock(b: Block, p: Path): Alt[] {
    const out: Alt[] = [];
    const walk = (stmts: readonly Stmt[], i: number, path: Path, facts: Constraint[], reasons: string[]): void => {
      if (out.length > MAX_ALTS) return;
      if (i >= stmts.length) return;
      const s = stmts[i]!;
      if (s.kind === "Return") {
        if (s.value) for (const v of this.eval(s.value, path)) out.push({ facts: [...facts, ...v.facts], reasons: [...reasons, ...v.reasons], value: v.value });
        return;
      }
      if (s.kind === "Let") {
        const sym = this.sym(s) ?? this.sym(s.name);
        for (const v of this.eval(s.value, path)) {
          const locals = new Map(path.locals);
          if (sym) locals.set(sym, v.value);
          walk(stmts, i + 1, { ...path, locals }, [...facts, ...v.facts], [...reasons, ...v.reasons]);
        }
        return;
      }
      if (s.kind === "If") {
        for (const positive of [true, false]) {
          for (const d of this.cond(s.cond, path, positive)) {
            const nf = [...facts, ...d.facts];
            const nr = [...reasons, ...d.reasons];
            const branch = positive ? s.then.stmts : s.else ? (s.else.kind === "If" ? [s.else] : s.else.stmts) : [];
            const rest = stmts.slice(i + 1);
            walk([...branch, ...rest], 0, path, nf, nr);
          }
        }
        return;
      }
      walk(stmts, i + 1, path, facts, reasons);
    };
    walk(b.stmts, 0, p, [], []);
    return out.length === 0 || out.length > MAX_ALTS ? [this.opaque(b as unknown as Expr)] : out;
  }

  private cases(e: Expr, args: Expr[], p: Path, f: (vals: Lin[]) => Array<{ facts: Constraint[]; value: Lin }>): Alt[] {
    let combos: Array<{ facts: Constraint[]; reasons: string[]; vals: Lin[] }> = [{ facts: [], reasons: [], vals: [] }];
    for (const a of args) {
      if (!a) return [this.opaque(e)];
      const next: typeof combos = [];
      for (const c of combos) for (const v of this.eval(a, p)) next.push({ facts: [...c.facts, ...v.facts], reasons: [...c.reasons, ...v.reasons], vals: [...c.vals, v.value] });
      if (next.length > MAX_ALTS) return [this.opaque(e)];
      combos = next;
    }
    const out: Alt[] = [];
    for (const c of combos) for (const k of f(c.vals)) out.push({ facts: [...c.facts, ...k.facts], reasons: c.reasons, value: k.value });
    return this.limitAlts(out, e);
  }

  // ---- actions

  private action(e: CallExpr, rc: Extract<ResolvedCall, { kind: "action" }>, p: Path): Path[] {
    const name = rc.action.name;
    if (!rc.action.orders || name === "cancel" || name === "cancel_all" || name === "flatten") return [p];
    const h = this.instrumentOf(rc.args.get("inst"));
    if (h === undefined) return [p];
    const legs: Array<{ buy: boolean; qty?: Expr; price?: Expr }> = [];
    if (name === "buy" || name === "sell") legs.push({ buy: name === "buy", qty: rc.args.get("qty"), price: rc.args.get("limit") });
    else if (name === "bid" || name === "ask") legs.push({ buy: name === "bid", qty: rc.args.get("qty"), price: rc.args.get("price") });
    else if (name === "quote") {
      legs.push({ buy: true, qty: rc.args.get("size"), price: rc.args.get("bid") });
      legs.push({ buy: false, qty: rc.args.get("size"), price: rc.args.get("ask") });
    } else return [p];
    const proof = this.proofFor(e, name);
    proof.paths++;
    for (const r of p.reasons) if (!proof.conditions.includes(r)) proof.conditions.push(r);
    let paths: Path[] = [p];
    for (const leg of legs) {
      const next: Path[] = [];
      for (const path of paths) {
        const qtyAlts = leg.qty ? this.eval(leg.qty, path) : [this.opaque(e)];
        for (const q of qtyAlts) {
          const np = fork(path, q);
          this.checkQty(proof, np, q.value, leg.qty ?? e);
          this.checkQtyPositive(name, np, q.value, leg.qty ?? e);
          this.checkPosition(proof, np, h, leg.buy, q.value, leg.qty ?? e);
          if (leg.price) this.checkBand(proof, np, h, leg.buy, leg.price);
          const sent = leg.buy ? np.buys : np.sells;
          sent.set(h, (sent.get(h) ?? Lin.of(0)).add(q.value));
          np.orders += 1;
          next.push(np);
        }
      }
      paths = next;
    }
    return paths;
  }

  private proofFor(e: CallExpr, action: string): OrderProof {
    const key = `${e.file}:${e.start}`;
    let p = this.proofs.get(key);
    if (!p) {
      p = { action, span: spanOf(e), handler: spanOf(this.currentHandler!), checks: [], paths: 0, conditions: [] };
      this.proofs.set(key, p);
    }
    return p;
  }

  private record(proof: OrderProof, limit: CheckResult["limit"], outcome: Outcome, detail: string, guard?: string): void {
    const existing = proof.checks.find((c) => c.limit === limit);
    const rank = { safe: 0, unknown: 1, unsafe: 2 } as const;
    if (!existing) proof.checks.push(guard === undefined ? { limit, outcome, detail } : { limit, outcome, detail, guard });
    else if (outcome === "safe" && existing.outcome === "safe" && !existing.detail.split("; ").includes(detail)) {
      // Several legs (a quote) or cases proven: list each claim once.
      existing.detail = `${existing.detail}; ${detail}`;
    } else if (rank[outcome] > rank[existing.outcome]) {
      existing.outcome = outcome;
      existing.detail = detail;
      if (guard === undefined) delete existing.guard;
      else existing.guard = guard;
    }
  }

  private checkQty(proof: OrderProof, p: Path, qty: Lin, at: Expr): void {
    const limit = this.limits.qty;
    if (!limit) return;
    const violation = lt(limit, qty);
    this.decide(proof, "max_order_qty", p, violation, qty, limit, (pt) => `${this.cex(pt, qty, p)} → ${fmt(qty.eval(pt))} > max_order_qty ${fmt(limit.eval(pt))}`, `${this.text(at)} ≤ ${this.limitText(limit)}`);
  }

  /**
   * R0408: a quantity that can be ≤ 0 on this path, with a counterexample. Only a proven one is
   * reported (a quantity the analysis cannot bound is left to the run-time checks), so the order
   * limits' verdicts are unchanged.
   */
  private checkQtyPositive(action: string, p: Path, qty: Lin, at: Expr): void {
    const key = `${at.file}:${at.start}`;
    if (this.nonPositive.has(key)) return;
    if ([...qty.coef.keys()].some((id) => this.table.atoms[id]!.opaque)) return;
    const r = solve([...p.facts, le(qty, Lin.of(0))], this.table);
    if (r.kind !== "sat") return;
    const value = qty.eval(r.point);
    const params = [...qty.coef.keys()].map((id) => this.paramAtoms.get(id)).filter((x): x is { name: string; lo: number; hi: number } => x !== undefined);
    const cex = qty.coef.size === 0 ? `the quantity is ${fmt(value)}` : `counterexample: ${this.cex(r.point, qty)} → quantity ${fmt(value)} ≤ 0`;
    const ranges = params.map((q) =>
      Number.isFinite(q.lo) && Number.isFinite(q.hi)
        ? `\`${q.name}\` is declared in [${fmt(q.lo)}, ${fmt(q.hi)}], which reaches ${fmt(q.lo)}; declare it \`in [1, ${fmt(Math.max(1, q.hi))}]\``
        : `\`${q.name}\` has no declared range; declare one from 1: \`in [1, hi]\``,
    );
    const fix = ranges.length ? ranges.join("; ") : qty.coef.size === 0 ? "write a quantity of at least 1" : "guard the order: `if q >= 1 { ... }`";
    this.nonPositive.set(key, { span: spanOf(at), action, qty: value, hint: `${cex}; ${fix}` });
  }

  private checkPosition(proof: OrderProof, p: Path, h: number, buy: boolean, qty: Lin, at: Expr): void {
    const limit = this.limits.pos;
    if (!limit) return;
    const exp = Lin.atom(this.exposureAtom(h, buy));
    const sent = (buy ? p.buys : p.sells).get(h) ?? Lin.of(0);
    // buy: exp + sent + qty ≤ limit; sell: exp − sent − qty ≥ −limit.
    const after = buy ? exp.add(sent).add(qty) : exp.sub(sent).sub(qty);
    const violation = buy ? lt(limit, after) : lt(after, limit.scale(-1));
    const inst = this.instrumentNames[h];
    this.decide(
      proof,
      "max_position",
      p,
      violation,
      after,
      limit,
      (pt) => {
        const already = sent.eval(pt);
        const note = already > 0 ? `, ${fmt(already)} lot(s) already sent on that side by this event` : "";
        return `${this.cex(pt, after, p)}${note} → worst-case position ${fmt(after.eval(pt))} ${buy ? ">" : "<"} ${buy ? "" : "-"}max_position ${fmt(limit.eval(pt))}`;
      },
      `exposure(${inst}, ${buy ? "buy" : "sell"}) ${buy ? "+" : "−"} ${this.text(at)} within ±${this.limitText(limit)}`,
      this.positionGuard(inst ?? "inst", buy, at, limit, !(sent.isConstant() && sent.constant === 0)),
    );
  }

  /**
   * The fix an unsafe max_position check suggests, in the order's own terms: `exposure(es, buy) +
   * q <= L` for a buy, `exposure(es, sell) - q >= -L` for a sell (the sign matters: the sell side's
   * bound is the lower one), counting what the event already sent on that side when it did.
   */
  private positionGuard(inst: string, buy: boolean, at: Expr, limit: Lin, alreadySent: boolean): string {
    const q = this.text(at);
    const simple = /^[A-Za-z_][A-Za-z0-9_.]*$|^\d[\d_.]*$/.test(q);
    const L = this.limitText(limit);
    const cond = buy ? `if exposure(${inst}, buy) + ${q} <= ${L}` : `if exposure(${inst}, sell) - ${simple ? q : `(${q})`} >= -${L}`;
    return `guard the order: \`${cond}\`${alreadySent ? `, with the ${buy ? "buys" : "sells"} this event already sent added to ${q}` : ""}`;
  }

  private checkBand(proof: OrderProof, p: Path, h: number, buy: boolean, price: Expr): void {
    const band = this.limits.band;
    if (!band) return;
    if (!this.limits.bandInTicks) {
      this.record(proof, "price_band", "unknown", "price_band is not written in ticks; write it as `N ticks` so limit prices can be compared with the touch");
      return;
    }
    for (const a of this.eval(price, p)) {
      const np = fork(p, a);
      const touch = Lin.atom(this.bookAtom(h, !buy));
      // buy: price − best_ask ≤ band; sell: best_bid − price ≤ band (in ticks).
      const dist = buy ? a.value.sub(touch) : touch.sub(a.value);
      const inst = this.instrumentNames[h];
      this.decide(
        proof,
        "price_band",
        np,
        lt(band, dist),
        dist,
        band,
        (pt) => `${this.cex(pt, dist, p)} → ${fmt(dist.eval(pt))} ticks beyond the ${buy ? "best ask" : "best bid"} > price_band ${fmt(band.eval(pt))} ticks`,
        buy ? `limit − book.best_ask(${inst}) ≤ ${this.limitText(band)} ticks` : `book.best_bid(${inst}) − limit ≤ ${this.limitText(band)} ticks`,
      );
    }
  }

  private decide(
    proof: OrderProof,
    limit: CheckResult["limit"],
    p: Path,
    violation: Constraint,
    subject: Lin,
    bound: Lin,
    cex: (pt: Map<number, number>) => string,
    claim: string,
    guard?: string,
  ): void {
    const r = solve([...p.facts, violation], this.table);
    if (r.kind === "unsat") {
      this.record(proof, limit, "safe", claim);
      return;
    }
    if (r.kind === "unknown") {
      this.record(proof, limit, "unknown", r.reason);
      return;
    }
    const opaque = [...subject.coef.keys(), ...bound.coef.keys()].map((id) => this.table.atoms[id]!).filter((a) => a.opaque);
    if (opaque.length) {
      this.record(proof, limit, "unknown", `it depends on ${[...new Set(opaque.map((a) => `\`${a.label}\``))].join(", ")}, which the analysis cannot bound`);
      return;
    }
    this.record(proof, limit, "unsafe", cex(r.point), guard);
  }

  private reportOrder(p: OrderProof): void {
    for (const c of p.checks) {
      if (c.outcome === "safe") continue;
      const action = p.action;
      if (c.limit === "max_order_qty") {
        if (c.outcome === "unsafe") {
          const m = / → ([-\d.e+]+) > max_order_qty ([-\d.e+]+)$/.exec(c.detail);
          this.diags.push(diag(RiskCodes.OrderQtyUnsafe, p.span, { action, qty: m?.[1] ?? "?", limit: m?.[2] ?? "?" }, { hint: `counterexample: ${c.detail}; clamp the quantity (\`min(q, ${m?.[2] ?? "max"})\`) or narrow the param's range` }));
        } else this.diags.push(diag(RiskCodes.OrderQtyUnknown, p.span, { action, limit: this.limitText(this.limits.qty!) }, { hint: `${c.detail}; clamp the quantity: \`clamp(q, 1, ${this.limitText(this.limits.qty!)})\`` }));
      } else if (c.limit === "max_position") {
        if (c.outcome === "unsafe") {
          const m = /worst-case position ([-\d.e+]+)/.exec(c.detail);
          this.diags.push(diag(RiskCodes.PositionUnsafe, p.span, { action, position: m?.[1] ?? "?", limit: this.limitText(this.limits.pos!) }, { hint: `counterexample: ${c.detail}; ${c.guard ?? `guard the order: \`if exposure(inst, side) + qty <= ${this.limitText(this.limits.pos!)}\``}` }));
        } else this.diags.push(diag(RiskCodes.PositionUnknown, p.span, { action, limit: this.limitText(this.limits.pos!) }, { hint: `${c.detail}; guard the order on \`exposure(inst, buy)\` / \`exposure(inst, sell)\`` }));
      } else if (c.outcome === "unsafe") {
        const m = / → ([-\d.e+]+) ticks beyond the (best ask|best bid)/.exec(c.detail);
        this.diags.push(diag(RiskCodes.PriceBandUnsafe, p.span, { action, side: m?.[2] === "best bid" ? "sell" : "buy", distance: `${m?.[1] ?? "?"} ticks`, limit: `${this.limitText(this.limits.band!)} ticks` }, { hint: `counterexample: ${c.detail}` }));
      } else {
        this.diags.push(diag(RiskCodes.PriceBandUnknown, p.span, { action, limit: `${this.limitText(this.limits.band!)} ticks` }, { hint: `${c.detail}; write the price relative to the touch: \`book.best_ask(inst) + k ticks\`` }));
      }
    }
  }

  private markAllUnknown(b: Block, h: Handler, why: string): void {
    this.currentHandler = h;
    const visit = (stmts: readonly Stmt[]) => {
      for (const s of stmts) {
        if (s.kind === "If") {
          visit(s.then.stmts);
          let e = s.else;
          while (e) {
            if (e.kind === "If") {
              visit(e.then.stmts);
              e = e.else;
            } else {
              visit(e.stmts);
              e = undefined;
            }
          }
        } else if (s.kind === "For") visit(s.body.stmts);
        else if (s.kind === "ExprStmt" && s.expr.kind === "Call") {
          const rc = this.program.calls.get(s.expr);
          if (rc?.kind === "action" && rc.action.orders && !["cancel", "cancel_all", "flatten"].includes(rc.action.name)) {
            const proof = this.proofFor(s.expr, rc.action.name);
            for (const limit of ["max_order_qty", "max_position"] as const) this.record(proof, limit, "unknown", why);
          }
        }
      }
    };
    visit(b.stmts);
  }

  // ---- atoms and helpers

  private exposureAtom(h: number, buy: boolean): Atom {
    const inst = this.instrumentNames[h]!;
    return this.table.get(`exposure:${h}:${buy}`, () => ({ label: `exposure(${inst}, ${buy ? "buy" : "sell"})`, lo: -Infinity, hi: Infinity, integer: true, opaque: false }));
  }

  private positionAtom(h: number): Atom {
    const inst = this.instrumentNames[h]!;
    return this.table.get(`position:${h}`, () => ({ label: `position(${inst})`, lo: -Infinity, hi: Infinity, integer: true, opaque: false }));
  }

  private bookAtom(h: number, bid: boolean): Atom {
    const inst = this.instrumentNames[h]!;
    return this.table.get(`book:${h}:${bid}`, () => ({ label: `book.best_${bid ? "bid" : "ask"}(${inst}) in ticks`, lo: -Infinity, hi: Infinity, integer: true, opaque: false }));
  }

  private opaqueAtom(key: string, label: string): Atom {
    return this.table.get(key, () => ({ label, lo: -Infinity, hi: Infinity, integer: false, opaque: true }));
  }

  private opaque(e: Expr): Alt {
    return alt(Lin.atom(this.opaqueAtom(`expr:${e.file}:${e.start}:${e.end}`, this.text(e))));
  }

  private productAtom(e: Expr, a: Lin, b: Lin): Lin {
    const ia = this.interval(a);
    const ib = this.interval(b);
    const products = [ia[0] * ib[0], ia[0] * ib[1], ia[1] * ib[0], ia[1] * ib[1]].map((x) => (Number.isNaN(x) ? 0 : x));
    const opaque = [...a.coef.keys(), ...b.coef.keys()].some((id) => this.table.atoms[id]!.opaque) || !Number.isFinite(Math.min(...products)) || !Number.isFinite(Math.max(...products));
    // The same product of the same forms is the same value: `size * a` in a guard and in the order
    // it guards must be one atom, or the guard would prove nothing about the order.
    const [k1, k2] = [formKey(a), formKey(b)].sort();
    const atom = this.table.get(`prod:${k1}*${k2}`, () => ({ label: this.text(e), lo: Math.min(...products), hi: Math.max(...products), integer: false, opaque }));
    return Lin.atom(atom);
  }

  private interval(l: Lin): [number, number] {
    let lo = l.constant;
    let hi = l.constant;
    for (const [id, c] of l.coef) {
      const at = this.table.atoms[id]!;
      lo += c > 0 ? c * at.lo : c * at.hi;
      hi += c > 0 ? c * at.hi : c * at.lo;
    }
    return [Number.isNaN(lo) ? -Infinity : lo, Number.isNaN(hi) ? Infinity : hi];
  }

  private instrumentOf(e: Expr | undefined): number | undefined {
    if (!e || e.kind !== "Name") return undefined;
    const sym = this.program.symbols.get(e);
    return sym ? this.instruments.get(sym) : undefined;
  }

  private sym(node: object): SymbolInfo | undefined {
    return this.program.symbols.get(node as never);
  }

  private text(e: Located): string {
    const src = this.program.sources[e.file];
    return src ? src.text.slice(e.start, e.end).replace(/\s+/g, " ") : "?";
  }

  private limitText(l: Lin): string {
    if (l.isConstant()) return fmt(l.constant);
    return [...l.coef.keys()].map((id) => this.table.atoms[id]!.label).join(" + ");
  }

  /**
   * The counterexample's values: those of the violated form's unknowns, then those of the other
   * unknowns the path's guards read (`position(es) = 5` is what makes a guard on position pass
   * while exposure is at its worst); the model's standing facts alone add nothing. Without a
   * path (R0408: the quantity alone), only the form's unknowns.
   */
  private cex(pt: Map<number, number>, form: Lin, path?: Path): string {
    const parts: string[] = [];
    const label = (id: number) => `${this.table.atoms[id]!.label.replace(/ in ticks$/, "")} = ${fmt(pt.get(id) ?? 0)}`;
    for (const id of [...form.coef.keys()].sort((a, b) => a - b)) if (!this.table.atoms[id]!.opaque) parts.push(label(id));
    const guards = new Set<number>();
    if (path) for (let i = this.standingFacts; i < path.facts.length; i++) for (const id of path.facts[i]!.form.coef.keys()) guards.add(id);
    for (const id of [...guards].sort((a, b) => a - b)) if (!form.coef.has(id) && !this.table.atoms[id]!.opaque) parts.push(label(id));
    return parts.join(", ") || "for every value";
  }

  private blockSendsOrders(b: Block): boolean {
    const visit = (stmts: readonly Stmt[]): boolean => {
      for (const s of stmts) {
        if (s.kind === "If") {
          if (visit(s.then.stmts)) return true;
          let e = s.else;
          while (e) {
            if (e.kind === "If") {
              if (visit(e.then.stmts)) return true;
              e = e.else;
            } else {
              if (visit(e.stmts)) return true;
              e = undefined;
            }
          }
        } else if (s.kind === "For") {
          if (visit(s.body.stmts)) return true;
        } else if (s.kind === "ExprStmt" && s.expr.kind === "Call") {
          const rc = this.program.calls.get(s.expr);
          if (rc?.kind === "action" && ACTIONS.get(rc.action.name)?.orders && rc.action.name !== "cancel" && rc.action.name !== "cancel_all" && rc.action.name !== "flatten") return true;
        }
      }
      return false;
    };
    return visit(b.stmts);
  }
}

/** A nonzero number literal (possibly negated or parenthesised). */
function isCurrencyLiteral(e: Expr): boolean {
  if (e.kind === "Number") return e.value !== 0;
  if (e.kind === "Paren") return isCurrencyLiteral(e.expr);
  if (e.kind === "Unary" && e.op === "-") return isCurrencyLiteral(e.operand);
  return false;
}

function alt(value: Lin): Alt {
  return { facts: [], reasons: [], value };
}

function fork(p: Path, a?: { facts: Constraint[]; reasons: string[] }): Path {
  return {
    facts: a ? [...p.facts, ...a.facts] : [...p.facts],
    reasons: a ? [...p.reasons, ...a.reasons] : [...p.reasons],
    locals: new Map(p.locals),
    conds: new Map(p.conds),
    vars: new Map(p.vars),
    buys: new Map(p.buys),
    sells: new Map(p.sells),
    orders: p.orders,
  };
}

/** Linear facts for `l cmp r` (or its negation), as a disjunction. */
function comparison(cmp: string, l: Lin, r: Lin, positive: boolean): Constraint[][] {
  const op = positive ? cmp : ({ "<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==" } as Record<string, string>)[cmp]!;
  switch (op) {
    case "<":
      return [[lt(l, r)]];
    case "<=":
      return [[le(l, r)]];
    case ">":
      return [[lt(r, l)]];
    case ">=":
      return [[le(r, l)]];
    case "==":
      return [[le(l, r), le(r, l)]];
    default:
      return [[lt(l, r)], [lt(r, l)]];
  }
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "-∞";
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

function durationText(ns: number): string {
  const units: Array<[number, string]> = [[86_400e9, "d"], [3_600e9, "h"], [60e9, "m"], [1e9, "s"], [1e6, "ms"], [1e3, "us"]];
  for (const [k, u] of units) if (ns >= k && ns % k === 0) return `${ns / k}${u}`;
  return `${ns}ns`;
}

/** A canonical text of a linear form (coefficients by atom id), for keying atoms built from it. */
function formKey(l: Lin): string {
  return `${l.constant}|${[...l.coef].sort((x, y) => x[0] - y[0]).map(([id, c]) => `${id}:${c}`).join(",")}`;
}
