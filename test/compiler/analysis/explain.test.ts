/**
 * `algo check --explain-risk`: per order, what was proven and from which path conditions; an
 * unsafe order shows its counterexample.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeRisk, renderRiskExplanation } from "../../../compiler/analysis/index.js";
import { checkProgram } from "../../../compiler/index.js";
import { REPO, repoHost } from "../check/golden-support.js";

function explain(rel: string): string {
  const p = checkProgram([{ path: rel, text: readFileSync(join(REPO, rel), "utf8") }], { host: repoHost });
  return renderRiskExplanation(p, analyzeRisk(p).reports);
}

describe("risk explanation", () => {
  it("lists every order of a safe strategy with its proven limits and conditions", () => {
    const text = explain("test/fixtures/risk/safe/guard-through-let.algo");
    expect(text).toMatch(/guard-through-let\.algo:\d+:\d+: buy\(es, size\)/);
    expect(text).toMatch(/under: `size <= room`/);
    expect(text).toMatch(/max_order_qty +proven +size ≤ 5/);
    expect(text).toMatch(/max_position +proven/);
    expect(text).toMatch(/on book: at most 1 order\(s\) per event/);
  });

  it("shows the counterexample of a violated limit", () => {
    const text = explain("test/fixtures/risk/unsafe/qty-param-edge.algo");
    expect(text).toMatch(/max_order_qty +VIOLATED +size = 6, exposure\(es, buy\) = 4 → 6 > max_order_qty 5/);
  });
});
