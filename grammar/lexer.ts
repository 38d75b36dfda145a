/**
 * The lexer: token kinds and types (grammar/parser.ts matches on the kinds) and `lex`, which
 * turns text into the token stream the parser reads, the comments, and lexical diagnostics. The
 * scanner is hand-written (`scan`): it produces exactly the tokens that first-match scanning with
 * the patterns of ALL_TOKENS would (first matching pattern in ALL_TOKENS order, keywords only as
 * whole words; test/grammar/scanner.test.ts holds it equal to such a reference scanner), and it
 * writes them to reused typed arrays, so lexing allocates nothing per token. The patterns on the
 * token types document the language.
 *
 * Statements end at line breaks, so line breaks are tokens (`Newline`). `tokenize` keeps only the
 * ones that can end a statement: none inside `(...)` or `[...]`, none after a token that cannot
 * end an expression (a binary operator, `,`, `=`, `(`...), none before a token that cannot start
 * a statement (`and`, `or`, `else`, `in`, `per`, `when`, `as`, `from`, `->`, `.`, `{`), and never
 * two in a row. It also cuts out brackets nested deeper than MAX_NESTING (reporting E0110) so the
 * recursive-descent parser cannot overflow the stack on hostile input.
 */
import type { Comment, Span } from "./ast.js";
import type { SyntaxDiagnostic } from "./syntax-codes.js";

/** Deepest bracket / block nesting the parser accepts. */
export const MAX_NESTING = 64;

/**
 * Token kinds: small integers, stored in the lexer's typed arrays and read by the parser
 * (grammar/parser.ts). `Eof` is what the parser sees past the end of its input.
 */
export const enum Tok {
  Eof, Newline, Semicolon, StringLiteral, UnterminatedString, DurationLiteral, NumberLiteral, BadNumber,
  Strategy, Instrument, Param, Risk, Features, Export, Import, From, Var, Let, If, Else, For, In,
  Fn, Return, On, When, As, And, Or, Not, True, False, Ticks, Per,
  Identifier,
  Arrow, DotDot, EqEq, NotEq, LessEq, GreaterEq, PlusEq, MinusEq, StarEq, SlashEq,
  Less, Greater, Equals, Plus, Minus, Star, Slash, Percent,
  LParen, RParen, LBracket, RBracket, LCurly, RCurly, Comma, Colon, Dot,
  LineComment, BlockComment, UnterminatedComment, WhiteSpace,
  /** How many kinds there are. */
  Count,
}

/**
 * A token type: its kind, its name, how messages call it, and the pattern that documents what it
 * matches (test/grammar/scanner.test.ts builds a reference scanner from the patterns: first
 * matching pattern in ALL_TOKENS order, and holds the hand-written scanner equal to it).
 */
export interface TokenType {
  readonly kind: Tok;
  readonly name: string;
  readonly label: string;
  readonly pattern: RegExp | undefined;
}

/** A token with its text and start offset (what `scan` and `tokenize` return; the parser itself reads the typed arrays). */
export interface Token {
  tokenType: TokenType;
  image: string;
  startOffset: number;
}

/** Token type by kind. */
const TYPE_BY_KIND: TokenType[] = [];

function tokenType(kind: Tok, name: string, label: string, pattern: RegExp | undefined): TokenType {
  const t: TokenType = { kind, name, label, pattern };
  TYPE_BY_KIND[kind] = t;
  return t;
}

/** The end of the input (never in the lexer arrays). */
export const EOF = tokenType(Tok.Eof, "EOF", "end of file", undefined);

const IDENT_PATTERN = /[A-Za-z_][A-Za-z0-9_]*/;

/** Identifiers: names of everything, including `buy`, `sell`, `book`, `ema`, types, handler kinds. */
export const Identifier = tokenType(Tok.Identifier, "Identifier", "identifier", IDENT_PATTERN);

function keyword(kind: Tok, word: string): TokenType {
  return tokenType(kind, word[0]!.toUpperCase() + word.slice(1), `\`${word}\``, new RegExp(`${word}(?![A-Za-z0-9_])`));
}

