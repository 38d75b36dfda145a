/**
 * The Chevrotain grammar (EmbeddedActionsParser with error recovery). One instance is built at
 * module load and reused by every `parse` call. Each rule fills a small typed record — a "parse
 * node": the tokens and sub-nodes the rule consumed plus the offsets of its first and last real
 * token — and grammar/build-ast.ts turns those into the AST.
 *
 * Why not Chevrotain's CST: its nodes keep children in per-key dictionaries of arrays with a
 * location object each, which made CST building ~85% of parsing time (mostly garbage
 * collection). The parse nodes hold the same information in fixed-shape objects, so the AST
 * builder stays a top-down walk with exactly the CST builder's behaviour (including what a rule
 * keeps after error recovery: `recoveryValueFunc` returns the rule's partial node, as a CstParser
 * returns its partial CST node).
 *
 * Error messages are produced as JSON by ERROR_MESSAGES and rendered by grammar/parse.ts, which
 * knows the token labels and the context.
 */
import { EmbeddedActionsParser, EOF, isRecognitionException, tokenMatcher, type IOrAlt, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import type { FeatureStmt } from "./ast.js";
import * as T from "./lexer.js";

/** The machine-readable payload carried in a Chevrotain error message. */
export interface ParserErrorPayload {
  expected: string[];
  rule: string;
}

function label(t: TokenType): string {
  if (t === EOF) return "end of file";
  return t.LABEL ?? t.name;
}

const ERROR_MESSAGES: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, ruleName }) {
    return JSON.stringify({ expected: [label(expected)], rule: ruleName } satisfies ParserErrorPayload);
  },
  buildNotAllInputParsedMessage({ ruleName }) {
    return JSON.stringify({ expected: ["a declaration"], rule: ruleName } satisfies ParserErrorPayload);
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, ruleName }) {
    const firsts: string[] = [];
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.push(label(path[0]));
    return JSON.stringify({ expected: firsts, rule: ruleName } satisfies ParserErrorPayload);
  },
  buildEarlyExitMessage({ expectedIterationPaths, ruleName }) {
    const firsts: string[] = [];
    for (const path of expectedIterationPaths) if (path[0]) firsts.push(label(path[0]));
    return JSON.stringify({ expected: firsts, rule: ruleName } satisfies ParserErrorPayload);
  },
};

// ---------------------------------------------------------------------------------------------
// Parse nodes. `start`/`end` are the offsets of the first character of the first real token and
// of the last character of the last real token the rule consumed (-1 while it consumed none: a
// small integer, where NaN would make V8 box both fields of every node in a heap number),
// the same location a CST node with "onlyOffset" tracking has. Token fields hold what CONSUME
// returned (possibly a token inserted by recovery: see realToken in build-ast.ts).

/** What every parse node has: the extent of its real tokens (inclusive end; -1 when empty). */
export interface PNode {
  start: number;
  end: number;
}
/** A whole input (a file or one chunk of it). */
export interface ProgramN extends PNode { items: ItemN[]; junk: IToken[]; blocks: BlockN[] }
/** One declaration; `decl` is undefined when recovery left nothing. */
export interface ItemN extends PNode { decl: DeclN | undefined }
/** The declarations. */
export type DeclN = StrategyN | InstrumentN | ParamN | RiskN | FeaturesN | ImportN | VarN | FnN | HandlerN;
export interface StrategyN extends PNode { rule: "strategyDecl"; name: IToken | undefined; desc: IToken | undefined }
export interface InstrumentN extends PNode { rule: "instrumentDecl"; name: IToken | undefined; expr: ExprN | undefined }
export interface ParamN extends PNode { rule: "paramDecl"; name: IToken | undefined; type: TypeAnnN | undefined; expr: ExprN | undefined; range: RangeN | undefined }
export interface RangeN extends PNode { exprs: ExprN[] }
export interface TypeAnnN extends PNode { typeName: TypeNameN | undefined }
export interface TypeNameN extends PNode { tok: IToken | undefined }
export interface RiskN extends PNode { rule: "riskBlock"; entries: RiskEntryN[]; junk: IToken[]; blocks: BlockN[] }
export interface RiskEntryN extends PNode { key: IToken | undefined; exprs: ExprN[]; per: IToken | undefined }
export interface FeaturesN extends PNode {
  rule: "featuresDecl";
  name: IToken | undefined;
  params: ParamListN | undefined;
  stmts: FeatureStmtN[];
  junk: IToken[];
  blocks: BlockN[];
}
/**
 * One statement of a features block. `built` is its AST when the parse's feature hook built it as
 * soon as the statement was read (then `def`/`exp` are dropped, so the nodes of a long block do not
 * all stay alive until its end).
 */
