// The two-step publish (editor/server/server.ts): with a diagnostics budget of 0 ms, a clean
// version's front-end diagnostics go out at once together with the previous version's analysis
// diagnostics carried onto the new text, and the analyses' own result follows only when it
// differs. Checked on the real `algo lsp --stdio` process: the carried diagnostics sit where the
// compiler puts them on the new text, a stale one is replaced, and every version ends with
// exactly the compiler's diagnostics; after random edits too, with versions never going back.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PublishDiagnosticsParams, TextDocumentContentChangeEvent } from "vscode-languageserver-protocol/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { checkProgram } from "../../compiler/index.js";
import { startSession } from "./lsp-client.js";
import { RISKY } from "./strategies.js";

const ROOT = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "algo-lsp-two-step-"));


/** The compiler's diagnostics of the file as [code, 0-based line, 0-based column]. */
function expected(path: string, text: string): Array<[string, number, number]> {
  const program = checkProgram([{ path, text }]);
  return program.diagnostics.filter((d) => d.span.file === 0).map((d) => {
    const p = program.sources[0]!.position(d.span.start);
    return [d.code, p.line - 1, p.column - 1];
  });
}

function shown(p: PublishDiagnosticsParams): Array<[string, number, number]> {
  return p.diagnostics.map((d) => [String(d.code), d.range.start.line, d.range.start.character]);
}