/** Reserved words. */
export const Strategy = keyword(Tok.Strategy, "strategy");
/** The keyword `instrument`. */
export const Instrument = keyword(Tok.Instrument, "instrument");
/** The keyword `param`. */
export const Param = keyword(Tok.Param, "param");
/** The keyword `risk`. */
export const Risk = keyword(Tok.Risk, "risk");
/** The keyword `features`. */
export const Features = keyword(Tok.Features, "features");
/** The keyword `export`. */
export const Export = keyword(Tok.Export, "export");
/** The keyword `import`. */
export const Import = keyword(Tok.Import, "import");
/** The keyword `from`. */
export const From = keyword(Tok.From, "from");
/** The keyword `var`. */
export const Var = keyword(Tok.Var, "var");
/** The keyword `let`. */
export const Let = keyword(Tok.Let, "let");
/** The keyword `if`. */
export const If = keyword(Tok.If, "if");
/** The keyword `else`. */
export const Else = keyword(Tok.Else, "else");
/** The keyword `for`. */
export const For = keyword(Tok.For, "for");
/** The keyword `in`. */
export const In = keyword(Tok.In, "in");
/** The keyword `fn`. */
export const Fn = keyword(Tok.Fn, "fn");
/** The keyword `return`. */
export const Return = keyword(Tok.Return, "return");
/** The keyword `on`. */
export const On = keyword(Tok.On, "on");
/** The keyword `when`. */
export const When = keyword(Tok.When, "when");
/** The keyword `as`. */
export const As = keyword(Tok.As, "as");
/** The keyword `and`. */
export const And = keyword(Tok.And, "and");
/** The keyword `or`. */
export const Or = keyword(Tok.Or, "or");
/** The keyword `not`. */
export const Not = keyword(Tok.Not, "not");
/** The keyword `true`. */
export const True = keyword(Tok.True, "true");
/** The keyword `false`. */
export const False = keyword(Tok.False, "false");
/** The keyword `ticks`. */
export const Ticks = keyword(Tok.Ticks, "ticks");
/** The keyword `per`. */
export const Per = keyword(Tok.Per, "per");

/** Every reserved word, as written. */
export const KEYWORDS: readonly string[] = [
  "strategy", "instrument", "param", "risk", "features", "export", "import", "from", "var", "let",
  "if", "else", "for", "in", "fn", "return", "on", "when", "as", "and", "or", "not", "true",
  "false", "ticks", "per",
];

const NUMBER_BODY = String.raw`\d(?:_?\d)*(?:\.\d(?:_?\d)*)?`;

/** `250ms`, `1s`, `1.5h`: a number glued to a unit. */
export const DurationLiteral = tokenType(Tok.DurationLiteral, "DurationLiteral", "duration", new RegExp(`${NUMBER_BODY}(?:ns|us|ms|s|m|h|d)(?![A-Za-z0-9_])`));
/** `42`, `25_000`, `0.30`, `1e-3`. */
export const NumberLiteral = tokenType(Tok.NumberLiteral, "NumberLiteral", "number", new RegExp(`${NUMBER_BODY}(?:[eE][+-]?\\d+)?(?![A-Za-z0-9_])`));
/** A digit run glued to letters or stray underscores (`12abc`, `1__0`, `5min`): reported, parsed as a number. */
export const BadNumber = tokenType(Tok.BadNumber, "BadNumber", "number", /\d[A-Za-z0-9_]*(?:\.\d[A-Za-z0-9_]*)?/);
/** `"text"` with `\\`, `\"`, `\n`, `\t`, `\r` escapes; no line breaks. */
export const StringLiteral = tokenType(Tok.StringLiteral, "StringLiteral", "string", /"(?:[^"\\\n\r]|\\[^\n\r])*"/);
/** A string whose line ends before its closing quote: reported, parsed as a string. */
export const UnterminatedString = tokenType(Tok.UnterminatedString, "UnterminatedString", "string", /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/);

/** A line break (a statement separator). */
export const Newline = tokenType(Tok.Newline, "Newline", "end of line", /\n/);
/** `;` — an explicit statement separator. */
export const Semicolon = tokenType(Tok.Semicolon, "Semicolon", "`;`", /;/);

