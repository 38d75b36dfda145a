/**
 * The checker never throws: examples mutated by deleting, duplicating and swapping tokens, and
 * random token soups, go through parse + check and always come back as a program with
 * diagnostics (imports resolve against the real examples folder).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProgram, renderJson, renderPrettyAll, toSarif } from "../../../compiler/index.js";
import { REPO, repoHost } from "./golden-support.js";

const examples = readdirSync(join(REPO, "examples"))
  .filter((f) => f.endsWith(".algo"))
  .sort()
  .map((f) => ({ path: `examples/${f}`, text: readFileSync(join(REPO, "examples", f), "utf8") }));

/** Splits source into tokens and the whitespace between them (a crude, independent tokenizer). */
function tokens(text: string): string[] {
  return text.match(/\s+|"[^"\n]*"?|\/\/[^\n]*|[A-Za-z_][A-Za-z0-9_]*|\d[\d_.]*[a-z]*|\.\.|->|[<>=!]=|[^\sA-Za-z0-9_]/g) ?? [];
}

type Mutation = { kind: "delete" | "duplicate" | "swap"; at: number; other: number };

function mutate(toks: string[], ms: Mutation[]): string {
  const t = toks.slice();
  for (const m of ms) {
    if (t.length === 0) break;
    const i = m.at % t.length;
    const j = m.other % t.length;
    if (m.kind === "delete") t.splice(i, 1);
    else if (m.kind === "duplicate") t.splice(i, 0, t[i]!);
    else [t[i], t[j]] = [t[j]!, t[i]!];
  }
  return t.join("");
}

function checkNeverThrows(path: string, text: string): void {
  const p = checkProgram([{ path, text }], { host: repoHost, analyses: [] });
  // Every diagnostic renders in every format.
  renderPrettyAll(p.diagnostics, p.sources);
  renderJson(p.diagnostics, p.sources);
  toSarif(p.diagnostics, p.sources, { toolVersion: "0" });
  for (const d of p.diagnostics) {
    expect(d.span.start).toBeLessThanOrEqual(d.span.end);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

const mutation = fc.record({
  kind: fc.constantFrom<Mutation["kind"]>("delete", "duplicate", "swap"),
  at: fc.nat(),
  other: fc.nat(),
});

describe("checker robustness", () => {
  it("mutated examples never throw", () => {
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.array(mutation, { minLength: 1, maxLength: 8 }), (ex, ms) => {
        checkNeverThrows(ex.path, mutate(tokens(ex.text), ms));
      }),
      { numRuns: 200 },
    );
  });

  it("token soups built from the examples' vocabulary never throw", () => {
    const vocab = [...new Set(examples.flatMap((e) => tokens(e.text)))];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocab), { maxLength: 120 }), (ts) => {
        checkNeverThrows("examples/soup.algo", ts.join(""));
      }),
      { numRuns: 200 },
    );
  });

  it("arbitrary text never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        checkNeverThrows("examples/random.algo", s);
      }),
      { numRuns: 200 },
    );
  });
});
