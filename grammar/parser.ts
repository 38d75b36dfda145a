/**
 * The Chevrotain grammar (CstParser with error recovery). One instance is built at module load
 * and reused by every `parse` call. Rules produce a CST that grammar/cst-to-ast.ts turns into
 * the AST. Error messages are produced as JSON by ERROR_MESSAGES and rendered by grammar/parse.ts,
 * which knows the token labels and the context.
 */
import { CstParser, EOF, tokenMatcher, type IOrAlt, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
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

/** The grammar of `.algo` files. */
class AlgoParser extends CstParser {
  constructor() {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: ERROR_MESSAGES,
      nodeLocationTracking: "onlyOffset",
      skipValidations: false,
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
  readonly program = this.RULE("program", () => {
    this.MANY((this.fns[0] ??= () => {
      this.OR((this.alts[0] ??= [
        { ALT: () => this.CONSUME(T.Separator) },
        { ALT: () => this.SUBRULE(this.item) },
        { ALT: () => this.CONSUME(T.TopJunk) },
        { ALT: () => this.SUBRULE(this.block) },
      ]));
    }));
  });

  readonly item = this.RULE("item", () => {
    this.OR((this.alts[1] ??= [
      { ALT: () => this.SUBRULE(this.strategyDecl) },
      { ALT: () => this.SUBRULE(this.instrumentDecl) },
      { ALT: () => this.SUBRULE(this.paramDecl) },
      { ALT: () => this.SUBRULE(this.riskBlock) },
      { ALT: () => this.SUBRULE(this.featuresDecl) },
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.varDecl) },
      { ALT: () => this.SUBRULE(this.fnDecl) },
      { ALT: () => this.SUBRULE(this.handler) },
    ]));
  });

  readonly strategyDecl = this.RULE("strategyDecl", () => {
    this.CONSUME(T.Strategy);
    this.CONSUME(T.Identifier);
    this.OPTION((this.fns[1] ??= () => this.CONSUME(T.StringLiteral)));
  });

  readonly instrumentDecl = this.RULE("instrumentDecl", () => {
    this.CONSUME(T.Instrument);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  readonly paramDecl = this.RULE("paramDecl", () => {
    this.CONSUME(T.Param);
    this.CONSUME(T.Identifier);
    this.OPTION((this.fns[2] ??= () => this.SUBRULE(this.typeAnnotation)));
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
    this.OPTION2((this.fns[3] ??= () => this.SUBRULE(this.paramRange)));
  });

  readonly paramRange = this.RULE("paramRange", () => {
    this.CONSUME(T.In);
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.expression);
    this.CONSUME(T.RBracket);
  });

  readonly typeAnnotation = this.RULE("typeAnnotation", () => {
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeName);
  });

  /** A type: an identifier, or the keyword `instrument` (which is also a type). */
  readonly typeName = this.RULE("typeName", () => {
    this.OR((this.alts[2] ??= [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Instrument) }]));
  });

  readonly riskBlock = this.RULE("riskBlock", () => {
    this.CONSUME(T.Risk);
    this.CONSUME(T.LCurly);
    this.MANY((this.fns[4] ??= () => {
      this.OR((this.alts[3] ??= [
        { ALT: () => this.CONSUME(T.Separator) },
        { ALT: () => this.SUBRULE(this.riskEntry) },
        { ALT: () => this.CONSUME(T.EntryJunk) },
        { ALT: () => this.SUBRULE(this.block) },
      ]));
    }));
    this.CONSUME(T.RCurly);
  });

  readonly riskEntry = this.RULE("riskEntry", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
    this.OPTION((this.fns[5] ??= () => {
      this.CONSUME(T.Per);
      this.SUBRULE2(this.expression);
    }));
  });

  readonly featuresDecl = this.RULE("featuresDecl", () => {
    this.CONSUME(T.Features);
    this.OPTION((this.fns[6] ??= () => {
      this.CONSUME(T.Identifier);
      this.OPTION2((this.fns[7] ??= () => {
        this.CONSUME(T.LParen);
        this.SUBRULE(this.parameterList);
        this.CONSUME(T.RParen);
      }));
    }));
    this.CONSUME(T.LCurly);
    this.MANY((this.fns[8] ??= () => {
      this.OR((this.alts[4] ??= [
        { ALT: () => this.CONSUME(T.Separator) },
        { ALT: () => this.SUBRULE(this.featureStmt) },
        { ALT: () => this.CONSUME(T.EntryJunk) },
        { ALT: () => this.SUBRULE(this.block) },
      ]));
    }));
    this.CONSUME(T.RCurly);
  });

  readonly featureStmt = this.RULE("featureStmt", () => {
    this.OR((this.alts[5] ??= [
      { ALT: () => this.SUBRULE(this.exportDecl) },
      { ALT: () => this.SUBRULE(this.featureDef) },
    ]));
  });

  readonly exportDecl = this.RULE("exportDecl", () => {
    this.CONSUME(T.Export);
    this.CONSUME(T.Identifier);
    this.MANY((this.fns[9] ??= () => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.Identifier);
    }));
  });

  readonly featureDef = this.RULE("featureDef", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  readonly importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.Identifier);
    this.MANY((this.fns[10] ??= () => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.Identifier);
    }));
    this.CONSUME(T.From);
    this.CONSUME(T.StringLiteral);
  });

  readonly varDecl = this.RULE("varDecl", () => {
    this.CONSUME(T.Var);
    this.CONSUME(T.Identifier);
    this.OPTION((this.fns[11] ??= () => this.SUBRULE(this.typeAnnotation)));
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  readonly fnDecl = this.RULE("fnDecl", () => {
    this.CONSUME(T.Fn);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.parameterList);
    this.CONSUME(T.RParen);
    this.OPTION((this.fns[12] ??= () => {
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.typeName);
    }));
    this.OR((this.alts[6] ??= [
      { ALT: () => this.SUBRULE(this.block) },
      {
        ALT: () => {
          this.CONSUME(T.Equals);
          this.SUBRULE(this.expression);
        },
      },
    ]));
  });

  readonly parameterList = this.RULE("parameterList", () => {
    this.OPTION((this.fns[13] ??= () => {
      this.SUBRULE(this.parameter);
      this.MANY((this.fns[14] ??= () => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.parameter);
      }));
      this.OPTION2((this.fns[15] ??= () => this.CONSUME2(T.Comma)));
    }));
  });

  readonly parameter = this.RULE("parameter", () => {
    this.CONSUME(T.Identifier);
    this.OPTION((this.fns[16] ??= () => this.SUBRULE(this.typeAnnotation)));
    this.OPTION2((this.fns[17] ??= () => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    }));
  });

  readonly handler = this.RULE("handler", () => {
    this.CONSUME(T.On);
    this.CONSUME(T.Identifier);
    this.OPTION((this.fns[18] ??= () => {
      this.CONSUME(T.LParen);
      this.SUBRULE(this.argumentList);
      this.CONSUME(T.RParen);
    }));
    this.OPTION2((this.fns[19] ??= () => {
      this.CONSUME(T.As);
      this.CONSUME2(T.Identifier);
    }));
    this.OPTION3((this.fns[20] ??= () => {
      this.CONSUME(T.When);
      this.SUBRULE(this.expression);
    }));
    this.SUBRULE(this.block);
  });

  readonly block = this.RULE("block", () => {
    this.CONSUME(T.LCurly);
    this.MANY((this.fns[21] ??= () => {
      this.OR((this.alts[7] ??= [
        { ALT: () => this.CONSUME(T.Separator) },
        { ALT: () => this.SUBRULE(this.statement) },
        { ALT: () => this.CONSUME(T.StmtJunk) },
        { ALT: () => this.SUBRULE2(this.block) },
      ]));
    }));
    this.CONSUME(T.RCurly);
  });

  readonly statement = this.RULE("statement", () => {
    this.OR((this.alts[8] ??= [
      { ALT: () => this.SUBRULE(this.letStmt) },
      { ALT: () => this.SUBRULE(this.varDecl) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.returnStmt) },
      { ALT: () => this.SUBRULE(this.exprStmt) },
    ]));
  });

  readonly letStmt = this.RULE("letStmt", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.OPTION((this.fns[22] ??= () => this.SUBRULE(this.typeAnnotation)));
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  // `else if` chains are a loop, not recursion, so a long chain cannot overflow the stack.
  readonly ifStmt = this.RULE("ifStmt", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.block);
    this.MANY((this.fns[23] ??= () => this.SUBRULE(this.elseIfClause)));
    this.OPTION((this.fns[24] ??= () => {
      this.CONSUME(T.Else);
      this.SUBRULE2(this.block);
    }));
  });

  readonly elseIfClause = this.RULE("elseIfClause", () => {
    this.CONSUME(T.Else);
    this.CONSUME(T.If);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.block);
  });

  readonly forStmt = this.RULE("forStmt", () => {
    this.CONSUME(T.For);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.In);
    this.SUBRULE(this.expression);
    this.CONSUME(T.DotDot);
    this.SUBRULE2(this.expression);
    this.SUBRULE(this.block);
  });

  readonly returnStmt = this.RULE("returnStmt", () => {
    this.CONSUME(T.Return);
    this.OPTION((this.fns[25] ??= () => this.SUBRULE(this.expression)));
  });

  readonly exprStmt = this.RULE("exprStmt", () => {
    this.SUBRULE(this.expression);
    this.OPTION((this.fns[26] ??= () => {
      this.OR((this.alts[9] ??= [
        { ALT: () => this.CONSUME(T.Equals) },
        { ALT: () => this.CONSUME(T.PlusEq) },
        { ALT: () => this.CONSUME(T.MinusEq) },
        { ALT: () => this.CONSUME(T.StarEq) },
        { ALT: () => this.CONSUME(T.SlashEq) },
      ]));
      this.SUBRULE2(this.expression);
    }));
  });

  // Expressions are read flat — operand (binary-operator operand)* — and the AST builder applies
  // precedence (grammar/cst-to-ast.ts). This keeps the CST small (one node per operand instead of
  // one per precedence level) and long operator chains iterative.
  readonly expression = this.RULE("expression", () => {
    this.SUBRULE(this.operand);
    this.MANY((this.fns[27] ??= () => {
      this.CONSUME(T.BinaryOperator);
      this.SUBRULE2(this.operand);
    }));
  });

  /** Prefix operators, an atom, then postfix suffixes (call, member, index, `ticks`). */
  readonly operand = this.RULE("operand", () => {
    this.MANY((this.fns[28] ??= () => this.CONSUME(T.PrefixOperator)));
    this.OR((this.alts[10] ??= [
      { ALT: () => this.CONSUME(T.DurationLiteral) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
    ]));
    this.MANY2((this.fns[29] ??= () => {
      this.OR2((this.alts[11] ??= [
        { ALT: () => this.SUBRULE(this.callSuffix) },
        { ALT: () => this.SUBRULE(this.memberSuffix) },
        { ALT: () => this.SUBRULE(this.indexSuffix) },
        { ALT: () => this.CONSUME(T.Ticks) },
      ]));
    }));
  });

  readonly parenExpr = this.RULE("parenExpr", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  readonly callSuffix = this.RULE("callSuffix", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.argumentList);
    this.CONSUME(T.RParen);
  });

  readonly memberSuffix = this.RULE("memberSuffix", () => {
    this.CONSUME(T.Dot);
    this.CONSUME(T.Identifier);
  });

  readonly indexSuffix = this.RULE("indexSuffix", () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RBracket);
  });

  readonly argumentList = this.RULE("argumentList", () => {
    this.OPTION((this.fns[30] ??= () => {
      this.SUBRULE(this.argument);
      this.MANY((this.fns[31] ??= () => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.argument);
      }));
      this.OPTION2((this.fns[32] ??= () => this.CONSUME2(T.Comma)));
    }));
  });

  readonly argument = this.RULE("argument", () => {
    this.OPTION((this.fns[33] ??= () => {
      this.CONSUME(T.Identifier);
      this.CONSUME(T.Colon);
    }));
    this.SUBRULE(this.expression);
  });
}

/** The one parser instance (building one is expensive; it is reset per input). */
export const PARSER = new AlgoParser();

/** Runs the grammar on a token stream; returns the CST (possibly partial) and Chevrotain's errors. */
export function runParser(tokens: IToken[]) {
  PARSER.input = tokens;
  const cst = PARSER.program();
  const errors = PARSER.errors;
  // Let the tokens of this input be collected; the next call sets its own.
  PARSER.input = [];
  return { cst, errors };
}
