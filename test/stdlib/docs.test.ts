/**
 * docs/stdlib.md is generated from the operator metadata: it must be up to date (regenerate with
 * `node --import tsx scripts/gen-stdlib-docs.ts`), and it documents every operator.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPERATORS, qualifiedName } from "../../stdlib/catalog.js";
import { STDLIB_DOCS_PATH, renderStdlibDocs, signatureOf } from "../../scripts/gen-stdlib-docs.js";

describe("docs/stdlib.md", () => {
  const text = readFileSync(new URL(`../../${STDLIB_DOCS_PATH}`, import.meta.url), "utf8");

  it("is up to date with stdlib/catalog.ts (node --import tsx scripts/gen-stdlib-docs.ts)", () => {
    expect(text === renderStdlibDocs(OPERATORS)).toBe(true);
  });

  it("has a section, signature and example for every operator", () => {
    for (const op of OPERATORS) {
      expect(text).toContain(`### \`${qualifiedName(op)}\``);
      expect(text).toContain(signatureOf(op));
      expect(text).toContain(op.example);
    }
  });

  it("renders signatures with types and defaults", () => {
    const macd = OPERATORS.find((o) => o.name === "macd")!;
    expect(signatureOf(macd)).toBe("macd(x: series<numeric>, fast: int = 12, slow: int = 26, signal: int = 9)");
    const sample = OPERATORS.find((o) => o.name === "sample")!;
    expect(signatureOf(sample)).toBe("sample(x: series<numeric>, every: duration)");
  });
});
