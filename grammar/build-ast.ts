/**
 * Parse nodes → AST. Walks the (possibly partial, after error recovery) parse nodes of
 * grammar/parser.ts top-down and builds the typed AST of grammar/ast.ts with a span on every node.
 * Missing names become `Ident`s with an empty name, missing expressions become `Error`
 * expressions. Operator chains are folded in loops; the expression depth is capped at
 * MAX_EXPR_DEPTH (E0110) so that every recursive walk over the tree is bounded.
 */
import type { IToken } from "chevrotain";
import type * as A from "./ast.js";
import { BINARY_PRECEDENCE, DURATION_NANOS, NOT_PRECEDENCE } from "./ast.js";
import * as T from "./lexer.js";
import type * as N from "./parser.js";
import { computeLineStarts } from "./source.js";
import type { SyntaxDiagnostic } from "./syntax-codes.js";

const COMPARISON_PRECEDENCE = BINARY_PRECEDENCE["<"];

/** One operand of a flat operator list, during precedence climbing. */
interface OperandInfo {
  prefixes: IToken[];
  /** How many prefixes have been applied. */
  next: number;
  atom: A.Expr;
  depth: number;
  height: number;
}

/** State of one precedence-climbing pass over an expression's flat list. */
interface Climb {
  operands: OperandInfo[];
  ops: IToken[];
  operandIndex: number;
  opIndex: number;
}

/** A postfix suffix of an operand, in the order the builder applies them. */
type Suffix = N.CallN | N.MemberN | N.IndexN | IToken;

/**
 * Deepest expression nesting (and `else if` chain) the AST builder accepts: brackets, calls,
 * indexing, prefix operators and operands of a higher-precedence operator nest; the operands of a
 * left-associative chain (`a + b + c`) do not.
 */
export const MAX_EXPR_DEPTH = 256;
/**
 * Tallest expression tree the AST builder produces (a chain of n operators is a tree n levels
 * tall), so that every recursive walk over the AST in later phases stays within the stack.
 */
export const MAX_EXPR_HEIGHT = 1024;

const NO_TOKENS: IToken[] = [];

function isToken(e: Suffix): e is IToken {
  return (e as IToken).tokenType !== undefined;
}

function realToken(t: IToken | undefined): t is IToken {
  return t !== undefined && t.isInsertedInRecovery !== true && Number.isFinite(t.startOffset);
}

function real(t: IToken | undefined): IToken | undefined {
  return realToken(t) ? t : undefined;
}

/** The real tokens of a list (the list itself when all are real, which is the usual case). */
function realTokens(list: IToken[] | undefined): IToken[] {
  if (list === undefined) return NO_TOKENS;
  for (let i = 0; i < list.length; i++) {
    if (!realToken(list[i])) return list.filter(realToken);
  }
  return list;
}

/** Builds the AST of one file from its parse nodes. */
export class AstBuilder {
  /** Nesting depth of the expression most recently returned by an expression builder. */
  private lastDepth = 0;
  /** Tree height of the expression most recently returned by an expression builder. */
  private lastHeight = 0;
  private reportedDeep = false;
  /** Start offsets of lines that already carry an error (junk is reported once per line). */
  private readonly errorLines = new Set<number>();

  constructor(
    private readonly file: number,
    private readonly text: string,
    private readonly errors: SyntaxDiagnostic[],
  ) {
    for (const e of errors) this.errorLines.add(this.lineStartOf(e.span.start));
  }

  private lineStarts: number[] | undefined;

  /** Start offset of the line holding `offset` (binary search in a lazily built line table). */
  private lineStartOf(offset: number): number {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return starts[lo]!;
  }