/** `// ...` */
export const LineComment = tokenType(Tok.LineComment, "LineComment", "comment", /\/\/[^\n]*/);
/** `/* ... *\/` */
export const BlockComment = tokenType(Tok.BlockComment, "BlockComment", "comment", /\/\*[\s\S]*?\*\//);
/** `/*` with no `*\/`: reported, treated as a comment to the end of the file. */
export const UnterminatedComment = tokenType(Tok.UnterminatedComment, "UnterminatedComment", "comment", /\/\*[\s\S]*/);
/** Spaces, tabs, carriage returns, form feeds, vertical tabs, byte-order marks and no-break spaces (skipped). */
export const WhiteSpace = tokenType(Tok.WhiteSpace, "WhiteSpace", "white space", /[ \t\r\f\v\uFEFF\u00A0]+/);

function punct(kind: Tok, name: string, text: string): TokenType {
  return tokenType(kind, name, `\`${text}\``, new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")));
}
/** Punctuation and operators. */
export const Arrow = punct(Tok.Arrow, "Arrow", "->");
/** The token `..`. */
export const DotDot = punct(Tok.DotDot, "DotDot", "..");
/** The token `==`. */
export const EqEq = punct(Tok.EqEq, "EqEq", "==");
/** The token `!=`. */
export const NotEq = punct(Tok.NotEq, "NotEq", "!=");
/** The token `<=`. */
export const LessEq = punct(Tok.LessEq, "LessEq", "<=");
/** The token `>=`. */
export const GreaterEq = punct(Tok.GreaterEq, "GreaterEq", ">=");
/** The token `+=`. */
export const PlusEq = punct(Tok.PlusEq, "PlusEq", "+=");
/** The token `-=`. */
export const MinusEq = punct(Tok.MinusEq, "MinusEq", "-=");
/** The token `*=`. */
export const StarEq = punct(Tok.StarEq, "StarEq", "*=");
/** The token `/=`. */
export const SlashEq = punct(Tok.SlashEq, "SlashEq", "/=");
/** The token `<`. */
export const Less = punct(Tok.Less, "Less", "<");
/** The token `>`. */
export const Greater = punct(Tok.Greater, "Greater", ">");
/** The token `=`. */
export const Equals = punct(Tok.Equals, "Equals", "=");
/** The token `+`. */
export const Plus = punct(Tok.Plus, "Plus", "+");
/** The token `-`. */
export const Minus = punct(Tok.Minus, "Minus", "-");
/** The token `*`. */
export const Star = punct(Tok.Star, "Star", "*");
/** The token `/`. */
export const Slash = punct(Tok.Slash, "Slash", "/");
/** The token `%`. */
export const Percent = punct(Tok.Percent, "Percent", "%");
/** The token `(`. */
export const LParen = punct(Tok.LParen, "LParen", "(");
/** The token `)`. */
export const RParen = punct(Tok.RParen, "RParen", ")");
/** The token `[`. */
export const LBracket = punct(Tok.LBracket, "LBracket", "[");
/** The token `]`. */
export const RBracket = punct(Tok.RBracket, "RBracket", "]");
/** The token `{`. */
export const LCurly = punct(Tok.LCurly, "LCurly", "{");
/** The token `}`. */
export const RCurly = punct(Tok.RCurly, "RCurly", "}");
/** The token `,`. */
export const Comma = punct(Tok.Comma, "Comma", ",");
/** The token `:`. */
export const Colon = punct(Tok.Colon, "Colon", ":");
/** The token `.`. */
export const Dot = punct(Tok.Dot, "Dot", ".");

/**
 * Token types in match order: at each position the scanner produces the first type whose pattern
 * matches there (keywords only as whole words; whitespace is skipped, comments set aside).
 */
export const ALL_TOKENS: readonly TokenType[] = [
  WhiteSpace, Newline, Semicolon,
  LineComment, BlockComment, UnterminatedComment,
  StringLiteral, UnterminatedString,
  DurationLiteral, NumberLiteral, BadNumber,
  Strategy, Instrument, Param, Risk, Features, Export, Import, From, Var, Let, If, Else, For, In,
  Fn, Return, On, When, As, And, Or, Not, True, False, Ticks, Per,
  Identifier,
  Arrow, DotDot, EqEq, NotEq, LessEq, GreaterEq, PlusEq, MinusEq, StarEq, SlashEq,
  Less, Greater, Equals, Plus, Minus, Star, Slash, Percent,
  LParen, RParen, LBracket, RBracket, LCurly, RCurly, Comma, Colon, Dot,
];

/** The token type of a kind. */
export function typeOfKind(kind: Tok): TokenType {
  return TYPE_BY_KIND[kind]!;
}

/** Reserved words that can never appear inside an expression: a line starting with one is a new statement. */
const STATEMENT_KEYWORDS: readonly Tok[] = [
  Tok.Strategy, Tok.Instrument, Tok.Param, Tok.Risk, Tok.Features, Tok.Export, Tok.Import, Tok.Var, Tok.Let, Tok.If, Tok.For, Tok.Fn, Tok.Return, Tok.On,
];


// ---------------------------------------------------------------------------------------------
// The scanner

const enum Ch {
  Tab = 9, Newline = 10, VTab = 11, FormFeed = 12, Return = 13, Space = 32, Bang = 33, Quote = 34,
  Percent = 37, LParen = 40, RParen = 41, Star = 42, Plus = 43, Comma = 44, Minus = 45, Dot = 46,
  Slash = 47, D0 = 48, D9 = 57, Colon = 58, Semicolon = 59, Less = 60, Equals = 61, Greater = 62,
  A = 65, E = 69, Z = 90, LBracket = 91, Backslash = 92, RBracket = 93, Underscore = 95, a = 97,
  d = 100, e = 101, h = 104, m = 109, n = 110, s = 115, u = 117, z = 122, LCurly = 123,
  RCurly = 125, Nbsp = 0xa0, Bom = 0xfeff,
}

function isDigit(c: number): boolean {
  return c >= Ch.D0 && c <= Ch.D9;
}

function isIdentStart(c: number): boolean {
  return (c >= Ch.a && c <= Ch.z) || (c >= Ch.A && c <= Ch.Z) || c === Ch.Underscore;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

function isSpace(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab || c === Ch.Return || c === Ch.FormFeed || c === Ch.VTab || c === Ch.Bom || c === Ch.Nbsp;
}

const KEYWORD_TYPES = new Map<string, TokenType>([
  ["strategy", Strategy], ["instrument", Instrument], ["param", Param], ["risk", Risk], ["features", Features],
  ["export", Export], ["import", Import], ["from", From], ["var", Var], ["let", Let], ["if", If], ["else", Else],
  ["for", For], ["in", In], ["fn", Fn], ["return", Return], ["on", On], ["when", When], ["as", As], ["and", And],
  ["or", Or], ["not", Not], ["true", True], ["false", False], ["ticks", Ticks], ["per", Per],
]);

/** Keywords by length and first character (length * 128 + char code), for `keywordAt`. */
const KEYWORD_BUCKETS: Array<Array<[string, TokenType]> | undefined> = Array.from({ length: 11 * 128 }, () => undefined);
for (const [word, type] of KEYWORD_TYPES) (KEYWORD_BUCKETS[word.length * 128 + word.charCodeAt(0)] ??= []).push([word, type]);

/** The keyword type of the word at [i, j), else Identifier (without slicing the word out). */
function keywordAt(text: string, i: number, j: number): TokenType {
  const bucket = KEYWORD_BUCKETS[(j - i) * 128 + text.charCodeAt(i)];
  if (bucket === undefined) return Identifier;
  for (let k = 0; k < bucket.length; k++) if (text.startsWith(bucket[k]![0], i)) return bucket[k]![1];
  return Identifier;
}

/** `(?:_?\d)*` from `from`: the end of a digit run with single `_` between digits. */
function digitRun(text: string, from: number): number {
  let j = from;
  for (;;) {
    const c = text.charCodeAt(j);
    if (isDigit(c)) j++;
    else if (c === Ch.Underscore && isDigit(text.charCodeAt(j + 1))) j += 2;
    else return j;
  }
}

/** End of a duration unit (ns|us|ms|s|m|h|d, tried in that order) at `k` that is not followed by a name character, or -1. */
function durationUnitEnd(text: string, k: number): number {
  const c = text.charCodeAt(k);
  const c2 = text.charCodeAt(k + 1);
  if (c2 === Ch.s && (c === Ch.n || c === Ch.u || c === Ch.m) && !isIdentPart(text.charCodeAt(k + 2))) return k + 2;
  if ((c === Ch.s || c === Ch.m || c === Ch.h || c === Ch.d) && !isIdentPart(c2)) return k + 1;
  return -1;
}

/** A token object (for `scan`, `tokenize` and comments; `end` is exclusive). */
function makeToken(type: TokenType, image: string, start: number, end: number): Token {
  return { tokenType: type, image, startOffset: start };
}

/** What the scanner found: tokens (no whitespace), comments, and runs of invalid characters. */
export interface ScanResult {
  tokens: Token[];
  comments: Token[];
  errors: Array<{ offset: number; length: number }>;
}

/** The token type and end of the token at `i`, or undefined when no token starts there. */
let scannedType: TokenType | undefined;

/** Scans one token at `i` (not whitespace); sets `scannedType` and returns its end, or -1 if none starts there. */
function scanOne(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  if (isIdentStart(c)) {
    let j = i + 1;
    while (isIdentPart(text.charCodeAt(j))) j++;
    scannedType = j - i <= 10 ? keywordAt(text, i, j) : Identifier;
    return j;
  }
  if (isDigit(c)) return scanNumber(text, i);
  switch (c) {
    case Ch.Newline: scannedType = Newline; return i + 1;
    case Ch.Semicolon: scannedType = Semicolon; return i + 1;
    case Ch.Quote: return scanString(text, i);
    case Ch.Slash:
      if (next === Ch.Slash) {
        const nl = text.indexOf("\n", i + 2);
        scannedType = LineComment;
        return nl < 0 ? text.length : nl;
      }
      if (next === Ch.Star) {
        const close = text.indexOf("*/", i + 2);
        scannedType = close < 0 ? UnterminatedComment : BlockComment;
        return close < 0 ? text.length : close + 2;
      }
      if (next === Ch.Equals) { scannedType = SlashEq; return i + 2; }
      scannedType = Slash;
      return i + 1;
    case Ch.Minus:
      if (next === Ch.Greater) { scannedType = Arrow; return i + 2; }
      if (next === Ch.Equals) { scannedType = MinusEq; return i + 2; }
      scannedType = Minus;
      return i + 1;
    case Ch.Dot:
      if (next === Ch.Dot) { scannedType = DotDot; return i + 2; }
      scannedType = Dot;
      return i + 1;
    case Ch.Equals:
      if (next === Ch.Equals) { scannedType = EqEq; return i + 2; }
      scannedType = Equals;
      return i + 1;
    case Ch.Bang:
      if (next === Ch.Equals) { scannedType = NotEq; return i + 2; }
      return -1;
    case Ch.Less:
      if (next === Ch.Equals) { scannedType = LessEq; return i + 2; }
      scannedType = Less;
      return i + 1;
    case Ch.Greater:
      if (next === Ch.Equals) { scannedType = GreaterEq; return i + 2; }
      scannedType = Greater;
      return i + 1;
    case Ch.Plus:
      if (next === Ch.Equals) { scannedType = PlusEq; return i + 2; }
      scannedType = Plus;
      return i + 1;
    case Ch.Star:
      if (next === Ch.Equals) { scannedType = StarEq; return i + 2; }
      scannedType = Star;
      return i + 1;
    case Ch.Percent: scannedType = Percent; return i + 1;
    case Ch.LParen: scannedType = LParen; return i + 1;
    case Ch.RParen: scannedType = RParen; return i + 1;
    case Ch.LBracket: scannedType = LBracket; return i + 1;
    case Ch.RBracket: scannedType = RBracket; return i + 1;
    case Ch.LCurly: scannedType = LCurly; return i + 1;
    case Ch.RCurly: scannedType = RCurly; return i + 1;
    case Ch.Comma: scannedType = Comma; return i + 1;
    case Ch.Colon: scannedType = Colon; return i + 1;
    default: return -1;
  }
}

/**
 * A number at `i` (a digit): DurationLiteral, else NumberLiteral, else BadNumber, as their
 * patterns match (including the regular-expression backtracking: `1.5x` is the number `1`).
 */
function scanNumber(text: string, i: number): number {
  const intEnd = digitRun(text, i + 1);
  let bodyEnd = intEnd;
  const hasFraction = text.charCodeAt(intEnd) === Ch.Dot && isDigit(text.charCodeAt(intEnd + 1));
  if (hasFraction) bodyEnd = digitRun(text, intEnd + 2);
  const unitEnd = durationUnitEnd(text, bodyEnd);
  if (unitEnd >= 0) {
    scannedType = DurationLiteral;
    return unitEnd;
  }
  const c = text.charCodeAt(bodyEnd);
  if (c === Ch.e || c === Ch.E) {
    let k = bodyEnd + 1;
    const sign = text.charCodeAt(k);
    if (sign === Ch.Plus || sign === Ch.Minus) k++;
    if (isDigit(text.charCodeAt(k))) {
      while (isDigit(text.charCodeAt(k))) k++;
      if (!isIdentPart(text.charCodeAt(k))) {
        scannedType = NumberLiteral;
        return k;
      }
    }
  }
  if (!isIdentPart(c)) {
    scannedType = NumberLiteral;
    return bodyEnd;
  }
  if (hasFraction) {
    // Backtracking drops the fraction: the number ends before the `.`.
    scannedType = NumberLiteral;
    return intEnd;
  }
  let j = i + 1;
  while (isIdentPart(text.charCodeAt(j))) j++;
  if (text.charCodeAt(j) === Ch.Dot && isDigit(text.charCodeAt(j + 1))) {
    j += 2;
    while (isIdentPart(text.charCodeAt(j))) j++;
  }
  scannedType = BadNumber;
  return j;
}

/** A string at `i` (a `"`): StringLiteral if it closes on its line, else UnterminatedString (with a trailing `\\`). */
function scanString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === Ch.Quote) {
      scannedType = StringLiteral;
      return j + 1;
    }
    if (c === Ch.Backslash) {
      const n = text.charCodeAt(j + 1);
      if (j + 1 < text.length && n !== Ch.Newline && n !== Ch.Return) {
        j += 2;
        continue;
      }
      scannedType = UnterminatedString;
      return j + 1;
    }
    if (j >= text.length || c === Ch.Newline || c === Ch.Return) {
      scannedType = UnterminatedString;
      return j;
    }
    j++;
  }
}

