// The real `algo lsp --stdio` process, driven over JSON-RPC by vscode-languageserver-protocol:
// initialize, open, incremental change, diagnostics appear/clear (and agree with `algo check`),
// every request kind, shutdown/exit.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DidCloseTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensRequest,
  SignatureHelpRequest,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type MarkupContent,
  type Position,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node.js";
import { checkProgram } from "../../compiler/index.js";
import { findOperator } from "../../stdlib/catalog.js";
import { startSession, type Session } from "./lsp-client.js";
import { RISKY } from "./strategies.js";

const ROOT = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "algo-lsp-"));

/** Position of the k-th occurrence of `needle` in `text`, moved `delta` characters right. */
function posOf(text: string, needle: string, delta = 0, k = 0): Position {
  let at = -1;
  for (let i = 0; i <= k; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, at + delta);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - (before.lastIndexOf("\n") + 1) };
}

function write(name: string, text: string): { path: string; uri: string; text: string } {
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, uri: pathToFileURL(path).href, text };
}


const MICRO = readFileSync(join(ROOT, "examples", "micro.algo"), "utf8");
const USES_MICRO = `strategy U "uses micro"

instrument es = "ESZ4"

import Micro from "./micro.algo"

risk {
  max_position    = 2
  max_order_qty   = 1
  max_open_orders = 2
  max_order_rate  = 5 per 1s
  max_loss        = 1_000
  price_band      = 4 ticks
}

features {
  m   = Micro(es)
  sig = m.imb
}

on book(es) when ready(sig) and ready(book.best_bid(es)) {
  if sig > 0.5 and exposure(es, buy) + 1 <= 2 {
    buy(es, 1, limit: book.best_bid(es), tif: ioc)
  }
}
`;

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  if (s && s.child.exitCode === null) s.child.kill();
});