describe("two-step diagnostics (budget 0 ms)", () => {
  it("carries the analyses' diagnostics onto the new text and replaces them when they changed", async () => {
    const s = await startSession({ debounceMs: 0, diagnosticsBudgetMs: 0 });
    const path = join(dir, "risky.algo");
    writeFileSync(path, RISKY);
    const uri = pathToFileURL(path).href;
    let doc = TextDocument.create(uri, "algo", 1, RISKY);
    const v1 = s.waitDiagnostics(uri, (p) => p.version === 1);
    s.open(uri, RISKY, 1);
    expect(shown(await v1)).toEqual(expected(path, RISKY));
    expect(shown(await v1).map((d) => d[0])).toEqual(["R0420", "R0401"]);

    // v2: a comment line above the handler. The first publish already shows the risk errors one
    // line lower, exactly where the compiler reports them on the new text.
    const above = doc.getText().indexOf("on book");
    const change2: TextDocumentContentChangeEvent = { range: { start: doc.positionAt(above), end: doc.positionAt(above) }, text: "// entry\n" };
    doc = TextDocument.update(doc, [change2], 2);
    const p2 = s.waitDiagnostics(uri, (p) => p.version === 2);
    s.change(uri, 2, [change2]);
    expect(shown(await p2)).toEqual(expected(path, doc.getText()));

    // v3: clamp the order quantity. The first publish still carries R0401 (the analyses have not
    // run yet); the next one is the compiler's, without it.
    const qty = doc.getText().indexOf("size, limit");
    const change3: TextDocumentContentChangeEvent = { range: { start: doc.positionAt(qty), end: doc.positionAt(qty + 4) }, text: "min(size, 4)" };
    doc = TextDocument.update(doc, [change3], 3);
    const want3 = expected(path, doc.getText());
    expect(want3.map((d) => d[0])).toEqual(["R0420"]);
    const first3 = s.waitDiagnostics(uri, (p) => p.version === 3);
    const final3 = s.waitDiagnostics(uri, (p) => p.version === 3 && p.diagnostics.length === 1);
    s.change(uri, 3, [change3]);
    expect(shown(await first3).map((d) => d[0])).toEqual(["R0420", "R0401"]);
    expect(shown(await final3)).toEqual(want3);
    // Version 2's carried set was already right: it was published once.
    expect(s.published.filter((p) => p.version === 2)).toHaveLength(1);
    expect(await s.close()).toBe(0);
    expect(s.stderr()).toBe("");
  });

  it("an edit before analysisDelayMs has passed cancels the pending analyses: the newer version's check runs them", async () => {
    // A long delay, so that the next edit surely arrives before the analyses of v2 start.
    const s = await startSession({ debounceMs: 0, diagnosticsBudgetMs: 0, analysisDelayMs: 2_000 });
    const path = join(dir, "risky-delay.algo");
    writeFileSync(path, RISKY);
    const uri = pathToFileURL(path).href;
    let doc = TextDocument.create(uri, "algo", 1, RISKY);
    const v1 = s.waitDiagnostics(uri, (p) => p.version === 1);
    s.open(uri, RISKY, 1);
    expect(shown(await v1)).toEqual(expected(path, RISKY));
    // v2 clamps the quantity: its first publish carries R0401, and its analyses (which would drop
    // it) are pending for 2 s.
    const qty = doc.getText().indexOf("size, limit");
    const change2: TextDocumentContentChangeEvent = { range: { start: doc.positionAt(qty), end: doc.positionAt(qty + 4) }, text: "min(size, 4)" };
    doc = TextDocument.update(doc, [change2], 2);
    const first2 = s.waitDiagnostics(uri, (p) => p.version === 2);
    s.change(uri, 2, [change2]);
    expect(shown(await first2).map((d) => d[0])).toEqual(["R0420", "R0401"]);
    // v3 at once: a comment line above the handler.
    const above = doc.getText().indexOf("on book");
    const change3: TextDocumentContentChangeEvent = { range: { start: doc.positionAt(above), end: doc.positionAt(above) }, text: "// entry\n" };
    doc = TextDocument.update(doc, [change3], 3);
    const want3 = expected(path, doc.getText());
    expect(want3.map((d) => d[0])).toEqual(["R0420"]);
    const final3 = s.waitDiagnostics(uri, (p) => p.version === 3 && p.diagnostics.length === 1);
    s.change(uri, 3, [change3]);
    expect(shown(await final3)).toEqual(want3);
    // v2's analyses never ran: it was published once.
    expect(s.published.filter((p) => p.uri === uri && p.version === 2)).toHaveLength(1);
    expect(await s.close()).toBe(0);
    expect(s.stderr()).toBe("");
  }, 60_000);

  it("ends every run of random edits with the compiler's diagnostics, never publishing an older version after a newer one", async () => {
    const s = await startSession({ debounceMs: 0, diagnosticsBudgetMs: 0 });
    const path = join(ROOT, "examples", "imbalance_maker.algo");
    const uri = pathToFileURL(path).href;
    let doc = TextDocument.create(uri, "algo", 1, readFileSync(path, "utf8"));
    s.open(uri, doc.getText(), 1);
    const fragments = [" ", "\n", "1", "size", "min(size, 1)", "+ 1", "(", ")", "{", "}", "//", "and ready(vol)", "let q = 2\n"];
    const edits = fc.sample(fc.record({ a: fc.nat(), b: fc.nat({ max: 8 }), frag: fc.constantFrom(...fragments) }), { numRuns: 120, seed: 99 });
    let version = 1;
    for (const e of edits) {
      const text = doc.getText();
      const start = e.a % (text.length + 1);
      const change: TextDocumentContentChangeEvent = { range: { start: doc.positionAt(start), end: doc.positionAt(Math.min(text.length, start + e.b)) }, text: e.frag };
      version++;
      doc = TextDocument.update(doc, [change], version);
      s.change(uri, version, [change]);
      // Now and then let the server catch up, so the two-step path runs on clean versions too.
      if (version % 10 === 0) await s.waitDiagnostics(uri, (p) => p.version === version, true);
    }
    const want = expected(path, doc.getText());
    const final = await s.waitDiagnostics(uri, (p) => p.version === version && JSON.stringify(shown(p)) === JSON.stringify(want), true);
    expect(shown(final)).toEqual(want);
    const versions = s.published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(await s.close()).toBe(0);
    expect(s.stderr()).toBe("");
  }, 120_000);
});
