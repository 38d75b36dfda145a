/**
 * Carrying the analyses' diagnostics of an earlier version onto a new front end, for the first
 * publish of a version whose analyses have not run yet (the editor keeps showing what it showed,
 * moved with the text, instead of dropping every risk error for a moment — what VS Code does with
 * tsserver's semantic diagnostics while they are recomputed). The fresh analyses replace them as
 * soon as they have run; see server.ts.
 */
import { resolve } from "node:path";
import type { Diagnostic, Span } from "../../compiler/index.js";
import { editRegion, mapOffset, type EditRegion } from "./text-diff.js";
import type { Analysis, BackEnd } from "./workspace.js";

/**
 * The earlier analyses' diagnostics with their spans moved into `front`'s program: spans in the
 * document go through the edit between the two texts; spans in other files stay where they were
 * when that file's text is unchanged. A diagnostic whose primary span cannot be placed is dropped
 * (the fresh analyses will say whether it still holds), so are related spans that cannot.
 */
export function carryDiagnostics(old: BackEnd, front: Analysis): Diagnostic[] {
  if (old.diagnostics.length === 0) return [];
  const before = old.front.program;
  const after = front.program;
  const region = editRegion(old.front.file.source.text, front.file.source.text);
  const byPath = new Map<string, number>();
  for (const f of after.files) byPath.set(resolve(f.path), f.id);
  // Old file id → [new file id, region to map through (the document only)] or undefined.
  const target = before.files.map((f): [number, EditRegion | undefined] | undefined => {
    if (f.id === old.front.file.id) return [front.file.id, region];
    const id = byPath.get(resolve(f.path));
    if (id === undefined || id === front.file.id || after.files[id]!.source.text !== f.source.text) return undefined;
    return [id, undefined];
  });
  const move = (s: Span): Span | undefined => {
    const t = target[s.file];
    if (!t) return undefined;
    const [file, r] = t;
    if (!r) return { file, start: s.start, end: s.end };
    return { file, start: mapOffset(r, s.start, "start"), end: Math.max(mapOffset(r, s.start, "start"), mapOffset(r, s.end, "end")) };
  };
  const out: Diagnostic[] = [];
  for (const d of old.diagnostics) {
    const span = move(d.span);
    if (!span) continue;
    const related = [];
    for (const r of d.related) {
      const rs = move(r.span);
      if (rs) related.push({ span: rs, message: r.message });
    }
    const c: Diagnostic = { code: d.code, severity: d.severity, message: d.message, span, related };
    if (d.hint !== undefined) c.hint = d.hint;
    out.push(c);
  }
  return out;
}

/** True when two lists hold the same diagnostics (code, severity, message, hint, spans) in order. */
export function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.code !== y.code || x.severity !== y.severity || x.message !== y.message || x.hint !== y.hint || !sameSpan(x.span, y.span)) return false;
    if (x.related.length !== y.related.length) return false;
    for (let k = 0; k < x.related.length; k++) {
      if (x.related[k]!.message !== y.related[k]!.message || !sameSpan(x.related[k]!.span, y.related[k]!.span)) return false;
    }
  }
  return true;
}

function sameSpan(a: Span, b: Span): boolean {
  return a.file === b.file && a.start === b.start && a.end === b.end;
}