describe("algo lsp --stdio", () => {
  it("publishes the compiler's diagnostics on open, updates them on incremental change, clears them when fixed", async () => {
    const f = write("risky.algo", RISKY);
    const first = s.waitDiagnostics(f.uri);
    s.open(f.uri, f.text, 1);
    const p1 = await first;
    expect(p1.version).toBe(1);
    const expected = checkProgram([{ path: f.path, text: f.text }]).diagnostics.map((d) => d.code);
    expect(p1.diagnostics.map((d) => d.code)).toEqual(expected);
    expect(expected).toEqual(["R0420", "R0401"]);
    const r0420 = p1.diagnostics.find((d) => d.code === "R0420")!;
    expect(r0420.range.start).toEqual(posOf(f.text, "e > mid"));
    expect(r0420.message).toContain("hint: guard the handler");
    expect(r0420.relatedInformation?.[0]?.message).toBe("in this handler");

    // A typo (incremental edit), then its fix: the diagnostics follow each version.
    const at = posOf(f.text, "book.mid(es)", 5);
    const typo = s.waitDiagnostics(f.uri, (p) => p.version === 2);
    s.change(f.uri, 2, [{ range: { start: at, end: { line: at.line, character: at.character + 3 } }, text: "mdi" }]);
    const p2 = await typo;
    expect(p2.diagnostics.map((d) => d.code)).toEqual(["E0204"]);
    expect(p2.diagnostics[0]!.message).toBe("unknown function `book.mdi`\nhint: did you mean `book.mid`?");

    // Code action: fix the misspelt name.
    const actions = (await s.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: f.uri },
      range: p2.diagnostics[0]!.range,
      context: { diagnostics: p2.diagnostics },
    })) as Array<{ title: string; edit?: WorkspaceEdit }>;
    const fix = actions.find((a) => a.title.includes("book.mid"));
    expect(fix?.edit?.changes?.[f.uri]).toEqual([{ range: p2.diagnostics[0]!.range, newText: "book.mid" }]);

    // Apply the fix and clamp the quantity and add the ready guard: no diagnostics left.
    const fixed = s.waitDiagnostics(f.uri, (p) => p.version === 3);
    s.change(f.uri, 3, [{ range: p2.diagnostics[0]!.range, text: "book.mid" }]);
    const p3 = await fixed;
    expect(p3.diagnostics.map((d) => d.code)).toEqual(["R0420", "R0401"]);

    const acts = (await s.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: f.uri },
      range: p3.diagnostics[0]!.range,
      context: { diagnostics: p3.diagnostics },
    })) as Array<{ title: string; edit?: WorkspaceEdit }>;
    const guard = acts.find((a) => a.title.includes("ready(e)"))!;
    const clamp = acts.find((a) => a.title.startsWith("Clamp"))!;
    expect(guard.edit!.changes![f.uri]![0]!.newText).toBe("ready(book.best_ask(es)) and ready(e)");
    expect(clamp.edit!.changes![f.uri]![0]!.newText).toBe("min(size, 4)");
    // Apply both (the clamp's range comes later in the file, so apply it first).
    const clean = s.waitDiagnostics(f.uri, (p) => p.version === 4);
    s.change(f.uri, 4, [
      { range: clamp.edit!.changes![f.uri]![0]!.range, text: "min(size, 4)" },
      { range: guard.edit!.changes![f.uri]![0]!.range, text: "ready(book.best_ask(es)) and ready(e)" },
    ]);
    const p4 = await clean;
    expect(p4.diagnostics).toEqual([]);
  });

  it("re-checks an open importer when the file it imports changes, and resolves names across files", async () => {
    const micro = write("micro.algo", MICRO);
    const user = write("user.algo", USES_MICRO);
    const d1 = s.waitDiagnostics(user.uri);
    s.open(user.uri, user.text);
    expect((await d1).diagnostics).toEqual([]);
    const d0 = s.waitDiagnostics(micro.uri);
    s.open(micro.uri, micro.text);
    await d0;

    // Rename `imb` in the unit (unsaved buffer): the importer now reads an unknown member.
    const at = posOf(micro.text, "imb    =");
    const dep = s.waitDiagnostics(user.uri, (p) => p.diagnostics.length > 0);
    s.change(micro.uri, 2, [{ range: { start: at, end: { line: at.line, character: at.character + 3 } }, text: "imx" }]);
    const broken = await dep;
    expect(broken.diagnostics.length).toBeGreaterThan(0);
    const back = s.waitDiagnostics(user.uri, (p) => p.diagnostics.length === 0);
    s.change(micro.uri, 3, [{ range: { start: at, end: { line: at.line, character: at.character + 3 } }, text: "imb" }]);
    await back;

    // Definition of `Micro` in the strategy goes to the unit's name in micro.algo.
    const def = (await s.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri: user.uri }, position: posOf(user.text, "Micro(es)", 1) })) as Location;
    expect(def.uri).toBe(micro.uri);
    expect(def.range.start).toEqual(posOf(micro.text, "Micro(inst"));

    // References of `imb` from the strategy's `m.imb` include the definition and the export.
    const refs = (await s.conn.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: user.uri },
      position: posOf(user.text, "m.imb", 3),
      context: { includeDeclaration: true },
    })) as Location[];
    const keys = refs.map((r) => `${r.uri === micro.uri ? "micro" : "user"}:${r.range.start.line}:${r.range.start.character}`).sort();
    const mi = posOf(micro.text, "imb    =");
    const ex = posOf(micro.text, "imb, ofi");
    const us = posOf(user.text, "m.imb", 2);
    expect(keys).toEqual([`micro:${mi.line}:${mi.character}`, `micro:${ex.line}:${ex.character}`, `user:${us.line}:${us.character}`].sort());

    // Rename the unit across both files.
    const prep = await s.conn.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: micro.uri }, position: posOf(micro.text, "Micro(inst", 2) });
    expect(prep).toEqual({ start: posOf(micro.text, "Micro(inst"), end: posOf(micro.text, "Micro(inst", 5) });
    const edit = (await s.conn.sendRequest(RenameRequest.type, { textDocument: { uri: micro.uri }, position: posOf(micro.text, "Micro(inst", 2), newName: "Book5" })) as WorkspaceEdit;
    const inUser = edit.changes![user.uri]!.map((e) => e.range.start);
    expect(inUser).toContainEqual(posOf(user.text, "Micro from"));
    expect(inUser).toContainEqual(posOf(user.text, "Micro(es)"));
    expect(edit.changes![micro.uri]!.map((e) => e.range.start)).toContainEqual(posOf(micro.text, "Micro(inst"));
    expect(Object.values(edit.changes!).flat().every((e: TextEdit) => e.newText === "Book5")).toBe(true);
    // Quick fix: a unit used without its import gets `import Micro from "./micro.algo"`.
    const noImport = write("noimport.algo", USES_MICRO.replace('import Micro from "./micro.algo"\n', ""));
    const dn = s.waitDiagnostics(noImport.uri);
    s.open(noImport.uri, noImport.text);
    const missing = (await dn).diagnostics.find((d) => d.message.includes("`Micro`"))!;
    const fixes = (await s.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: noImport.uri },
      range: missing.range,
      context: { diagnostics: [missing] },
    })) as Array<{ title: string; edit?: WorkspaceEdit }>;
    const imp = fixes.find((a) => a.title.startsWith("Import"))!;
    expect(imp.edit!.changes![noImport.uri]).toEqual([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: 'import Micro from "./micro.algo"\n' }]);
    await expect(s.conn.sendRequest(RenameRequest.type, { textDocument: { uri: micro.uri }, position: posOf(micro.text, "Micro(inst", 2), newName: "not valid" })).rejects.toThrow(/not a valid name/);
  });

  it("answers hover, completion, signature help, outline, folding, semantic tokens and formatting", async () => {
    const f = write("clean.algo", RISKY.replace("in [1, 8]", "in [1, 4]").replace("on book(es) when ready(book.best_ask(es))", "on book(es) when ready(e) and ready(book.best_ask(es))"));
    const d = s.waitDiagnostics(f.uri);
    s.open(f.uri, f.text);
    expect((await d).diagnostics).toEqual([]);
    const uri = f.uri;
    const hoverAt = async (needle: string, delta = 0, k = 0): Promise<string> => {
      const h = (await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: posOf(f.text, needle, delta, k) })) as Hover | null;
      return h ? (h.contents as MarkupContent).value : "";
    };
    // A feature: definition, type, operator warm-up and graph node.
    const he = await hoverAt("e > mid");
    expect(he).toContain("e   = ema(mid, 20)");
    expect(he).toContain("series price"); // ema keeps the unit of its input (a price)
    expect(he).toContain(`warm-up \`${findOperator("ema")!.warmupText}\``);
    expect(he).toMatch(/Graph node #\d+: `Ema`/);
    // A stdlib operator: signature and doc.
    const emaSig = `ema(${findOperator("ema")!.params.map((p) => (p.default === undefined ? p.name : `${p.name} = ${String(p.default)}`)).join(", ")})`;
    expect(await hoverAt("ema(mid", 1)).toContain(emaSig);
    // A param: its declaration and constant range.
    expect(await hoverAt("size <= 4")).toContain("constant in [1, 4]");
    // An order action: what the risk analysis proved.
    const hb = await hoverAt("buy(es, size", 1);
    expect(hb).toContain("Risk analysis");
    expect(hb).toMatch(/`max_order_qty`: \*\*safe\*\*/);
    expect(hb).toMatch(/`max_position`: \*\*safe\*\*/);

    const complete = async (pos: Position): Promise<CompletionItem[]> => {
      const r = (await s.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: pos })) as CompletionItem[] | CompletionList;
      return Array.isArray(r) ? r : r.items;
    };
    // After `book.`: the book namespace's operators, with snippets.
    const ns = await complete(posOf(f.text, "book.mid(es)", 5));
    expect(ns.map((i) => i.label)).toContain("mid");
    expect(ns.map((i) => i.label)).toContain("imbalance");
    expect(ns.every((i) => !["ema", "let"].includes(i.label))).toBe(true);
    expect(ns.find((i) => i.label === "mid")!.insertText).toBe("mid(${1:inst})");
    // In a handler body: features, params, instruments, actions, keywords.
    const body = await complete(posOf(f.text, "if e > mid"));
    for (const l of ["e", "mid", "size", "es", "buy", "flatten", "ready", "let", "ema"]) expect(body.map((i) => i.label)).toContain(l);
    // At the top level: declaration keywords only.
    const top = await complete({ line: posOf(f.text, "features {").line - 1, character: 0 });
    expect(top.map((i) => i.label).sort()).toEqual(["features", "fn", "import", "instrument", "on", "param", "risk", "strategy", "var"]);
    // Named arguments inside a call.
    const named = await complete(posOf(f.text, "tif: ioc"));
    expect(named.map((i) => i.label)).toContain("limit:");
    expect(named.map((i) => i.label)).toContain("post_only:");

    const sig = await s.conn.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position: posOf(f.text, "20)", 0) });
    expect(sig!.signatures[0]!.label).toBe(emaSig);
    expect(sig!.activeParameter).toBe(1);
    const sig2 = await s.conn.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position: posOf(f.text, "ioc)", 0) });
    expect(sig2!.signatures[0]!.label.startsWith("buy(")).toBe(true);
    expect(sig2!.signatures[0]!.parameters![sig2!.activeParameter!]!.label).toBe("tif?: tif");

    const outline = (await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    expect(outline.map((o) => o.name)).toEqual(["R", "es", "size", "risk", "features", "on book(es) when ready(e) and ready(book.best_ask(es))"]);
    expect(outline[4]!.children!.map((c) => c.name)).toEqual(["mid", "e"]);

    const folds = await s.conn.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
    const riskLine = posOf(f.text, "risk {").line;
    expect(folds).toContainEqual({ startLine: riskLine, endLine: riskLine + 7 });

    const tokens = await s.conn.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    const decoded = decodeTokens(tokens!.data, f.text);
    expect(decoded).toContainEqual({ text: "strategy", type: "keyword" });
    expect(decoded).toContainEqual({ text: "ema", type: "function" });
    expect(decoded).toContainEqual({ text: "size", type: "parameter" });
    expect(decoded).toContainEqual({ text: "qty", type: "type" });
    expect(decoded).toContainEqual({ text: "20_000", type: "number" });
    expect(decoded).toContainEqual({ text: '"ESZ4"', type: "string" });
    expect(decoded).toContainEqual({ text: "mid", type: "variable" });

    // Formatting: an untidy buffer gets the `algo fmt` text in one edit; a clean one, none.
    const fmtUri = write("untidy.algo", "strategy X\ninstrument es   =   \"ES\"\n").uri;
    s.open(fmtUri, "strategy X\ninstrument es   =   \"ES\"\n");
    const edits = (await s.conn.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: fmtUri }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[];
    expect(edits).toHaveLength(1);
    expect(edits[0]!.newText).toBe(formatOf("strategy X\ninstrument es   =   \"ES\"\n"));
    expect(edits[0]!.newText).toContain('instrument es = "ES"');
    // A CRLF buffer keeps its line endings: the edit is the formatted text with CRLF, and an
    // already formatted CRLF buffer gets no edit at all.
    const crlfText = "strategy X\r\ninstrument es   =   \"ES\"\r\n";
    const crlfUri = write("crlf.algo", crlfText).uri;
    s.open(crlfUri, crlfText);
    const crlfEdits = (await s.conn.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: crlfUri }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[];
    expect(crlfEdits).toHaveLength(1);
    expect(crlfEdits[0]!.newText).toBe('strategy X\r\ninstrument es = "ES"\r\n');
    const cleanCrlfUri = write("crlf-clean.algo", crlfEdits[0]!.newText).uri;
    s.open(cleanCrlfUri, crlfEdits[0]!.newText);
    expect(await s.conn.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: cleanCrlfUri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    expect(await s.conn.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual(
      f.text === formatOf(f.text) ? [] : [{ range: { start: { line: 0, character: 0 }, end: posOf(f.text + "\u0000", "\u0000") }, newText: formatOf(f.text) }],
    );
  });

  it("agrees with the compiler on every example, and clears a closed file's diagnostics", async () => {
    for (const name of readdirSync(join(ROOT, "examples")).filter((n) => n.endsWith(".algo")).sort()) {
      const path = join(ROOT, "examples", name);
      const text = readFileSync(path, "utf8");
      const uri = pathToFileURL(path).href;
      const got = s.waitDiagnostics(uri);
      s.open(uri, text);
      const expected = checkProgram([{ path, text }]).diagnostics.filter((d) => d.span.file === 0);
      const published = (await got).diagnostics;
      expect(published.map((d) => [d.code, d.range.start.line + 1, d.message.split("\n")[0]]), name).toEqual(
        expected.map((d) => [d.code, checkProgram([{ path, text }]).sources[0]!.position(d.span.start).line, d.message]),
      );
    }
    const f = write("closing.algo", "strategy C\nfeatures {\n  x = nope(1)\n}\n");
    const opened = s.waitDiagnostics(f.uri);
    s.open(f.uri, f.text);
    expect((await opened).diagnostics.length).toBeGreaterThan(0);
    const cleared = s.waitDiagnostics(f.uri);
    void s.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: f.uri } });
    expect((await cleared).diagnostics).toEqual([]);
  });

  it("shuts down and exits with code 0", async () => {
    expect(await s.close()).toBe(0);
    expect(s.stderr()).toBe("");
  });
});

const LEGEND = ["keyword", "function", "variable", "parameter", "number", "string", "comment", "operator", "type"];

function decodeTokens(data: number[], text: string): Array<{ text: string; type: string }> {
  const lines = text.split("\n");
  const out: Array<{ text: string; type: string }> = [];
  let line = 0;
  let ch = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    ch = data[i] === 0 ? ch + data[i + 1]! : data[i + 1]!;
    out.push({ text: lines[line]!.slice(ch, ch + data[i + 2]!), type: LEGEND[data[i + 3]!]! });
  }
  return out;
}

function formatOf(text: string): string {
  // The formatter the server must use (grammar/format.ts), called directly.
  return formatSourceSync(text);
}

import { formatSource } from "../../grammar/index.js";
function formatSourceSync(text: string): string {
  const r = formatSource(text);
  return r.ok ? r.text : text;
}

export type { Diagnostic };