export interface FeatureStmtN extends PNode { def: FeatureDefN | undefined; exp: ExportN | undefined; built: FeatureStmt | undefined }
export interface ExportN extends PNode { names: IToken[] }
export interface FeatureDefN extends PNode { name: IToken | undefined; expr: ExprN | undefined }
export interface ImportN extends PNode { rule: "importDecl"; names: IToken[]; from: IToken | undefined }
export interface VarN extends PNode { rule: "varDecl"; name: IToken | undefined; type: TypeAnnN | undefined; expr: ExprN | undefined }
export interface FnN extends PNode {
  rule: "fnDecl";
  name: IToken | undefined;
  params: ParamListN | undefined;
  arrow: IToken | undefined;
  returnType: TypeNameN | undefined;
  block: BlockN | undefined;
  expr: ExprN | undefined;
}
export interface ParamListN extends PNode { params: ParameterN[] }
export interface ParameterN extends PNode { name: IToken | undefined; type: TypeAnnN | undefined; equals: IToken | undefined; expr: ExprN | undefined }
export interface HandlerN extends PNode {
  rule: "handler";
  /** The identifiers in order: the event kind, then the `as` binding. */
  names: IToken[];
  lparen: IToken | undefined;
  args: ArgListN | undefined;
  as: IToken | undefined;
  when: IToken | undefined;
  guard: ExprN | undefined;
  block: BlockN | undefined;
}
export interface BlockN extends PNode { stmts: StmtN[]; junk: IToken[]; blocks: BlockN[] }
/** One statement; `stmt` is undefined when recovery left nothing. */
export interface StmtN extends PNode { stmt: LetN | VarN | IfN | ForN | ReturnN | ExprStmtN | undefined }
export interface LetN extends PNode { rule: "letStmt"; name: IToken | undefined; type: TypeAnnN | undefined; expr: ExprN | undefined }
export interface IfN extends PNode { rule: "ifStmt"; expr: ExprN | undefined; blocks: BlockN[]; clauses: ElseIfN[]; else: IToken | undefined }
export interface ElseIfN extends PNode { if: IToken | undefined; expr: ExprN | undefined; block: BlockN | undefined }
export interface ForN extends PNode { rule: "forStmt"; name: IToken | undefined; exprs: ExprN[]; block: BlockN | undefined }
export interface ReturnN extends PNode { rule: "returnStmt"; expr: ExprN | undefined }
export interface ExprStmtN extends PNode { rule: "exprStmt"; exprs: ExprN[]; op: IToken | undefined }
/** A flat operand (operator operand)* list; precedence is applied by the AST builder. */
export interface ExprN extends PNode { operands: OperandN[]; ops: IToken[] | undefined }
export interface OperandN extends PNode {
  prefixes: IToken[] | undefined;
  atom: IToken | undefined;
  paren: ParenN | undefined;
  calls: CallN[] | undefined;
  members: MemberN[] | undefined;
  indexes: IndexN[] | undefined;
  ticks: IToken[] | undefined;
}
export interface ParenN extends PNode { expr: ExprN | undefined }
export interface CallN extends PNode { rule: "callSuffix"; args: ArgListN | undefined }
export interface MemberN extends PNode { rule: "memberSuffix"; dot: IToken | undefined; name: IToken | undefined }
export interface IndexN extends PNode { rule: "indexSuffix"; expr: ExprN | undefined }
export interface ArgListN extends PNode { args: ArgN[] }
export interface ArgN extends PNode { name: IToken | undefined; colon: IToken | undefined; expr: ExprN | undefined }

/** Where `sub` stores a sub-node in its parent. */
const enum Slot {
  Items, Blocks, Decl, Type, Expr, Exprs, Range, TypeName, Entries, Params, PushParams, Stmts, Exp, Def,
  ReturnType, Block, Guard, Args, PushArgs, Stmt, Clauses, Operands, Paren, Calls, Members, Indexes,
}

/**
 * Appends `c` to the list `p[key]` (absent or empty: replaced by `[c]`). A first `push` onto `[]`
 * gives the array room for 17 elements; most of these lists hold one or two, and a 10k-line file
 * has ~100k of them.
 */
function pushTo<P, K extends keyof P, C>(p: P, key: K, c: C): void {
  const list = p[key] as C[] | undefined;
  if (list === undefined || list.length === 0) (p[key] as C[]) = [c];
  else list.push(c);
}

