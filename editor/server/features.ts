/**
 * The language features over one checked document: hover, completion, signature help,
 * definition, references, rename, outline, folding, semantic tokens, formatting and code actions.
 * Everything is read from the compiler's tables (symbols, types, calls, handlers), its
 * vocabulary (compiler/builtins.ts, stdlib/catalog.ts), its analyses (risk proofs, the feature
 * graph) and its formatter; nothing here re-derives a type or a diagnostic.
 */
import {
  CodeActionKind,
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  SemanticTokensBuilder,
  SymbolKind as LspSymbolKind,
  type CodeAction,
  type CompletionItem,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type Location,
  type Position,
  type Range,
  type SemanticTokens,
  type SignatureHelp,
  type SignatureInformation,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import { readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import {
  ACTIONS,
  BUILTIN_FUNCTIONS,
  HANDLERS,
  NAMED_VALUES,
  RISK_KEYS,
  describe,
  exprText,
  nodeHost,
  type ActionDef,
  type BuiltinFunction,
  type BuiltinParam,
  type ResolvedCall,
  type SymbolInfo,
  type TypeInfo,
} from "../../compiler/index.js";
import { analyzeRisk, type OrderProof } from "../../compiler/analysis/risk.js";
import { Lowering, directNode } from "../../compiler/graph/lower.js";
import { keepLineEndings } from "../../grammar/line-endings.js";
import { KEYWORDS, formatSource, parse, type CallExpr, type Expr, type Handler, type Node, type Program, type SourceFile } from "../../grammar/index.js";
import { tokenize } from "../../grammar/lexer.js";
import { OPERATORS, findOperator, qualifiedName } from "../../stdlib/catalog.js";
import type { OperatorMeta } from "../../stdlib/meta.js";
import { childrenOf, pathAt, visit } from "./ast.js";
import { toOffset, toRange, type DiagnosticData } from "./convert.js";
import { pathToUri, type Analysis } from "./workspace.js";

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** An import stands for what it imports. */
function canonical(sym: SymbolInfo): SymbolInfo {
  return sym.kind === "import" && sym.target ? sym.target : sym;
}

/** The symbol under the cursor (a declaration's name or a reference), with the node found. */
export function symbolAt(a: Analysis, offset: number): { sym: SymbolInfo; node: Node } | undefined {
  const path = pathAt(a.file.ast, offset);
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i]!;
    if (n.kind !== "Ident" && n.kind !== "Name") continue;
    const sym = a.program.symbols.get(n);
    if (sym) return { sym, node: n };
  }
  return undefined;
}

/** The qualified name a callee expression spells (`ema`, `book.mid`), or undefined. */
function calleeName(e: Expr): string | undefined {
  if (e.kind === "Name") return e.name;
  if (e.kind === "Member" && e.object.kind === "Name") return `${e.object.name}.${e.member.name}`;
  return undefined;
}

function opSignature(op: OperatorMeta): string {
  const params = op.params.map((p) => `${p.name}${p.default !== undefined ? ` = ${String(p.default)}` : ""}`);
  const outs = op.outputs.length === 1 ? "" : ` -> { ${op.outputs.map((o) => o.name).join(", ")} }`;
  return `${qualifiedName(op)}(${params.join(", ")})${outs}`;
}

function builtinSignature(name: string, params: readonly BuiltinParam[], variadic = false): string {
  const ps = params.map((p) => `${p.name}${p.optional ? "?" : ""}: ${p.type}`);
  if (variadic) ps.push("...values");
  return `${name}(${ps.join(", ")})`;
}

function opDoc(op: OperatorMeta): string {
  const params = op.params.map((p) => `- \`${p.name}\` (${p.kind}${p.default !== undefined ? `, default ${String(p.default)}` : ""}): ${p.doc}`);
  return [op.doc, "", ...params, "", `Warm-up: \`${op.warmupText}\` updates. Example: \`${op.example}\``].join("\n");
}

function code(text: string): string {
  return "```algo\n" + text + "\n```";
}

function typeText(t: TypeInfo | undefined): string {
  return t ? describe(t) : "unknown";
}

// ---------------------------------------------------------------------------------------------
// Hover

const riskCache = new WeakMap<Analysis, OrderProof[]>();

function orderProofs(a: Analysis): OrderProof[] {
  let proofs = riskCache.get(a);
  if (!proofs) {
    proofs = [];
    if (a.file.kind === "strategy" && !a.program.diagnostics.some((d) => d.severity === "error" && !d.code.startsWith("R"))) {
      try {
        for (const r of analyzeRisk(a.program).reports) if (r.file === a.file.id) proofs.push(...r.orders);
      } catch {
        proofs = [];
      }
    }
    riskCache.set(a, proofs);
  }
  return proofs;
}

