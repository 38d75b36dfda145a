/**
 * Every complete program shown in the docs (a ```algo block with a `strategy` declaration and at
 * least one `on` handler) passes `algo check` without errors: a reader copying one gets a program
 * that compiles. Fragments (no handler) are left to the grammar's own tests.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkText } from "../compiler/index.js";

const REPO = join(import.meta.dirname, "..");
const files = [...readdirSync(join(REPO, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`), "README.md"];

const programs: Array<[string, string]> = [];
for (const f of files) {
  const text = readFileSync(join(REPO, f), "utf8");
  let i = 0;
  for (const m of text.matchAll(/```algo\n([\s\S]*?)```/g)) {
    const code = m[1]!;
    if (/^strategy\s/m.test(code) && /^on\s/m.test(code)) programs.push([`${f} block ${i}`, code]);
    i++;
  }
}

describe("complete programs in the docs check without errors", () => {
  it("finds the docs' programs", () => {
    expect(programs.length).toBeGreaterThanOrEqual(2);
  });
  it.each(programs)("%s", (_name, code) => {
    const r = checkText(code, "example.algo");
    expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
});