/** Whether some token (or whitespace) can start at `i`: where the scanner resumes after invalid characters. */
function canStart(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return isSpace(c) || scanOne(text, i) >= 0;
}

// The scanner and the line-break filter work on parallel typed arrays — token kind (Tok), start
// offset, end offset (exclusive) — reused from call to call, so lexing allocates no object per
// token. The parser reads the arrays directly (`lexArrays`); token objects are made only by
// `scan` / `tokenize` (tests, the language server's semantic tokens).


let lexTypes = new Uint16Array(4096);
let lexStarts = new Int32Array(4096);
let lexEnds = new Int32Array(4096);
/** Scratch for the filter: index of the next non-newline raw token. */
let nextScratch = new Int32Array(4096);

function growLexArrays(): void {
  const n = lexTypes.length * 2;
  const types = new Uint16Array(n);
  types.set(lexTypes);
  const starts = new Int32Array(n);
  starts.set(lexStarts);
  const ends = new Int32Array(n);
  ends.set(lexEnds);
  lexTypes = types;
  lexStarts = starts;
  lexEnds = ends;
}

/** What `scanRaw` found besides the tokens it wrote to the lexer arrays. */
interface RawScan {
  count: number;
  comments: Token[];
  errors: Array<{ offset: number; length: number }>;
}