/** Stores sub-node `c` in parent `p` (the parent's type is fixed by the slot). */
function store(p: PNode, slot: Slot, c: PNode): void {
  switch (slot) {
    case Slot.Items: (p as ProgramN).items.push(c as ItemN); break;
    case Slot.Blocks: (p as BlockN).blocks.push(c as BlockN); break;
    case Slot.Decl: (p as ItemN).decl = c as DeclN; break;
    case Slot.Type: (p as ParamN).type = c as TypeAnnN; break;
    case Slot.Expr: (p as ParamN).expr = c as ExprN; break;
    case Slot.Exprs: pushTo(p as RangeN, "exprs", c as ExprN); break;
    case Slot.Range: (p as ParamN).range = c as RangeN; break;
    case Slot.TypeName: (p as TypeAnnN).typeName = c as TypeNameN; break;
    case Slot.Entries: (p as RiskN).entries.push(c as RiskEntryN); break;
    case Slot.Params: (p as FnN).params = c as ParamListN; break;
    case Slot.PushParams: (p as ParamListN).params.push(c as ParameterN); break;
    case Slot.Stmts: pushTo(p as BlockN, "stmts", c as StmtN); break;
    case Slot.Exp: (p as FeatureStmtN).exp = c as ExportN; break;
    case Slot.Def: (p as FeatureStmtN).def = c as FeatureDefN; break;
    case Slot.ReturnType: (p as FnN).returnType = c as TypeNameN; break;
    case Slot.Block: (p as FnN).block = c as BlockN; break;
    case Slot.Guard: (p as HandlerN).guard = c as ExprN; break;
    case Slot.Args: (p as HandlerN).args = c as ArgListN; break;
    case Slot.PushArgs: pushTo(p as ArgListN, "args", c as ArgN); break;
    case Slot.Stmt: (p as StmtN).stmt = c as StmtN["stmt"]; break;
    case Slot.Clauses: (p as IfN).clauses.push(c as ElseIfN); break;
    case Slot.Operands: pushTo(p as ExprN, "operands", c as OperandN); break;
    case Slot.Paren: (p as OperandN).paren = c as ParenN; break;
    case Slot.Calls: pushTo(p as OperandN, "calls", c as CallN); break;
    case Slot.Members: pushTo(p as OperandN, "members", c as MemberN); break;
    case Slot.Indexes: pushTo(p as OperandN, "indexes", c as IndexN); break;
  }
}

/** Extends a node's extent by a token's or a sub-node's (Chevrotain's setNodeLocationOnlyOffset). */
function mark(n: PNode, start: number, end: number): void {
  if (!(start >= 0)) return; // an empty sub-node, or a token inserted by recovery (NaN offsets)
  if (n.start < 0) {
    n.start = start;
    n.end = end;
  } else if (n.end < end) {
    n.end = end;
  }
}

/** The grammar of `.algo` files. */
class AlgoParser extends EmbeddedActionsParser {
  constructor(validate = false) {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: ERROR_MESSAGES,
      // Chevrotain's grammar checks (ambiguities, left recursion, duplicate occurrence indices...)
      // cost most of the start-up time; the grammar is fixed, so test/grammar/validation.test.ts
      // runs them (through validateGrammar) instead of every start of the program.
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

  /**
   * Re-sync point after an error: the first upcoming token that can follow some rule on the
   * stack, preferring the innermost rule (Chevrotain's own search prefers the outermost, which
   * with token categories makes a bad statement abandon its whole handler).
   */
  findReSyncTokenType(): TokenType {
    const self = this as unknown as {
      buildFullFollowKeyStack(): unknown[];
      getFollowSetFromFollowKey(key: unknown): TokenType[] | undefined;
    };
    const sets = self.buildFullFollowKeyStack().map((key) => self.getFollowSetFromFollowKey(key) ?? []);
    for (let k = 1; ; k++) {
      const tok = this.LA(k);
      for (let i = sets.length - 1; i >= 0; i--) {
        for (const t of sets[i]!) if (tokenMatcher(tok, t)) return t;
      }
      if (tok.tokenType === EOF) return EOF;
    }
  }

  /** Recovery may pretend a missing closing bracket was there, but never invent anything else. */
  override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return tokType === T.RParen || tokType === T.RBracket || tokType === T.RCurly;
  }

  /** Called with each features-block statement as soon as it has been read (see FeatureStmtN.built). */
  featureHook: ((n: FeatureStmtN) => void) | undefined = undefined;

  // ---- parse-node bookkeeping ----------------------------------------------------------------

  /** The node of each active rule, by rule-stack depth (+1, so the recording phase's -1 fits). */
  private readonly nodes: PNode[] = [];