  /** Reports the junk a list loop consumed: one E0101 per line that has no error yet. */
  private reportJunk(tokens: IToken[], blocks: N.BlockN[], expected: string): void {
    if (tokens.length === 0 && blocks.length === 0) return;
    const junk: Array<{ start: number; end: number; what: string }> = [];
    for (const t of tokens) {
      if (!realToken(t)) continue;
      junk.push({ start: t.startOffset, end: t.startOffset + t.image.length, what: describeJunk(t) });
    }
    for (const b of blocks) {
      const sp = this.nodeSpan(b);
      junk.push({ start: sp.start, end: sp.start + 1, what: "`{`" });
    }
    if (junk.length === 0) return;
    junk.sort((a, b) => a.start - b.start);
    for (const j of junk) {
      const line = this.lineStartOf(j.start);
      if (this.errorLines.has(line)) continue;
      this.errorLines.add(line);
      this.errors.push({
        code: "E0101",
        message: `unexpected ${j.what}; expected ${expected}`,
        span: this.span(j.start, j.end),
        expected: [expected],
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  private span(start: number, end: number): A.Span {
    return { file: this.file, start, end: Math.max(start, end) };
  }

  /** Span of a parse node: from its first real token to its last; empty at the end of the text if it has none. */
  private nodeSpan(n: N.PNode): A.Span {
    if (n.start >= 0 && n.end >= 0) return this.span(n.start, n.end + 1);
    const at = n.start >= 0 ? n.start : this.text.length;
    return this.span(at, at);
  }

  /** `nodeSpan(n).end` without making the span. */
  private nodeEnd(n: N.PNode): number {
    if (n.start >= 0 && n.end >= 0) return Math.max(n.start, n.end + 1);
    return n.start >= 0 ? n.start : this.text.length;
  }

  private tokenSpan(t: IToken): A.Span {
    return this.span(t.startOffset, t.startOffset + t.image.length);
  }

  private ident(t: IToken | undefined, fallbackAt: number): A.Ident {
    if (t === undefined) return { kind: "Ident", name: "", span: this.span(fallbackAt, fallbackAt) };
    return { kind: "Ident", name: t.image, span: this.tokenSpan(t) };
  }

  private typeAnnotation(n: N.TypeAnnN | undefined): A.TypeRef | undefined {
    if (n === undefined) return undefined;
    return this.typeName(n.typeName, this.nodeEnd(n));
  }

  /** A `typeName` node; a missing one is a TypeRef with an empty name at `at`. */
  private typeName(n: N.TypeNameN | undefined, at: number): A.TypeRef {
    const t = n === undefined ? undefined : real(n.tok);
    if (t === undefined) return { kind: "TypeRef", name: "", span: this.span(at, at) };
    return { kind: "TypeRef", name: t.image, span: this.tokenSpan(t) };
  }

  private errorExpr(at: number, end = at): A.ErrorExpr {
    this.lastDepth = 1;
    this.lastHeight = 1;
    return { kind: "Error", span: this.span(at, end), checkedType: undefined };
  }

  /** Builds an optional expression node; a missing one is an Error at `at`. */
  private exprOr(n: N.ExprN | undefined, at: number): A.Expr {
    if (n === undefined) return this.errorExpr(at);
    return this.expression(n);
  }

  private tooDeep(sp: A.Span): A.ErrorExpr {
    if (!this.reportedDeep) {
      this.reportedDeep = true;
      this.errors.push({
        code: "E0110",
        message: `nesting too deep (more than ${MAX_EXPR_DEPTH} levels)`,
        span: sp,
        hint: "split the expression with `let` or helper features",
      });
    }
    this.lastDepth = 1;
    this.lastHeight = 1;
    return { kind: "Error", span: sp, checkedType: undefined };
  }

  /** E0110 for an expression tree taller than MAX_EXPR_HEIGHT (a very long operator chain). */
  private tooTall(sp: A.Span): A.ErrorExpr {
    if (!this.reportedDeep) {
      this.reportedDeep = true;
      this.errors.push({
        code: "E0110",
        message: `expression too long (a tree more than ${MAX_EXPR_HEIGHT} levels tall)`,
        span: sp,
        hint: "split the expression with `let` or helper features",
      });
    }
    this.lastDepth = 1;
    this.lastHeight = 1;
    return { kind: "Error", span: sp, checkedType: undefined };
  }

  // -------------------------------------------------------------------------------------------
  // Top level

  /** Builds the Program of one whole input's parse. */
  program(n: N.ProgramN): A.Program {
    const items: A.Item[] = [];
    this.addItems(n, items);
    return this.finishProgram(items);
  }

  /** Appends the items of one `program` parse (the whole file or one chunk of it) to `items`. */
  addItems(n: N.ProgramN, items: A.Item[]): void {
    this.reportJunk(n.junk, n.blocks, "a declaration (strategy, instrument, param, risk, features, import, var, fn, on)");
    for (const itemNode of n.items) {
      const item = this.item(itemNode);
      if (item !== undefined) items.push(item);
    }
  }

  /** The Program of all the items added, after the separator check between them. */
  finishProgram(items: A.Item[]): A.Program {
    this.checkSeparators(items);
    return { kind: "Program", items, span: this.span(0, this.text.length) };
  }

  /** Records errors reported after construction (junk on their lines is then not reported again). */
  noteErrors(list: readonly SyntaxDiagnostic[]): void {
    for (const e of list) this.errorLines.add(this.lineStartOf(e.span.start));
  }

  /** E0109 for two declarations/statements with no line break or `;` between them. */
  private checkSeparators(list: ReadonlyArray<{ span: A.Span }>): void {
    for (let i = 1; i < list.length; i++) {
      const prevEnd = list[i - 1]!.span.end;
      const nextStart = list[i]!.span.start;
      if (nextStart <= prevEnd) continue;
      let separated = false;
      for (let k = prevEnd; k < nextStart; k++) {
        const ch = this.text.charCodeAt(k);
        if (ch === 10 || ch === 59) {
          separated = true;
          break;
        }
      }
      if (!separated && !this.errorLines.has(this.lineStartOf(nextStart))) {
        this.errorLines.add(this.lineStartOf(nextStart));
        this.errors.push({
          code: "E0109",
          message: "expected a line break or `;` between statements",
          span: this.span(nextStart, nextStart),
          hint: "put the second statement on its own line",
        });
      }
    }
  }

  private item(n: N.ItemN): A.Item | undefined {
    const d = n.decl;
    if (d === undefined) return undefined;
    switch (d.rule) {
      case "strategyDecl": return this.strategyDecl(d);
      case "instrumentDecl": return this.instrumentDecl(d);
      case "paramDecl": return this.paramDecl(d);
      case "riskBlock": return this.riskBlock(d);
      case "featuresDecl": return this.featuresDecl(d);
      case "importDecl": return this.importDecl(d);
      case "varDecl": return this.varDecl(d);
      case "fnDecl": return this.fnDecl(d);
      case "handler": return this.handler(d);
    }
  }

  private strategyDecl(n: N.StrategyN): A.StrategyDecl {
    const sp = this.nodeSpan(n);
    const desc = real(n.desc);
    const out: A.StrategyDecl = { kind: "Strategy", name: this.ident(real(n.name), sp.end), span: sp };
    if (desc !== undefined) out.description = this.stringLit(desc);
    return out;
  }

  private instrumentDecl(n: N.InstrumentN): A.InstrumentDecl {
    const sp = this.nodeSpan(n);
    return {
      kind: "Instrument",
      name: this.ident(real(n.name), sp.end),
      symbol: this.exprOr(n.expr, sp.end),
      span: sp,
    };
  }

  private paramDecl(n: N.ParamN): A.ParamDecl {
    const sp = this.nodeSpan(n);
    const out: A.ParamDecl = {
      kind: "Param",
      name: this.ident(real(n.name), sp.end),
      value: this.exprOr(n.expr, sp.end),
      span: sp,
    };
    const type = this.typeAnnotation(n.type);
    if (type !== undefined) out.type = type;
    const r = n.range;
    if (r !== undefined) {
      const rs = this.nodeSpan(r);
      out.range = {
        kind: "Range",
        lo: this.exprOr(r.exprs[0], rs.end),
        hi: this.exprOr(r.exprs[1], rs.end),
        span: rs,
      };
    }
    return out;
  }

  private riskBlock(n: N.RiskN): A.RiskBlock {
    const sp = this.nodeSpan(n);
    const entries: A.RiskEntry[] = [];
    this.reportJunk(n.junk, n.blocks, "a risk limit `name = value`");
    for (const e of n.entries) {
      const es = this.nodeSpan(e);
      const entry: A.RiskEntry = {
        kind: "RiskEntry",
        key: this.ident(real(e.key), es.start),
        value: this.exprOr(e.exprs[0], es.end),
        span: es,
      };
      if (e.per !== undefined) entry.per = this.exprOr(e.exprs[1], es.end);
      entries.push(entry);
    }
    this.checkSeparators(entries);
    return { kind: "Risk", entries, span: sp };
  }

  private featuresDecl(n: N.FeaturesN): A.FeaturesBlock | A.FeatureUnit {
    const sp = this.nodeSpan(n);
    const body: A.FeatureStmt[] = [];
    this.reportJunk(n.junk, n.blocks, "a feature `name = expression` or `export`");
    for (const s of n.stmts) {
      const st = s.built ?? this.featureStmt(s);
      if (st !== undefined) body.push(st);
    }
    this.checkSeparators(body);
    const nameTok = n.name;
    if (nameTok === undefined) return { kind: "Features", body, span: sp };
    const params = n.params !== undefined ? this.parameterList(n.params) : [];
    return { kind: "FeatureUnit", name: this.ident(real(nameTok), sp.start), params, body, span: sp };
  }

  private featureStmt(s: N.FeatureStmtN): A.FeatureStmt | undefined {
    const def = s.def;
    const exp = s.exp;
    if (def !== undefined) {
      const ds = this.nodeSpan(def);
      return {
        kind: "FeatureDef",
        name: this.ident(real(def.name), ds.start),
        value: this.exprOr(def.expr, ds.end),
        span: ds,
      };
    }
    if (exp !== undefined) {
      const names = realTokens(exp.names).map((t) => this.ident(t, 0));
      return { kind: "Export", names, span: this.nodeSpan(exp) };
    }
    return undefined;
  }

  /**
   * Builds a features-block statement as soon as the parser has read it, when that is sure to
   * give what the whole-chunk build would: building a statement reads nothing but its own nodes,
   * so only its diagnostics could differ in order or deduplication. A statement whose build
   * reports anything is left for the normal build (this builder's diagnostics are dropped).
   */
  buildFeatureStmtEarly(s: N.FeatureStmtN): void {
    const before = this.errors.length;
    const st = this.featureStmt(s);
    if (this.errors.length !== before || this.reportedDeep) {
      this.errors.length = before;
      this.reportedDeep = false;
      return;
    }
    if (st === undefined) return;
    s.built = st;
    s.def = undefined;
    s.exp = undefined;
  }

  private parameterList(n: N.ParamListN): A.Parameter[] {
    const out: A.Parameter[] = [];
    for (const p of n.params) {
      const ps = this.nodeSpan(p);
      const param: A.Parameter = { kind: "Parameter", name: this.ident(real(p.name), ps.start), span: ps };
      const type = this.typeAnnotation(p.type);
      if (type !== undefined) param.type = type;
      if (p.equals !== undefined) param.default = this.exprOr(p.expr, ps.end);
      out.push(param);
    }
    return out;
  }

  private importDecl(n: N.ImportN): A.ImportDecl {
    const sp = this.nodeSpan(n);
    const names = realTokens(n.names).map((t) => this.ident(t, 0));
    if (names.length === 0) names.push(this.ident(undefined, sp.end));
    const from = real(n.from);
    return {
      kind: "Import",
      names,
      from: from !== undefined ? this.stringLit(from) : { kind: "String", value: "", raw: "", span: this.span(sp.end, sp.end), checkedType: undefined },
      span: sp,
    };
  }

  private varDecl(n: N.VarN): A.VarDecl {
    const sp = this.nodeSpan(n);
    const out: A.VarDecl = {
      kind: "Var",
      name: this.ident(real(n.name), sp.end),
      init: this.exprOr(n.expr, sp.end),
      span: sp,
    };
    const type = this.typeAnnotation(n.type);
    if (type !== undefined) out.type = type;
    return out;
  }

  private fnDecl(n: N.FnN): A.FnDecl {
    const sp = this.nodeSpan(n);
    const name = n.name;
    const body: A.Block | A.Expr = n.block !== undefined ? this.block(n.block) : this.exprOr(n.expr, sp.end);
    const out: A.FnDecl = {
      kind: "Fn",
      name: this.ident(real(name), sp.start),
      params: n.params !== undefined ? this.parameterList(n.params) : [],
      body,
      span: sp,
    };
    if (n.arrow !== undefined) {
      const arrow = n.arrow;
      const at = realToken(arrow) ? arrow.startOffset + 2 : sp.end;
      out.returnType = this.typeName(n.returnType, at);
    }
    return out;
  }

  private handler(n: N.HandlerN): A.Handler {
    const sp = this.nodeSpan(n);
    const idents = n.names;
    const out: A.Handler = {
      kind: "Handler",
      event: this.ident(real(idents[0]), sp.start),
      args: n.args !== undefined ? this.argumentList(n.args) : [],
      hasParens: n.lparen !== undefined,
      body: n.block !== undefined ? this.block(n.block) : { kind: "Block", stmts: [], span: this.span(sp.end, sp.end) },
      span: sp,
    };
    if (n.as !== undefined) out.binding = this.ident(real(idents[1]), sp.end);
    if (n.when !== undefined) out.guard = this.exprOr(n.guard, sp.end);
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  private block(n: N.BlockN): A.Block {
    const stmts: A.Stmt[] = [];
    this.reportJunk(n.junk, n.blocks, "a statement");
    for (const s of n.stmts) {
      const st = this.statement(s);
      if (st !== undefined) stmts.push(st);
    }
    this.checkSeparators(stmts);
    return { kind: "Block", stmts, span: this.nodeSpan(n) };
  }

  private statement(n: N.StmtN): A.Stmt | undefined {
    const s = n.stmt;
    if (s === undefined) return undefined;
    switch (s.rule) {
      case "letStmt": return this.letStmt(s);
      case "varDecl": return this.varDecl(s);
      case "ifStmt": return this.ifStmt(s);
      case "forStmt": return this.forStmt(s);
      case "returnStmt": return this.returnStmt(s);
      case "exprStmt": return this.exprStmt(s);
    }
  }

  private letStmt(n: N.LetN): A.LetStmt {
    const sp = this.nodeSpan(n);
    const out: A.LetStmt = {
      kind: "Let",
      name: this.ident(real(n.name), sp.end),
      value: this.exprOr(n.expr, sp.end),
      span: sp,
    };
    const type = this.typeAnnotation(n.type);
    if (type !== undefined) out.type = type;
    return out;
  }

  private ifStmt(n: N.IfN): A.IfStmt {
    const sp = this.nodeSpan(n);
    const blocks = n.blocks;
    const clauses = n.clauses;
    // The final `else { }` is the block that follows the `else` keyword not part of a clause.
    let tail: A.Block | A.IfStmt | undefined = n.else !== undefined && blocks[1] !== undefined ? this.block(blocks[1]) : undefined;
    const limit = Math.min(clauses.length, MAX_EXPR_DEPTH);
    if (clauses.length > MAX_EXPR_DEPTH) this.tooDeep(this.nodeSpan(clauses[MAX_EXPR_DEPTH]!));
    for (let i = limit - 1; i >= 0; i--) {
      const cl = clauses[i]!;
      const cs = this.nodeSpan(cl);
      const thenNode = cl.block;
      const clause: A.IfStmt = {
        kind: "If",
        cond: this.exprOr(cl.expr, cs.end),
        then: thenNode !== undefined ? this.block(thenNode) : { kind: "Block", stmts: [], span: this.span(cs.end, cs.end) },
        span: this.span(cs.start, tail !== undefined ? tail.span.end : cs.end),
      };
      if (tail !== undefined) clause.else = tail;
      // The clause's span starts at `if`, after its `else`.
      const ifTok = real(cl.if);
      if (ifTok !== undefined) clause.span = this.span(ifTok.startOffset, clause.span.end);
      tail = clause;
    }
    const out: A.IfStmt = {
      kind: "If",
      cond: this.exprOr(n.expr, sp.end),
      then: blocks[0] !== undefined ? this.block(blocks[0]) : { kind: "Block", stmts: [], span: this.span(sp.end, sp.end) },
      span: sp,
    };
    if (tail !== undefined) out.else = tail;
    return out;
  }

  private forStmt(n: N.ForN): A.ForStmt {
    const sp = this.nodeSpan(n);
    const body = n.block;
    return {
      kind: "For",
      variable: this.ident(real(n.name), sp.end),
      from: this.exprOr(n.exprs[0], sp.end),
      to: this.exprOr(n.exprs[1], sp.end),
      body: body !== undefined ? this.block(body) : { kind: "Block", stmts: [], span: this.span(sp.end, sp.end) },
      span: sp,
    };
  }

  private returnStmt(n: N.ReturnN): A.ReturnStmt {
    const sp = this.nodeSpan(n);
    const out: A.ReturnStmt = { kind: "Return", span: sp };
    if (n.expr !== undefined) out.value = this.expression(n.expr);
    return out;
  }

  private exprStmt(n: N.ExprStmtN): A.AssignStmt | A.ExprStmt {
    const sp = this.nodeSpan(n);
    const first = this.exprOr(n.exprs[0], sp.start);
    const op = real(n.op);
    if (op === undefined) return { kind: "ExprStmt", expr: first, span: sp };
    return {
      kind: "Assign",
      target: first,
      op: op.image as A.AssignOp,
      value: this.exprOr(n.exprs[1], sp.end),
      span: sp,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  /** Builds an `expression` node: a flat operand/operator list, folded by precedence. */
  expression(n: N.ExprN): A.Expr {
    const operandNodes = n.operands;
    if (operandNodes.length === 0) {
      const sp = this.nodeSpan(n);
      return this.errorExpr(sp.start, sp.end);
    }
    if (operandNodes.length === 1 && operandNodes[0]!.prefixes === undefined) return this.operand(operandNodes[0]!);
    const ops = realTokens(n.ops);
    const count = Math.min(operandNodes.length, ops.length + 1);
    const operands: OperandInfo[] = [];
    for (let i = 0; i < count; i++) {
      const on = operandNodes[i]!;
      const prefixes = realTokens(on.prefixes);
      const atom = this.operand(on);
      operands.push({ prefixes, next: 0, atom, depth: this.lastDepth, height: this.lastHeight });
    }
    if (count === 1 && operands[0]!.prefixes.length === 0) {
      this.lastDepth = operands[0]!.depth;
      this.lastHeight = operands[0]!.height;
      return operands[0]!.atom;
    }
    const saved = this.climb;
    this.climb = { operands, ops, operandIndex: 0, opIndex: 0 };
    const e = this.climbBinary(1);
    this.climb = saved;
    return e;
  }

  private climb: Climb | undefined;

  /** Precedence climbing over the current flat list: operators binding at least `minPrec`. */
  private climbBinary(minPrec: number): A.Expr {
    const st = this.climb!;
    let left = this.climbOperand();
    let depth = this.lastDepth;
    let height = this.lastHeight;
    let lastWasComparison = false;
    while (st.opIndex < st.ops.length && st.operandIndex < st.operands.length) {
      const op = st.ops[st.opIndex]!;
      const bop = op.image as A.BinaryOp;
      const prec = BINARY_PRECEDENCE[bop];
      if (prec < minPrec) break;
      st.opIndex++;
      const right = this.climbBinary(prec + 1);
      // The left operand continues this chain (no deeper nesting); the right one nests.
      depth = Math.max(depth, this.lastDepth + 1);
      height = Math.max(height, this.lastHeight) + 1;
      const isComparison = prec === COMPARISON_PRECEDENCE;
      if (isComparison && lastWasComparison) {
        this.errors.push({
          code: "E0101",
          message: `unexpected \`${op.image}\`: comparisons do not chain`,
          span: this.tokenSpan(op),
          expected: ["`and`", "`or`"],
          hint: "write `a < b and b < c`",
        });
        this.errorLines.add(this.lineStartOf(op.startOffset));
      }
      lastWasComparison = isComparison;
      if (depth > MAX_EXPR_DEPTH) {
        st.opIndex = st.ops.length;
        return this.tooDeep(this.span(left.span.start, right.span.end));
      }
      if (height > MAX_EXPR_HEIGHT) {
        st.opIndex = st.ops.length;
        return this.tooTall(this.span(left.span.start, right.span.end));
      }
      left = { kind: "Binary", op: bop, left, right, span: this.span(left.span.start, right.span.end), checkedType: undefined };
    }
    this.lastDepth = depth;
    this.lastHeight = height;
    return left;
  }

  /** The next operand with its prefix operators: `-` binds to the operand, `not` to a comparison. */
  private climbOperand(): A.Expr {
    const st = this.climb!;
    const info = st.operands[st.operandIndex]!;
    if (info.next < info.prefixes.length) {
      if (info.prefixes.length > MAX_EXPR_DEPTH) {
        info.next = info.prefixes.length;
        st.operandIndex++;
        return this.tooDeep(this.span(info.prefixes[0]!.startOffset, info.atom.span.end));
      }
      const p = info.prefixes[info.next++]!;
      const inner = p.tokenType === T.Not ? this.climbBinary(NOT_PRECEDENCE + 1) : this.climbOperand();
      this.lastDepth += 1;
      this.lastHeight += 1;
      return { kind: "Unary", op: p.tokenType === T.Not ? "not" : "-", operand: inner, span: this.span(p.startOffset, inner.span.end), checkedType: undefined };
    }
    st.operandIndex++;
    this.lastDepth = info.depth;
    this.lastHeight = info.height;
    return info.atom;
  }

  /** One operand without its prefixes: the atom, then its suffixes in source order. */
  private operand(n: N.OperandN): A.Expr {
    let e = this.atom(n);
    let depth = this.lastDepth;
    let height = this.lastHeight;
    if (n.calls === undefined && n.members === undefined && n.indexes === undefined && n.ticks === undefined) return e;
    // One kind of suffix (the usual case) is already in source order; several are merged.
    const kinds = (n.calls !== undefined ? 1 : 0) + (n.members !== undefined ? 1 : 0) + (n.indexes !== undefined ? 1 : 0) + (n.ticks !== undefined ? 1 : 0);
    let suffixes: readonly Suffix[];
    if (kinds === 1) {
      suffixes = n.calls ?? n.members ?? n.indexes ?? n.ticks!;
    } else {
      const all: Suffix[] = [];
      if (n.calls !== undefined) for (const s of n.calls) all.push(s);
      if (n.members !== undefined) for (const s of n.members) all.push(s);
      if (n.indexes !== undefined) for (const s of n.indexes) all.push(s);
      if (n.ticks !== undefined) for (const s of n.ticks) all.push(s);
      // Into source order: a stable insertion sort (a handful of suffixes; no comparator closure).
      for (let k = 1; k < all.length; k++) {
        const x = all[k]!;
        const at = this.suffixStart(x);
        let j = k - 1;
        while (j >= 0 && this.suffixStart(all[j]!) > at) {
          all[j + 1] = all[j]!;
          j--;
        }
        all[j + 1] = x;
      }
      suffixes = all;
    }
    for (let k = 0; k < suffixes.length; k++) {
      const s = suffixes[k]!;
      if (isToken(s)) {
        if (!realToken(s)) continue;
        e = { kind: "Ticks", value: e, span: this.span(e.span.start, s.startOffset + s.image.length), checkedType: undefined };
        depth += 1;
        height += 1;
      } else {
        const ssEnd = this.nodeEnd(s);
        const end = Math.max(ssEnd, e.span.end);
        if (s.rule === "callSuffix") {
          const args = s.args !== undefined ? this.argumentList(s.args) : [];
          depth = Math.max(depth, this.lastDepth) + 1;
          height = Math.max(height, this.lastHeight) + 1;
          e = { kind: "Call", callee: e, args, span: this.span(e.span.start, end), checkedType: undefined };
        } else if (s.rule === "memberSuffix") {
          const dot = real(s.dot);
          e = { kind: "Member", object: e, member: this.ident(real(s.name), ssEnd), span: this.span(e.span.start, end), checkedType: undefined };
          if (dot === undefined) continue;
          depth += 1;
          height += 1;
        } else {
          const index = this.exprOr(s.expr, ssEnd);
          depth = Math.max(depth, this.lastDepth) + 1;
          height = Math.max(height, this.lastHeight) + 1;
          e = { kind: "Index", object: e, index, span: this.span(e.span.start, end), checkedType: undefined };
        }
      }
      if (depth > MAX_EXPR_DEPTH) return this.tooDeep(this.nodeSpan(n));
      if (height > MAX_EXPR_HEIGHT) return this.tooTall(this.nodeSpan(n));
    }
    this.lastDepth = depth;
    this.lastHeight = height;
    return e;
  }

  /** Where a suffix starts (its span's start, as nodeSpan gives it). */
  private suffixStart(s: Suffix): number {
    if (isToken(s)) return s.startOffset;
    return s.start >= 0 ? s.start : this.text.length;
  }

  private argumentList(n: N.ArgListN): A.Arg[] {
    // Sized up front: a list grown by push from [] reserves room for 17.
    const out: A.Arg[] = new Array<A.Arg>(n.args.length);
    let depth = 0;
    let height = 0;
    for (let i = 0; i < n.args.length; i++) {
      const a = n.args[i]!;
      const as = this.nodeSpan(a);
      const arg: A.Arg = { kind: "Arg", value: this.exprOr(a.expr, as.end), span: as };
      depth = Math.max(depth, this.lastDepth);
      height = Math.max(height, this.lastHeight);
      if (a.colon !== undefined) arg.name = this.ident(real(a.name), as.start);
      out[i] = arg;
    }
    this.lastDepth = depth;
    this.lastHeight = height;
    return out;
  }

  /** The atom of an operand: a literal, a name or a parenthesised expression. */
  private atom(n: N.OperandN): A.Expr {
    this.lastDepth = 1;
    this.lastHeight = 1;
    const paren = n.paren;
    if (paren !== undefined) {
      const sp = this.nodeSpan(paren);
      const inner = paren.expr;
      if (inner === undefined) return this.errorExpr(sp.start, sp.end);
      const e = this.expression(inner);
      const depth = this.lastDepth + 1;
      const height = this.lastHeight + 1;
      if (depth > MAX_EXPR_DEPTH) return this.tooDeep(sp);
      if (height > MAX_EXPR_HEIGHT) return this.tooTall(sp);
      this.lastDepth = depth;
      this.lastHeight = height;
      return { kind: "Paren", expr: e, span: sp, checkedType: undefined };
    }
    const t = real(n.atom);
    if (t !== undefined) {
      switch (t.tokenType) {
        case T.DurationLiteral: return this.durationLit(t);
        case T.NumberLiteral:
        case T.BadNumber: return this.numberLit(t);
        case T.StringLiteral:
        case T.UnterminatedString: return this.stringLit(t);
        case T.True: return { kind: "Bool", value: true, span: this.tokenSpan(t), checkedType: undefined };
        case T.False: return { kind: "Bool", value: false, span: this.tokenSpan(t), checkedType: undefined };
        default: return { kind: "Name", name: t.image, span: this.tokenSpan(t), checkedType: undefined };
      }
    }
    const sp = this.nodeSpan(n);
    return this.errorExpr(sp.end, sp.end);
  }

  private numberLit(t: IToken): A.NumberLit {
    const raw = t.image;
    const clean = raw.indexOf("_") < 0 ? raw : raw.replace(/_/g, "");
    let value = Number(clean);
    if (!Number.isFinite(value)) value = Number.parseFloat(clean) || 0;
    const isInteger = !/[.eE]/.test(raw) || t.tokenType === T.BadNumber && !/\./.test(raw);
    return { kind: "Number", value, raw, isInteger, span: this.tokenSpan(t), checkedType: undefined };
  }

  private durationLit(t: IToken): A.DurationLit {
    const raw = t.image;
    const m = /^([\d_.]+)(ns|us|ms|s|m|h|d)$/.exec(raw)!;
    const amount = Number(m[1]!.replace(/_/g, ""));
    const unit = m[2] as A.DurationUnit;
    return { kind: "Duration", amount, unit, nanos: amount * DURATION_NANOS[unit], raw, span: this.tokenSpan(t), checkedType: undefined };
  }

  private stringLit(t: IToken): A.StringLit {
    const terminated = t.tokenType === T.StringLiteral;
    return { kind: "String", value: T.decodeString(t.image, terminated), raw: t.image, span: this.tokenSpan(t), checkedType: undefined };
  }
}

/** How a junk token is named in a message. */
function describeJunk(t: IToken): string {
  if (T.KEYWORDS.includes(t.image)) return `keyword \`${t.image}\``;
  if (t.tokenType === T.StringLiteral || t.tokenType === T.UnterminatedString) return "string";
  return `\`${t.image}\``;
}
