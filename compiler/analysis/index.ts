/**
 * The back end's analyses (risk, warm-up, division).
 *
 * Look-ahead needs no pass of its own: features update only from events already replayed, bars
 * reach features and handlers only once closed (the engine delivers an OHLCV record at its end
 * time), and the only way to index time — `x[k]`, `lag`, `diff` — is checked by the front end to be
 * a non-negative constant over every param value in range (E0212, E0231). compiler/index.ts runs them by
 * default after a clean front end, so `algo check`, `algo build` and the language server all
 * report them. (This module must not import compiler/index.ts at run time: it is imported by it.)
 */
import type { Analysis } from "../index.js";
import { analyzeDivision } from "./division.js";
import { analyzeRisk } from "./risk.js";
import { analyzeWarmup } from "./warmup.js";

export { analyzeRisk, type RiskReport, type OrderProof, type CheckResult, type Outcome } from "./risk.js";
export { analyzeWarmup } from "./warmup.js";
export { analyzeDivision } from "./division.js";
export { renderRiskExplanation } from "./explain.js";

/** The analyses, in the order they run. */
export const BACKEND_ANALYSES: readonly Analysis[] = [
  { name: "risk", run: (p) => analyzeRisk(p).diagnostics },
  { name: "warmup", run: analyzeWarmup },
  { name: "division", run: analyzeDivision },
];
