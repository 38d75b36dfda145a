/**
 * The formatter: AST (+ comments + the source text, for blank lines and comment positions) →
 * canonical text. Two-space indentation, one statement per line, single spaces around binary
 * operators and `=` (the `=` of consecutive risk limits and features aligned in a column, and
 * so are the comments at the ends of consecutive lines),
 * `name: value` arguments, at most one blank line kept between elements of a
 * list, comments kept: own-line comments stay before the element they precede, a comment at the
 * end of a line stays at the end of that line (two spaces before it). Comments inside an
 * expression move to their own line before the element. Lines are not wrapped.
 * Parentheses are printed where the tree has them and wherever precedence requires them.
 */
import type * as A from "./ast.js";
import { BINARY_PRECEDENCE, NOT_PRECEDENCE } from "./ast.js";
import { parse } from "./parse.js";
import type { SyntaxDiagnostic } from "./syntax-codes.js";

/** Result of formatting a source text: the canonical text, or the syntax errors that prevent it. */
export type FormatResult = { ok: true; text: string } | { ok: false; errors: SyntaxDiagnostic[] };

/** Formats source text; refuses (returns the errors) when the text has syntax errors. */
export function formatSource(text: string, file = 0): FormatResult {
  const r = parse(text, file);
  if (r.errors.length > 0) return { ok: false, errors: r.errors };
  return { ok: true, text: formatProgram(r.ast, r.comments, text) };
}

/**
 * Prints a tree that has no syntax errors. `comments` and `text` (the source the spans point
 * into) are optional: without them, no comments are printed and no blank lines are kept.
 */
export function formatProgram(program: A.Program, comments: readonly A.Comment[] = [], text = ""): string {
  return new Printer(comments, text).program(program);
}

/** Prints one expression on its own (for messages, hovers, tests). */
export function formatExpr(e: A.Expr): string {
  return new Printer([], "").expr(e);
}

const INDENT = "  ";

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

class Printer {
  private out: string[] = [];
  private indent = 0;
  /** Index of the next comment not yet printed. */
  private next = 0;
  /** Source offset just past the last element or comment printed (for blank-line detection). */
  private lastEnd = -1;
  /** Output line index → length of its code part, for lines that end with a comment. */
  private readonly trailing = new Map<number, number>();

  constructor(
    private readonly comments: readonly A.Comment[],
    private readonly text: string,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Lines, comments, blank lines

  private line(s: string): void {
    this.out.push(INDENT.repeat(this.indent) + s);
  }

  /** Appends to the last line printed. */
  private append(s: string): void {
    this.out[this.out.length - 1] += s;
  }

  /** True if the source has a blank line between offsets a and b. */
  private blankBetween(a: number, b: number): boolean {
    if (a < 0 || this.text === "") return false;
    let newlines = 0;
    for (let i = a; i < b && i < this.text.length; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === 10) {
        if (++newlines >= 2) return true;
      } else if (ch !== 13 && ch !== 32 && ch !== 9) {
        newlines = 0;
      }
    }
    return false;
  }

  private hasNewline(a: number, b: number): boolean {
    for (let i = a; i < b && i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) return true;
    return false;
  }

  /** Prints, each on its own line, the comments that start before `offset`. */
  private flushCommentsBefore(offset: number): void {
    while (this.next < this.comments.length && this.comments[this.next]!.span.start < offset) {
      const c = this.comments[this.next++]!;
      if (this.lastEnd >= 0 && this.blankBetween(this.lastEnd, c.span.start)) this.out.push("");
      this.line(c.text.trimEnd());
      this.lastEnd = c.span.end;
    }
  }

  /** Appends a comment at the end of the last line, remembering where the code part ends. */
  private appendTrailing(c: A.Comment): void {
    const at = this.out.length - 1;
    if (!this.trailing.has(at)) this.trailing.set(at, this.out[at]!.length);
    this.append(`  ${c.text.trimEnd()}`);
  }

