/**
 * A test-only, deliberately straightforward evaluator of a checked strategy's AST: the oracle the
 * compiled code is compared with. It shares nothing with compiler/graph or compiler/emit: no
 * common sub-expression merging (every operator call site × feature-unit instance has its own
 * stdlib instance), no trigger analysis (it pulls: evaluating an operator first evaluates its
 * inputs, then updates it once per event when its driving event arrived or an input changed), and
 * handlers are walked statement by statement. Only the stdlib operator classes are shared, since
 * the feature values must equal theirs.
 */
import type { Block, CallExpr, Expr, FeatureUnit, Handler, Stmt } from "../../grammar/index.js";
import type { CheckedFile, CheckedProgram, SymbolInfo } from "../../compiler/check/program.js";
import type { BarView, FillView, Strategy, StrategyContext, StrategyInit, Subscriptions, TradeView } from "../../runtime/engine/strategy.js";
import type { InstrumentInfo } from "../../runtime/events.js";
import * as stdlib from "../../stdlib/index.js";

type V = number | boolean | string;

/** Operators whose output depends on the current inputs only (docs/stdlib.md, "NaN inputs"). */
const POINTWISE = new Set(["abs", "sign", "clamp", "min", "max", "iff", "time_of_day"]);
interface R {
  v: V;
  ready: boolean;
  changed: boolean;
}
interface Env {
  key: string;
  bindings: Map<SymbolInfo, { inst: number } | R>;
}
type Instance = Record<string, unknown> & { ready: boolean; value?: unknown };

type EventInfo =
  | { kind: "book"; inst: number }
  | { kind: "trade"; inst: number; trade: TradeView }
  | { kind: "bar"; inst: number; len: number; bar: BarView }
  | { kind: "other" };

/** Interprets the root strategy of a checked program as a Strategy. */
export class InterpretedStrategy implements Strategy {
  readonly instruments: string[] = [];
  private readonly handles = new Map<SymbolInfo, number>();
  private readonly params = new Map<string, number | boolean>();
  private readonly vars = new Map<SymbolInfo, V>();
  private readonly instances = new Map<string, { obj: Instance; updatedAt: number }>();
  private readonly histories = new Map<string, { values: number[]; updatedAt: number }>();
  private readonly handlers: Handler[] = [];
  private readonly timers: Handler[] = [];
  private readonly seriesSites: Expr[] = [];
  private infos: readonly InstrumentInfo[] = [];
  private seq = 0;
  private ev: EventInfo = { kind: "other" };
  private ctx!: StrategyContext;
  private readonly root: Env = { key: "", bindings: new Map() };
  private readonly records = new Map<string, number>();

  constructor(
    private readonly program: CheckedProgram,
    private readonly file: CheckedFile,
    overrides: Record<string, number | boolean> = {},
  ) {
    for (const item of file.ast.items) {
      if (item.kind === "Instrument") {
        const sym = this.sym(item) ?? this.sym(item.name);
        if (sym) this.handles.set(sym, this.instruments.length);
        this.instruments.push(item.symbol.kind === "String" ? item.symbol.value : "");
      } else if (item.kind === "Param") {
        const v = this.constant(item.value);
        this.params.set(item.name.name, overrides[item.name.name] ?? v);
      } else if (item.kind === "Var") {
        const sym = this.sym(item) ?? this.sym(item.name);
        if (sym) this.vars.set(sym, this.constant(item.init));
      } else if (item.kind === "Handler") {
        this.handlers.push(item);
        if (item.event.name === "timer") this.timers.push(item);
      }
    }
    // Every series expression a handler reads is evaluated on every event (the compiled code
    // updates those operators on their triggers whether or not the handler then runs).
    const visit = (n: unknown): void => {
      if (!n || typeof n !== "object") return;
      if (Array.isArray(n)) return n.forEach(visit);
      const node = n as Expr;
      if ((node.kind === "Call" || node.kind === "Member" || node.kind === "Name" || node.kind === "Index") && this.program.types.get(node)?.series) {
        this.seriesSites.push(node);
        return;
      }
      for (const [k, v] of Object.entries(node)) if (k !== "checkedType" && v && typeof v === "object") visit(v);
    };
    for (const h of this.handlers) visit([h.guard, h.body]);
  }

