/**
 * Conversions between the compiler's shapes (UTF-16 offsets, 1-based line/column, Diagnostic)
 * and the protocol's (0-based Position/Range, LSP Diagnostic). The compiler's Diagnostic is the
 * only source: this file only changes its shape.
 */
import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  type Position,
  type Range,
} from "vscode-languageserver";
import type { Span, SourceFile } from "../../grammar/index.js";
import type { CheckedProgram, Diagnostic } from "../../compiler/index.js";
import type { Analysis } from "./workspace.js";
import { pathToUri } from "./workspace.js";

/** The protocol position of a UTF-16 offset. */
export function toPosition(source: SourceFile, offset: number): Position {
  const p = source.position(offset);
  return { line: p.line - 1, character: p.column - 1 };
}

/** The protocol range of a span's offsets. */
export function toRange(source: SourceFile, span: { start: number; end: number }): Range {
  return { start: toPosition(source, span.start), end: toPosition(source, Math.max(span.start, span.end)) };
}

/** The UTF-16 offset of a protocol position (clamped into the file and the line). */
export function toOffset(source: SourceFile, pos: Position): number {
  return source.offset(pos.line + 1, pos.character + 1);
}

/** The data attached to each published diagnostic (read back by code actions). */
export interface DiagnosticData {
  hint?: string;
}

/** Converts one compiler diagnostic of the program's file `span.file`. */
export function toLspDiagnostic(d: Diagnostic, program: CheckedProgram): LspDiagnostic {
  const source = program.sources[d.span.file]!;
  const out: LspDiagnostic = {
    range: toRange(source, d.span),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: "algo",
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    data: (d.hint ? { hint: d.hint } : {}) satisfies DiagnosticData,
  };
  const related = d.related
    .filter((r) => program.sources[r.span.file] !== undefined)
    .map((r) => ({ location: { uri: pathToUri(program.sources[r.span.file]!.path), range: toRange(program.sources[r.span.file]!, r.span) }, message: r.message }));
  if (related.length > 0) out.relatedInformation = related;
  return out;
}

/**
 * The diagnostics to publish for a document (`diagnostics` are spans of its program: by default
 * the front end's): its own file's, plus one per error in a file it imports, shown on the
 * `import` that leads there (with the real location as related info).
 */
export function documentDiagnostics(a: Analysis, diagnostics: readonly Diagnostic[] = a.program.diagnostics): LspDiagnostic[] {
  const { program, file } = a;
  const out: LspDiagnostic[] = [];
  for (const d of diagnostics) {
    if (d.span.file === file.id) {
      out.push(toLspDiagnostic(d, program));
      continue;
    }
    if (d.severity !== "error") continue;
    const imp = file.imports.find((i) => i.file === d.span.file) ?? file.imports[0];
    if (!imp) continue;
    const other = program.sources[d.span.file]!;
    const p = other.position(d.span.start);
    out.push({
      range: toRange(file.source, imp.decl.from),
      severity: DiagnosticSeverity.Error,
      code: d.code,
      source: "algo",
      message: `in ${other.path}:${p.line}:${p.column}: ${d.message}`,
      relatedInformation: [{ location: { uri: pathToUri(other.path), range: toRange(other, d.span) }, message: d.message }],
    });
  }
  return out;
}

/** True when a span belongs to the file with this id. */
export function inFile(span: Span, id: number): boolean {
  return span.file === id;
}
