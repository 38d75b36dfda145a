/**
 * The `algo` language server: wires the protocol (vscode-languageserver 9, incremental text
 * sync) to the workspace (editor buffers overlaid on the file system, one compiler run per
 * document version) and the features. Diagnostics are published per document version, throttled
 * (a quiet document is checked at once, edits arriving faster are coalesced every `debounceMs`),
 * for the edited file and every open file that imports it. Every handler is guarded: an
 * exception is logged and answered with an empty result, never a crash.
 */
import {
  ErrorCodes,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CancellationToken,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { documentDiagnostics } from "./convert.js";
import {
  TOKEN_TYPES,
  codeActions,
  completion,
  definition,
  documentSymbols,
  foldingRanges,
  formatting,
  hover,
  prepareRename,
  references,
  rename,
  semanticTokens,
  signatureHelp,
} from "./features.js";
import { Workspace, type Analysis } from "./workspace.js";

/** Options a client may pass in `initializationOptions`. */
export interface ServerOptions {
  /** Minimum time between two checks of one document while edits keep arriving (default 150 ms). */
  debounceMs?: number;
}

/** Starts the server on a connection (stdio by default) and returns it. */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  let debounceMs = 150;
  const timers = new Map<string, NodeJS.Timeout>();
  const lastCheck = new Map<string, number>();

  const log = (where: string, err: unknown): void => {
    const e = err as Error;
    connection.console.error(`algo lsp: ${where} failed: ${e?.stack ?? String(err)}`);
  };

  /** Runs a request handler: cancelled → RequestCancelled; an exception → logged, `fallback`. */
  function guard<P, R>(where: string, fallback: R, fn: (params: P) => R): (params: P, token: CancellationToken) => R | ResponseError<void> {
    return (params, token) => {
      if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, "request cancelled");
      try {
        return fn(params);
      } catch (err) {
        log(where, err);
        return fallback;
      }
    };
  }

  const analysis = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    if (workspace.get(uri) !== doc) workspace.set(doc);
    return workspace.analyze(uri);
  };

  const publish = (uri: string): void => {
    timers.delete(uri);
    lastCheck.set(uri, Date.now());
    try {
      const doc = documents.get(uri);
      if (!doc) return;
      const a = analysis(uri);
      if (!a || a.version !== doc.version) return;
      void connection.sendDiagnostics({ uri, version: a.version, diagnostics: documentDiagnostics(a) });
    } catch (err) {
      log("diagnostics", err);
    }
  };

  const schedule = (uri: string): void => {
    if (timers.has(uri)) return;
    const since = Date.now() - (lastCheck.get(uri) ?? 0);
    const wait = since >= debounceMs ? 0 : debounceMs - since;
    // Even when idle, wait for the current batch of messages so a burst of changes is one check.
    timers.set(uri, setTimeout(() => publish(uri), wait));
  };

  const changed = (uri: string): void => {
    const doc = documents.get(uri);
    if (doc) workspace.set(doc);
    schedule(uri);
    for (const dep of workspace.dependents(uri)) {
      workspace.invalidate(dep);
      schedule(dep);
    }
  };

  connection.onInitialize((params): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as ServerOptions;
    if (typeof opts.debounceMs === "number" && opts.debounceMs >= 0) debounceMs = opts.debounceMs;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [".", "(", ",", " "], resolveProvider: false },
        signatureHelpProvider: { triggerCharacters: ["(", ","], retriggerCharacters: [":"] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix"] },
        semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [] }, full: true },
      },
      serverInfo: { name: "algo-lsp", version: "0.1.0" },
    };
  });

  documents.onDidOpen((e) => {
    try {
      changed(e.document.uri);
    } catch (err) {
      log("didOpen", err);
    }
  });
  documents.onDidChangeContent((e) => {
    try {
      changed(e.document.uri);
    } catch (err) {
      log("didChange", err);
    }
  });
  documents.onDidClose((e) => {
    try {
      const t = timers.get(e.document.uri);
      if (t) clearTimeout(t);
      timers.delete(e.document.uri);
      lastCheck.delete(e.document.uri);
      const deps = workspace.dependents(e.document.uri);
      workspace.close(e.document.uri);
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      // Importers now read the file from disk again.
      for (const dep of deps) {
        workspace.invalidate(dep);
        schedule(dep);
      }
    } catch (err) {
      log("didClose", err);
    }
  });
  connection.onDidChangeWatchedFiles(() => {
    try {
      for (const doc of documents.all()) {
        workspace.invalidate(doc.uri);
        schedule(doc.uri);
      }
    } catch (err) {
      log("didChangeWatchedFiles", err);
    }
  });

  const openAnalyses = (): Analysis[] => documents.all().map((d) => analysis(d.uri)).filter((a): a is Analysis => a !== undefined);

  connection.onHover(guard("hover", null, (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? hover(a, p.position) : null;
  }));
  connection.onCompletion(guard("completion", [], (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? completion(a, p.position) : [];
  }));
  connection.onSignatureHelp(guard("signatureHelp", null, (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? signatureHelp(a, p.position) : null;
  }));
  connection.onDefinition(guard("definition", null, (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? definition(a, p.position) : null;
  }));
  connection.onReferences(guard("references", [], (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? references(a, openAnalyses(), p.position, p.context.includeDeclaration) : [];
  }));
  connection.onPrepareRename(guard("prepareRename", null, (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? prepareRename(a, p.position) : null;
  }));
  connection.onRenameRequest((p, token) => {
    if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, "request cancelled");
    try {
      const a = analysis(p.textDocument.uri);
      if (!a) return null;
      const r = rename(a, openAnalyses(), p.position, p.newName);
      if (r && "error" in r) return new ResponseError(ErrorCodes.InvalidParams, r.error);
      return r;
    } catch (err) {
      log("rename", err);
      return null;
    }
  });
  connection.onDocumentSymbol(guard("documentSymbol", [], (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? documentSymbols(a) : [];
  }));
  connection.onFoldingRanges(guard("foldingRange", [], (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? foldingRanges(a) : [];
  }));
  connection.onDocumentFormatting(guard("formatting", [], (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? formatting(a) : [];
  }));
  connection.onCodeAction(guard("codeAction", [], (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? codeActions(a, p.context.diagnostics) : [];
  }));
  connection.languages.semanticTokens.on(guard("semanticTokens", { data: [] }, (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? semanticTokens(a) : { data: [] };
  }));
  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