/** Scans `text` into the lexer arrays (every token but whitespace and comments, newlines included). */
function scanRaw(text: string): RawScan {
  const comments: Token[] = [];
  const errors: Array<{ offset: number; length: number }> = [];
  const n = text.length;
  let count = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      continue;
    }
    const end = scanOne(text, i);
    if (end < 0) {
      const start = i;
      i++;
      while (i < n && !canStart(text, i)) i++;
      errors.push({ offset: start, length: i - start });
      continue;
    }
    const type = scannedType!;
    if (type === LineComment || type === BlockComment || type === UnterminatedComment) {
      comments.push(makeToken(type, text.slice(i, end), i, end));
    } else {
      if (count === lexTypes.length) growLexArrays();
      lexTypes[count] = type.kind;
      lexStarts[count] = i;
      lexEnds[count] = end;
      count++;
    }
    i = end;
  }
  return { count, comments, errors };
}

/** Fresh token objects for entries [from, to) of the lexer arrays. */
function tokensOf(text: string, from: number, to: number): Token[] {
  const out = new Array<Token>(to - from);
  for (let k = from; k < to; k++) {
    const start = lexStarts[k]!;
    const end = lexEnds[k]!;
    out[k - from] = makeToken(TYPE_BY_KIND[lexTypes[k]!]!, text.slice(start, end), start, end);
  }
  return out;
}