  subscriptions(init: StrategyInit): Subscriptions {
    this.infos = init.instruments;
    const bars: Array<{ instrument: number; lenNs: number }> = [];
    for (const h of this.handlers) if (h.event.name === "bar") bars.push({ instrument: this.instOf(h.args[0]!.value), lenNs: this.durationOf(h.args[1]!.value) });
    return { timersNs: this.timers.map((t) => this.durationOf(t.args[0]!.value)), bars };
  }

  onStart(ctx: StrategyContext): void {
    this.ctx = ctx;
    this.run("start", () => true);
  }
  onBook(ctx: StrategyContext, inst: number): void {
    this.event(ctx, { kind: "book", inst });
    this.run("book", (h) => this.instOf(h.args[0]!.value) === inst);
  }
  onTrade(ctx: StrategyContext, inst: number, trade: TradeView): void {
    this.event(ctx, { kind: "trade", inst, trade });
    this.run("trade", (h) => this.instOf(h.args[0]!.value) === inst, trade);
  }
  onBar(ctx: StrategyContext, inst: number, barLenNs: number, bar: BarView): void {
    this.event(ctx, { kind: "bar", inst, len: barLenNs, bar });
    this.run("bar", (h) => this.instOf(h.args[0]!.value) === inst && this.durationOf(h.args[1]!.value) === barLenNs, bar);
  }
  onFill(ctx: StrategyContext, fill: FillView): void {
    this.ctx = ctx;
    this.run("fill", () => true, fill);
  }
  onTimer(ctx: StrategyContext, timerId: number): void {
    this.ctx = ctx;
    const h = this.timers[timerId]!;
    this.runOne(h);
  }
  onEnd(ctx: StrategyContext): void {
    this.ctx = ctx;
    this.run("end", () => true);
  }

  private event(ctx: StrategyContext, ev: EventInfo): void {
    this.ctx = ctx;
    this.seq++;
    this.ev = ev;
    for (const item of this.file.ast.items) {
      if (item.kind !== "Features") continue;
      for (const st of item.body) {
        if (st.kind !== "FeatureDef") continue;
        if (st.value.kind === "Call" && this.program.calls.get(st.value)?.kind === "unit") continue;
        this.eval(st.value, this.root, new Map());
      }
    }
    for (const site of this.seriesSites) {
      try {
        this.eval(site, this.root, new Map());
      } catch {
        // A site that needs handler locals is evaluated when the handler runs.
      }
    }
    this.ev = { kind: "other" };
  }

  private run(kind: string, match: (h: Handler) => boolean, binding?: TradeView | BarView | FillView): void {
    for (const h of this.handlers) if (h.event.name === kind && match(h)) this.runOne(h, binding);
  }

  private runOne(h: Handler, binding?: TradeView | BarView | FillView): void {
    const locals = new Map<SymbolInfo, V>();
    const info = this.program.handlers.get(h);
    if (info?.binding && binding) locals.set(info.binding, binding as unknown as V);
    this.currentInst = h.args[0] && h.event.name !== "timer" && h.event.name !== "fill" ? this.instOf(h.args[0].value) : 0;
    if (h.guard && !this.eval(h.guard, this.root, locals).v) return;
    this.block(h.body, locals);
  }
  private currentInst = 0;

