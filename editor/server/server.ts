/**
 * The `algo` language server: wires the protocol (vscode-languageserver 9, incremental text
 * sync) to the workspace (editor buffers overlaid on the file system; per document the
 * compiler's front end and analyses, cached by version) and the features. Every handler is
 * guarded: an exception is logged and answered with an empty result, never a crash.
 *
 * Diagnostics are published per document version, throttled (a quiet document is checked at once;
 * edits arriving faster are coalesced every `debounceMs`), for the edited file and every open
 * file that imports it. A check runs the front end, then the analyses:
 *   - when the front end reports an error the analyses do not run (as in `algo check`): one publish;
 *   - when the front end plus the analyses' last duration fits in `diagnosticsBudgetMs`, or the
 *     document was never analysed: one publish, complete;
 *   - otherwise the front end's diagnostics are published at once together with the analysis
 *     diagnostics last published, carried onto the new text (carry.ts), and the analyses run
 *     once the document has stayed unchanged for `analysisDelayMs` — after any request or edit
 *     that arrived meanwhile. If a newer version has arrived by then they are skipped (that
 *     version's check runs them);
 *     otherwise their result is published when it differs from what was carried.
 * So every version that is not superseded ends with exactly `algo check`'s diagnostics.
 *
 * Requests read the current version's front end only. Completion right after an edit may be
 * answered from the previous version's front end when the edit provably cannot change the answer
 * (completion-reuse.ts).
 */
import { performance } from "node:perf_hooks";
import { format } from "node:util";
import {
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { compareDiagnostics, hasErrors, type Diagnostic } from "../../compiler/index.js";
import { carryDiagnostics, sameDiagnostics } from "./carry.js";
import { reusedCompletionSite } from "./completion-reuse.js";
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
  symbolNameAt,
} from "./features.js";
import { TrackedMessageWriter } from "./tracked-writer.js";
import { Workspace, allDiagnostics, uriToPath, type Analysis, type BackEnd } from "./workspace.js";

/** Options a client may pass in `initializationOptions`. */
export interface ServerOptions {
  /** Minimum time between two checks of one document while edits keep arriving (default 150 ms). */
  debounceMs?: number;
  /**
   * Time after which the analyses' diagnostics are published separately (default 20 ms): when
   * the front end plus the analyses are expected to take longer, the front end's go out first.
   */
  diagnosticsBudgetMs?: number;
  /**
   * When the analyses run after the front end's publish (the two-step case): how long the document
   * must stay unchanged before they start (default 30 ms). They run to the end once started, so a
   * keystroke arriving during them would wait; a keystroke within this time cancels them instead
   * (the newer version's check runs them).
   */
  analysisDelayMs?: number;
}

/** Callbacks for an embedding process (the benchmark): not part of the protocol. */
export interface ServerObserver {
  /** The diagnostics published for this version are now complete (the analyses have run). */
  diagnosticsComplete?(uri: string, version: number): void;
  /** A request was answered; `ms`: the time its handler took (queueing not included). */
  requestHandled?(method: string, ms: number): void;
  /**
   * Diagnostics of this version were handed to the transport: `sinceChange` ms after the first
   * change notification of the document not yet checked (the server's share of the latency),
   * `checking` of which the check itself took (front end, conversion).
   */
  diagnosticsPublished?(uri: string, version: number, sinceChange: number, checking: number): void;
  /** The client sent the shutdown request. */
  shutdown?(): void;
}

