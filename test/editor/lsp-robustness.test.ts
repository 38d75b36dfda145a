// Robustness: a few hundred seeded random incremental edits (insertions of code fragments and
// garbage, deletions, replacements) never crash or stall the real server: afterwards it still
// answers requests, and the diagnostics it publishes for the final version are exactly the
// compiler's for the final text (so the server tracked every incremental change correctly).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  CompletionRequest,
  DocumentSymbolRequest,
  HoverRequest,
  SemanticTokensRequest,
  SignatureHelpRequest,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol/node.js";
import { checkProgram } from "../../compiler/index.js";
import { startSession } from "./lsp-client.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FRAGMENTS = ["(", ")", "{", "}", "[", "]", "\"", "/*", "*/", "//", "\n", " ", "book.", "ema(", "on ", "let x = ", "buy(es, ", ",", ":", "ready(", "5m", "1_0", "\u00e9", "\ud83d\ude00", "risk {", "features Micro(", "import X from \"./nope.algo\"\n", "\r\n", "$", "0x", "..", "->"];

describe("algo lsp robustness", () => {
  it("survives 300 random edits and still agrees with the compiler", async () => {
    const s = await startSession({ debounceMs: 0, diagnosticsBudgetMs: 600_000 });
    const path = join(ROOT, "examples", "bollinger_breakout.algo");
    const uri = "file://" + path.replace(/\\/g, "/").replace(/^([A-Za-z]):/, "/$1:");
    let doc = TextDocument.create(uri, "algo", 1, readFileSync(path, "utf8"));
    s.open(uri, doc.getText(), 1);
    const edits = fc.sample(
      fc.record({ a: fc.nat(), b: fc.nat({ max: 12 }), kind: fc.integer({ min: 0, max: 3 }), frag: fc.constantFrom(...FRAGMENTS), junk: fc.string({ maxLength: 6 }) }),
      { numRuns: 300, seed: 4242 },
    );
    let version = 1;
    for (const e of edits) {
      const text = doc.getText();
      const start = text.length === 0 ? 0 : e.a % (text.length + 1);
      const end = Math.min(text.length, start + (e.kind === 0 ? 0 : e.b));
      const insert = e.kind === 2 ? "" : e.kind === 3 ? e.junk : e.frag;
      const change: TextDocumentContentChangeEvent = { range: { start: doc.positionAt(start), end: doc.positionAt(end) }, text: insert };
      version++;
      doc = TextDocument.update(doc, [change], version);
      s.change(uri, version, [change]);
      if (version % 25 === 0) {
        // Requests interleaved with edits are answered (possibly for the newest text).
        const pos = doc.positionAt(start);
        await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos });
        await s.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: pos });
        await s.conn.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position: pos });
        await s.conn.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
      }
    }
    const final = await s.waitDiagnostics(uri, (p) => p.version === version, true);
    const expected = checkProgram([{ path, text: doc.getText() }]).diagnostics.filter((d) => d.span.file === 0).map((d) => d.code);
    expect(final.diagnostics.filter((d) => !d.message.startsWith("in ")).map((d) => d.code)).toEqual(expected);
    const outline = await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
    expect(Array.isArray(outline)).toBe(true);
    expect(s.child.exitCode).toBeNull();
    expect(await s.close()).toBe(0);
    expect(s.stderr()).toBe("");
  });
});
