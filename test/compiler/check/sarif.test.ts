/**
 * Machine-readable renderers: SARIF output validates against the official SARIF 2.1.0 JSON schema
 * (test/fixtures/schemas/sarif-2.1.0.json, see the README there) with ajv, and carries the same
 * diagnostics, rules and positions as the JSON renderer.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_TABLE, toJsonDiagnostics, toSarif } from "../../../compiler/index.js";
import { REPO, checkRepoFile } from "./golden-support.js";

function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(REPO, "test/fixtures/schemas/sarif-2.1.0.json"), "utf8")) as Record<string, unknown>;
  // Draft-04 header and `id` dropped: the schema uses no draft-04-only keyword (see the README).
  delete schema.$schema;
  delete schema.id;
  // unicodeRegExp off: one of the schema's patterns is not a valid unicode-mode RegExp.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  // ajv-formats is CommonJS: under NodeNext its default import is the module object.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
  addFormats(ajv);
  return ajv.compile(schema);
}

const fixtures = [
  "test/fixtures/diag/names/duplicate-feature.algo",
  "test/fixtures/diag/units/price-plus-qty.algo",
  "test/fixtures/diag/lints/unused-var-and-let.algo",
  "test/fixtures/diag/syntax/recovery-keeps-later-errors.algo",
];

describe("SARIF renderer", () => {
  const validate = sarifValidator();

  it("rejects a log that breaks the schema (the validator is live)", () => {
    expect(validate({ version: "2.1.0", runs: [{ tool: {} }] })).toBe(false);
  });

  for (const rel of fixtures) {
    it(`validates against SARIF 2.1.0: ${rel}`, () => {
      const p = checkRepoFile(rel);
      expect(p.diagnostics.length).toBeGreaterThan(0);
      const log = toSarif(p.diagnostics, p.sources, { toolVersion: "0.1.0" }) as any;
      const ok = validate(log);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
      const run = log.runs[0];
      expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(DIAGNOSTIC_TABLE.map((d) => d.code));
      expect(run.results.length).toBe(p.diagnostics.length);
      const json = toJsonDiagnostics(p.diagnostics, p.sources);
      run.results.forEach((r: any, i: number) => {
        const j = json[i]!;
        expect(r.ruleId).toBe(j.code);
        expect(run.tool.driver.rules[r.ruleIndex].id).toBe(j.code);
        expect(r.level).toBe(j.severity);
        const region = r.locations[0].physicalLocation.region;
        expect([region.startLine, region.startColumn, region.endLine, region.endColumn]).toEqual([j.line, j.column, j.endLine, j.endColumn]);
        expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe(j.file);
        expect((r.relatedLocations ?? []).length).toBe(j.related.length);
      });
    });
  }
});

describe("JSON renderer", () => {
  it("gives 1-based positions, an exclusive end, the hint and related spans", () => {
    const p = checkRepoFile("test/fixtures/diag/names/duplicate-feature.algo");
    const [d] = toJsonDiagnostics(p.diagnostics, p.sources);
    expect(d).toEqual({
      file: "test/fixtures/diag/names/duplicate-feature.algo",
      line: 5,
      column: 3,
      endLine: 5,
      endColumn: 6,
      code: "E0202",
      severity: "error",
      message: "`mid` is already defined",
      hint: null,
      related: [{ file: "test/fixtures/diag/names/duplicate-feature.algo", line: 4, column: 3, endLine: 4, endColumn: 6, message: "first defined here" }],
    });
  });

  it("carries the did-you-mean hint", () => {
    const p = checkRepoFile("test/fixtures/diag/names/unknown-function.algo");
    const [d] = toJsonDiagnostics(p.diagnostics, p.sources);
    expect(d!.code).toBe("E0204");
    expect(d!.hint).toBe("did you mean `ema`?");
  });
});