  private block(b: Block, locals: Map<SymbolInfo, V>): V | undefined {
    const inner = new Map(locals);
    for (const s of b.stmts) {
      const r = this.stmt(s, inner);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  private stmt(s: Stmt, locals: Map<SymbolInfo, V>): V | undefined {
    switch (s.kind) {
      case "Let": {
        const sym = this.sym(s) ?? this.sym(s.name);
        if (sym) locals.set(sym, this.eval(s.value, this.root, locals).v);
        return undefined;
      }
      case "Assign": {
        const sym = this.sym(s.target)!;
        const v = this.eval(s.value, this.root, locals).v as number;
        const old = this.vars.get(sym) as number;
        this.vars.set(sym, s.op === "=" ? v : s.op === "+=" ? old + v : s.op === "-=" ? old - v : s.op === "*=" ? old * v : old / v);
        return undefined;
      }
      case "If": {
        if (this.eval(s.cond, this.root, locals).v) return this.block(s.then, locals);
        if (s.else) return s.else.kind === "If" ? this.stmt(s.else, locals) : this.block(s.else, locals);
        return undefined;
      }
      case "For": {
        const sym = this.sym(s) ?? this.sym(s.variable);
        const from = this.eval(s.from, this.root, locals).v as number;
        const to = this.eval(s.to, this.root, locals).v as number;
        for (let k = from; k < to; k++) {
          const inner = new Map(locals);
          if (sym) inner.set(sym, k);
          const r = this.block(s.body, inner);
          if (r !== undefined) return r;
        }
        return undefined;
      }
      case "Return":
        return s.value ? this.eval(s.value, this.root, locals).v : 0;
      case "ExprStmt":
        if (s.expr.kind === "Call" && this.program.calls.get(s.expr)?.kind === "action") this.action(s.expr, locals);
        else this.eval(s.expr, this.root, locals);
        return undefined;
      default:
        return undefined;
    }
  }

  private action(e: CallExpr, locals: Map<SymbolInfo, V>): void {
    const rc = this.program.calls.get(e);
    if (!rc || rc.kind !== "action") return;
    const ctx = this.ctx;
    const a = (n: string) => rc.args.get(n);
    const inst = a("inst") ? this.instOf(a("inst")!) : -1;
    const saved = this.currentInst;
    if (inst >= 0) this.currentInst = inst;
    const num = (n: string) => this.eval(a(n)!, this.root, locals).v as number;
    const fixed = (n: string) => ctx.toFixed(inst, num(n));
    switch (rc.action.name) {
      case "buy":
      case "sell":
        if (a("limit")) ctx.limit(inst, rc.action.name === "buy" ? 1 : -1, num("qty"), fixed("limit"), a("tif") ? num("tif") : 0, a("post_only") ? Boolean(this.eval(a("post_only")!, this.root, locals).v) : false);
        else if (rc.action.name === "buy") ctx.buy(inst, num("qty"));
        else ctx.sell(inst, num("qty"));
        break;
      case "bid":
      case "ask":
        if (a("tif")) ctx.limit(inst, rc.action.name === "bid" ? 1 : -1, num("qty"), fixed("price"), num("tif"), true);
        else if (rc.action.name === "bid") ctx.bid(inst, fixed("price"), num("qty"));
        else ctx.ask(inst, fixed("price"), num("qty"));
        break;
      case "quote":
        ctx.quote(inst, fixed("bid"), fixed("ask"), num("size"));
        break;
      case "cancel":
        if (a("side")) (ctx as unknown as { cancelSide(i: number, s: number): void }).cancelSide(inst, num("side"));
        else ctx.cancelAll(inst);
        break;
      case "cancel_all":
        ctx.cancelAll(inst);
        break;
      case "flatten":
        ctx.flatten(inst);
        break;
      case "record": {
        const nameExpr = a("name")!;
        const name = nameExpr.kind === "String" ? nameExpr.value : "value";
        let id = this.records.get(name);
        if (id === undefined) {
          id = ctx.series(name);
          this.records.set(name, id);
        }
        ctx.record(id, Number(this.eval(a("value")!, this.root, locals).v));
        break;
      }
      case "log":
        ctx.log(rc.rest.map((x) => (x.kind === "String" ? x.value : String(this.eval(x, this.root, locals).v))).join(" "));
        break;
    }
    this.currentInst = saved;
  }

  /** Evaluates an expression: its value, whether it (and everything it reads) is warm, whether it changed this event. */
  private eval(e: Expr, env: Env, locals: Map<SymbolInfo, V>): R {
    const k = (v: V): R => ({ v, ready: true, changed: false });
    switch (e.kind) {
      case "Number":
        return k(e.value);
      case "Duration":
        return k(Math.round(e.nanos));
      case "Bool":
        return k(e.value);
      case "String":
        return k(e.value);
      case "Paren":
        return this.eval(e.expr, env, locals);
      case "Ticks": {
        const r = this.eval(e.value, env, locals);
        const info = this.infos[this.currentInst]!;
        return { ...r, v: (r.v as number) * (info.tickSize > 0 ? info.tickSize : 1) * info.priceScale };
      }
      case "Unary": {
        const r = this.eval(e.operand, env, locals);
        return { ...r, v: e.op === "-" ? -(r.v as number) : !r.v };
      }
      case "Binary": {
        const l = this.eval(e.left, env, locals);
        if (e.op === "and" && !this.isSeries(e) && !l.v) return { v: false, ready: l.ready, changed: l.changed };
        if (e.op === "or" && !this.isSeries(e) && l.v) return { v: true, ready: l.ready, changed: l.changed };
        const r = this.eval(e.right, env, locals);
        const a = l.v as number;
        const b = r.v as number;
        const v = ((): V => {
          switch (e.op) {
            case "+": return a + b;
            case "-": return a - b;
            case "*": return a * b;
            case "/": return a / b;
            case "%": return a % b;
            case "<": return a < b;
            case "<=": return a <= b;
            case ">": return a > b;
            case ">=": return a >= b;
            case "==": return a === b;
            case "!=": return a !== b;
            case "and": return Boolean(l.v && r.v);
            case "or": return Boolean(l.v || r.v);
          }
        })();
        return { v, ready: l.ready && r.ready, changed: l.changed || r.changed };
      }
      case "Name": {
        if (e.name === "buy" || e.name === "sell") {
          const sym = this.sym(e);
          if (!sym) return k(e.name === "buy" ? 1 : -1);
        }
        if (e.name === "gtc" || e.name === "ioc" || e.name === "fok") {
          if (!this.sym(e)) return k(e.name === "gtc" ? 0 : e.name === "ioc" ? 1 : 2);
        }
        return this.symbol(this.sym(e)!, env, locals);
      }
      case "Member": {
        if (e.object.kind === "Name") {
          const objSym = this.sym(e.object);
          if (objSym?.kind === "binding") {
            const rec = locals.get(objSym) as unknown as Record<string, number>;
            const kind = this.program.handlers.get([...this.program.handlers.keys()].find((h) => this.program.handlers.get(h)!.binding === objSym)!)!.kind;
            const f = e.member.name;
            if (kind === "trade") return k(f === "price" ? this.ctx.toCurrency(this.currentInst, rec.price!) : f === "qty" ? rec.size! : f === "aggressor" ? rec.aggressor! : rec.ts!);
            if (kind === "bar") return k(f === "volume" ? rec.volume! : f === "time" ? rec.start! : this.ctx.toCurrency(this.currentInst, rec[f]!));
            return k(f === "price" ? this.ctx.toCurrency(rec.instrument!, rec.price!) : f === "qty" ? rec.qty! : f === "side" ? rec.side! : f === "instrument" ? rec.instrument! : rec.ts!);
          }
        }
        if (e.object.kind === "Call") {
          const rc = this.program.calls.get(e.object);
          if (rc?.kind === "operator") {
            const r = this.operator(e.object, env, locals);
            return { ...r, v: (r.inst as Instance)[e.member.name] as V };
          }
        }
        const unitEnv = this.unitOf(e.object, env, locals);
        if (unitEnv) return this.symbol(this.sym(e.member)!, unitEnv, locals);
        // A feature holding a multi-output operator: `bands.upper`.
        const objSym = e.object.kind === "Name" ? this.sym(e.object) : undefined;
        const def = objSym?.decl as { value?: Expr } | undefined;
        if (def?.value && def.value.kind === "Call") {
          const r = this.operator(def.value, objSym!.unit ? unitEnv ?? env : env, locals);
          return { ...r, v: (r.inst as Instance)[e.member.name] as V };
        }
        throw new Error(`interpreter: cannot read .${e.member.name}`);
      }
      case "Index": {
        const x = this.eval(e.object, env, locals);
        const depth = this.eval(e.index, env, locals).v as number;
        const key = `${env.key}|${e.file}:${e.start}`;
        let h = this.histories.get(key);
        if (!h) this.histories.set(key, (h = { values: [], updatedAt: -1 }));
        if (x.changed && h.updatedAt !== this.seq && !Number.isNaN(x.v as number)) {
          h.values.push(x.v as number);
          h.updatedAt = this.seq;
        }
        if (depth === 0) return x;
        const ready = x.ready && h.values.length > depth;
        return { v: ready ? h.values[h.values.length - 1 - depth]! : NaN, ready, changed: x.changed };
      }
      case "Call":
        return this.call(e, env, locals);
      default:
        throw new Error(`interpreter: ${e.kind}`);
    }
  }

  private isSeries(e: Expr): boolean {
    return this.program.types.get(e)?.series === true;
  }

  private symbol(sym: SymbolInfo, env: Env, locals: Map<SymbolInfo, V>): R {
    switch (sym.kind) {
      case "param":
        return { v: this.params.get(sym.name)!, ready: true, changed: false };
      case "var":
        return { v: this.vars.get(sym)!, ready: true, changed: false };
      case "let":
      case "for":
      case "fn-param":
        if (!locals.has(sym)) throw new Error(`interpreter: ${sym.name} not in scope`);
        return { v: locals.get(sym)!, ready: true, changed: false };
      case "feature":
        return this.eval((sym.decl as { value: Expr }).value, env, locals);
      case "unit-param": {
        const b = env.bindings.get(sym)!;
        if ("inst" in b) return { v: b.inst, ready: true, changed: false };
        return b;
      }
      case "instrument":
        return { v: this.handles.get(sym)!, ready: true, changed: false };
      case "import":
        return this.symbol(sym.target!, env, locals);
      default:
        throw new Error(`interpreter: symbol ${sym.kind}`);
    }
  }

  private unitOf(e: Expr, env: Env, locals: Map<SymbolInfo, V>): Env | undefined {
    if (e.kind !== "Name") return undefined;
    const sym = this.sym(e);
    if (!sym || sym.kind !== "feature") return undefined;
    const value = (sym.decl as { value: Expr }).value;
    if (value.kind !== "Call") return undefined;
    const rc = this.program.calls.get(value);
    if (!rc || rc.kind !== "unit") return undefined;
    return this.instantiate(rc.decl, rc.args, env, locals, `${env.key}/${value.file}:${value.start}`);
  }

  private instantiate(unit: FeatureUnit, args: ReadonlyMap<string, Expr>, env: Env, locals: Map<SymbolInfo, V>, key: string): Env {
    const child: Env = { key, bindings: new Map() };
    for (const p of unit.params) {
      const sym = this.sym(p) ?? this.sym(p.name);
      if (!sym) continue;
      const a = args.get(p.name.name);
      if (p.type?.name === "instrument") child.bindings.set(sym, { inst: this.instOf(a!, env) });
      else child.bindings.set(sym, a ? this.eval(a, env, locals) : this.eval(p.default!, child, locals));
    }
    return child;
  }

  private call(e: CallExpr, env: Env, locals: Map<SymbolInfo, V>): R {
    const rc = this.program.calls.get(e)!;
    if (rc.kind === "operator") {
      const r = this.operator(e, env, locals);
      return { v: (r.inst as Instance).value as V, ready: r.ready, changed: r.changed };
    }
    if (rc.kind === "fn") {
      const inner = new Map<SymbolInfo, V>();
      let ready = true;
      let changed = false;
      for (const p of rc.decl.params) {
        const r = this.eval(rc.args.get(p.name.name) ?? p.default!, env, locals);
        ready &&= r.ready;
        changed ||= r.changed;
        inner.set(this.sym(p) ?? this.sym(p.name)!, r.v);
      }
      const v = rc.decl.body.kind === "Block" ? this.block(rc.decl.body, inner)! : this.eval(rc.decl.body, this.root, inner).v;
      return { v, ready, changed };
    }
    if (rc.kind !== "builtin") throw new Error(`interpreter: call ${rc.kind}`);
    const arg = (n: string) => this.eval(rc.args.get(n)!, env, locals);
    const all = (rs: R[], v: V): R => ({ v, ready: rs.every((r) => r.ready), changed: rs.some((r) => r.changed) });
    switch (rc.builtin.name) {
      case "ready": {
        const r = arg("x");
        return { v: r.ready, ready: true, changed: false };
      }
      case "exposure":
        return { v: this.ctx.exposure(this.instOf(rc.args.get("inst")!, env), arg("side").v as number), ready: true, changed: false };
      case "position":
        return { v: this.ctx.position(this.instOf(rc.args.get("inst")!, env)), ready: true, changed: false };
      case "abs": {
        const x = arg("x");
        return all([x], Math.abs(x.v as number));
      }
      case "sign": {
        const x = arg("x");
        return all([x], Math.sign(x.v as number));
      }
      case "min": {
        const a = arg("a");
        const b = arg("b");
        return all([a, b], Math.min(a.v as number, b.v as number));
      }
      case "max": {
        const a = arg("a");
        const b = arg("b");
        return all([a, b], Math.max(a.v as number, b.v as number));
      }
      case "clamp": {
        const x = arg("x");
        const lo = arg("lo");
        const hi = arg("hi");
        return all([x, lo, hi], Math.min(Math.max(x.v as number, lo.v as number), hi.v as number));
      }
      default:
        throw new Error(`interpreter: builtin ${rc.builtin.name}`);
    }
  }

  /** The stdlib instance of an operator call site in an environment, updated at most once per event. */
  private operator(e: CallExpr, env: Env, locals: Map<SymbolInfo, V>): { inst: unknown; ready: boolean; changed: boolean } {
    const rc = this.program.calls.get(e)!;
    if (rc.kind !== "operator") throw new Error("interpreter: not an operator");
    const op = rc.op;
    const inputs: R[] = [];
    let inst = -1;
    const ctor: unknown[] = [];
    const consts = new Map<string, unknown>();
    for (const p of op.params) {
      const a = rc.args.get(p.name);
      if (p.kind === "series") inputs.push(this.eval(a!, env, locals));
      else if (p.kind === "instrument") {
        inst = this.instOf(a!, env);
        consts.set(p.name, this.infos[inst]);
      } else if (a) consts.set(p.name, this.eval(a, env, locals).v);
      else if (p.default !== undefined) consts.set(p.name, p.default);
    }
    for (const n of op.ctorArgs) {
      if (!consts.has(n)) break;
      ctor.push(consts.get(n));
    }
    const key = `${env.key}|${e.file}:${e.start}`;
    let slot = this.instances.get(key);
    if (!slot) {
      const cls = (stdlib as unknown as Record<string, new (...a: unknown[]) => Instance>)[rc.timeWindow && op.timeClassName ? op.timeClassName : op.className]!;
      slot = { obj: new cls(...ctor), updatedAt: -1 };
      this.instances.set(key, slot);
    }
    const obj = slot.obj as unknown as Record<string, (...a: unknown[]) => void> & Instance;
    const t = this.ctx.time;
    let changed = slot.updatedAt === this.seq;
    if (!changed) {
      const ev = this.ev;
      if (op.drive === "book") {
        if (ev.kind === "book" && ev.inst === inst) {
          obj.update!(this.ctx.book(inst), t);
          changed = true;
        }
      } else if (op.drive === "trade") {
        if (ev.kind === "trade" && ev.inst === inst) {
          obj.onTrade!(this.ctx.toCurrency(inst, ev.trade.price), ev.trade.size, ev.trade.aggressor, t);
          changed = true;
        }
      } else if (op.drive === "bar") {
        if (ev.kind === "bar" && ev.inst === inst && ev.len === this.barLength(inst)) {
          const b = ev.bar;
          obj.onBar!(this.ctx.toCurrency(inst, b.open), this.ctx.toCurrency(inst, b.high), this.ctx.toCurrency(inst, b.low), this.ctx.toCurrency(inst, b.close), b.volume, t);
          changed = true;
        }
      } else if (inputs.some((i) => i.changed) && inputs.every((i) => i.ready)) {
        // A series operator takes an update only when every input is warm and one produced a new
        // sample. Point-wise operators always take it; a clock (`sample`) produces a sample when it
        // ticks; any other operator ignores a NaN input and then produces nothing (docs/stdlib.md).
        if (op.drive === "clock") {
          obj.update!(...inputs.map((i) => i.v), t);
          changed = (obj as unknown as { ticked: boolean }).ticked;
        } else if (POINTWISE.has(op.name) || inputs.every((i) => !(typeof i.v === "number" && Number.isNaN(i.v)))) {
          obj.update!(...inputs.map((i) => i.v), t);
          changed = true;
        }
      }
      if (changed) slot.updatedAt = this.seq;
    }
    return { inst: obj, ready: obj.ready && inputs.every((i) => i.ready), changed };
  }

  /** The bar length bar-driven operators of an instrument use: its first `on bar` handler's. */
  private barLength(inst: number): number {
    for (const h of this.handlers) if (h.event.name === "bar" && this.instOf(h.args[0]!.value) === inst) return this.durationOf(h.args[1]!.value);
    return -1;
  }

  private instOf(e: Expr, env: Env = this.root): number {
    const sym = this.sym(e)!;
    if (sym.kind === "unit-param") return (env.bindings.get(sym) as { inst: number }).inst;
    return this.handles.get(sym)!;
  }

  private durationOf(e: Expr): number {
    return Math.round((e as { nanos: number }).nanos);
  }

  private constant(e: Expr): number | boolean {
    if (e.kind === "Number") return e.value;
    if (e.kind === "Bool") return e.value;
    if (e.kind === "Duration") return e.nanos;
    if (e.kind === "Unary" && e.op === "-") return -(this.constant(e.operand) as number);
    if (e.kind === "Paren") return this.constant(e.expr);
    throw new Error("interpreter: non-constant initialiser");
  }

  private sym(node: object): SymbolInfo | undefined {
    return this.program.symbols.get(node as never);
  }
}
