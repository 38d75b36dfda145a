/**
 * Golden diagnostics: every test/fixtures/diag/<area>/<what>.algo is checked and rendered
 * (pretty, no colour) and compared with <what>.diag beside it. Files under a `lib/` folder are
 * only import targets of other fixtures. `UPDATE_GOLDEN=1` (npm run test:update) rewrites the
 * .diag files instead; review the diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_TABLE, RISK_CODES } from "../../../compiler/index.js";
import { REPO, renderFixture, repoRelative } from "./golden-support.js";

const ROOT = join(REPO, "test/fixtures/diag");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function fixtures(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "lib") out.push(...fixtures(p));
    } else if (e.name.endsWith(".algo")) out.push(p);
  }
  return out;
}

const all = fixtures(ROOT);

describe("golden diagnostics", () => {
  it("has at least 60 fixtures", () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
  });

  for (const abs of all) {
    const rel = repoRelative(abs);
    it(rel, () => {
      const actual = renderFixture(rel);
      const diagPath = abs.replace(/\.algo$/, ".diag");
      if (UPDATE || !existsSync(diagPath)) {
        if (!UPDATE) throw new Error(`${diagPath} is missing; run \`npm run test:update\` and review it`);
        writeFileSync(diagPath, actual);
        return;
      }
      expect(actual).toBe(readFileSync(diagPath, "utf8"));
    });
  }

  it("covers every front-end code (E01xx, E02xx, E03xx, W05xx; not the back end's) of the table", () => {
    const text = all.map((a) => {
      const d = a.replace(/\.algo$/, ".diag");
      return existsSync(d) ? readFileSync(d, "utf8") : "";
    }).join("\n");
    const backEnd = new Set(RISK_CODES.map((d) => d.code));
    const missing = DIAGNOSTIC_TABLE.filter((d) => /^(E01|E02|E03|W05)/.test(d.code) && !backEnd.has(d.code))
      .map((d) => d.code)
      .filter((code) => !text.includes(`[${code}]`));
    expect(missing).toEqual([]);
  });
});
