/**
 * Every example in examples/ checks clean as `algo check` runs it (front end and the back end's
 * risk, warm-up, look-ahead and division analyses): no error and no warning (imports included).
 * The set holds the five strategies and the feature graph the README promises.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderPrettyAll } from "../compiler/index.js";
import { REPO, checkRepoFile } from "./compiler/check/golden-support.js";

const examples = readdirSync(join(REPO, "examples")).filter((f) => f.endsWith(".algo")).sort();

describe("examples", () => {
  it("has at least 5 strategies and 1 standalone feature graph", () => {
    const kinds = examples.map((f) => checkRepoFile(`examples/${f}`).files[0]!.kind);
    expect(kinds.filter((k) => k === "strategy").length).toBeGreaterThanOrEqual(5);
    expect(kinds.filter((k) => k === "feature-unit").length).toBeGreaterThanOrEqual(1);
  });

  for (const f of examples) {
    it(`${f} checks with no errors and no warnings`, () => {
      const p = checkRepoFile(`examples/${f}`, true);
      expect(renderPrettyAll(p.diagnostics, p.sources)).toBe("");
    });
  }

  it("a strategy imports the feature graph", () => {
    const p = checkRepoFile("examples/imbalance_maker.algo");
    expect(p.files.map((f) => f.path)).toContain("examples/micro.algo");
  });
});
