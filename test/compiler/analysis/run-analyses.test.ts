/**
 * `runAnalyses(program, analyses)` (compiler/index.ts): the language server checks the front end
 * alone, publishes, then runs the analyses; what it gets must equal what `checkProgram` reports.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram, compareDiagnostics, registeredAnalyses, runAnalyses } from "../../../compiler/index.js";
import { REPO, repoHost } from "../check/golden-support.js";

const FILES = ["test/fixtures/risk/unsafe/qty-param-edge.algo", "test/fixtures/risk/safe/guard-through-let.algo", "examples/ema_cross.algo"];

describe("runAnalyses", () => {
  for (const rel of FILES) {
    it(`front end + runAnalyses = checkProgram (${rel})`, () => {
      const text = readFileSync(join(REPO, rel), "utf8");
      const full = checkProgram([{ path: rel, text }], { host: repoHost });
      const front = checkProgram([{ path: rel, text }], { host: repoHost, analyses: [] });
      const before = [...front.diagnostics];
      const extra = runAnalyses(front);
      // The program is not modified.
      expect(front.diagnostics).toEqual(before);
      expect([...front.diagnostics, ...extra].sort(compareDiagnostics)).toEqual(full.diagnostics);
    });
  }

  it("runs only the analyses given, and none on a program with front-end errors", () => {
    const rel = "test/fixtures/risk/unsafe/qty-param-edge.algo";
    const text = readFileSync(join(REPO, rel), "utf8");
    const front = checkProgram([{ path: rel, text }], { host: repoHost, analyses: [] });
    const risk = registeredAnalyses().filter((a) => a.name === "risk");
    const onlyRisk = runAnalyses(front, risk);
    expect(onlyRisk.length).toBeGreaterThan(0);
    expect(onlyRisk.every((d) => d.code.startsWith("R"))).toBe(true);
    expect(runAnalyses(front, [])).toEqual([]);
    const broken = checkProgram([{ path: "x.algo", text: "strategy X\nparam p: int = \n" }], { analyses: [] });
    expect(broken.diagnostics.some((d) => d.severity === "error")).toBe(true);
    expect(runAnalyses(broken)).toEqual([]);
  });
});