/** Splits `text` into tokens, comments and invalid-character runs (what first-match scanning with the patterns of ALL_TOKENS gives; test/grammar/scanner.test.ts checks it). */
export function scan(text: string): ScanResult {
  const raw = scanRaw(text);
  return { tokens: tokensOf(text, 0, raw.count), comments: raw.comments, errors: raw.errors };
}

/** Flags by kind. */
function flags(types: Iterable<TokenType | Tok>): Uint8Array {
  const f = new Uint8Array(Tok.Count);
  for (const t of types) f[typeof t === "number" ? t : t.kind] = 1;
  return f;
}

/** Tokens after which a line break continues the expression. */
const CONTINUES_AFTER = flags([
  Plus, Minus, Star, Slash, Percent, EqEq, NotEq, Less, LessEq, Greater, GreaterEq, And, Or, Not,
  Equals, PlusEq, MinusEq, StarEq, SlashEq, Comma, Colon, Dot, DotDot, Arrow, LParen, LBracket, LCurly,
  In, Per, When, As, From, Else, Newline, Semicolon,
]);
/** Tokens before which a line break continues the previous line. */
const CONTINUES_BEFORE = flags([And, Or, Else, In, Per, When, As, From, Arrow, Dot, LCurly]);
/** Reserved words that can never appear inside an expression: a line starting with one is a new statement. */
const STATEMENT_KEYWORD = flags(STATEMENT_KEYWORDS);

/** What `tokenize` returns. */
export interface TokenizeResult {
  /** The tokens the parser reads (no comments, only statement-ending line breaks). */
  tokens: Token[];
  comments: Comment[];
  errors: SyntaxDiagnostic[];
  /** Offsets of `{` still open at the end of the input, innermost last. */
  unclosedCurlies: number[];
}

/**
 * What `lex` returns: the tokens the parser reads are entries [0, count) of the lexer arrays —
 * valid until the next call of `lex`, `scan` or `tokenize`; `lexArrays` gives them.
 */
export interface LexResult {
  count: number;
  comments: Comment[];
  errors: SyntaxDiagnostic[];
  unclosedCurlies: number[];
}

function span(file: number, start: number, end: number): Span {
  return { file, start, end };
}

