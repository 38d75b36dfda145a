/**
 * `--format json`: one array of plain objects, positions 1-based; `endLine`/`endColumn` point
 * just past the span (exclusive), as in LSP and SARIF.
 */
import type { SourceFile } from "../../grammar/index.js";
import type { Diagnostic, Span } from "./diagnostic.js";

/** A location in JSON output. */
export interface JsonLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One diagnostic in JSON output. */
export interface JsonDiagnostic extends JsonLocation {
  code: string;
  severity: "error" | "warning";
  message: string;
  hint: string | null;
  related: Array<JsonLocation & { message: string }>;
}

/** Converts a span to a JSON location (unknown file id → path "<unknown>", line 1). */
export function jsonLocation(span: Span, files: readonly SourceFile[]): JsonLocation {
  const f = files[span.file];
  if (!f) return { file: "<unknown>", line: 1, column: 1, endLine: 1, endColumn: 1 };
  const s = f.position(span.start);
  const e = f.position(Math.max(span.start, span.end));
  return { file: f.path, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

/** The JSON objects of `--format json`. */
export function toJsonDiagnostics(ds: readonly Diagnostic[], files: readonly SourceFile[]): JsonDiagnostic[] {
  return ds.map((d) => ({
    ...jsonLocation(d.span, files),
    code: d.code,
    severity: d.severity,
    message: d.message,
    hint: d.hint ?? null,
    related: d.related.map((r) => ({ ...jsonLocation(r.span, files), message: r.message })),
  }));
}

/** The text of `--format json` (pretty-printed, trailing newline). */
export function renderJson(ds: readonly Diagnostic[], files: readonly SourceFile[]): string {
  return `${JSON.stringify(toJsonDiagnostics(ds, files), null, 2)}\n`;
}
