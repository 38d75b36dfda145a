/**
 * The single table of diagnostic codes: the grammar's syntax codes (E01xx), the front end's names,
 * types, units and lints (E02xx, E03xx, W05xx) and the back end's risk codes (R04xx). `algo
 * explain`, the SARIF renderer's rules and the golden-coverage test read this table.
 */
import { SYNTAX_CODES } from "../../grammar/index.js";
import type { DiagnosticDef } from "./definition.js";
import { Codes } from "./front-end-codes.js";
import { RISK_CODES } from "./risk-codes.js";

export { Codes, Hints } from "./front-end-codes.js";
export { RISK_CODES } from "./risk-codes.js";

const syntaxDefs: DiagnosticDef[] = SYNTAX_CODES.map((s) => ({
  code: s.code,
  name: s.name,
  severity: "error" as const,
  template: s.template,
  explanation: s.explanation,
}));

/** Every diagnostic code, sorted by code. */
export const DIAGNOSTIC_TABLE: readonly DiagnosticDef[] = [
  ...syntaxDefs,
  ...(Object.values(Codes) as DiagnosticDef[]),
  ...RISK_CODES,
].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

const byCode = new Map<string, DiagnosticDef>(DIAGNOSTIC_TABLE.map((d) => [d.code, d]));

/** Looks a code up ("E0203", case-insensitive), or undefined. */
export function findDiagnosticDef(code: string): DiagnosticDef | undefined {
  return byCode.get(code.toUpperCase());
}