/** Where the server reads and writes LSP messages. */
export interface ServerStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Starts the server on a pair of streams (stdin/stdout by default) and returns its connection. */
export function startServer(streams: ServerStreams = { input: process.stdin, output: process.stdout }, observer: ServerObserver = {}): Connection {
  const writer = new TrackedMessageWriter(new StreamMessageWriter(streams.output));
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(streams.input), writer);
  // On stdout, a stray console.log would corrupt the protocol: send it to the client's log.
  if (streams.output === process.stdout) {
    console.log = console.info = console.debug = (...args: unknown[]) => connection.console.log(format(...args));
    console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
    console.error = (...args: unknown[]) => connection.console.error(format(...args));
  }
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  let debounceMs = 150;
  let budgetMs = 20;
  let analysisDelayMs = 30;
  const timers = new Map<string, NodeJS.Timeout>();
  /** Per document: the front end whose analyses are due, and the timer that runs them. */
  const pendingAnalyses = new Map<string, { front: Analysis; timer: NodeJS.Timeout }>();
  const lastCheck = new Map<string, number>();
  /** Per document: when the first change not yet checked arrived (for the observer). */
  const changedAt = new Map<string, number>();
  /**
   * Per document: the last analysis diagnostics published (fresh or carried) and the front end
   * they belong to — what the next version carries, so that each carry moves them across one edit.
   */
  const shown = new Map<string, BackEnd>();
  let folders: string[] = [];
  let clientCapabilities: InitializeParams["capabilities"] = {};

  const log = (where: string, err: unknown): void => {
    const e = err as Error;
    connection.console.error(`algo lsp: ${where} failed: ${e?.stack ?? String(err)}`);
  };

  /** Runs a request handler: cancelled → RequestCancelled; an exception → logged, `fallback`. */
  function guard<P, R>(where: string, fallback: R, fn: (params: P) => R | Promise<R>): (params: P, token: CancellationToken) => Promise<R | ResponseError<void>> {
    return async (params, token) => {
      if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, "request cancelled");
      const t0 = performance.now();
      try {
        return await fn(params);
      } catch (err) {
        log(where, err);
        return fallback;
      } finally {
        observer.requestHandled?.(where, performance.now() - t0);
      }
    };
  }

  /** The front end of an open document at its current version. */
  const analysis = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    if (workspace.get(uri) !== doc) workspace.set(doc);
    return workspace.front(uri);
  };

  const publish = (front: Analysis, diagnostics: readonly Diagnostic[], started?: number): void => {
    const sent = connection.sendDiagnostics({ uri: front.uri, version: front.version, diagnostics: documentDiagnostics(front, diagnostics) });
    const seen = observer.diagnosticsPublished;
    if (!seen || started === undefined) return;
    const since = changedAt.get(front.uri) ?? started;
    changedAt.delete(front.uri);
    void sent.then(() => seen(front.uri, front.version, performance.now() - since, performance.now() - started));
  };

  const complete = (uri: string, version: number): void => {
    observer.diagnosticsComplete?.(uri, version);
  };

  /**
   * Lets what is already under way go first: messages already sent are written out, and a request
   * that arrived with the edit (completion after typing) is answered before the check blocks.
   */
  const yieldToRequests = async (): Promise<void> => {
    await writer.flushed();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await writer.flushed();
  };

  /** Checks the current version of a document and publishes its diagnostics (see the file comment). */
  const check = async (uri: string): Promise<void> => {
    await yieldToRequests();
    timers.delete(uri);
    lastCheck.set(uri, Date.now());
    try {
      const doc = documents.get(uri);
      if (!doc) return;
      const pending = pendingAnalyses.get(uri);
      if (pending) clearTimeout(pending.timer);
      pendingAnalyses.delete(uri);
      const t0 = performance.now();
      const previous = workspace.latestBack(uri);
      const front = analysis(uri);
      if (!front) return;
      if (hasErrors(front.program.diagnostics)) {
        // The analyses do not run (as in `algo check`): the front end's diagnostics are complete.
        publish(front, front.program.diagnostics, t0);
        complete(uri, front.version);
        return;
      }
      const done = workspace.currentBack(uri);
      if (done || !previous || performance.now() - t0 + previous.ms <= budgetMs) {
        const back = workspace.back(uri)!;
        publish(front, allDiagnostics(front, back), t0);
        shown.set(uri, back);
        complete(uri, front.version);
        return;
      }
      const carried = carryDiagnostics(shown.get(uri) ?? previous, front);
      publish(front, carried.length === 0 ? front.program.diagnostics : [...front.program.diagnostics, ...carried].sort(compareDiagnostics), t0);
      shown.set(uri, { front, diagnostics: carried, ms: previous.ms });
      pendingAnalyses.set(uri, { front, timer: setTimeout(() => void finish(uri, front, carried), analysisDelayMs) });
    } catch (err) {
      log("diagnostics", err);
    }
  };

  /** Runs the analyses of a version whose front-end diagnostics went out, unless it was superseded. */
  const finish = async (uri: string, front: Analysis, carried: Diagnostic[]): Promise<void> => {
    await yieldToRequests();
    if (pendingAnalyses.get(uri)?.front !== front) return; // cancelled by a newer check or a close
    pendingAnalyses.delete(uri);
    try {
      if (workspace.currentFront(uri) !== front) return; // a newer version or import: its check runs them
      const back = workspace.back(uri)!;
      if (!sameDiagnostics(back.diagnostics, carried)) publish(front, allDiagnostics(front, back));
      shown.set(uri, back);
      complete(uri, front.version);
    } catch (err) {
      log("diagnostics", err);
    }
  };

  const schedule = (uri: string): void => {
    if (timers.has(uri)) return;
    const since = Date.now() - (lastCheck.get(uri) ?? 0);
    const wait = since >= debounceMs ? 0 : debounceMs - since;
    // Even when idle, wait for the current batch of messages so a burst of changes is one check.
    timers.set(uri, setTimeout(() => void check(uri), wait));
  };

  const recheck = (uris: Iterable<string>): void => {
    for (const uri of uris) {
      workspace.invalidate(uri);
      schedule(uri);
    }
  };

  const changed = (uri: string): void => {
    if (observer.diagnosticsPublished && !changedAt.has(uri)) changedAt.set(uri, performance.now());
    // The analyses of the previous version are moot now: the next check runs them on the new text.
    const pending = pendingAnalyses.get(uri);
    if (pending) {
      clearTimeout(pending.timer);
      pendingAnalyses.delete(uri);
    }
    const doc = documents.get(uri);
    if (doc) workspace.set(doc);
    schedule(uri);
    recheck(workspace.dependents(uri));
  };

  connection.onInitialize((params): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as ServerOptions;
    if (typeof opts.debounceMs === "number" && opts.debounceMs >= 0) debounceMs = opts.debounceMs;
    if (typeof opts.diagnosticsBudgetMs === "number" && opts.diagnosticsBudgetMs >= 0) budgetMs = opts.diagnosticsBudgetMs;
    if (typeof opts.analysisDelayMs === "number" && opts.analysisDelayMs >= 0) analysisDelayMs = opts.analysisDelayMs;
    clientCapabilities = params.capabilities ?? {};
    if (params.workspaceFolders && params.workspaceFolders.length > 0) folders = params.workspaceFolders.map((f) => uriToPath(f.uri));
    else if (params.rootUri) folders = [uriToPath(params.rootUri)];
    else if (params.rootPath) folders = [params.rootPath];
    // Scanned in the background; references and rename wait for it.
    void workspace.setFolders(folders).catch((err) => log("workspace scan", err));
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
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: "algo-lsp", version: "0.1.0" },
    };
  });

  connection.onInitialized(() => {
    // Ask for `.algo` file events when the client lets servers register watchers (VS Code's
    // client also sends them unasked: the extension's `synchronize.fileEvents`).
    if (clientCapabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.algo" }] }).catch((err) => log("register file watcher", err));
    }
    if (clientCapabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        try {
          const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
          folders = [...folders.filter((f) => !removed.has(f)), ...e.added.map((f) => uriToPath(f.uri))];
          void workspace.setFolders(folders).catch((err) => log("workspace scan", err));
        } catch (err) {
          log("didChangeWorkspaceFolders", err);
        }
      });
    }
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
      const uri = e.document.uri;
      const t = timers.get(uri);
      if (t) clearTimeout(t);
      timers.delete(uri);
      const pending = pendingAnalyses.get(uri);
      if (pending) clearTimeout(pending.timer);
      pendingAnalyses.delete(uri);
      lastCheck.delete(uri);
      changedAt.delete(uri);
      shown.delete(uri);
      const deps = workspace.dependents(uri);
      workspace.close(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
      // Importers now read the file from disk again.
      recheck(deps);
    } catch (err) {
      log("didClose", err);
    }
  });
  connection.onDidChangeWatchedFiles((p) => {
    try {
      const affected = new Set<string>();
      for (const c of p.changes) {
        const path = uriToPath(c.uri);
        const kind = c.type === FileChangeType.Created ? "created" : c.type === FileChangeType.Deleted ? "deleted" : "changed";
        workspace.fileChanged(path, kind);
        if (kind === "changed") {
          // An open file's buffer is what the server reads: saving it changes nothing.
          if (documents.all().some((d) => uriToPath(d.uri) === path)) continue;
          for (const uri of workspace.readersOf(path)) affected.add(uri);
        } else {
          // A created or deleted file may be what an import names.
          for (const d of documents.all()) affected.add(d.uri);
        }
      }
      recheck(affected);
    } catch (err) {
      log("didChangeWatchedFiles", err);
    }
  });

  connection.onHover(guard("hover", null, (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? hover(a, p.position) : null;
  }));
  connection.onCompletion(guard("completion", [], (p) => {
    const uri = p.textDocument.uri;
    const doc = documents.get(uri);
    if (!doc) return [];
    if (workspace.get(uri) !== doc) workspace.set(doc);
    const current = workspace.currentFront(uri);
    if (current) return completion(current, p.position);
    const older = workspace.latestFront(uri);
    const site = older ? reusedCompletionSite(older, doc.getText(), p.position) : undefined;
    if (site) return completion(site.a, p.position, site);
    const a = workspace.front(uri);
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

  /** The analyses that may refer to the symbol at a position: open documents and workspace files. */
  const candidates = async (a: Analysis, position: { line: number; character: number }): Promise<Analysis[]> => {
    const name = symbolNameAt(a, position);
    if (name === undefined) return [];
    await workspace.scanned();
    return [...workspace.openAnalyses(), ...workspace.workspaceAnalyses(name)];
  };
  connection.onReferences(guard("references", [], async (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? references(a, await candidates(a, p.position), p.position, p.context.includeDeclaration) : [];
  }));
  connection.onPrepareRename(guard("prepareRename", null, (p) => {
    const a = analysis(p.textDocument.uri);
    return a ? prepareRename(a, p.position) : null;
  }));
  connection.onRenameRequest(async (p, token) => {
    if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, "request cancelled");
    try {
      const a = analysis(p.textDocument.uri);
      if (!a) return null;
      const all = await candidates(a, p.position);
      // The document may have changed while the workspace was being scanned.
      const now = analysis(p.textDocument.uri);
      if (now !== a) return new ResponseError(LSPErrorCodes.ContentModified, "the document changed; rename again");
      const r = rename(a, all, p.position, p.newName);
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
    observer.shutdown?.();
    for (const t of timers.values()) clearTimeout(t);
    for (const p of pendingAnalyses.values()) clearTimeout(p.timer);
    timers.clear();
    pendingAnalyses.clear();
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