/** Describes an invalid character for a message: `` `$` `` or `U+0000`. */
function describeChar(text: string): string {
  const cp = text.codePointAt(0) ?? 0;
  if (cp >= 0x21 && cp <= 0x7e) return `\`${String.fromCodePoint(cp)}\``;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

const ESCAPE_PATTERN = /\\(.)/g;
const VALID_ESCAPES = new Set(["\\", '"', "n", "t", "r"]);

const IDX_LPAREN = Tok.LParen;
const IDX_RPAREN = Tok.RParen;
const IDX_LBRACKET = Tok.LBracket;
const IDX_RBRACKET = Tok.RBracket;
const IDX_LCURLY = Tok.LCurly;
const IDX_RCURLY = Tok.RCurly;
const IDX_NEWLINE = Tok.Newline;
const IDX_SEMICOLON = Tok.Semicolon;
const IDX_UNTERMINATED_STRING = Tok.UnterminatedString;
const IDX_STRING = Tok.StringLiteral;
const IDX_BAD_NUMBER = Tok.BadNumber;
const IDX_NUMBER = Tok.NumberLiteral;
const IDX_DURATION = Tok.DurationLiteral;

/**
 * Lexes `text` into the lexer arrays and filters them down to the tokens the parser reads (see
 * the top of this file); never throws. `tokenize` is the same with token objects.
 */
export function lex(text: string, file: number): LexResult {
  const lexed = scanRaw(text);
  const errors: SyntaxDiagnostic[] = [];
  for (const e of lexed.errors) {
    const ch = text.slice(e.offset, e.offset + 2);
    errors.push({
      code: "E0107",
      message: `invalid character ${describeChar(ch)}`,
      span: span(file, e.offset, e.offset + Math.max(1, e.length)),
      hint: "remove it, or put it inside a string or a comment",
    });
  }
  const comments: Comment[] = [];
  for (const c of lexed.comments) {
    const end = c.startOffset + c.image.length;
    if (c.tokenType === UnterminatedComment) {
      errors.push({ code: "E0108", message: "unterminated block comment", span: span(file, c.startOffset, c.startOffset + 2), hint: "close it with `*/`" });
    }
    comments.push({ kind: c.tokenType === LineComment ? "LineComment" : "BlockComment", text: c.image, span: span(file, c.startOffset, end) });
  }

  // The open brackets: their type index and start offset.
  const stackTypes: number[] = [];
  const stackStarts: number[] = [];
  let skipDepth = 0;
  let reportedDeep = false;
  const count = lexed.count;
  const types = lexTypes;
  const starts = lexStarts;
  const ends = lexEnds;
  // The kept tokens are compacted into the arrays themselves (written at `kept`, which never
  // passes the read position).
  let kept = 0;
  // nextIndex[i]: index of the first non-newline token at or after i (count if none).
  if (nextScratch.length < count + 1) nextScratch = new Int32Array(Math.max(count + 1, nextScratch.length * 2));
  const nextIndex = nextScratch;
  nextIndex[count] = count;
  for (let i = count - 1; i >= 0; i--) nextIndex[i] = types[i] === IDX_NEWLINE ? nextIndex[i + 1]! : i;
  for (let i = 0; i < count; i++) {
    const type = types[i]!;
    if (skipDepth > 0) {
      if (type === IDX_LPAREN || type === IDX_LBRACKET || type === IDX_LCURLY) skipDepth++;
      else if (type === IDX_RPAREN || type === IDX_RBRACKET || type === IDX_RCURLY) skipDepth--;
      continue;
    }
    if (type === IDX_LPAREN || type === IDX_LBRACKET || type === IDX_LCURLY) {
      if (stackTypes.length >= MAX_NESTING) {
        if (!reportedDeep) {
          reportedDeep = true;
          errors.push({
            code: "E0110",
            message: `nesting too deep (more than ${MAX_NESTING} levels)`,
            span: span(file, starts[i]!, starts[i]! + 1),
            hint: "split the expression with `let` or helper features",
          });
        }
        skipDepth = 1;
        continue;
      }
      stackTypes.push(type);
      stackStarts.push(starts[i]!);
    } else if (type === IDX_RPAREN || type === IDX_RBRACKET || type === IDX_RCURLY) {
      const open = type === IDX_RPAREN ? IDX_LPAREN : type === IDX_RBRACKET ? IDX_LBRACKET : IDX_LCURLY;
      for (let j = stackTypes.length - 1; j >= 0; j--) {
        if (stackTypes[j] === open) {
          stackTypes.length = j;
          stackStarts.length = j;
          break;
        }
      }
    } else if (type === IDX_NEWLINE || type === IDX_SEMICOLON) {
      const top = stackTypes.length > 0 ? stackTypes[stackTypes.length - 1]! : -1;
      // The next significant token's type index (-1: none).
      const nextAt = i + 1 < count ? nextIndex[i + 1]! : count;
      const next = nextAt < count ? types[nextAt]! : -1;
      if (type === IDX_NEWLINE && (top === IDX_LPAREN || top === IDX_LBRACKET)) {
        // An unclosed bracket swallows line breaks, unless the next line plainly starts a new
        // statement: then the bracket is abandoned (the parser reports it) and the line ends here.
        if (next < 0 || STATEMENT_KEYWORD[next] !== 1) continue;
        while (stackTypes.length > 0 && stackTypes[stackTypes.length - 1] !== IDX_LCURLY) {
          stackTypes.pop();
          stackStarts.pop();
        }
      }
      const prev = kept > 0 ? types[kept - 1]! : -1;
      if (prev < 0 || prev === IDX_NEWLINE || prev === IDX_SEMICOLON) {
        if (type === IDX_NEWLINE) continue;
        if (prev === IDX_NEWLINE) kept--;
      }
      if (type === IDX_NEWLINE && prev >= 0 && CONTINUES_AFTER[prev] === 1 && (next < 0 || STATEMENT_KEYWORD[next] !== 1)) continue;
      if (type === IDX_NEWLINE && next >= 0 && CONTINUES_BEFORE[next] === 1) continue;
    } else if (type === IDX_UNTERMINATED_STRING) {
      errors.push({
        code: "E0103",
        message: "unterminated string literal",
        span: span(file, starts[i]!, ends[i]!),
        hint: "close the string with `\"` on the same line",
      });
    } else if (type === IDX_STRING) {
      checkEscapes(text.slice(starts[i]!, ends[i]!), starts[i]!, file, errors);
    } else if (type === IDX_BAD_NUMBER) {
      errors.push(badNumberDiagnostic(text.slice(starts[i]!, ends[i]!), starts[i]!, file));
    } else if ((type === IDX_NUMBER || type === IDX_DURATION) && (ends[i]! - starts[i]! > 15 || hasExponent(text, starts[i]!, ends[i]!))) {
      const problem = numberOutOfRange(text.slice(starts[i]!, ends[i]!), type === IDX_DURATION);
      if (problem !== undefined) errors.push({ code: "E0105", message: problem.message, span: span(file, starts[i]!, ends[i]!), hint: problem.hint });
    }
    types[kept] = type;
    starts[kept] = starts[i]!;
    ends[kept] = ends[i]!;
    kept++;
  }
  const unclosedCurlies: number[] = [];
  for (let j = 0; j < stackTypes.length; j++) if (stackTypes[j] === IDX_LCURLY) unclosedCurlies.push(stackStarts[j]!);
  return { count: kept, comments, errors, unclosedCurlies };
}

/** Lexes `text`; never throws. */
export function tokenize(text: string, file: number): TokenizeResult {
  const lexed = lex(text, file);
  return { tokens: tokensOf(text, 0, lexed.count), comments: lexed.comments, errors: lexed.errors, unclosedCurlies: lexed.unclosedCurlies };
}

/**
 * The lexer arrays after the last `lex`: kind, start offset and end offset (exclusive) of each
 * token, entries [0, count). Valid until the next call of `lex`, `scan` or `tokenize` (which may
 * also replace the arrays).
 */
export function lexArrays(): { kinds: Uint16Array; starts: Int32Array; ends: Int32Array } {
  return { kinds: lexTypes, starts: lexStarts, ends: lexEnds };
}

function checkEscapes(image: string, offset: number, file: number, errors: SyntaxDiagnostic[]): void {
  if (image.indexOf("\\") < 0) return;
  ESCAPE_PATTERN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ESCAPE_PATTERN.exec(image)) !== null) {
    if (!VALID_ESCAPES.has(m[1]!)) {
      const start = offset + m.index;
      errors.push({
        code: "E0104",
        message: `invalid escape sequence \`${m[0]}\` in string`,
        span: span(file, start, start + m[0].length),
        hint: "valid escapes are \\\\, \\\", \\n, \\t and \\r",
      });
    }
  }
}