  private get depth(): number {
    return (this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX + 1;
  }

  /** Registers `n` as the node of the rule being entered. */
  private open<N extends PNode>(n: N): N {
    this.nodes[this.depth] = n;
    return n;
  }

  /** The node of the rule running now (inside OR / MANY bodies). */
  private cur<N extends PNode>(): N {
    return this.nodes[this.depth] as N;
  }

  /** After a recovered error, a rule returns the node it had built so far (as a CST would). */
  private readonly partial = { recoveryValueFunc: (): never => this.nodes[this.depth] as never };

  /** CONSUME that also extends the current node. */
  private tk(idx: number, type: TokenType): IToken {
    const t = this.consume(idx, type);
    const n = this.nodes[this.depth];
    if (n !== undefined) mark(n, t.startOffset, t.endOffset ?? -1);
    return t;
  }

  /**
   * SUBRULE that stores the sub-node in the current node (`slot` says where) and extends the
   * current node by it. A sub-rule that fails without recovering still leaves its partial node in
   * its parent before the error travels up, as Chevrotain does with partial CST nodes.
   */
  private sub(idx: number, rule: (...args: never[]) => PNode, slot: Slot): void {
    let r: PNode;
    try {
      r = this.subrule(idx, rule as never) as PNode;
    } catch (e) {
      if (isRecognitionException(e as Error)) {
        const d = this.depth;
        const child = this.nodes[d + 1];
        const n = this.nodes[d];
        if (n !== undefined && child !== undefined) {
          store(n, slot, child);
          mark(n, child.start, child.end);
        }
      }
      throw e;
    }
    const n = this.nodes[this.depth];
    if (n !== undefined && r !== undefined && r !== null) {
      store(n, slot, r);
      mark(n, r.start, r.end);
    }
  }

  /**
   * The alternatives of each OR, built once: an array literal of closures in a rule body would be
   * allocated on every invocation (Chevrotain's performance guide: cache arrays of alternatives).
   * The closures read nothing but the parser itself, so sharing them across inputs is safe.
   */
  private readonly alts: Array<IOrAlt<unknown>[] | undefined> = [];
  /** The bodies of MANY / OPTION, built once for the same reason. */
  private readonly fns: Array<(() => unknown) | undefined> = [];

  // Every list loop also consumes junk (tokens that cannot start an element, and stray blocks) so
  // that an unexpected token never ends the list early; the AST builder reports junk per line.
  readonly program = this.RULE("program", (): ProgramN => {
    const n = this.open<ProgramN>({ start: -1, end: -1, items: [], junk: [], blocks: [] });
    this.MANY((this.fns[0] ??= () => {
      this.OR((this.alts[0] ??= [
        { ALT: () => this.tk(0, T.Separator) },
        { ALT: () => this.sub(0, this.item, Slot.Items) },
        { ALT: () => this.cur<ProgramN>().junk.push(this.tk(0, T.TopJunk)) },
        { ALT: () => this.sub(0, this.block, Slot.Blocks) },
      ]));
    }));
    return n;
  }, this.partial);

  readonly item = this.RULE("item", (): ItemN => {
    const n = this.open<ItemN>({ start: -1, end: -1, decl: undefined });
    this.OR((this.alts[1] ??= [
      { ALT: () => this.sub(0, this.strategyDecl, Slot.Decl) },
      { ALT: () => this.sub(0, this.instrumentDecl, Slot.Decl) },
      { ALT: () => this.sub(0, this.paramDecl, Slot.Decl) },
      { ALT: () => this.sub(0, this.riskBlock, Slot.Decl) },
      { ALT: () => this.sub(0, this.featuresDecl, Slot.Decl) },
      { ALT: () => this.sub(0, this.importDecl, Slot.Decl) },
      { ALT: () => this.sub(0, this.varDecl, Slot.Decl) },
      { ALT: () => this.sub(0, this.fnDecl, Slot.Decl) },
      { ALT: () => this.sub(0, this.handler, Slot.Decl) },
    ]));
    return n;
  }, this.partial);

  readonly strategyDecl = this.RULE("strategyDecl", (): StrategyN => {
    const n = this.open<StrategyN>({ start: -1, end: -1, rule: "strategyDecl", name: undefined, desc: undefined });
    this.tk(0, T.Strategy);
    n.name = this.tk(0, T.Identifier);
    this.OPTION((this.fns[1] ??= () => {
      this.cur<StrategyN>().desc = this.tk(0, T.StringLiteral);
    }));
    return n;
  }, this.partial);

  readonly instrumentDecl = this.RULE("instrumentDecl", (): InstrumentN => {
    const n = this.open<InstrumentN>({ start: -1, end: -1, rule: "instrumentDecl", name: undefined, expr: undefined });
    this.tk(0, T.Instrument);
    n.name = this.tk(0, T.Identifier);
    this.tk(0, T.Equals);
    this.sub(0, this.expression, Slot.Expr);
    return n;
  }, this.partial);

  readonly paramDecl = this.RULE("paramDecl", (): ParamN => {
    const n = this.open<ParamN>({ start: -1, end: -1, rule: "paramDecl", name: undefined, type: undefined, expr: undefined, range: undefined });
    this.tk(0, T.Param);
    n.name = this.tk(0, T.Identifier);
    this.OPTION((this.fns[2] ??= () => {
      this.sub(0, this.typeAnnotation, Slot.Type);
    }));
    this.tk(0, T.Equals);
    this.sub(0, this.expression, Slot.Expr);
    this.OPTION2((this.fns[3] ??= () => {
      this.sub(0, this.paramRange, Slot.Range);
    }));
    return n;
  }, this.partial);

  readonly paramRange = this.RULE("paramRange", (): RangeN => {
    const n = this.open<RangeN>({ start: -1, end: -1, exprs: [] });
    this.tk(0, T.In);
    this.tk(0, T.LBracket);
    this.sub(0, this.expression, Slot.Exprs);
    this.tk(0, T.Comma);
    this.sub(2, this.expression, Slot.Exprs);
    this.tk(0, T.RBracket);
    return n;
  }, this.partial);

  readonly typeAnnotation = this.RULE("typeAnnotation", (): TypeAnnN => {
    const n = this.open<TypeAnnN>({ start: -1, end: -1, typeName: undefined });
    this.tk(0, T.Colon);
    this.sub(0, this.typeName, Slot.TypeName);
    return n;
  }, this.partial);

  /** A type: an identifier, or the keyword `instrument` (which is also a type). */
  readonly typeName = this.RULE("typeName", (): TypeNameN => {
    const n = this.open<TypeNameN>({ start: -1, end: -1, tok: undefined });
    n.tok = this.OR((this.alts[2] ??= [{ ALT: () => this.tk(0, T.Identifier) }, { ALT: () => this.tk(0, T.Instrument) }]) as IOrAlt<IToken>[]);
    return n;
  }, this.partial);

  readonly riskBlock = this.RULE("riskBlock", (): RiskN => {
    const n = this.open<RiskN>({ start: -1, end: -1, rule: "riskBlock", entries: [], junk: [], blocks: [] });
    this.tk(0, T.Risk);
    this.tk(0, T.LCurly);
    this.MANY((this.fns[4] ??= () => {
      this.OR((this.alts[3] ??= [
        { ALT: () => this.tk(0, T.Separator) },
        { ALT: () => this.sub(0, this.riskEntry, Slot.Entries) },
        { ALT: () => this.cur<RiskN>().junk.push(this.tk(0, T.EntryJunk)) },
        { ALT: () => this.sub(0, this.block, Slot.Blocks) },
      ]));
    }));
    this.tk(0, T.RCurly);
    return n;
  }, this.partial);

  readonly riskEntry = this.RULE("riskEntry", (): RiskEntryN => {
    const n = this.open<RiskEntryN>({ start: -1, end: -1, key: undefined, exprs: [], per: undefined });
    n.key = this.tk(0, T.Identifier);
    this.tk(0, T.Equals);
    this.sub(0, this.expression, Slot.Exprs);
    this.OPTION((this.fns[5] ??= () => {
      const m = this.cur<RiskEntryN>();
      m.per = this.tk(0, T.Per);
      this.sub(2, this.expression, Slot.Exprs);
    }));
    return n;
  }, this.partial);

  readonly featuresDecl = this.RULE("featuresDecl", (): FeaturesN => {
    const n = this.open<FeaturesN>({ start: -1, end: -1, rule: "featuresDecl", name: undefined, params: undefined, stmts: [], junk: [], blocks: [] });
    this.tk(0, T.Features);
    this.OPTION((this.fns[6] ??= () => {
      this.cur<FeaturesN>().name = this.tk(0, T.Identifier);
      this.OPTION2((this.fns[7] ??= () => {
        this.tk(0, T.LParen);
        this.sub(0, this.parameterList, Slot.Params);
        this.tk(0, T.RParen);
      }));
    }));
    this.tk(0, T.LCurly);
    this.MANY((this.fns[8] ??= () => {
      this.OR((this.alts[4] ??= [
        { ALT: () => this.tk(0, T.Separator) },
        {
          ALT: () => {
            this.sub(0, this.featureStmt, Slot.Stmts);
            const hook = this.featureHook;
            if (hook !== undefined) {
              const stmts = this.cur<FeaturesN>().stmts;
              hook(stmts[stmts.length - 1]!);
            }
          },
        },
        { ALT: () => this.cur<FeaturesN>().junk.push(this.tk(0, T.EntryJunk)) },
        { ALT: () => this.sub(0, this.block, Slot.Blocks) },
      ]));
    }));
    this.tk(0, T.RCurly);
    return n;
  }, this.partial);

  readonly featureStmt = this.RULE("featureStmt", (): FeatureStmtN => {
    const n = this.open<FeatureStmtN>({ start: -1, end: -1, def: undefined, exp: undefined, built: undefined });
    this.OR((this.alts[5] ??= [
      { ALT: () => this.sub(0, this.exportDecl, Slot.Exp) },
      { ALT: () => this.sub(0, this.featureDef, Slot.Def) },
    ]));
    return n;
  }, this.partial);

  readonly exportDecl = this.RULE("exportDecl", (): ExportN => {
    const n = this.open<ExportN>({ start: -1, end: -1, names: [] });
    this.tk(0, T.Export);
    pushTo(n, "names", this.tk(0, T.Identifier));
    this.MANY((this.fns[9] ??= () => {
      this.tk(0, T.Comma);
      this.cur<ExportN>().names.push(this.tk(2, T.Identifier));
    }));
    return n;
  }, this.partial);

  readonly featureDef = this.RULE("featureDef", (): FeatureDefN => {
    const n = this.open<FeatureDefN>({ start: -1, end: -1, name: undefined, expr: undefined });
    n.name = this.tk(0, T.Identifier);
    this.tk(0, T.Equals);
    this.sub(0, this.expression, Slot.Expr);
    return n;
  }, this.partial);

  readonly importDecl = this.RULE("importDecl", (): ImportN => {
    const n = this.open<ImportN>({ start: -1, end: -1, rule: "importDecl", names: [], from: undefined });
    this.tk(0, T.Import);
    pushTo(n, "names", this.tk(0, T.Identifier));
    this.MANY((this.fns[10] ??= () => {
      this.tk(0, T.Comma);
      this.cur<ImportN>().names.push(this.tk(2, T.Identifier));
    }));
    this.tk(0, T.From);
    n.from = this.tk(0, T.StringLiteral);
    return n;
  }, this.partial);

  readonly varDecl = this.RULE("varDecl", (): VarN => {
    const n = this.open<VarN>({ start: -1, end: -1, rule: "varDecl", name: undefined, type: undefined, expr: undefined });
    this.tk(0, T.Var);
    n.name = this.tk(0, T.Identifier);
    this.OPTION((this.fns[11] ??= () => {
      this.sub(0, this.typeAnnotation, Slot.Type);
    }));
    this.tk(0, T.Equals);
    this.sub(0, this.expression, Slot.Expr);
    return n;
  }, this.partial);

  readonly fnDecl = this.RULE("fnDecl", (): FnN => {
    const n = this.open<FnN>({ start: -1, end: -1, rule: "fnDecl", name: undefined, params: undefined, arrow: undefined, returnType: undefined, block: undefined, expr: undefined });
    this.tk(0, T.Fn);
    n.name = this.tk(0, T.Identifier);
    this.tk(0, T.LParen);
    this.sub(0, this.parameterList, Slot.Params);
    this.tk(0, T.RParen);
    this.OPTION((this.fns[12] ??= () => {
      const m = this.cur<FnN>();
      m.arrow = this.tk(0, T.Arrow);
      this.sub(0, this.typeName, Slot.ReturnType);
    }));
    this.OR((this.alts[6] ??= [
      { ALT: () => this.sub(0, this.block, Slot.Block) },
      {
        ALT: () => {
          this.tk(0, T.Equals);
          this.sub(0, this.expression, Slot.Expr);
        },
      },
    ]));
    return n;
  }, this.partial);

  readonly parameterList = this.RULE("parameterList", (): ParamListN => {
    const n = this.open<ParamListN>({ start: -1, end: -1, params: [] });
    this.OPTION((this.fns[13] ??= () => {
      this.sub(0, this.parameter, Slot.PushParams);
      this.MANY((this.fns[14] ??= () => {
        this.tk(0, T.Comma);
        this.sub(2, this.parameter, Slot.PushParams);
      }));
      this.OPTION2((this.fns[15] ??= () => this.tk(2, T.Comma)));
    }));
    return n;
  }, this.partial);

  readonly parameter = this.RULE("parameter", (): ParameterN => {
    const n = this.open<ParameterN>({ start: -1, end: -1, name: undefined, type: undefined, equals: undefined, expr: undefined });
    n.name = this.tk(0, T.Identifier);
    this.OPTION((this.fns[16] ??= () => {
      this.sub(0, this.typeAnnotation, Slot.Type);
    }));
    this.OPTION2((this.fns[17] ??= () => {
      const m = this.cur<ParameterN>();
      m.equals = this.tk(0, T.Equals);
      this.sub(0, this.expression, Slot.Expr);
    }));
    return n;
  }, this.partial);

  readonly handler = this.RULE("handler", (): HandlerN => {
    const n = this.open<HandlerN>({ start: -1, end: -1, rule: "handler", names: [], lparen: undefined, args: undefined, as: undefined, when: undefined, guard: undefined, block: undefined });
    this.tk(0, T.On);
    pushTo(n, "names", this.tk(0, T.Identifier));
    this.OPTION((this.fns[18] ??= () => {
      const m = this.cur<HandlerN>();
      m.lparen = this.tk(0, T.LParen);
      this.sub(0, this.argumentList, Slot.Args);
      this.tk(0, T.RParen);
    }));
    this.OPTION2((this.fns[19] ??= () => {
      const m = this.cur<HandlerN>();
      m.as = this.tk(0, T.As);
      m.names.push(this.tk(2, T.Identifier));
    }));
    this.OPTION3((this.fns[20] ??= () => {
      const m = this.cur<HandlerN>();
      m.when = this.tk(0, T.When);
      this.sub(0, this.expression, Slot.Guard);
    }));
    this.sub(0, this.block, Slot.Block);
    return n;
  }, this.partial);

  readonly block = this.RULE("block", (): BlockN => {
    const n = this.open<BlockN>({ start: -1, end: -1, stmts: [], junk: [], blocks: [] });
    this.tk(0, T.LCurly);
    this.MANY((this.fns[21] ??= () => {
      this.OR((this.alts[7] ??= [
        { ALT: () => this.tk(0, T.Separator) },
        { ALT: () => this.sub(0, this.statement, Slot.Stmts) },
        { ALT: () => this.cur<BlockN>().junk.push(this.tk(0, T.StmtJunk)) },
        { ALT: () => this.sub(2, this.block, Slot.Blocks) },
      ]));
    }));
    this.tk(0, T.RCurly);
    return n;
  }, this.partial);

  readonly statement = this.RULE("statement", (): StmtN => {
    const n = this.open<StmtN>({ start: -1, end: -1, stmt: undefined });
    this.OR((this.alts[8] ??= [
      { ALT: () => this.sub(0, this.letStmt, Slot.Stmt) },
      { ALT: () => this.sub(0, this.varDecl, Slot.Stmt) },
      { ALT: () => this.sub(0, this.ifStmt, Slot.Stmt) },
      { ALT: () => this.sub(0, this.forStmt, Slot.Stmt) },
      { ALT: () => this.sub(0, this.returnStmt, Slot.Stmt) },
      { ALT: () => this.sub(0, this.exprStmt, Slot.Stmt) },
    ]));
    return n;
  }, this.partial);

  readonly letStmt = this.RULE("letStmt", (): LetN => {
    const n = this.open<LetN>({ start: -1, end: -1, rule: "letStmt", name: undefined, type: undefined, expr: undefined });
    this.tk(0, T.Let);
    n.name = this.tk(0, T.Identifier);
    this.OPTION((this.fns[22] ??= () => {
      this.sub(0, this.typeAnnotation, Slot.Type);
    }));
    this.tk(0, T.Equals);
    this.sub(0, this.expression, Slot.Expr);
    return n;
  }, this.partial);

  // `else if` chains are a loop, not recursion, so a long chain cannot overflow the stack.
  readonly ifStmt = this.RULE("ifStmt", (): IfN => {
    const n = this.open<IfN>({ start: -1, end: -1, rule: "ifStmt", expr: undefined, blocks: [], clauses: [], else: undefined });
    this.tk(0, T.If);
    this.sub(0, this.expression, Slot.Expr);
    this.sub(0, this.block, Slot.Blocks);
    this.MANY((this.fns[23] ??= () => {
      this.sub(0, this.elseIfClause, Slot.Clauses);
    }));
    this.OPTION((this.fns[24] ??= () => {
      const m = this.cur<IfN>();
      m.else = this.tk(0, T.Else);
      this.sub(2, this.block, Slot.Blocks);
    }));
    return n;
  }, this.partial);

  readonly elseIfClause = this.RULE("elseIfClause", (): ElseIfN => {
    const n = this.open<ElseIfN>({ start: -1, end: -1, if: undefined, expr: undefined, block: undefined });
    this.tk(0, T.Else);
    n.if = this.tk(0, T.If);
    this.sub(0, this.expression, Slot.Expr);
    this.sub(0, this.block, Slot.Block);
    return n;
  }, this.partial);

  readonly forStmt = this.RULE("forStmt", (): ForN => {
    const n = this.open<ForN>({ start: -1, end: -1, rule: "forStmt", name: undefined, exprs: [], block: undefined });
    this.tk(0, T.For);
    n.name = this.tk(0, T.Identifier);
    this.tk(0, T.In);
    this.sub(0, this.expression, Slot.Exprs);
    this.tk(0, T.DotDot);
    this.sub(2, this.expression, Slot.Exprs);
    this.sub(0, this.block, Slot.Block);
    return n;
  }, this.partial);

  readonly returnStmt = this.RULE("returnStmt", (): ReturnN => {
    const n = this.open<ReturnN>({ start: -1, end: -1, rule: "returnStmt", expr: undefined });
    this.tk(0, T.Return);
    this.OPTION((this.fns[25] ??= () => {
      this.sub(0, this.expression, Slot.Expr);
    }));
    return n;
  }, this.partial);

  readonly exprStmt = this.RULE("exprStmt", (): ExprStmtN => {
    const n = this.open<ExprStmtN>({ start: -1, end: -1, rule: "exprStmt", exprs: [], op: undefined });
    this.sub(0, this.expression, Slot.Exprs);
    this.OPTION((this.fns[26] ??= () => {
      this.cur<ExprStmtN>().op = this.OR((this.alts[9] ??= [
        { ALT: () => this.tk(0, T.Equals) },
        { ALT: () => this.tk(0, T.PlusEq) },
        { ALT: () => this.tk(0, T.MinusEq) },
        { ALT: () => this.tk(0, T.StarEq) },
        { ALT: () => this.tk(0, T.SlashEq) },
      ]) as IOrAlt<IToken>[]);
      this.sub(2, this.expression, Slot.Exprs);
    }));
    return n;
  }, this.partial);

  // Expressions are read flat — operand (binary-operator operand)* — and the AST builder applies
  // precedence (grammar/build-ast.ts). This keeps the parse small (one node per operand instead
  // of one per precedence level) and long operator chains iterative.
  readonly expression = this.RULE("expression", (): ExprN => {
    const n = this.open<ExprN>({ start: -1, end: -1, operands: [], ops: undefined });
    this.sub(0, this.operand, Slot.Operands);
    this.MANY((this.fns[27] ??= () => {
      const op = this.tk(0, T.BinaryOperator);
      pushTo(this.cur<ExprN>(), "ops", op);
      this.sub(2, this.operand, Slot.Operands);
    }));
    return n;
  }, this.partial);

  /** Prefix operators, an atom, then postfix suffixes (call, member, index, `ticks`). */
  readonly operand = this.RULE("operand", (): OperandN => {
    const n = this.open<OperandN>({ start: -1, end: -1, prefixes: undefined, atom: undefined, paren: undefined, calls: undefined, members: undefined, indexes: undefined, ticks: undefined });
    this.MANY((this.fns[28] ??= () => {
      const t = this.tk(0, T.PrefixOperator);
      const m = this.cur<OperandN>();
      pushTo(m, "prefixes", t);
    }));
    this.OR((this.alts[10] ??= [
      { ALT: () => (this.cur<OperandN>().atom = this.tk(0, T.DurationLiteral)) },
      { ALT: () => (this.cur<OperandN>().atom = this.tk(0, T.NumberLiteral)) },
      { ALT: () => (this.cur<OperandN>().atom = this.tk(0, T.StringLiteral)) },
      { ALT: () => (this.cur<OperandN>().atom = this.tk(0, T.True)) },
      { ALT: () => (this.cur<OperandN>().atom = this.tk(0, T.False)) },
      { ALT: () => (this.cur<OperandN>().atom = this.tk(0, T.Identifier)) },
      { ALT: () => this.sub(0, this.parenExpr, Slot.Paren) },
    ]));
    this.MANY2((this.fns[29] ??= () => {
      this.OR2((this.alts[11] ??= [
        { ALT: () => this.sub(0, this.callSuffix, Slot.Calls) },
        { ALT: () => this.sub(0, this.memberSuffix, Slot.Members) },
        { ALT: () => this.sub(0, this.indexSuffix, Slot.Indexes) },
        {
          ALT: () => {
            const t = this.tk(0, T.Ticks);
            pushTo(this.cur<OperandN>(), "ticks", t);
          },
        },
      ]));
    }));
    return n;
  }, this.partial);

  readonly parenExpr = this.RULE("parenExpr", (): ParenN => {
    const n = this.open<ParenN>({ start: -1, end: -1, expr: undefined });
    this.tk(0, T.LParen);
    this.sub(0, this.expression, Slot.Expr);
    this.tk(0, T.RParen);
    return n;
  }, this.partial);

  readonly callSuffix = this.RULE("callSuffix", (): CallN => {
    const n = this.open<CallN>({ start: -1, end: -1, rule: "callSuffix", args: undefined });
    this.tk(0, T.LParen);
    this.sub(0, this.argumentList, Slot.Args);
    this.tk(0, T.RParen);
    return n;
  }, this.partial);

  readonly memberSuffix = this.RULE("memberSuffix", (): MemberN => {
    const n = this.open<MemberN>({ start: -1, end: -1, rule: "memberSuffix", dot: undefined, name: undefined });
    n.dot = this.tk(0, T.Dot);
    n.name = this.tk(0, T.Identifier);
    return n;
  }, this.partial);

  readonly indexSuffix = this.RULE("indexSuffix", (): IndexN => {
    const n = this.open<IndexN>({ start: -1, end: -1, rule: "indexSuffix", expr: undefined });
    this.tk(0, T.LBracket);
    this.sub(0, this.expression, Slot.Expr);
    this.tk(0, T.RBracket);
    return n;
  }, this.partial);

  readonly argumentList = this.RULE("argumentList", (): ArgListN => {
    const n = this.open<ArgListN>({ start: -1, end: -1, args: [] });
    this.OPTION((this.fns[30] ??= () => {
      this.sub(0, this.argument, Slot.PushArgs);
      this.MANY((this.fns[31] ??= () => {
        this.tk(0, T.Comma);
        this.sub(2, this.argument, Slot.PushArgs);
      }));
      this.OPTION2((this.fns[32] ??= () => this.tk(2, T.Comma)));
    }));
    return n;
  }, this.partial);

  readonly argument = this.RULE("argument", (): ArgN => {
    const n = this.open<ArgN>({ start: -1, end: -1, name: undefined, colon: undefined, expr: undefined });
    this.OPTION((this.fns[33] ??= () => {
      const m = this.cur<ArgN>();
      m.name = this.tk(0, T.Identifier);
      m.colon = this.tk(0, T.Colon);
    }));
    this.sub(0, this.expression, Slot.Expr);
    return n;
  }, this.partial);
}

/**
 * Builds a second instance with Chevrotain's grammar validations on: throws ("Parser Definition
 * Errors detected") when the grammar is ambiguous, left-recursive or otherwise ill-formed.
 */
export function validateGrammar(): void {
  new AlgoParser(true);
}

/** The one parser instance (building one is expensive; it is reset per input). */
export const PARSER = new AlgoParser();

/** Runs the grammar on a token stream; returns the parse nodes (possibly partial) and Chevrotain's errors. */
export function runParser(tokens: IToken[], featureHook?: (n: FeatureStmtN) => void): { root: ProgramN; errors: typeof PARSER.errors } {
  PARSER.input = tokens;
  PARSER.featureHook = featureHook;
  let root: ProgramN;
  try {
    root = PARSER.program();
  } finally {
    PARSER.featureHook = undefined;
  }
  const errors = PARSER.errors;
  // Let the tokens of this input be collected; the next call sets its own.
  PARSER.input = [];
  return { root, errors };
}
