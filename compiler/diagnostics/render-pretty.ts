/**
 * The terminal rendering of diagnostics, in the style of rustc and Elm:
 *
 *   error[E0201]: unknown name `emaa`
 *    --> strat.algo:12:11
 *      |
 *   12 |   trend = emaa(mid, 20)
 *      |           ^^^^
 *      = hint: did you mean `ema`?
 *
 * Related spans follow as further source excerpts underlined with `-` and their message. Colour
 * comes from picocolors and only when the caller asks (the CLI asks when stdout is a TTY).
 */
import { createColors } from "picocolors";
import type { SourceFile } from "../../grammar/index.js";
import type { Diagnostic, Span } from "./diagnostic.js";

/** Options of the pretty renderer. */
export interface PrettyOptions {
  /** ANSI colours (only for a TTY; never in tests). */
  color?: boolean;
}

type Colors = ReturnType<typeof createColors>;

/** Renders one diagnostic; `files[span.file]` is the source the span points into. */
export function renderPretty(d: Diagnostic, files: readonly SourceFile[], options: PrettyOptions = {}): string {
  const c = createColors(options.color === true);
  const sevColor = d.severity === "error" ? c.red : c.yellow;
  const out: string[] = [];
  out.push(`${c.bold(sevColor(`${d.severity}[${d.code}]`))}${c.bold(`: ${d.message}`)}`);
  const spans = [d.span, ...d.related.map((r) => r.span)];
  const gutter = Math.max(...spans.map((s) => String(lineOf(files, s)).length));
  const pad = " ".repeat(gutter);
  out.push(...excerpt(files, d.span, "^", "", pad, c, sevColor, true));
  for (const r of d.related) {
    out.push(...excerpt(files, r.span, "-", r.message, pad, c, c.cyan, r.span.file !== d.span.file));
  }
  if (d.hint !== undefined) out.push(`${pad} ${c.blue("=")} ${c.bold("hint")}: ${d.hint}`);
  return out.join("\n");
}

/** Renders many diagnostics separated by blank lines (no summary). */
export function renderPrettyAll(ds: readonly Diagnostic[], files: readonly SourceFile[], options: PrettyOptions = {}): string {
  return ds.map((d) => renderPretty(d, files, options)).join("\n\n");
}

/** "2 errors, 1 warning in 3 files" (or "no problems in 1 file"). */
export function summaryLine(ds: readonly Diagnostic[], fileCount: number): string {
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.length - errors;
  const files = `${fileCount} ${fileCount === 1 ? "file" : "files"}`;
  if (errors === 0 && warnings === 0) return `no problems in ${files}`;
  const parts: string[] = [];
  if (errors > 0) parts.push(`${errors} ${errors === 1 ? "error" : "errors"}`);
  if (warnings > 0) parts.push(`${warnings} ${warnings === 1 ? "warning" : "warnings"}`);
  return `${parts.join(", ")} in ${files}`;
}

function lineOf(files: readonly SourceFile[], s: Span): number {
  const f = files[s.file];
  return f ? f.position(s.start).line : 0;
}

function excerpt(
  files: readonly SourceFile[],
  span: Span,
  mark: string,
  label: string,
  pad: string,
  c: Colors,
  markColor: (s: string) => string,
  showLocation: boolean,
): string[] {
  const f = files[span.file];
  if (!f) return label ? [`${pad} ${c.blue("=")} note: ${label}`] : [];
  const start = f.position(span.start);
  const out: string[] = [];
  if (showLocation) out.push(`${pad}${c.blue("-->")} ${f.path}:${start.line}:${start.column}`);
  const text = f.lineText(start.line);
  const lineEndOffset = f.lineEnd(start.line);
  const endOffset = Math.max(span.start, Math.min(span.end, lineEndOffset));
  const width = Math.max(1, endOffset - Math.max(span.start, 0));
  // The caret prefix copies tabs from the source line so the marks line up under any tab width.
  let prefix = "";
  for (let i = 0; i < start.column - 1 && i < text.length; i++) prefix += text[i] === "\t" ? "\t" : " ";
  const num = String(start.line).padStart(pad.length);
  out.push(`${pad} ${c.blue("|")}`);
  out.push(`${c.blue(num)} ${c.blue("|")} ${text}`.trimEnd());
  const marks = markColor(mark.repeat(width)) + (label ? ` ${markColor(label)}` : "");
  out.push(`${pad} ${c.blue("|")} ${prefix}${marks}`);
  return out;
}
