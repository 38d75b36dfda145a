// Find references and rename see every `.algo` file of the workspace folders, open or not: the
// server scans the folders on initialize, registers a watcher for `**/*.algo`, and follows
// workspace/didChangeWatchedFiles (created, changed, deleted) and workspace folder changes.
// Driven over JSON-RPC against the real `algo lsp --stdio` process.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  FileChangeType,
  ReferencesRequest,
  RenameRequest,
  type Location,
  type Position,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node.js";
import { startSession } from "./lsp-client.js";

const UNIT = `features Flow(inst: instrument) {
  mid = book.mid(inst)
  imb = book.imbalance(inst, levels: 3)
  export mid, imb
}
`;

/** A strategy importing the unit from `from` and reading `f.imb`. */
function user(name: string, from: string): string {
  return `strategy ${name}

instrument es = "ESZ4"

import Flow from "${from}"

features {
  f   = Flow(es)
  sig = f.imb
}

on book(es) when ready(sig) {
  record("sig", sig)
}
`;
}

function posOf(text: string, needle: string, delta = 0): Position {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, at + delta);
  return { line: before.split("\n").length - 1, character: before.length - (before.lastIndexOf("\n") + 1) };
}

describe("references and rename across the workspace", () => {
  it("find every file of the workspace folders that uses a symbol, and follow file and folder changes", async () => {
    const root = mkdtempSync(join(tmpdir(), "algo-lsp-ws-"));
    const other = mkdtempSync(join(tmpdir(), "algo-lsp-ws2-"));
    mkdirSync(join(root, "sub"));
    mkdirSync(join(root, "node_modules", "pkg"), { recursive: true });
    const files: Record<string, string> = {
      "flow.algo": UNIT,
      "a.algo": user("A", "./flow.algo"),
      "b.algo": user("B", "./flow.algo"),
      "sub/c.algo": user("C", "../flow.algo"),
      "plain.algo": 'strategy Plain\ninstrument es = "ESZ4"\n',
      // Dependencies are not the workspace's own files.
      "node_modules/pkg/d.algo": user("D", "../../flow.algo"),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
    const uri = (name: string, base = root): string => pathToFileURL(join(base, name)).href;

    const s = await startSession(undefined, {
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: "ws" }],
      capabilities: { workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    const unit = uri("flow.algo");
    const opened = s.waitDiagnostics(unit);
    s.open(unit, UNIT);
    expect((await opened).diagnostics).toEqual([]);
    // The server asked the client to watch `.algo` files.
    expect(s.registrations.map((r) => [r.method, JSON.stringify(r.registerOptions)])).toContainEqual([
      DidChangeWatchedFilesNotification.method,
      JSON.stringify({ watchers: [{ globPattern: "**/*.algo" }] }),
    ]);

    const unitName = posOf(UNIT, "Flow(inst", 1);
    const refsOf = async (pos: Position, includeDeclaration = true): Promise<string[]> => {
      const locs = (await s.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri: unit }, position: pos, context: { includeDeclaration } })) as Location[];
      return locs.map((l) => `${l.uri.slice(pathToFileURL(root).href.length + 1)}:${l.range.start.line}:${l.range.start.character}`).sort();
    };
    const userRefs = (name: string): string[] => {
      const t = user("X", "./flow.algo");
      const imp = posOf(t, "Flow from");
      const call = posOf(t, "Flow(es)");
      return [`${name}:${imp.line}:${imp.character}`, `${name}:${call.line}:${call.character}`];
    };
    const decl = `flow.algo:${posOf(UNIT, "Flow(inst").line}:${posOf(UNIT, "Flow(inst").character}`;

    // None of the users is open: they are found on disk (node_modules is not searched).
    expect(await refsOf(unitName)).toEqual([decl, ...userRefs("a.algo"), ...userRefs("b.algo"), ...userRefs("sub/c.algo")].sort());
    expect(await refsOf(unitName, false)).toEqual([...userRefs("a.algo"), ...userRefs("b.algo"), ...userRefs("sub/c.algo")].sort());
    // A member of the unit: its definition, its export, and `f.imb` in every user.
    const imbRefs = await refsOf(posOf(UNIT, "imb ="));
    for (const f of ["a.algo", "b.algo", "sub/c.algo"]) expect(imbRefs).toContain(`${f}:${posOf(user("X", "x"), "f.imb", 2).line}:${posOf(user("X", "x"), "f.imb", 2).character}`);

    // Rename the unit: every file gets its edits.
    const edit = (await s.conn.sendRequest(RenameRequest.type, { textDocument: { uri: unit }, position: unitName, newName: "Flow2" })) as WorkspaceEdit;
    expect(Object.keys(edit.changes!).sort()).toEqual([uri("a.algo"), uri("b.algo"), unit, uri("sub/c.algo")].sort());
    expect(edit.changes![uri("sub/c.algo")]!.map((e) => e.newText)).toEqual(["Flow2", "Flow2"]);

    // A new file (created event), a file that stops using the unit (changed), a deleted file.
    writeFileSync(join(root, "e.algo"), user("E", "./flow.algo"));
    writeFileSync(join(root, "b.algo"), 'strategy B\ninstrument es = "ESZ4"\n');
    rmSync(join(root, "a.algo"));
    void s.conn.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [
        { uri: uri("e.algo"), type: FileChangeType.Created },
        { uri: uri("b.algo"), type: FileChangeType.Changed },
        { uri: uri("a.algo"), type: FileChangeType.Deleted },
      ],
    });
    expect(await refsOf(unitName)).toEqual([decl, ...userRefs("e.algo"), ...userRefs("sub/c.algo")].sort());

    // A second workspace folder whose file imports the unit (relative to itself, across folders).
    writeFileSync(join(other, "far.algo"), user("Far", relative(other, join(root, "flow.algo"))));
    void s.conn.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: [{ uri: pathToFileURL(other).href, name: "other" }], removed: [] } });
    const withFar = (await s.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri: unit }, position: unitName, context: { includeDeclaration: false } })) as Location[];
    expect(withFar.map((l) => l.uri)).toContain(uri("far.algo", other));
    void s.conn.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: [], removed: [{ uri: pathToFileURL(other).href, name: "other" }] } });
    const withoutFar = (await s.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri: unit }, position: unitName, context: { includeDeclaration: false } })) as Location[];
    expect(withoutFar.map((l) => l.uri)).not.toContain(uri("far.algo", other));

    expect(await s.close()).toBe(0);
    expect(s.stderr()).toBe("");
  });

  it("re-checks an open file when a unit it imports changes on disk", async () => {
    const root = mkdtempSync(join(tmpdir(), "algo-lsp-ws3-"));
    writeFileSync(join(root, "flow.algo"), UNIT);
    const text = user("U", "./flow.algo");
    writeFileSync(join(root, "u.algo"), text);
    const s = await startSession(undefined, { workspaceFolders: [{ uri: pathToFileURL(root).href, name: "ws" }] });
    const u = pathToFileURL(join(root, "u.algo")).href;
    const clean = s.waitDiagnostics(u);
    s.open(u, text);
    expect((await clean).diagnostics).toEqual([]);
    // The unit stops exporting `imb` (same length, so only the modification time tells).
    const broken = s.waitDiagnostics(u, (p) => p.diagnostics.length > 0);
    writeFileSync(join(root, "flow.algo"), UNIT.replace("export mid, imb", "export mid, mid"));
    void s.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(root, "flow.algo")).href, type: FileChangeType.Changed }] });
    expect((await broken).diagnostics.map((d) => d.message).join("\n")).toContain("imb");
    const fixed = s.waitDiagnostics(u, (p) => p.diagnostics.length === 0);
    writeFileSync(join(root, "flow.algo"), UNIT);
    void s.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(root, "flow.algo")).href, type: FileChangeType.Changed }] });
    await fixed;
    expect(await s.close()).toBe(0);
    expect(s.stderr()).toBe("");
  });
});
