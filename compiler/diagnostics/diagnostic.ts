/**
 * The one diagnostic shape used everywhere (CLI, language server, tests), and the helpers that
 * create diagnostics from the code table. Call sites never write message strings: they pass a
 * table entry and its placeholder values (`diag(Codes.UnknownName, span, { name })`).
 */
import type { Span, SyntaxDiagnostic } from "../../grammar/index.js";
import { fillTemplate, type DiagnosticDef, type Severity, type TemplateArgs } from "./definition.js";

export type { Span };

/** A secondary location with its own short message ("first defined here"). */
export interface RelatedInfo {
  span: Span;
  message: string;
}

/** A diagnostic: stable code, severity, message, primary span, related spans, optional hint. */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  related: RelatedInfo[];
  hint?: string;
}

/** Optional parts of a diagnostic beyond the code's template. */
export interface DiagnosticExtras {
  related?: RelatedInfo[];
  hint?: string;
}

/** Creates a diagnostic from a table entry; `args` fill the template's placeholders. */
export function diag<T extends string>(
  def: DiagnosticDef<T>,
  span: Span,
  args: TemplateArgs<T>,
  extras: DiagnosticExtras = {},
): Diagnostic {
  const d: Diagnostic = {
    code: def.code,
    severity: def.severity,
    message: fillTemplate(def.template, args as Record<string, string | number>),
    span,
    related: extras.related ?? [],
  };
  if (extras.hint !== undefined) d.hint = extras.hint;
  return d;
}

/** Fills a hint template (from `Hints`) with its placeholder values. */
export function hint<T extends string>(template: T, args: TemplateArgs<T>): string {
  return fillTemplate(template, args as Record<string, string | number>);
}

/** Turns the parser's syntax diagnostic into the common shape (all syntax diagnostics are errors). */
export function fromSyntaxDiagnostic(s: SyntaxDiagnostic): Diagnostic {
  const d: Diagnostic = {
    code: s.code,
    severity: "error",
    message: s.message,
    span: s.span,
    related: s.related ? s.related.map((r) => ({ span: r.span, message: r.message })) : [],
  };
  if (s.hint !== undefined) d.hint = s.hint;
  return d;
}

/** Orders diagnostics by file, then start offset, then code (stable output for goldens). */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.span.file - b.span.file || a.span.start - b.span.start || a.span.end - b.span.end ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