const DURATION_LIKE = /^\d[\d_.]*(ns|us|ms|s|m|h|d)[A-Za-z]/;
const UNIT_SUGGESTIONS: Readonly<Record<string, string>> = {
  sec: "s", secs: "s", second: "s", seconds: "s", min: "m", mins: "m", minute: "m", minutes: "m",
  hr: "h", hrs: "h", hour: "h", hours: "h", day: "d", days: "d", msec: "ms", usec: "us", nsec: "ns",
  w: "d", wk: "d",
};

function hasExponent(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === Ch.e || c === Ch.E) return true;
  }
  return false;
}

/**
 * A number literal whose value a double cannot hold: beyond ±1.8e308 (it would read as Infinity),
 * or a whole number beyond 2^53 written without a fraction or exponent (it would silently round).
 */
function numberOutOfRange(image: string, duration: boolean): { message: string; hint: string } | undefined {
  const body = (duration ? image.replace(/(ns|us|ms|s|m|h|d)$/, "") : image).replace(/_/g, "");
  const v = Number(body);
  if (!Number.isFinite(v)) {
    return { message: `number literal \`${image}\` is too large (the largest number is about 1.8e308)`, hint: "write a smaller number" };
  }
  if (/^\d+$/.test(body) && !Number.isSafeInteger(v)) {
    return {
      message: `integer literal \`${image}\` is too large to be exact (whole numbers go up to 9_007_199_254_740_991)`,
      hint: "write a smaller number, or a number with a fraction or exponent if an approximate value is meant",
    };
  }
  return undefined;
}

function badNumberDiagnostic(text: string, offset: number, file: number): SyntaxDiagnostic {
  const where = span(file, offset, offset + text.length);
  const suffix = /[A-Za-z]+$/.exec(text)?.[0];
  const numeric = /^\d[\d_]*(\.\d[\d_]*)?/.exec(text)?.[0] ?? "";
  const digitsClean = /^\d(?:_?\d)*(?:\.\d(?:_?\d)*)?$/.test(numeric);
  if (suffix !== undefined && digitsClean && text === numeric + suffix && !/^[eE]/.test(suffix)) {
    const lower = suffix.toLowerCase();
    const unit = UNIT_SUGGESTIONS[lower];
    if (unit !== undefined || DURATION_LIKE.test(text) || /^(s|m|h|d|ms|us|ns)$/i.test(suffix)) {
      return {
        code: "E0106",
        message: `invalid duration literal \`${text}\`; durations end in ns, us, ms, s, m, h or d`,
        span: where,
        hint: unit !== undefined ? `write \`${numeric}${unit}\`` : "use one of ns, us, ms, s, m, h, d",
      };
    }
  }
  return {
    code: "E0105",
    message: `invalid number literal \`${text}\``,
    span: where,
    hint: "digits may be grouped with single `_` between digits (25_000); put a space between a number and a name",
  };
}

/** Decodes a string token's text: quotes stripped, valid escapes applied, invalid ones kept as written. */
export function decodeString(image: string, terminated: boolean): string {
  const body = image.slice(1, terminated ? image.length - 1 : image.length);
  if (body.indexOf("\\") < 0) return body;
  return body.replace(/\\(.)?/g, (m, c: string | undefined) => {
    switch (c) {
      case "n": return "\n";
      case "t": return "\t";
      case "r": return "\r";
      case "\\": return "\\";
      case '"': return '"';
      default: return m;
    }
  });
}
