/**
 * Golden diagnostics of the back end's analyses (risk, warm-up, look-ahead, division): every
 * test/fixtures/risk/**.algo is checked with all analyses and rendered like `algo check`, then
 * compared with the .diag beside it. Fixtures under safe/ must produce no R04xx diagnostic; under
 * unsafe/ every order error carries a counterexample; under unknown/ every error is an "unknown".
 * `UPDATE_GOLDEN=1` rewrites the .diag files.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram, renderPrettyAll, summaryLine, RISK_CODES } from "../../../compiler/index.js";
import { REPO, repoHost, repoRelative } from "../check/golden-support.js";

const ROOT = join(REPO, "test/fixtures/risk");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function fixtures(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...fixtures(p));
    else if (e.name.endsWith(".algo")) out.push(p);
  }
  return out;
}

function check(rel: string) {
  const text = readFileSync(join(REPO, rel), "utf8");
  return checkProgram([{ path: rel, text }], { host: repoHost });
}

const all = fixtures(ROOT);

describe("risk and safety analyses: golden diagnostics", () => {
  it("has at least 30 fixtures", () => {
    expect(all.length).toBeGreaterThanOrEqual(30);
  });

  for (const abs of all) {
    const rel = repoRelative(abs);
    it(rel, () => {
      const p = check(rel);
      const body = renderPrettyAll(p.diagnostics, p.sources, { color: false });
      const actual = `${body}${body ? "\n\n" : ""}${summaryLine(p.diagnostics, p.files.length)}\n`;
      // Front-end errors would hide the analyses: fixtures must be clean programs.
      expect(p.diagnostics.filter((d) => /^E0[123]/.test(d.code))).toEqual([]);
      const risk = p.diagnostics.filter((d) => d.code.startsWith("R04"));
      if (rel.includes("/safe/")) expect(risk.map((d) => d.code)).toEqual([]);
      if (rel.includes("/unsafe/")) {
        expect(risk.length).toBeGreaterThan(0);
        for (const d of risk.filter((x) => ["R0401", "R0403", "R0405"].includes(x.code))) expect(d.hint).toMatch(/counterexample: .*→/);
      }
      if (rel.includes("/unknown/")) {
        expect(risk.length).toBeGreaterThan(0);
        expect(risk.every((d) => ["R0402", "R0404", "R0406"].includes(d.code))).toBe(true);
      }
      const diagPath = abs.replace(/\.algo$/, ".diag");
      if (UPDATE || !existsSync(diagPath)) {
        if (!UPDATE) throw new Error(`${diagPath} is missing; run \`npm run test:update\` and review it`);
        writeFileSync(diagPath, actual);
        return;
      }
      expect(actual).toBe(readFileSync(diagPath, "utf8"));
    });
  }

  it("covers every back-end code except the code-generation limit", () => {
    const text = all.map((a) => (existsSync(a.replace(/\.algo$/, ".diag")) ? readFileSync(a.replace(/\.algo$/, ".diag"), "utf8") : "")).join("\n");
    const missing = RISK_CODES.filter((d) => !d.code.startsWith("E06") && !text.includes(`[${d.code}]`)).map((d) => d.code);
    expect(missing).toEqual([]);
  });
});
