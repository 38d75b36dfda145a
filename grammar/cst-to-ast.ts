/**
 * CST → AST. Walks the (possibly partial, after error recovery) Chevrotain CST and builds the
 * typed AST of grammar/ast.ts with a span on every node. Missing names become `Ident`s with an
 * empty name, missing expressions become `Error` expressions. Operator chains are folded in
 * loops; the resulting expression depth is capped at MAX_EXPR_DEPTH (E0110) so that every
 * recursive walk over the tree is bounded.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import { BINARY_PRECEDENCE, DURATION_NANOS, NOT_PRECEDENCE } from "./ast.js";
import * as T from "./lexer.js";
import { computeLineStarts } from "./source.js";
import type { SyntaxDiagnostic } from "./syntax-codes.js";

const ATOM_KEYS = ["Identifier", "NumberLiteral", "DurationLiteral", "StringLiteral", "True", "False"];
const COMPARISON_PRECEDENCE = BINARY_PRECEDENCE["<"];

/** One operand of a flat operator list, during precedence climbing. */
interface OperandInfo {
  prefixes: IToken[];
  /** How many prefixes have been applied. */
  next: number;
  atom: A.Expr;
  depth: number;
}

/** State of one precedence-climbing pass over an expression's flat list. */
interface Climb {
  operands: OperandInfo[];
  ops: IToken[];
  operandIndex: number;
  opIndex: number;
}

/** Deepest expression tree (and `else if` chain) the AST builder produces. */
export const MAX_EXPR_DEPTH = 256;

type Children = Record<string, CstElement[] | undefined>;

function isToken(e: CstElement): e is IToken {
  return (e as IToken).tokenType !== undefined;
}

function realToken(t: IToken | undefined): t is IToken {
  return t !== undefined && t.isInsertedInRecovery !== true && Number.isFinite(t.startOffset);
}

