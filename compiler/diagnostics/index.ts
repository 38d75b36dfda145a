/**
 * The face of compiler/diagnostics: the code table, the diagnostic shape and helpers, and the
 * three renderers (pretty, JSON, SARIF).
 */
export { DIAGNOSTIC_TABLE, findDiagnosticDef, Codes, Hints, RISK_CODES } from "./codes.js";
export { fillTemplate, type DiagnosticDef, type Severity, type TemplateArgs, type Placeholders } from "./definition.js";
export {
  diag,
  hint,
  fromSyntaxDiagnostic,
  compareDiagnostics,
  hasErrors,
  type Diagnostic,
  type RelatedInfo,
  type DiagnosticExtras,
  type Span,
} from "./diagnostic.js";
export { renderPretty, renderPrettyAll, summaryLine, type PrettyOptions } from "./render-pretty.js";
export { renderJson, toJsonDiagnostics, jsonLocation, type JsonDiagnostic, type JsonLocation } from "./render-json.js";
export { renderSarif, toSarif, type SarifOptions } from "./render-sarif.js";
