/**
 * `--format sarif`: a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format) with one
 * run: tool.driver lists every code of the diagnostics table as a rule, each diagnostic becomes a
 * result with a physical location (1-based region, end column exclusive) and related locations.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { SourceFile } from "../../grammar/index.js";
import { DIAGNOSTIC_TABLE } from "./codes.js";
import type { Diagnostic, Span } from "./diagnostic.js";

/** Options of the SARIF renderer. */
export interface SarifOptions {
  /** The tool's version (package version). */
  toolVersion: string;
}

function artifactUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return encodeURI(path.split("\\").join("/"));
}

function physicalLocation(span: Span, files: readonly SourceFile[]): object {
  const f = files[span.file];
  if (!f) return { artifactLocation: { uri: "unknown" } };
  const s = f.position(span.start);
  const e = f.position(Math.max(span.start, span.end));
  return {
    artifactLocation: { uri: artifactUri(f.path) },
    region: { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column },
  };
}

/** Builds the SARIF log object. */
export function toSarif(ds: readonly Diagnostic[], files: readonly SourceFile[], options: SarifOptions): object {
  const ruleIndex = new Map<string, number>(DIAGNOSTIC_TABLE.map((d, i) => [d.code, i]));
  const rules = DIAGNOSTIC_TABLE.map((d) => ({
    id: d.code,
    name: d.name,
    shortDescription: { text: d.template },
    fullDescription: { text: d.explanation },
    defaultConfiguration: { level: d.severity === "error" ? "error" : "warning" },
    help: { text: d.explanation },
  }));
  const results = ds.map((d) => {
    const r: Record<string, unknown> = {
      ruleId: d.code,
      level: d.severity === "error" ? "error" : "warning",
      message: { text: d.hint === undefined ? d.message : `${d.message}\nhint: ${d.hint}` },
      locations: [{ physicalLocation: physicalLocation(d.span, files) }],
    };
    const idx = ruleIndex.get(d.code);
    if (idx !== undefined) r.ruleIndex = idx;
    if (d.related.length > 0) {
      r.relatedLocations = d.related.map((rel, i) => ({
        id: i,
        physicalLocation: physicalLocation(rel.span, files),
        message: { text: rel.message },
      }));
    }
    return r;
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "algo",
            semanticVersion: options.toolVersion,
            version: options.toolVersion,
            rules,
          },
        },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

/** The text of `--format sarif` (pretty-printed, trailing newline). */
export function renderSarif(ds: readonly Diagnostic[], files: readonly SourceFile[], options: SarifOptions): string {
  return `${JSON.stringify(toSarif(ds, files, options), null, 2)}\n`;
}
