/**
 * Test helper: starts the real `algo lsp --stdio` process (the built CLI) and talks JSON-RPC to
 * it with vscode-languageserver-protocol, collecting published diagnostics by URI.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  PublishDiagnosticsNotification,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  ShutdownRequest,
  ExitNotification,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  RegistrationRequest,
  type InitializeParams,
  type Registration,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol/node.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** A running server and a client connection to it. */
export interface Session {
  conn: ProtocolConnection;
  child: ChildProcess;
  /** Every publishDiagnostics received, in order. */
  published: PublishDiagnosticsParams[];
  /** Every capability the server registered (client/registerCapability), in order. */
  registrations: Registration[];
  /** Resolves with the first publish for `uri` matching `pred` received after the call (or the last one already received, with includePast). */
  waitDiagnostics(uri: string, pred?: (p: PublishDiagnosticsParams) => boolean, includePast?: boolean): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void;
  stderr(): string;
  close(): Promise<number | null>;
}

/**
 * Starts `node bin/algo.js lsp --stdio` and initializes it. The default options make every check
 * publish once, complete (a budget no check exceeds); tests of the two-step publish set their own.
 */
export async function startSession(initializationOptions: object = { debounceMs: 20, diagnosticsBudgetMs: 600_000 }, init: Partial<InitializeParams> = {}): Promise<Session> {
  const child = spawn(process.execPath, [join(ROOT, "bin", "algo.js"), "lsp", "--stdio"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const registrations: Registration[] = [];
  conn.onRequest(RegistrationRequest.type, (p) => {
    registrations.push(...p.registrations);
  });
  const waiters: Array<{ uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (w.uri === p.uri && w.pred(p)) {
        waiters.splice(i, 1);
        w.resolve(p);
      }
    }
  });
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } },
    initializationOptions,
    ...init,
  });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    conn,
    child,
    published,
    registrations,
    waitDiagnostics(uri, pred = () => true, includePast = false) {
      const past = includePast ? published.filter((p) => p.uri === uri && pred(p)).at(-1) : undefined;
      if (past) return Promise.resolve(past);
      return new Promise((resolve) => waiters.push({ uri, pred, resolve }));
    },
    open(uri, text, version = 1) {
      void conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "algo", version, text } });
    },
    change(uri, version, changes) {
      void conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    },
    stderr: () => err,
    async close() {
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      const code = await exited;
      conn.dispose();
      return code;
    },
  };
}