function featureGraphText(a: Analysis, sym: SymbolInfo): string | undefined {
  if (sym.kind !== "feature" || sym.unit !== undefined || a.file.kind !== "strategy" || sym.file !== a.file.id) return undefined;
  try {
    const lowering = new Lowering(a.program, a.file);
    const v = lowering.feature(sym, lowering.rootEnv);
    const id = directNode(v);
    if (id === undefined) return "Computed inline from other features (no graph node of its own).";
    const node = lowering.nodes[id]!;
    const shared = node.names.filter((n) => n !== sym.name);
    return `Graph node #${node.id}: \`${node.className}\`, warm-up ${node.warmup} updates (with default params)` +
      (shared.length > 0 ? `; shared with ${shared.map((n) => `\`${n}\``).join(", ")}` : "");
  } catch {
    return undefined;
  }
}

function symbolHover(a: Analysis, sym: SymbolInfo): string {
  const program = a.program;
  const file = program.files[sym.file];
  const parts: string[] = [];
  const s = canonical(sym);
  const declText = file ? file.source.text.slice(s.decl.start, s.decl.end) : "";
  switch (s.kind) {
    case "feature": {
      parts.push(code(`feature ${declText.split("\n")[0]}`), `${typeText(s.type)}`);
      const def = s.decl.kind === "FeatureDef" ? s.decl.value : undefined;
      if (def && def.kind === "Call") {
        const call = program.calls.get(def);
        if (call?.kind === "operator") parts.push(`\`${qualifiedName(call.op)}\`: warm-up \`${call.op.warmupText}\` updates${call.timeWindow ? " (time window: warm after its first full window)" : ""}`);
      }
      const g = featureGraphText(a, s);
      if (g) parts.push(g);
      break;
    }
    case "feature-unit":
      parts.push(code(declText.split("\n")[0]!.replace(/\{\s*$/, "").trim()), `feature unit (${typeText(s.type)})`);
      break;
    case "fn":
      parts.push(code(declText.split("\n")[0]!.replace(/[{=]\s*$/, "").trim()), `returns ${typeText(s.type)}`);
      break;
    default: {
      const line = declText.split("\n")[0]!.replace(/\{\s*$/, "").trim();
      parts.push(code(s.kind === "binding" || s.kind === "for" || s.kind === "fn-param" || s.kind === "unit-param" ? `${s.name}: ${typeText(s.type)}` : line));
      parts.push(`${s.kind}: ${typeText(s.type)}`);
      if (s.constant) parts.push(`constant in [${s.constant.lo}, ${s.constant.hi}]`);
    }
  }
  if (sym.kind === "import" && sym.target && program.files[sym.target.file]) parts.push(`imported from \`${program.files[sym.target.file]!.path}\``);
  return parts.join("\n\n");
}

function callHover(a: Analysis, call: CallExpr, resolved: ResolvedCall | undefined): string | undefined {
  const name = calleeName(call.callee);
  if (resolved?.kind === "operator" || (!resolved && name && findOperator(name))) {
    const op = resolved?.kind === "operator" ? resolved.op : findOperator(name!)!;
    return [code(opSignature(op)), opDoc(op)].join("\n\n");
  }
  const b = resolved?.kind === "builtin" ? resolved.builtin : name ? BUILTIN_FUNCTIONS.get(name) : undefined;
  if (b && (!resolved || resolved.kind === "builtin")) return [code(builtinSignature(b.name, b.params)), b.doc].join("\n\n");
  const act = resolved?.kind === "action" ? resolved.action : name ? ACTIONS.get(name) : undefined;
  if (act && (!resolved || resolved.kind === "action")) {
    const parts = [code(builtinSignature(act.name, act.params, act.variadic)), act.doc];
    if (act.orders) {
      const proof = orderProofs(a).find((p) => p.span.start === call.start && p.span.end === call.end);
      if (proof) parts.push(proofText(proof));
    }
    return parts.join("\n\n");
  }
  return undefined;
}

/** What the risk analysis proved about one order, as markdown. */
export function proofText(p: OrderProof): string {
  const lines = [`**Risk analysis** (${p.paths} path${p.paths === 1 ? "" : "s"} reach this order):`];
  for (const c of p.checks) lines.push(`- \`${c.limit}\`: **${c.outcome}** — ${c.detail}`);
  if (p.conditions.length > 0) lines.push(`- path conditions: ${p.conditions.map((c) => `\`${c}\``).join(", ")}`);
  return lines.join("\n");
}

/** Hover at a position. */
export function hover(a: Analysis, pos: Position): Hover | null {
  const offset = toOffset(a.file.source, pos);
  const path = pathAt(a.file.ast, offset);
  for (let i = path.length - 1; i >= 1; i--) {
    const n = path[i]!;
    const parent = path[i - 1]!;
    const range = toRange(a.file.source, n);
    // A named argument's name: the parameter's doc.
    if (n.kind === "Ident" && parent.kind === "Arg" && parent.name === n) {
      const call = path[i - 2];
      if (call?.kind === "Call") {
        const doc = paramDocs(a, call).find((p) => p.name === n.name);
        if (doc) return { contents: { kind: MarkupKind.Markdown, value: `\`${n.name}\`: ${doc.doc}` }, range };
      }
    }
    // The callee of a call (or the member ident of `book.mid`).
    const call = parent.kind === "Call" && parent.callee === n ? parent : parent.kind === "Member" && path[i - 2]?.kind === "Call" && (path[i - 2] as CallExpr).callee === parent ? (path[i - 2] as CallExpr) : undefined;
    if (call && (n.kind === "Name" || n.kind === "Ident")) {
      const resolved = a.program.calls.get(call);
      if (!resolved || resolved.kind === "operator" || resolved.kind === "builtin" || resolved.kind === "action") {
        const text = callHover(a, call, resolved);
        if (text) return { contents: { kind: MarkupKind.Markdown, value: text }, range };
      }
    }
    if (n.kind === "Ident" || n.kind === "Name") {
      const sym = a.program.symbols.get(n);
      if (sym) return { contents: { kind: MarkupKind.Markdown, value: symbolHover(a, sym) }, range };
      if (n.kind === "Ident" && parent.kind === "Handler" && parent.event === n) {
        const h = HANDLERS.get(n.name);
        if (h) return { contents: { kind: MarkupKind.Markdown, value: `${code(`on ${h.expects.replace(/^.*`on /, "").replace(/`$/, "")}`)}\n\n${h.doc}` }, range };
      }
      if (n.kind === "Ident" && parent.kind === "RiskEntry" && parent.key === n) {
        const k = RISK_KEYS.get(n.name);
        if (k) return { contents: { kind: MarkupKind.Markdown, value: `\`${k.key}\`: ${k.doc}` }, range };
      }
    }
    const t = a.program.types.get(n as Expr);
    if (t && n.kind !== "Program") {
      return { contents: { kind: MarkupKind.Markdown, value: `${code(exprText(n as Expr))}\n\n${typeText(t)}` }, range };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Completion and signature help

interface ParamDoc {
  name: string;
  label: string;
  doc: string;
  optional: boolean;
}

function paramsOfName(a: Analysis, name: string): { label: string; doc: string; params: ParamDoc[] } | undefined {
  const op = findOperator(name);
  if (op) return { label: opSignature(op), doc: op.doc, params: op.params.map((p) => ({ name: p.name, label: p.name, doc: p.doc, optional: p.default !== undefined })) };
  const b: BuiltinFunction | ActionDef | undefined = BUILTIN_FUNCTIONS.get(name) ?? ACTIONS.get(name);
  if (b) {
    return {
      label: builtinSignature(b.name, b.params, "variadic" in b ? b.variadic : false),
      doc: b.doc,
      params: b.params.map((p) => ({ name: p.name, label: `${p.name}${p.optional ? "?" : ""}: ${p.type}`, doc: p.doc, optional: p.optional === true })),
    };
  }
  const sym = a.file.scope.get(name);
  const s = sym ? canonical(sym) : undefined;
  if (s && (s.kind === "fn" || s.kind === "feature-unit") && (s.decl.kind === "Fn" || s.decl.kind === "FeatureUnit")) {
    const src = a.program.files[s.file]!.source.text;
    const params = s.decl.params.map((p) => ({ name: p.name.name, label: src.slice(p.start, p.end), doc: "", optional: p.default !== undefined }));
    return { label: `${name}(${params.map((p) => p.label).join(", ")})`, doc: s.kind === "fn" ? "user function" : "feature unit", params };
  }
  return undefined;
}

function paramDocs(a: Analysis, call: CallExpr): ParamDoc[] {
  const name = calleeName(call.callee);
  return (name && paramsOfName(a, name)?.params) || [];
}

/** Signature help inside a call's parentheses. */
export function signatureHelp(a: Analysis, pos: Position): SignatureHelp | null {
  return signatureAt(a, a.file.source.text, toOffset(a.file.source, pos));
}

/** Signature help at `offset` of `text` (the document's text, possibly newer than `a`'s), read off the text. */
function signatureAt(a: Analysis, text: string, offset: number): SignatureHelp | null {
  // Walk back to the innermost unclosed `(` on the text (works on half-typed calls).
  let depth = 0;
  let commas = 0;
  let i = offset - 1;
  let named: string | undefined;
  let argStart = offset;
  for (; i >= 0; i--) {
    const c = text[i]!;
    if (c === "\n" && depth === 0 && /^\s*$/.test(text.slice(i + 1, argStart))) continue;
    if (c === ")" || c === "]") depth++;
    else if (c === "(" || c === "[") {
      if (depth === 0) break;
      depth--;
    } else if (c === "," && depth === 0) {
      if (commas === 0) argStart = i + 1;
      commas++;
    } else if (c === "{" || c === "}") return null;
  }
  if (i < 0 || text[i] !== "(") return null;
  if (commas === 0) argStart = i + 1;
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(text.slice(argStart, offset));
  if (m) named = m[1];
  const before = text.slice(Math.max(0, i - 80), i);
  const nm = /([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*$/.exec(before);
  if (!nm) return null;
  const name = nm[1]!;
  if (name === "on" || KEYWORDS.includes(name)) return null;
  if (HANDLERS.has(name) && /\bon\s+[A-Za-z_]*$/.test(before)) return null;
  const sig = paramsOfName(a, name);
  if (!sig) return null;
  let active = commas;
  if (named !== undefined) {
    const k = sig.params.findIndex((p) => p.name === named);
    if (k >= 0) active = k;
  }
  const info: SignatureInformation = {
    label: sig.label,
    documentation: { kind: MarkupKind.Markdown, value: sig.doc },
    parameters: sig.params.map((p) => ({ label: p.label, documentation: p.doc })),
  };
  // Parameter labels must be substrings of the signature label.
  info.parameters = info.parameters!.filter((p) => sig.label.includes(p.label as string));
  return { signatures: [info], activeSignature: 0, activeParameter: Math.min(active, Math.max(0, (info.parameters?.length ?? 1) - 1)) };
}

const TOP_KEYWORDS = ["strategy", "instrument", "param", "risk", "features", "import", "var", "fn", "on"];
const STMT_KEYWORDS = ["let", "var", "if", "else", "for", "return", "and", "or", "not", "true", "false", "ticks", "in", "when", "as"];
const SYMBOL_KINDS: Record<string, CompletionItemKind> = {
  param: CompletionItemKind.Constant,
  var: CompletionItemKind.Variable,
  let: CompletionItemKind.Variable,
  feature: CompletionItemKind.Field,
  instrument: CompletionItemKind.Constant,
  fn: CompletionItemKind.Function,
  "fn-param": CompletionItemKind.Variable,
  "feature-unit": CompletionItemKind.Module,
  "unit-param": CompletionItemKind.Variable,
  import: CompletionItemKind.Module,
  binding: CompletionItemKind.Variable,
  for: CompletionItemKind.Variable,
};

function opItem(op: OperatorMeta, withNamespace: boolean): CompletionItem {
  const required = op.params.filter((p) => p.default === undefined);
  const snippet = `${op.name}(${required.map((p, k) => `\${${k + 1}:${p.name}}`).join(", ")})`;
  return {
    label: withNamespace ? qualifiedName(op) : op.name,
    kind: CompletionItemKind.Function,
    detail: opSignature(op),
    documentation: { kind: MarkupKind.Markdown, value: opDoc(op) },
    insertText: withNamespace && op.namespace ? `${op.namespace}.${snippet}` : snippet,
    insertTextFormat: InsertTextFormat.Snippet,
  };
}

function callItem(name: string, params: readonly BuiltinParam[], doc: string, variadic = false): CompletionItem {
  const required = params.filter((p) => !p.optional);
  return {
    label: name,
    kind: CompletionItemKind.Function,
    detail: builtinSignature(name, params, variadic),
    documentation: { kind: MarkupKind.Markdown, value: doc },
    insertText: `${name}(${required.map((p, k) => `\${${k + 1}:${p.name}}`).join(", ")})`,
    insertTextFormat: InsertTextFormat.Snippet,
  };
}

/**
 * Where a completion is answered: the analysis whose tables (tree, symbols, types) answer it, the
 * document's current text, and the cursor in that text (`offset`) and in the analysis's tree
 * (`astOffset`). For the analysis of the current version both texts and offsets are the same;
 * completion-reuse.ts builds sites on an older analysis when the edit since cannot change the answer.
 */
export interface CompletionSite {
  a: Analysis;
  source: SourceFile;
  offset: number;
  astOffset: number;
}

/** The site of a position in the analysis's own text. */
export function completionSite(a: Analysis, pos: Position): CompletionSite {
  const offset = toOffset(a.file.source, pos);
  return { a, source: a.file.source, offset, astOffset: offset };
}

/** Completion items at a position (of the analysis's text, or of a site built for a newer text). */
export function completion(a: Analysis, pos: Position, site: CompletionSite = completionSite(a, pos)): CompletionItem[] {
  const { source, offset, astOffset } = site;
  const lineStart = source.lineStarts[source.position(offset).line - 1] ?? 0;
  const linePrefix = source.text.slice(lineStart, offset);
  // Inside a comment or a string: nothing.
  if (a.file.comments.some((c) => c.span.start < astOffset && astOffset <= c.span.end && (c.kind === "BlockComment" || astOffset > c.span.start + 1))) return [];
  if ((linePrefix.split('"').length - 1) % 2 === 1) return [];

  // `ns.` / `x.`: members.
  const member = /([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_0-9]*)$/.exec(linePrefix);
  if (member) {
    const obj = member[1]!;
    const ns = OPERATORS.filter((op) => op.namespace === obj);
    if (ns.length > 0) return ns.map((op) => opItem(op, false));
    return memberItems(a, obj, astOffset);
  }
  // `on `: handler kinds.
  if (/^\s*on\s+[A-Za-z_]*$/.test(linePrefix)) {
    return [...HANDLERS.values()].map((h) => ({ label: h.kind, kind: CompletionItemKind.Event, detail: h.expects, documentation: h.doc }));
  }
  const path = pathAt(a.file.ast, astOffset);
  const inner = innermostContainer(path, astOffset);
  if (inner === "top") {
    if (/^\s*[A-Za-z_]*$/.test(linePrefix)) return TOP_KEYWORDS.map((k) => ({ label: k, kind: CompletionItemKind.Keyword }));
  }
  if (inner === "risk") {
    return [...RISK_KEYS.values()].map((k) => ({ label: k.key, kind: CompletionItemKind.Property, documentation: k.doc, insertText: `${k.key} = ` }));
  }
  const items: CompletionItem[] = [];
  // Named arguments of the enclosing call.
  const sig = signatureAt(a, source.text, offset);
  if (sig) {
    const name = sig.signatures[0]!.label.replace(/\(.*$/s, "");
    const p = paramsOfName(a, name);
    for (const param of p?.params ?? []) {
      items.push({ label: `${param.name}:`, kind: CompletionItemKind.Property, documentation: param.doc, insertText: `${param.name}: `, sortText: `0${param.name}` });
    }
  }
  const inHandler = path.some((n) => n.kind === "Handler");
  for (const k of STMT_KEYWORDS) items.push({ label: k, kind: CompletionItemKind.Keyword, sortText: `3${k}` });
  for (const sym of visibleSymbols(a, path, astOffset)) {
    items.push({ label: sym.name, kind: SYMBOL_KINDS[sym.kind] ?? CompletionItemKind.Variable, detail: `${sym.kind}: ${typeText(sym.type)}`, sortText: `1${sym.name}` });
  }
  for (const op of OPERATORS) if (op.namespace === "") items.push({ ...opItem(op, false), sortText: `2${op.name}` });
  for (const ns of new Set(OPERATORS.map((o) => o.namespace).filter((n) => n !== ""))) items.push({ label: ns, kind: CompletionItemKind.Module, detail: `${ns}.* operators`, sortText: `2${ns}` });
  for (const b of BUILTIN_FUNCTIONS.values()) if (inHandler || !b.handlerOnly) items.push({ ...callItem(b.name, b.params, b.doc), sortText: `2${b.name}` });
  if (inHandler) for (const act of ACTIONS.values()) items.push({ ...callItem(act.name, act.params, act.doc, act.variadic), sortText: `2${act.name}` });
  for (const [v, kind] of NAMED_VALUES) items.push({ label: v, kind: CompletionItemKind.EnumMember, detail: kind, sortText: `2${v}` });
  // One item per label (a side `buy` and the action `buy` keep the first: the action in handlers).
  const seen = new Set<string>();
  return items.filter((it) => (seen.has(it.label) ? false : (seen.add(it.label), true)));
}

function innermostContainer(path: Node[], offset: number): "top" | "risk" | "body" {
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i]!;
    if (n.kind === "Risk" && offset > n.start + 4) return "risk";
    if (n.kind === "Block" || n.kind === "Features" || n.kind === "FeatureUnit" || n.kind === "Handler" || n.kind === "Fn" || n.kind === "Param" || n.kind === "Var" || n.kind === "Instrument") {
      return "body";
    }
  }
  return "top";
}

function visibleSymbols(a: Analysis, path: Node[], offset: number): SymbolInfo[] {
  const out = new Map<string, SymbolInfo>();
  for (const sym of a.file.scope.values()) out.set(sym.name, sym);
  const enclosing = path.filter((n) => n.kind === "Handler" || n.kind === "Fn" || n.kind === "FeatureUnit" || n.kind === "For");
  if (enclosing.length > 0) {
    for (const [node, sym] of a.program.symbols) {
      if (sym.file !== a.file.id || node !== sym.decl) continue;
      if (sym.kind !== "let" && sym.kind !== "binding" && sym.kind !== "fn-param" && sym.kind !== "unit-param" && sym.kind !== "for" && sym.kind !== "feature" && sym.kind !== "var") continue;
      if (!enclosing.some((e) => e.start <= sym.decl.start && sym.decl.end <= e.end)) continue;
      if (sym.kind === "let" && !letInScope(a.file.source.text, sym.decl.end, offset)) continue;
      out.set(sym.name, sym);
    }
  }
  return [...out.values()];
}

/**
 * A `let` is in scope once its statement has ended: a line break or `;` lies between its end and
 * the cursor (inside its own initializer, `let x = x…`, it is not yet declared).
 */
function letInScope(text: string, declEnd: number, offset: number): boolean {
  if (declEnd > offset) return false;
  for (let i = declEnd; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 59) return true;
  }
  return false;
}

function memberItems(a: Analysis, obj: string, offset: number): CompletionItem[] {
  const path = pathAt(a.file.ast, offset);
  const sym = visibleSymbols(a, path, offset).find((s) => s.name === obj);
  if (!sym) return [];
  const t = canonical(sym).type.type;
  if (sym.kind === "binding" && sym.bindingOf) {
    const fields = HANDLERS.get(sym.bindingOf)?.bindingFields ?? {};
    return Object.entries(fields).map(([k, v]) => ({ label: k, kind: CompletionItemKind.Field, detail: v }));
  }
  if (typeof t === "object" && t.kind === "unit") return [...t.exports].map(([k, v]) => ({ label: k, kind: CompletionItemKind.Field, detail: typeText(v) }));
  if (typeof t === "object" && t.kind === "outputs") return [...t.fields].map(([k, v]) => ({ label: k, kind: CompletionItemKind.Field, detail: v }));
  if (typeof t === "object" && t.kind === "record") return [];
  return [];
}

// ---------------------------------------------------------------------------------------------
// Definition, references, rename

/** The location of a symbol's declared name. */
function declLocation(a: Analysis, sym: SymbolInfo): Location | undefined {
  const s = canonical(sym);
  const f = a.program.files[s.file];
  if (!f) return undefined;
  return { uri: pathToUri(f.path), range: toRange(f.source, s.nameSpan) };
}

/** Go to definition (an import's name goes to the imported unit or fn). */
export function definition(a: Analysis, pos: Position): Location | null {
  const hit = symbolAt(a, toOffset(a.file.source, pos));
  if (!hit) return null;
  return declLocation(a, hit.sym) ?? null;
}

/**
 * Every occurrence (declaration and references) of the symbol declared at `start` of the file
 * with absolute path `path`, in the given analyses (each location once, even when several
 * programs hold the file).
 */
export function occurrences(analyses: readonly Analysis[], path: string, start: number): Location[] {
  const seen = new Set<string>();
  const out: Location[] = [];
  for (const a of analyses) {
    const paths = a.program.files.map((f) => resolve(f.path));
    for (const [node, sym] of a.program.symbols) {
      if (node.kind !== "Ident" && node.kind !== "Name") continue;
      const s = canonical(sym);
      if (s.nameSpan.start !== start || paths[s.file] !== path) continue;
      const f = a.program.files[node.file];
      if (!f) continue;
      const uri = pathToUri(f.path);
      const id = `${uri}:${node.start}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ uri, range: toRange(f.source, node) });
    }
  }
  return out;
}

/** The name of the symbol at a position (what a file must spell to refer to it), if any. */
export function symbolNameAt(a: Analysis, pos: Position): string | undefined {
  const hit = symbolAt(a, toOffset(a.file.source, pos));
  return hit ? canonical(hit.sym).name : undefined;
}

/** Find references: in `a` and in `all` (the open documents and the workspace's other files). */
export function references(a: Analysis, all: readonly Analysis[], pos: Position, includeDeclaration: boolean): Location[] {
  const hit = symbolAt(a, toOffset(a.file.source, pos));
  if (!hit) return [];
  const s = canonical(hit.sym);
  const decl = declLocation(a, hit.sym);
  const locs = occurrences([a, ...all.filter((x) => x !== a)], resolve(a.program.files[s.file]!.path), s.nameSpan.start);
  if (decl && !locs.some((l) => l.uri === decl.uri && l.range.start.line === decl.range.start.line && l.range.start.character === decl.range.start.character)) locs.unshift(decl);
  if (includeDeclaration || !decl) return locs;
  return locs.filter((l) => !(l.uri === decl.uri && l.range.start.line === decl.range.start.line && l.range.start.character === decl.range.start.character));
}

/** The range to rename at a position, or null when nothing renamable is there. */
export function prepareRename(a: Analysis, pos: Position): Range | null {
  const hit = symbolAt(a, toOffset(a.file.source, pos));
  if (!hit) return null;
  const f = a.program.files[hit.node.file];
  return f ? toRange(f.source, hit.node) : null;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Rename: every occurrence in `a` and `all` (open documents, workspace files); an error when the name is invalid. */
export function rename(a: Analysis, all: readonly Analysis[], pos: Position, newName: string): WorkspaceEdit | { error: string } | null {
  if (!IDENT.test(newName) || KEYWORDS.includes(newName)) return { error: `\`${newName}\` is not a valid name (a letter or _ then letters, digits, _; not a keyword)` };
  const locs = references(a, all, pos, true);
  if (locs.length === 0) return null;
  const changes: Record<string, TextEdit[]> = {};
  for (const l of locs) (changes[l.uri] ??= []).push({ range: l.range, newText: newName });
  return { changes };
}

// ---------------------------------------------------------------------------------------------
// Outline, folding

/** The document outline. */
export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const src = a.file.source;
  const out: DocumentSymbol[] = [];
  const sym = (name: string, kind: LspSymbolKind, node: Node, sel: Node, detail?: string, children?: DocumentSymbol[]): DocumentSymbol => {
    const d: DocumentSymbol = { name: name || "?", kind, range: toRange(src, node), selectionRange: toRange(src, sel) };
    if (detail) d.detail = detail;
    if (children) d.children = children;
    return d;
  };
  const typeOf = (n: Node): string | undefined => {
    const s = a.program.symbols.get(n);
    return s ? typeText(s.type) : undefined;
  };
  for (const item of a.file.ast.items) {
    switch (item.kind) {
      case "Strategy":
        out.push(sym(item.name.name, LspSymbolKind.Class, item, item.name, item.description?.value));
        break;
      case "Instrument":
        out.push(sym(item.name.name, LspSymbolKind.Constant, item, item.name, item.symbol.kind === "String" ? item.symbol.value : undefined));
        break;
      case "Param":
        out.push(sym(item.name.name, LspSymbolKind.Property, item, item.name, typeOf(item)));
        break;
      case "Var":
        out.push(sym(item.name.name, LspSymbolKind.Variable, item, item.name, typeOf(item)));
        break;
      case "Risk":
        out.push(sym("risk", LspSymbolKind.Object, item, item, undefined, item.entries.map((e) => sym(e.key.name, LspSymbolKind.Property, e, e.key))));
        break;
      case "Features":
      case "FeatureUnit": {
        const kids = item.body.filter((s) => s.kind === "FeatureDef").map((s) => sym(s.name.name, LspSymbolKind.Field, s, s.name, typeOf(s)));
        out.push(item.kind === "Features" ? sym("features", LspSymbolKind.Namespace, item, item, undefined, kids) : sym(item.name.name, LspSymbolKind.Module, item, item.name, "feature unit", kids));
        break;
      }
      case "Import":
        for (const n of item.names) out.push(sym(n.name, LspSymbolKind.Module, item, n, `from ${item.from.raw}`));
        break;
      case "Fn":
        out.push(sym(item.name.name, LspSymbolKind.Function, item, item.name, typeOf(item)));
        break;
      case "Handler": {
        const header = src.text.slice(item.start, item.body.start).replace(/\s+/g, " ").trim();
        out.push(sym(header, LspSymbolKind.Event, item, item.event));
        break;
      }
    }
  }
  return out;
}

/** Folding ranges: multi-line blocks and declarations, block comments, runs of line comments. */
export function foldingRanges(a: Analysis): FoldingRange[] {
  const src = a.file.source;
  const out: FoldingRange[] = [];
  const add = (start: number, end: number, kind?: string): void => {
    const s = src.position(start).line - 1;
    const e = src.position(end).line - 1;
    if (e > s) out.push(kind ? { startLine: s, endLine: e, kind } : { startLine: s, endLine: e });
  };
  visit(a.file.ast, (n) => {
    if (n.kind === "Block" || n.kind === "Risk" || n.kind === "Features" || n.kind === "FeatureUnit") add(n.start, Math.max(n.start, n.end - 1));
  });
  let run: { start: number; end: number; line: number } | undefined;
  for (const c of a.file.comments) {
    if (c.kind === "BlockComment") {
      add(c.span.start, c.span.end, "comment");
      continue;
    }
    const line = src.position(c.span.start).line;
    if (run && line === run.line + 1) {
      run.end = c.span.end;
      run.line = line;
    } else {
      if (run) add(run.start, run.end, "comment");
      run = { start: c.span.start, end: c.span.end, line };
    }
  }
  if (run) add(run.start, run.end, "comment");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Semantic tokens

/** The semantic token legend (indices are the token types' numbers). */
export const TOKEN_TYPES = ["keyword", "function", "variable", "parameter", "number", "string", "comment", "operator", "type"] as const;
const T = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<(typeof TOKEN_TYPES)[number], number>;
const KEYWORD_SET = new Set(KEYWORDS);

/** Semantic tokens of the whole document. */
export function semanticTokens(a: Analysis): SemanticTokens {
  const src = a.file.source;
  const text = src.text;
  const classes = new Map<number, number>();
  visit(a.file.ast, (n, parent) => {
    if (n.kind === "TypeRef") classes.set(n.start, T.type);
    else if (n.kind === "Name" || n.kind === "Ident") {
      if (parent?.kind === "Handler" && parent.event === n) return classes.set(n.start, T.keyword), undefined;
      if (parent?.kind === "Call" && parent.callee === n) return classes.set(n.start, T.function), undefined;
      if (parent?.kind === "Member" && parent.member === n && parent.object.kind === "Name" && OPERATORS.some((o) => o.namespace === (parent.object as { name: string }).name)) {
        classes.set(n.start, T.function);
        return;
      }
      const sym = a.program.symbols.get(n);
      if (!sym) return;
      const k = canonical(sym).kind;
      classes.set(n.start, k === "param" || k === "fn-param" || k === "unit-param" ? T.parameter : k === "fn" || k === "feature-unit" ? T.function : T.variable);
    }
  });
  const spans: Array<{ start: number; end: number; type: number }> = [];
  for (const c of a.file.comments) spans.push({ start: c.span.start, end: c.span.end, type: T.comment });
  for (const tok of tokenize(text, a.file.id).tokens) {
    const start = tok.startOffset;
    const end = start + tok.image.length;
    const name = tok.tokenType.name;
    let type: number | undefined;
    if (name === "Identifier") type = classes.get(start);
    else if (KEYWORD_SET.has(tok.image) && /^[a-z]+$/.test(tok.image)) type = T.keyword;
    else if (name === "NumberLiteral" || name === "DurationLiteral") type = T.number;
    else if (name === "StringLiteral" || name === "UnterminatedString") type = T.string;
    else if (/^[-+*/%<>=!.]+$/.test(tok.image) && tok.image !== ".") type = T.operator;
    if (type !== undefined && end > start) spans.push({ start, end, type });
  }
  spans.sort((x, y) => x.start - y.start);
  const builder = new SemanticTokensBuilder();
  let last = -1;
  for (const s of spans) {
    if (s.start < last) continue;
    last = s.end;
    // Tokens may not span lines: split multi-line comments.
    let from = s.start;
    while (from < s.end) {
      const p = src.position(from);
      const lineEnd = Math.min(s.end, src.lineEnd(p.line));
      if (lineEnd > from) builder.push(p.line - 1, p.column - 1, lineEnd - from, s.type, 0);
      const next = src.lineStarts[p.line];
      if (next === undefined) break;
      from = Math.max(next, lineEnd + 1);
    }
  }
  return builder.build();
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** Formatting edits (none when the text has syntax errors or is already formatted). */
export function formatting(a: Analysis): TextEdit[] {
  const text = a.file.source.text;
  const r = formatSource(text);
  if (!r.ok) return [];
  const formatted = keepLineEndings(text, r.text);
  if (formatted === text) return [];
  return [{ range: toRange(a.file.source, { start: 0, end: text.length }), newText: formatted }];
}

// ---------------------------------------------------------------------------------------------
// Code actions

function handlerAt(a: Analysis, offset: number): Handler | undefined {
  for (const item of a.file.ast.items) if (item.kind === "Handler" && item.start <= offset && offset <= item.end) return item;
  return undefined;
}

function callAt(a: Analysis, offset: number): CallExpr | undefined {
  const path = pathAt(a.file.ast, offset);
  for (let i = path.length - 1; i >= 0; i--) if (path[i]!.kind === "Call") return path[i] as CallExpr;
  return undefined;
}

/** Code actions for the diagnostics the client passes back. */
export function codeActions(a: Analysis, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const src = a.file.source;
  const uri = a.uri;
  const out: CodeAction[] = [];
  const edit = (title: string, d: LspDiagnostic, edits: TextEdit[], preferred = true): void => {
    out.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: preferred, edit: { changes: { [uri]: edits } } });
  };
  for (const d of diagnostics) {
    const start = toOffset(src, d.range.start);
    const hint = (d.data as DiagnosticData | undefined)?.hint ?? /\nhint: (.*)$/s.exec(d.message)?.[1];
    const mean = hint ? /did you mean `([^`]+)`\?/.exec(hint) : null;
    if (mean) edit(`Change to \`${mean[1]}\``, d, [{ range: d.range, newText: mean[1]! }]);
    if (d.code === "R0420") {
      const name = /`([^`]+)`/.exec(d.message)?.[1];
      const h = handlerAt(a, start);
      if (name && h) {
        if (h.guard) {
          const g = src.text.slice(h.guard.start, h.guard.end);
          const wrapped = h.guard.kind === "Binary" && h.guard.op === "or" ? `(${g})` : g;
          edit(`Add \`ready(${name})\` to the handler's guard`, d, [{ range: toRange(src, h.guard), newText: `${wrapped} and ready(${name})` }]);
        } else {
          const at = toRange(src, { start: h.body.start, end: h.body.start });
          edit(`Add \`when ready(${name})\` to the handler`, d, [{ range: at, newText: `when ready(${name}) ` }]);
        }
      }
    }
    if (d.code === "R0401" || d.code === "R0402") {
      const call = callAt(a, start);
      const resolved = call ? a.program.calls.get(call) : undefined;
      const limitEntry = a.file.risk.get("max_order_qty")?.entry;
      const limit = limitEntry ? src.text.slice(limitEntry.value.start, limitEntry.value.end) : /max_order_qty (\S+) /.exec(d.message)?.[1];
      const qty = resolved && resolved.kind === "action" ? (resolved.args.get("qty") ?? resolved.args.get("size")) : undefined;
      if (qty && limit) {
        const q = src.text.slice(qty.start, qty.end);
        edit(`Clamp the quantity to max_order_qty (\`min(${q}, ${limit})\`)`, d, [{ range: toRange(src, qty), newText: `min(${q}, ${limit})` }]);
      }
    }
    if (d.code === "E0201" || d.code === "E0204") {
      const name = /unknown (?:name|function) `([A-Za-z_][A-Za-z0-9_]*)`/.exec(d.message)?.[1];
      if (name) {
        const imp = findUnitFile(a, name);
        if (imp) edit(`Import \`${name}\` from "${imp}"`, d, [{ range: toRange(src, { start: importOffset(a), end: importOffset(a) }), newText: `import ${name} from "${imp}"\n` }], !mean);
      }
    }
  }
  return out;
}

/** Where a new import goes: after the last import, else after the strategy line, else at the top. */
function importOffset(a: Analysis): number {
  const items = a.file.ast.items;
  const anchor = [...items].reverse().find((i) => i.kind === "Import") ?? items.find((i) => i.kind === "Strategy");
  if (!anchor) return 0;
  const line = a.file.source.position(anchor.end).line;
  return a.file.source.lineStarts[line] ?? a.file.source.text.length;
}

/** A sibling `.algo` file (same directory) declaring a feature unit named `name`, as `./file.algo`. */
function findUnitFile(a: Analysis, name: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(resolve(a.file.path));
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith(".algo") || resolve(join(dir, f)) === resolve(a.file.path)) continue;
      const text = nodeHost.readFile(join(dir, f));
      if (text === undefined || !text.includes(name)) continue;
      const ast: Program = parse(text, 0).ast;
      if (ast.items.some((i) => i.kind === "FeatureUnit" && i.name.name === name)) return `./${basename(f)}`;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Children of a node (re-exported for tests of the walker). */
export { childrenOf };
/** The source of a file (re-exported type for callers). */
export type { SourceFile };