  /**
   * Lines up the comments at the ends of consecutive lines of the same indentation in one column
   * (two spaces after the longest code part of the run), as gofmt does.
   */
  private alignTrailingComments(): void {
    const lines = [...this.trailing.keys()].sort((a, b) => a - b);
    for (let i = 0; i < lines.length; ) {
      let j = i;
      while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1 && indentOf(this.out[lines[j + 1]!]!) === indentOf(this.out[lines[i]!]!)) j++;
      if (j > i) {
        let width = 0;
        for (let k = i; k <= j; k++) width = Math.max(width, this.trailing.get(lines[k]!)!);
        for (let k = i; k <= j; k++) {
          const at = lines[k]!;
          const code = this.trailing.get(at)!;
          const text = this.out[at]!;
          this.out[at] = text.slice(0, code).padEnd(width) + text.slice(code);
        }
      }
      i = j + 1;
    }
  }

  /** Appends the comments that sit on the same source line right after offset `end`. */
  private trailingComments(end: number): void {
    while (this.next < this.comments.length) {
      const c = this.comments[this.next]!;
      if (c.span.start < end || this.hasNewline(end, c.span.start)) return;
      this.next++;
      this.appendTrailing(c);
      this.lastEnd = c.span.end;
      end = c.span.end;
    }
  }

  /**
   * Prints a list of elements (items, statements, entries): for each, the comments before it
   * and inside its header (before `bodyStart`), a blank line where the source had one, the
   * element, then the comments at the end of its last line.
   */
  private list<T extends A.Located>(elements: readonly T[], print: (e: T) => void, bodyStart: (e: T) => number): void {
    for (const e of elements) {
      this.flushCommentsBefore(bodyStart(e));
      if (this.lastEnd >= 0 && this.blankBetween(this.lastEnd, e.start)) this.out.push("");
      print(e);
      this.lastEnd = e.end;
      this.trailingComments(e.end);
    }
  }

  /** Offset of the first `{` at or after `from` that is not inside a comment (-1 if none). */
  private openBrace(from: number): number {
    let k = this.next;
    for (let i = from; i < this.text.length; i++) {
      while (k < this.comments.length && this.comments[k]!.span.end <= i) k++;
      const c = this.comments[k];
      if (c !== undefined && c.span.start <= i) {
        i = c.span.end - 1;
        continue;
      }
      if (this.text.charCodeAt(i) === 123) return i;
    }
    return -1;
  }

  /** Where an element's header ends: its first nested `{`, or its end when it has none. */
  private headerEnd(n: A.Item | A.Stmt): number {
    switch (n.kind) {
      case "Handler": return n.body.start;
      case "Fn": return n.body.kind === "Block" ? n.body.start : n.end;
      case "If": return n.then.start;
      case "For": return n.body.start;
      case "Risk":
      case "Features":
      case "FeatureUnit": {
        const at = this.openBrace(n.start);
        return at < 0 ? n.end : at;
      }
      default: return n.end;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Top level

  program(p: A.Program): string {
    this.list(p.items, (i) => this.item(i), (i) => this.headerEnd(i));
    this.flushCommentsBefore(Infinity);
    this.alignTrailingComments();
    while (this.out.length > 0 && this.out[this.out.length - 1] === "") this.out.pop();
    return this.out.length === 0 ? "" : `${this.out.join("\n")}\n`;
  }

  private item(i: A.Item): void {
    switch (i.kind) {
      case "Strategy":
        this.line(`strategy ${i.name.name}${i.description ? ` ${this.str(i.description)}` : ""}`);
        return;
      case "Instrument":
        this.line(`instrument ${i.name.name} = ${this.expr(i.symbol)}`);
        return;
      case "Param": {
        const range = i.range ? ` in [${this.expr(i.range.lo)}, ${this.expr(i.range.hi)}]` : "";
        this.line(`param ${i.name.name}${typeSuffix(i.type)} = ${this.expr(i.value)}${range}`);
        return;
      }
      case "Risk":
        this.line("risk {");
        {
          const width = this.alignWidths(i.entries, (e) => e.key.name.length);
          this.bracedList(i.entries, (e) => this.line(`${e.key.name.padEnd(width.get(e)!)} = ${this.expr(e.value)}${e.per ? ` per ${this.expr(e.per)}` : ""}`), this.openBrace(i.start), i.end);
        }
        return;
      case "Features":
      case "FeatureUnit": {
        this.line(i.kind === "Features" ? "features {" : `features ${i.name.name}(${i.params.map((p) => this.parameter(p)).join(", ")}) {`);
        const width = this.alignWidths(i.body, (s) => (s.kind === "Export" ? -1 : s.name.name.length));
        this.bracedList(i.body, (s) => this.featureStmt(s, width.get(s) ?? 0), this.openBrace(i.start), i.end);
        return;
      }
      case "Import":
        this.line(`import ${i.names.map((n) => n.name).join(", ")} from ${this.str(i.from)}`);
        return;
      case "Var":
        this.line(`var ${i.name.name}${typeSuffix(i.type)} = ${this.expr(i.init)}`);
        return;
      case "Fn": {
        const head = `fn ${i.name.name}(${i.params.map((p) => this.parameter(p)).join(", ")})${i.returnType ? ` -> ${i.returnType.name}` : ""}`;
        if (i.body.kind === "Block") this.block(head, i.body);
        else this.line(`${head} = ${this.expr(i.body)}`);
        return;
      }
      case "Handler": {
        let head = `on ${i.event.name}`;
        if (i.hasParens || i.args.length > 0) head += `(${this.args(i.args)})`;
        if (i.binding) head += ` as ${i.binding.name}`;
        if (i.guard) head += ` when ${this.expr(i.guard)}`;
        this.block(head, i.body);
        return;
      }
    }
  }

  private featureStmt(s: A.FeatureStmt, width: number): void {
    if (s.kind === "Export") this.line(`export ${s.names.map((n) => n.name).join(", ")}`);
    else this.line(`${s.name.name.padEnd(width)} = ${this.expr(s.value)}`);
  }

  /**
   * Column alignment of `name = value` entries (risk limits, features), as gofmt aligns a struct:
   * within a run of consecutive entries the `=` signs line up. A run ends at a blank line, at an
   * own-line comment, and at an entry without a name (`export`, whose `nameLength` is -1).
   * Returns, per element, the width its name is padded to.
   */
  private alignWidths<T extends A.Located>(elements: readonly T[], nameLength: (e: T) => number): Map<T, number> {
    const widths = new Map<T, number>();
    let run: T[] = [];
    let max = 0;
    const close = (): void => {
      for (const e of run) widths.set(e, max);
      run = [];
      max = 0;
    };
    let prevEnd = -1;
    for (const e of elements) {
      const n = nameLength(e);
      if (n < 0 || (prevEnd >= 0 && this.breaksRun(prevEnd, e.start))) close();
      if (n >= 0) {
        run.push(e);
        if (n > max) max = n;
      }
      prevEnd = e.end;
    }
    close();
    return widths;
  }

  /** True when the source between two entries has a blank line or a comment on its own line. */
  private breaksRun(a: number, b: number): boolean {
    if (this.blankBetween(a, b)) return true;
    for (const c of this.comments) {
      if (c.span.start >= b) break;
      if (c.span.start >= a && this.hasNewline(a, c.span.start)) return true;
    }
    return false;
  }

  private parameter(p: A.Parameter): string {
    return `${p.name.name}${typeSuffix(p.type)}${p.default ? ` = ${this.expr(p.default)}` : ""}`;
  }

  /**
   * The inside of a `{ ... }` whose opening line was just printed (`open` is the source offset of
   * the `{`): the elements indented, the comments up to the closing brace, then `}` — or `{}` on
   * the opening line when there is nothing inside.
   */
  private bracedList<T extends A.Located>(
    elements: readonly T[],
    print: (e: T) => void,
    open: number,
    closeEnd: number,
    bodyStart: (e: T) => number = (e) => e.end,
  ): void {
    const openComment = this.trailingAfterOpen(open);
    const before = this.out.length;
    this.indent++;
    this.lastEnd = -1;
    this.list(elements, print, bodyStart);
    this.flushCommentsBefore(closeEnd - 1);
    this.indent--;
    if (this.out.length === before && !openComment) this.append("}");
    else this.line("}");
    this.lastEnd = closeEnd;
  }

  /** A comment right after an opening `{` on the same source line stays on that line. */
  private trailingAfterOpen(open: number): boolean {
    if (open < 0 || this.next >= this.comments.length) return false;
    const c = this.comments[this.next]!;
    if (c.span.start <= open || this.hasNewline(open, c.span.start)) return false;
    this.next++;
    this.append(`  ${c.text.trimEnd()}`); // not aligned with the lines around it
    return true;
  }

  private block(head: string, b: A.Block): void {
    this.line(`${head} {`);
    this.blockBody(b);
  }

  private blockBody(b: A.Block): void {
    this.bracedList(b.stmts, (s) => this.stmt(s), b.start, b.end, (s) => this.headerEnd(s));
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  private stmt(s: A.Stmt): void {
    switch (s.kind) {
      case "Let":
        this.line(`let ${s.name.name}${typeSuffix(s.type)} = ${this.expr(s.value)}`);
        return;
      case "Var":
        this.line(`var ${s.name.name}${typeSuffix(s.type)} = ${this.expr(s.init)}`);
        return;
      case "Assign":
        this.line(`${this.expr(s.target)} ${s.op} ${this.expr(s.value)}`);
        return;
      case "ExprStmt":
        this.line(this.expr(s.expr));
        return;
      case "Return":
        this.line(s.value ? `return ${this.expr(s.value)}` : "return");
        return;
      case "For":
        this.block(`for ${s.variable.name} in ${this.expr(s.from)}..${this.expr(s.to)}`, s.body);
        return;
      case "If": {
        let cur: A.IfStmt = s;
        this.block(`if ${this.expr(cur.cond)}`, cur.then);
        // Iterative over `else if` so a long chain does not recurse. The last line printed is the
        // `}` of the previous block (or `... {}`), which the `else` continues.
        for (;;) {
          const e: A.Block | A.IfStmt | undefined = cur.else;
          if (e === undefined) return;
          if (e.kind === "Block") {
            this.append(" else {");
            this.blockBody(e);
            return;
          }
          this.append(` else if ${this.expr(e.cond)} {`);
          this.blockBody(e.then);
          cur = e;
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private str(s: A.StringLit): string {
    return s.raw !== "" ? s.raw : encodeString(s.value);
  }

  private args(args: readonly A.Arg[]): string {
    return args.map((a) => (a.name ? `${a.name.name}: ${this.expr(a.value)}` : this.expr(a.value))).join(", ");
  }

  /** Prints an expression, adding parentheses wherever precedence requires them. */
  expr(e: A.Expr): string {
    switch (e.kind) {
      case "Number":
        return e.raw !== "" ? e.raw : String(e.value);
      case "Duration":
        return e.raw !== "" ? e.raw : `${e.amount}${e.unit}`;
      case "String":
        return this.str(e);
      case "Bool":
        return e.value ? "true" : "false";
      case "Name":
        return e.name;
      case "Paren":
        return `(${this.expr(e.expr)})`;
      case "Unary": {
        if (e.op === "not") {
          const inner = exprPrec(e.operand) < NOT_PRECEDENCE ? `(${this.expr(e.operand)})` : this.expr(e.operand);
          return `not ${inner}`;
        }
        const operand = exprPrec(e.operand) < POSTFIX_PREC && !(e.operand.kind === "Unary" && e.operand.op === "-")
          ? `(${this.expr(e.operand)})`
          : this.expr(e.operand);
        return `-${operand}`;
      }
      case "Binary": {
        const p = BINARY_PRECEDENCE[e.op];
        const lp = exprPrec(e.left);
        const rp = exprPrec(e.right);
        const comparison = p === COMPARISON;
        const leftParens = lp < p || (comparison && lp === COMPARISON) || (isNot(e.left) && p > NOT_PRECEDENCE);
        const rightParens = rp <= p || (isNot(e.right) && p > NOT_PRECEDENCE);
        const l = leftParens ? `(${this.expr(e.left)})` : this.expr(e.left);
        const r = rightParens ? `(${this.expr(e.right)})` : this.expr(e.right);
        return `${l} ${e.op} ${r}`;
      }
      case "Call":
        return `${this.postfixTarget(e.callee)}(${this.args(e.args)})`;
      case "Member":
        return `${this.postfixTarget(e.object)}.${e.member.name}`;
      case "Index":
        return `${this.postfixTarget(e.object)}[${this.expr(e.index)}]`;
      case "Ticks":
        return `${this.postfixTarget(e.value)} ticks`;
      case "Error":
        throw new Error("formatter bug: asked to print a tree with syntax errors");
    }
  }

  private postfixTarget(e: A.Expr): string {
    return exprPrec(e) < POSTFIX_PREC ? `(${this.expr(e)})` : this.expr(e);
  }
}

const COMPARISON = BINARY_PRECEDENCE["<"];
const POSTFIX_PREC = 8;
const ATOM_PREC = 9;

function isNot(e: A.Expr): boolean {
  return e.kind === "Unary" && e.op === "not";
}

/** Binding strength of an expression as printed (higher binds tighter). */
function exprPrec(e: A.Expr): number {
  switch (e.kind) {
    case "Binary": return BINARY_PRECEDENCE[e.op];
    case "Unary": return e.op === "not" ? NOT_PRECEDENCE : 7;
    case "Call":
    case "Member":
    case "Index":
    case "Ticks": return POSTFIX_PREC;
    default: return ATOM_PREC;
  }
}

function typeSuffix(t: A.TypeRef | undefined): string {
  return t ? `: ${t.name}` : "";
}

/** Encodes a string value as a literal with escapes. */
export function encodeString(value: string): string {
  return `"${value.replace(/[\\"\n\t\r]/g, (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : c === "\r" ? "\\r" : `\\${c}`))}"`;
}
