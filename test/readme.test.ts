/**
 * The README keeps its promises: its first command backtests the shipped example and writes the
 * report; its strategy snippet checks clean, and without the position guard it is refused with the
 * counterexample the README quotes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram, memoryHost } from "../compiler/index.js";
import { REPO_ROOT } from "./support/shared-data.js";

const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

describe("README", () => {
  it("first command: backtests the shipped example and writes the report", () => {
    const m = /npm install && npx algo (backtest [^\n]+)/.exec(readme);
    expect(m).not.toBeNull();
    const out = mkdtempSync(join(tmpdir(), "algo-readme-"));
    try {
      const args = m![1]!.split(/\s+/).map((a) => (a === "out" ? join(out, "out") : a));
      const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin/algo.js"), ...args], { cwd: REPO_ROOT, encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Backtest ImbalanceMaker/);
      for (const f of ["report.html", "report.json", "trades.csv", "fills.csv", "equity.csv"]) expect(existsSync(join(out, "out", f))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("its strategy checks clean, and is refused with the quoted counterexample without the guard", () => {
    const code = /```algo\n([\s\S]*?)```/.exec(readme)![1]!;
    const clean = checkProgram([{ path: "r.algo", text: code }], { host: memoryHost({ "r.algo": code }) });
    expect(clean.diagnostics).toEqual([]);
    const unguarded = code.replace(" and exposure(es, buy) + size <= 10", "");
    const bad = checkProgram([{ path: "r.algo", text: unguarded }], { host: memoryHost({ "r.algo": unguarded }) });
    const quoted = /counterexample:\n`([^`]+)`/.exec(readme)![1]!;
    expect(bad.diagnostics.map((d) => d.code)).toEqual(["R0403"]);
    expect(bad.diagnostics[0]!.hint).toContain(quoted);
  });
});