/** Builds the AST of one file from its CST. */
export class AstBuilder {
  /** Depth of the expression most recently returned by an expression builder. */
  private lastDepth = 0;
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
  private reportJunk(c: Children, junkKey: string, expected: string): void {
    const junk: Array<{ start: number; end: number; what: string }> = [];
    for (const e of c[junkKey] ?? []) {
      const t = e as IToken;
      if (!realToken(t)) continue;
      junk.push({ start: t.startOffset, end: t.startOffset + t.image.length, what: describeJunk(t) });
    }
    for (const b of this.nodes(c, "block")) {
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

  private tok(c: Children, name: string, i = 0): IToken | undefined {
    const arr = c[name];
    if (arr === undefined) return undefined;
    const t = arr[i] as IToken | undefined;
    return realToken(t) ? t : undefined;
  }

  private tokens(c: Children, ...names: string[]): IToken[] {
    const out: IToken[] = [];
    for (const n of names) {
      const arr = c[n];
      if (arr !== undefined) for (const t of arr) if (realToken(t as IToken)) out.push(t as IToken);
    }
    return out;
  }

  private node(c: Children, name: string, i = 0): CstNode | undefined {
    return c[name]?.[i] as CstNode | undefined;
  }

  private nodes(c: Children, name: string): CstNode[] {
    return (c[name] ?? []) as CstNode[];
  }

  /** Span of a CST node: its tracked location, or the extent of its real tokens. */
  private nodeSpan(n: CstNode): A.Span {
    const loc = n.location;
    if (loc !== undefined && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset ?? NaN)) {
      return this.span(loc.startOffset, (loc.endOffset as number) + 1);
    }
    let start = Infinity;
    let end = -Infinity;
    const visit = (node: CstNode, depth: number): void => {
      if (depth > 512) return;
      for (const key in node.children) {
        for (const e of node.children[key]!) {
          if (isToken(e)) {
            if (realToken(e)) {
              if (e.startOffset < start) start = e.startOffset;
              const te = e.startOffset + e.image.length;
              if (te > end) end = te;
            }
          } else visit(e, depth + 1);
        }
      }
    };
    visit(n, 0);
    if (start === Infinity) {
      const at = loc !== undefined && Number.isFinite(loc.startOffset) ? loc.startOffset : this.text.length;
      return this.span(at, at);
    }
    return this.span(start, end);
  }

  private tokenSpan(t: IToken): A.Span {
    return this.span(t.startOffset, t.startOffset + t.image.length);
  }

  private ident(t: IToken | undefined, fallbackAt: number): A.Ident {
    if (t === undefined) return { kind: "Ident", name: "", span: this.span(fallbackAt, fallbackAt) };
    return { kind: "Ident", name: t.image, span: this.tokenSpan(t) };
  }

  private typeAnnotation(n: CstNode | undefined): A.TypeRef | undefined {
    if (n === undefined) return undefined;
    return this.typeName(this.node(n.children, "typeName"), this.nodeSpan(n).end);
  }

  /** A `typeName` node; a missing one is a TypeRef with an empty name at `at`. */
  private typeName(n: CstNode | undefined, at: number): A.TypeRef {
    const t = n === undefined ? undefined : this.tok(n.children, "Identifier") ?? this.tok(n.children, "Instrument");
    if (t === undefined) return { kind: "TypeRef", name: "", span: this.span(at, at) };
    return { kind: "TypeRef", name: t.image, span: this.tokenSpan(t) };
  }

  private errorExpr(at: number, end = at): A.ErrorExpr {
    this.lastDepth = 1;
    return { kind: "Error", span: this.span(at, end) };
  }

  /** Builds an optional expression node; a missing one is an Error at `at`. */
  private exprOr(n: CstNode | undefined, at: number): A.Expr {
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
    return { kind: "Error", span: sp };
  }

  // -------------------------------------------------------------------------------------------
  // Top level

  /** Builds the Program from the `program` CST node. */
  program(n: CstNode): A.Program {
    const items: A.Item[] = [];
    this.addItems(n, items);
    return this.finishProgram(items);
  }

  /** Appends the items of one `program` CST (the whole file or one chunk of it) to `items`. */
  addItems(n: CstNode, items: A.Item[]): void {
    this.reportJunk(n.children, "TopJunk", "a declaration (strategy, instrument, param, risk, features, import, var, fn, on)");
    for (const itemNode of this.nodes(n.children, "item")) {
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

  private item(n: CstNode): A.Item | undefined {
    const c = n.children;
    for (const key in c) {
      const child = c[key]![0] as CstNode;
      switch (key) {
        case "strategyDecl": return this.strategyDecl(child);
        case "instrumentDecl": return this.instrumentDecl(child);
        case "paramDecl": return this.paramDecl(child);
        case "riskBlock": return this.riskBlock(child);
        case "featuresDecl": return this.featuresDecl(child);
        case "importDecl": return this.importDecl(child);
        case "varDecl": return this.varDecl(child);
        case "fnDecl": return this.fnDecl(child);
        case "handler": return this.handler(child);
      }
    }
    return undefined;
  }

  private strategyDecl(n: CstNode): A.StrategyDecl {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const desc = this.tok(c, "StringLiteral");
    const out: A.StrategyDecl = { kind: "Strategy", name: this.ident(this.tok(c, "Identifier"), sp.end), span: sp };
    if (desc !== undefined) out.description = this.stringLit(desc);
    return out;
  }

  private instrumentDecl(n: CstNode): A.InstrumentDecl {
    const sp = this.nodeSpan(n);
    const c = n.children;
    return {
      kind: "Instrument",
      name: this.ident(this.tok(c, "Identifier"), sp.end),
      symbol: this.exprOr(this.node(c, "expression"), sp.end),
      span: sp,
    };
  }

  private paramDecl(n: CstNode): A.ParamDecl {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const out: A.ParamDecl = {
      kind: "Param",
      name: this.ident(this.tok(c, "Identifier"), sp.end),
      value: this.exprOr(this.node(c, "expression"), sp.end),
      span: sp,
    };
    const type = this.typeAnnotation(this.node(c, "typeAnnotation"));
    if (type !== undefined) out.type = type;
    const r = this.node(c, "paramRange");
    if (r !== undefined) {
      const rs = this.nodeSpan(r);
      out.range = {
        kind: "Range",
        lo: this.exprOr(this.node(r.children, "expression", 0), rs.end),
        hi: this.exprOr(this.node(r.children, "expression", 1), rs.end),
        span: rs,
      };
    }
    return out;
  }

  private riskBlock(n: CstNode): A.RiskBlock {
    const sp = this.nodeSpan(n);
    const entries: A.RiskEntry[] = [];
    this.reportJunk(n.children, "EntryJunk", "a risk limit `name = value`");
    for (const e of this.nodes(n.children, "riskEntry")) {
      const es = this.nodeSpan(e);
      const c = e.children;
      const entry: A.RiskEntry = {
        kind: "RiskEntry",
        key: this.ident(this.tok(c, "Identifier"), es.start),
        value: this.exprOr(this.node(c, "expression", 0), es.end),
        span: es,
      };
      if (c["Per"] !== undefined) entry.per = this.exprOr(this.node(c, "expression", 1), es.end);
      entries.push(entry);
    }
    this.checkSeparators(entries);
    return { kind: "Risk", entries, span: sp };
  }

  private featuresDecl(n: CstNode): A.FeaturesBlock | A.FeatureUnit {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const body: A.FeatureStmt[] = [];
    this.reportJunk(c, "EntryJunk", "a feature `name = expression` or `export`");
    for (const s of this.nodes(c, "featureStmt")) {
      const def = this.node(s.children, "featureDef");
      const exp = this.node(s.children, "exportDecl");
      if (def !== undefined) {
        const ds = this.nodeSpan(def);
        body.push({
          kind: "FeatureDef",
          name: this.ident(this.tok(def.children, "Identifier"), ds.start),
          value: this.exprOr(this.node(def.children, "expression"), ds.end),
          span: ds,
        });
      } else if (exp !== undefined) {
        const names = this.tokens(exp.children, "Identifier").map((t) => this.ident(t, 0));
        body.push({ kind: "Export", names, span: this.nodeSpan(exp) });
      }
    }
    this.checkSeparators(body);
    const nameTok = c["Identifier"] !== undefined ? c["Identifier"][0] as IToken : undefined;
    if (nameTok === undefined) return { kind: "Features", body, span: sp };
    const params = c["parameterList"] !== undefined ? this.parameterList(this.node(c, "parameterList")!) : [];
    return { kind: "FeatureUnit", name: this.ident(realToken(nameTok) ? nameTok : undefined, sp.start), params, body, span: sp };
  }

  private parameterList(n: CstNode): A.Parameter[] {
    const out: A.Parameter[] = [];
    for (const p of this.nodes(n.children, "parameter")) {
      const ps = this.nodeSpan(p);
      const c = p.children;
      const param: A.Parameter = { kind: "Parameter", name: this.ident(this.tok(c, "Identifier"), ps.start), span: ps };
      const type = this.typeAnnotation(this.node(c, "typeAnnotation"));
      if (type !== undefined) param.type = type;
      if (c["Equals"] !== undefined) param.default = this.exprOr(this.node(c, "expression"), ps.end);
      out.push(param);
    }
    return out;
  }

  private importDecl(n: CstNode): A.ImportDecl {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const names = this.tokens(c, "Identifier").map((t) => this.ident(t, 0));
    if (names.length === 0) names.push(this.ident(undefined, sp.end));
    const from = this.tok(c, "StringLiteral");
    return {
      kind: "Import",
      names,
      from: from !== undefined ? this.stringLit(from) : { kind: "String", value: "", raw: "", span: this.span(sp.end, sp.end) },
      span: sp,
    };
  }

  private varDecl(n: CstNode): A.VarDecl {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const out: A.VarDecl = {
      kind: "Var",
      name: this.ident(this.tok(c, "Identifier"), sp.end),
      init: this.exprOr(this.node(c, "expression"), sp.end),
      span: sp,
    };
    const type = this.typeAnnotation(this.node(c, "typeAnnotation"));
    if (type !== undefined) out.type = type;
    return out;
  }

  private fnDecl(n: CstNode): A.FnDecl {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const name = (c["Identifier"] ?? [])[0] as IToken | undefined;
    const blockNode = this.node(c, "block");
    const body: A.Block | A.Expr = blockNode !== undefined ? this.block(blockNode) : this.exprOr(this.node(c, "expression"), sp.end);
    const out: A.FnDecl = {
      kind: "Fn",
      name: this.ident(realToken(name) ? name : undefined, sp.start),
      params: c["parameterList"] !== undefined ? this.parameterList(this.node(c, "parameterList")!) : [],
      body,
      span: sp,
    };
    if (c["Arrow"] !== undefined) {
      const arrow = c["Arrow"][0] as IToken;
      const at = realToken(arrow) ? arrow.startOffset + 2 : sp.end;
      out.returnType = this.typeName(this.node(c, "typeName"), at);
    }
    return out;
  }

  private handler(n: CstNode): A.Handler {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const idents = (c["Identifier"] ?? []) as IToken[];
    const blockNode = this.node(c, "block");
    const out: A.Handler = {
      kind: "Handler",
      event: this.ident(realToken(idents[0]) ? idents[0] : undefined, sp.start),
      args: c["argumentList"] !== undefined ? this.argumentList(this.node(c, "argumentList")!) : [],
      hasParens: c["LParen"] !== undefined,
      body: blockNode !== undefined ? this.block(blockNode) : { kind: "Block", stmts: [], span: this.span(sp.end, sp.end) },
      span: sp,
    };
    if (c["As"] !== undefined) out.binding = this.ident(realToken(idents[1]) ? idents[1] : undefined, sp.end);
    if (c["When"] !== undefined) out.guard = this.exprOr(this.node(c, "expression"), sp.end);
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  private block(n: CstNode): A.Block {
    const stmts: A.Stmt[] = [];
    this.reportJunk(n.children, "StmtJunk", "a statement");
    for (const s of this.nodes(n.children, "statement")) {
      const st = this.statement(s);
      if (st !== undefined) stmts.push(st);
    }
    this.checkSeparators(stmts);
    return { kind: "Block", stmts, span: this.nodeSpan(n) };
  }

  private statement(n: CstNode): A.Stmt | undefined {
    const c = n.children;
    for (const key in c) {
      const child = c[key]![0] as CstNode;
      switch (key) {
        case "letStmt": return this.letStmt(child);
        case "varDecl": return this.varDecl(child);
        case "ifStmt": return this.ifStmt(child);
        case "forStmt": return this.forStmt(child);
        case "returnStmt": return this.returnStmt(child);
        case "exprStmt": return this.exprStmt(child);
      }
    }
    return undefined;
  }

  private letStmt(n: CstNode): A.LetStmt {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const out: A.LetStmt = {
      kind: "Let",
      name: this.ident(this.tok(c, "Identifier"), sp.end),
      value: this.exprOr(this.node(c, "expression"), sp.end),
      span: sp,
    };
    const type = this.typeAnnotation(this.node(c, "typeAnnotation"));
    if (type !== undefined) out.type = type;
    return out;
  }

  private ifStmt(n: CstNode): A.IfStmt {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const blocks = this.nodes(c, "block");
    const clauses = this.nodes(c, "elseIfClause");
    // The final `else { }` is the block that follows the `else` keyword not part of a clause.
    let tail: A.Block | A.IfStmt | undefined = c["Else"] !== undefined && blocks[1] !== undefined ? this.block(blocks[1]) : undefined;
    const limit = Math.min(clauses.length, MAX_EXPR_DEPTH);
    if (clauses.length > MAX_EXPR_DEPTH) this.tooDeep(this.nodeSpan(clauses[MAX_EXPR_DEPTH]!));
    for (let i = limit - 1; i >= 0; i--) {
      const cl = clauses[i]!;
      const cs = this.nodeSpan(cl);
      const cc = cl.children;
      const thenNode = this.node(cc, "block");
      const clause: A.IfStmt = {
        kind: "If",
        cond: this.exprOr(this.node(cc, "expression"), cs.end),
        then: thenNode !== undefined ? this.block(thenNode) : { kind: "Block", stmts: [], span: this.span(cs.end, cs.end) },
        span: this.span(cs.start, tail !== undefined ? tail.span.end : cs.end),
      };
      if (tail !== undefined) clause.else = tail;
      // The clause's span starts at `if`, after its `else`.
      const ifTok = this.tok(cc, "If");
      if (ifTok !== undefined) clause.span = this.span(ifTok.startOffset, clause.span.end);
      tail = clause;
    }
    const out: A.IfStmt = {
      kind: "If",
      cond: this.exprOr(this.node(c, "expression"), sp.end),
      then: blocks[0] !== undefined ? this.block(blocks[0]) : { kind: "Block", stmts: [], span: this.span(sp.end, sp.end) },
      span: sp,
    };
    if (tail !== undefined) out.else = tail;
    return out;
  }

  private forStmt(n: CstNode): A.ForStmt {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const body = this.node(c, "block");
    return {
      kind: "For",
      variable: this.ident(this.tok(c, "Identifier"), sp.end),
      from: this.exprOr(this.node(c, "expression", 0), sp.end),
      to: this.exprOr(this.node(c, "expression", 1), sp.end),
      body: body !== undefined ? this.block(body) : { kind: "Block", stmts: [], span: this.span(sp.end, sp.end) },
      span: sp,
    };
  }

  private returnStmt(n: CstNode): A.ReturnStmt {
    const sp = this.nodeSpan(n);
    const e = this.node(n.children, "expression");
    const out: A.ReturnStmt = { kind: "Return", span: sp };
    if (e !== undefined) out.value = this.expression(e);
    return out;
  }

  private exprStmt(n: CstNode): A.AssignStmt | A.ExprStmt {
    const sp = this.nodeSpan(n);
    const c = n.children;
    const first = this.exprOr(this.node(c, "expression", 0), sp.start);
    const op = this.tokens(c, "Equals", "PlusEq", "MinusEq", "StarEq", "SlashEq")[0];
    if (op === undefined) return { kind: "ExprStmt", expr: first, span: sp };
    return {
      kind: "Assign",
      target: first,
      op: op.image as A.AssignOp,
      value: this.exprOr(this.node(c, "expression", 1), sp.end),
      span: sp,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  /** Builds an `expression` CST node: a flat operand/operator list, folded by precedence. */
  expression(n: CstNode): A.Expr {
    const c = n.children;
    const operandNodes = this.nodes(c, "operand");
    if (operandNodes.length === 0) {
      const sp = this.nodeSpan(n);
      return this.errorExpr(sp.start, sp.end);
    }
    const ops = this.tokens(c, "BinaryOperator");
    const count = Math.min(operandNodes.length, ops.length + 1);
    const operands: OperandInfo[] = [];
    for (let i = 0; i < count; i++) {
      const on = operandNodes[i]!;
      const prefixes = this.tokens(on.children, "PrefixOperator");
      const atom = this.operand(on);
      operands.push({ prefixes, next: 0, atom, depth: this.lastDepth });
    }
    if (count === 1 && operands[0]!.prefixes.length === 0) {
      this.lastDepth = operands[0]!.depth;
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
    let lastWasComparison = false;
    while (st.opIndex < st.ops.length && st.operandIndex < st.operands.length) {
      const op = st.ops[st.opIndex]!;
      const bop = op.image as A.BinaryOp;
      const prec = BINARY_PRECEDENCE[bop];
      if (prec < minPrec) break;
      st.opIndex++;
      const right = this.climbBinary(prec + 1);
      depth = Math.max(depth, this.lastDepth) + 1;
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
      left = { kind: "Binary", op: bop, left, right, span: this.span(left.span.start, right.span.end) };
    }
    this.lastDepth = depth;
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
      return { kind: "Unary", op: p.tokenType === T.Not ? "not" : "-", operand: inner, span: this.span(p.startOffset, inner.span.end) };
    }
    st.operandIndex++;
    this.lastDepth = info.depth;
    return info.atom;
  }

  /** One operand without its prefixes: the atom, then its suffixes in source order. */
  private operand(n: CstNode): A.Expr {
    const c = n.children;
    let e = this.atom(n);
    let depth = this.lastDepth;
    const suffixes: CstElement[] = [];
    for (const key of ["callSuffix", "memberSuffix", "indexSuffix", "Ticks"]) {
      const arr = c[key];
      if (arr !== undefined) for (const s of arr) suffixes.push(s);
    }
    if (suffixes.length === 0) return e;
    const startOf = (s: CstElement): number => (isToken(s) ? s.startOffset : this.nodeSpan(s).start);
    if (suffixes.length > 1) suffixes.sort((a, b) => startOf(a) - startOf(b));
    for (const s of suffixes) {
      if (isToken(s)) {
        if (!realToken(s)) continue;
        e = { kind: "Ticks", value: e, span: this.span(e.span.start, s.startOffset + s.image.length) };
        depth += 1;
      } else {
        const ss = this.nodeSpan(s);
        const end = Math.max(ss.end, e.span.end);
        if (s.name === "callSuffix") {
          const al = this.node(s.children, "argumentList");
          const args = al !== undefined ? this.argumentList(al) : [];
          depth = Math.max(depth, this.lastDepth) + 1;
          e = { kind: "Call", callee: e, args, span: this.span(e.span.start, end) };
        } else if (s.name === "memberSuffix") {
          const dot = this.tok(s.children, "Dot");
          e = { kind: "Member", object: e, member: this.ident(this.tok(s.children, "Identifier"), ss.end), span: this.span(e.span.start, end) };
          if (dot === undefined) continue;
          depth += 1;
        } else {
          const index = this.exprOr(this.node(s.children, "expression"), ss.end);
          depth = Math.max(depth, this.lastDepth) + 1;
          e = { kind: "Index", object: e, index, span: this.span(e.span.start, end) };
        }
      }
      if (depth > MAX_EXPR_DEPTH) return this.tooDeep(this.nodeSpan(n));
    }
    this.lastDepth = depth;
    return e;
  }

  private argumentList(n: CstNode): A.Arg[] {
    const out: A.Arg[] = [];
    let depth = 0;
    for (const a of this.nodes(n.children, "argument")) {
      const as = this.nodeSpan(a);
      const c = a.children;
      const arg: A.Arg = { kind: "Arg", value: this.exprOr(this.node(c, "expression"), as.end), span: as };
      depth = Math.max(depth, this.lastDepth);
      if (c["Colon"] !== undefined) arg.name = this.ident(this.tok(c, "Identifier"), as.start);
      out.push(arg);
    }
    this.lastDepth = depth;
    return out;
  }

  /** The atom of an operand: a literal, a name or a parenthesised expression. */
  private atom(n: CstNode): A.Expr {
    const c = n.children;
    this.lastDepth = 1;
    const paren = this.node(c, "parenExpr");
    if (paren !== undefined) {
      const sp = this.nodeSpan(paren);
      const inner = this.node(paren.children, "expression");
      if (inner === undefined) return this.errorExpr(sp.start, sp.end);
      const e = this.expression(inner);
      const depth = this.lastDepth + 1;
      if (depth > MAX_EXPR_DEPTH) return this.tooDeep(sp);
      this.lastDepth = depth;
      return { kind: "Paren", expr: e, span: sp };
    }
    for (const key of ATOM_KEYS) {
      const t = this.tok(c, key);
      if (t === undefined) continue;
      const sp = this.tokenSpan(t);
      switch (t.tokenType) {
        case T.DurationLiteral: return this.durationLit(t);
        case T.NumberLiteral:
        case T.BadNumber: return this.numberLit(t);
        case T.StringLiteral:
        case T.UnterminatedString: return this.stringLit(t);
        case T.True: return { kind: "Bool", value: true, span: sp };
        case T.False: return { kind: "Bool", value: false, span: sp };
        default: return { kind: "Name", name: t.image, span: sp };
      }
    }
    const sp = this.nodeSpan(n);
    return this.errorExpr(sp.end, sp.end);
  }

  private numberLit(t: IToken): A.NumberLit {
    const raw = t.image;
    const clean = raw.replace(/_/g, "");
    let value = Number(clean);
    if (!Number.isFinite(value)) value = Number.parseFloat(clean) || 0;
    const isInteger = !/[.eE]/.test(raw) || t.tokenType === T.BadNumber && !/\./.test(raw);
    return { kind: "Number", value, raw, isInteger, span: this.tokenSpan(t) };
  }

  private durationLit(t: IToken): A.DurationLit {
    const raw = t.image;
    const m = /^([\d_.]+)(ns|us|ms|s|m|h|d)$/.exec(raw)!;
    const amount = Number(m[1]!.replace(/_/g, ""));
    const unit = m[2] as A.DurationUnit;
    return { kind: "Duration", amount, unit, nanos: amount * DURATION_NANOS[unit], raw, span: this.tokenSpan(t) };
  }

  private stringLit(t: IToken): A.StringLit {
    const terminated = t.tokenType === T.StringLiteral;
    return { kind: "String", value: T.decodeString(t.image, terminated), raw: t.image, span: this.tokenSpan(t) };
  }
}

/** How a junk token is named in a message. */
function describeJunk(t: IToken): string {
  if (T.KEYWORDS.includes(t.image)) return `keyword \`${t.image}\``;
  if (t.tokenType === T.StringLiteral || t.tokenType === T.UnterminatedString) return "string";
  return `\`${t.image}\``;
}
