/**
 * `algo check --explain-risk`: per order, what the risk analysis proved (or why not) and from
 * which path conditions.
 */
import type { CheckedProgram } from "../check/program.js";
import type { RiskReport } from "./risk.js";

/** Renders the risk reports as plain text, one block per order. */
export function renderRiskExplanation(program: CheckedProgram, reports: readonly RiskReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const src = program.sources[r.file]!;
    const path = program.files[r.file]!.path;
    if (r.orders.length === 0) {
      lines.push(`${path}: no order-sending action`);
      continue;
    }
    for (const o of r.orders) {
      const lc = src.position(o.span.start);
      const text = src.text.slice(o.span.start, o.span.end).replace(/\s+/g, " ");
      lines.push(`${path}:${lc.line}:${lc.column}: ${text}`);
      lines.push(`  reached on ${o.paths} path(s)${o.conditions.length ? ` under: ${o.conditions.map((c) => `\`${c}\``).join(", ")}` : ""}`);
      for (const c of o.checks) {
        const word = c.outcome === "safe" ? "proven" : c.outcome === "unsafe" ? "VIOLATED" : "unknown";
        lines.push(`  ${c.limit.padEnd(13)} ${word.padEnd(8)} ${c.detail}`);
      }
    }
    for (const h of r.ordersPerEvent) {
      const lc = src.position(h.handler.start);
      lines.push(`${path}:${lc.line}:${lc.column}: on ${h.kind}: at most ${h.count} order(s) per event`);
    }
  }
  return lines.join("\n") + "\n";
}
