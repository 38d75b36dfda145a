// Completion right after an edit may be answered from the previous version's analysis
// (editor/server/completion-reuse.ts). Property: whenever the reuse rule accepts an edit, the
// answer is exactly the one a fresh check of the new text gives — on random edits of every kind
// (names, numbers, spacing, brackets, keywords, comments, line breaks) at random places, with the
// cursor anywhere. And the rule is not vacuous: typing in a handler body is accepted.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/index.js";
import { reusedCompletionSite } from "../../editor/server/completion-reuse.js";
import { completion } from "../../editor/server/features.js";
import type { Analysis } from "../../editor/server/workspace.js";

const PATH = "/virtual/reuse.algo";

const TEXT = `strategy Reuse "completion reuse probe"

instrument es = "ESZ4"

param size: qty = 1 in [1, 2]
param k: f64 = 2.0 in [1.0, 3.0]

var fills: int = 0

risk {
  max_position    = 4
  max_order_qty   = 2
  max_open_orders = 2
  max_order_rate  = 5 per 1s
  max_loss        = 20_000
  price_band      = 6 ticks
}

features {
  mid   = book.mid(es)
  fast  = ema(mid, 10)
  slow  = ema(mid, 40)
  bands = bollinger(mid, 20, k: k)
}

fn spread_of(a: f64, b: f64) -> f64 {
  return a - b
}

on book(es) when ready(slow) and ready(bands) and ready(book.best_ask(es)) {
  let gap = fast - slow
  let wide = bands.upper - bands.lower
  let score = spread_of(gap, wide) * 2; let half = score / 2
  if gap > 0 and exposure(es, buy) + size <= 4 {
    buy(es, size, limit: book.best_ask(es), tif: ioc)
  }
  for i in 0..3 {
    record("gap", gap + i)
  }
  // a comment line
  record("half", half)
}

on fill(f) {
  fills = fills + 1
  log("filled")
}
`;

function analyse(text: string, version: number): Analysis {
  const program = checkProgram([{ path: PATH, text }], { analyses: [] });
  return { uri: "file://" + PATH, version, program, file: program.files[0]!, keys: new Set([PATH]) };
}

const FRAGMENTS = ["a", "x1", "gap", "mid", "slow", "k", "7", "42", "0.5", " ", "  ", ".", ",", "+", "*", "(", ")", "{", "}", "[", "]", '"', "//", "/*", ";", "\n", "let ", "for ", "var ", "if ", "book.", "ema(", "buy", "size", "_"];

/** Offset of a 0-based line/character in `text`. */
function offsetOf(text: string, line: number, character: number): number {
  let at = 0;
  for (let l = 0; l < line; l++) at = text.indexOf("\n", at) + 1;
  return at + character;
}

describe("completion reuse after an edit", () => {
  const base = analyse(TEXT, 1);
  const lines = TEXT.split("\n");

  const bodyLines = lines.flatMap((l, i) => (/^ {2,}\S/.test(l) && i > lines.findIndex((x) => x.startsWith("on book")) ? [i] : []));

  it("gives exactly the fresh answer whenever it reuses the old analysis", () => {
    let reused = 0;
    fc.assert(
      fc.property(
        fc.record({
          // Half of the edits in the handler bodies, where reuse is possible; the rest anywhere.
          line: fc.oneof(fc.constantFrom(...bodyLines), fc.nat({ max: lines.length - 1 })),
          col: fc.nat({ max: 80 }),
          del: fc.nat({ max: 4 }),
          frag: fc.constantFrom(...FRAGMENTS),
          cursorOnEdit: fc.boolean(),
          cursorLine: fc.nat({ max: lines.length - 1 }),
          cursorCol: fc.nat({ max: 80 }),
        }),
        (e) => {
          const lineText = lines[e.line]!;
          const start = offsetOf(TEXT, e.line, Math.min(e.col, lineText.length));
          const end = Math.min(TEXT.length, start + e.del);
          const text = TEXT.slice(0, start) + e.frag + TEXT.slice(end);
          const newLines = text.split("\n");
          const pos = e.cursorOnEdit
            ? { line: e.line, character: Math.min(e.col + e.frag.length, newLines[e.line]!.length) }
            : { line: Math.min(e.cursorLine, newLines.length - 1), character: Math.min(e.cursorCol, newLines[Math.min(e.cursorLine, newLines.length - 1)]!.length) };
          const site = reusedCompletionSite(base, text, pos);
          if (!site) return;
          reused++;
          const fresh = analyse(text, 2);
          expect(completion(site.a, pos, site)).toEqual(completion(fresh, pos));
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
    // Not vacuous: a good share of the random edits were answered from the old analysis.
    expect(reused).toBeGreaterThan(80);
  });

  it("reuses the old analysis while a let's expression or a name in a handler is retyped", () => {
    const line = lines.findIndex((l) => l.includes("let gap = fast - slow"));
    const at = lines[line]!.indexOf("slow");
    // `slow` → `slo` (cursor after it) and `fast - slow` → `fast - slow2`.
    for (const [from, to, insert] of [[at + 3, at + 4, ""], [at + 4, at + 4, "2"]] as const) {
      const text = TEXT.slice(0, offsetOf(TEXT, line, from)) + insert + TEXT.slice(offsetOf(TEXT, line, to));
      const pos = { line, character: from + insert.length };
      const site = reusedCompletionSite(base, text, pos);
      expect(site).toBeDefined();
      const labels = completion(site!.a, pos, site).map((i) => i.label);
      expect(labels).toEqual(completion(analyse(text, 2), pos).map((i) => i.label));
      expect(labels).toContain("slow");
      expect(labels).not.toContain("gap"); // not in scope inside its own initializer
    }
  });

  it("does not reuse it when the edit adds a line, a block, a comment or a declaration in scope", () => {
    const line = lines.findIndex((l) => l.includes("let gap = fast - slow"));
    const at = offsetOf(TEXT, line, lines[line]!.length);
    const below = { line: line + 1, character: 2 };
    expect(reusedCompletionSite(base, TEXT.slice(0, at) + "\n  let z = 1" + TEXT.slice(at), below)).toBeUndefined();
    expect(reusedCompletionSite(base, TEXT.slice(0, at) + " {" + TEXT.slice(at), below)).toBeUndefined();
    expect(reusedCompletionSite(base, TEXT.slice(0, at) + " // note" + TEXT.slice(at), below)).toBeUndefined();
    // Renaming the let on the line above the cursor: `gap` is in scope below, under its new name.
    const rename = TEXT.replace("let gap = fast", "let gaq = fast");
    expect(reusedCompletionSite(base, rename, below)).toBeUndefined();
    // The same edit with the cursor above it is fine: the let is not in scope there.
    expect(reusedCompletionSite(base, rename, { line: line - 1, character: 2 })).toBeDefined();
  });
});
