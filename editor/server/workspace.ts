/**
 * The server's view of the files: the editor's open buffers overlaid on the file system (the
 * compiler reads imports through this host), and one checked program per open document and
 * version, computed on demand by the compiler itself (`checkProgram`) — the server never checks
 * anything on its own, so the editor and `algo check` always agree.
 */
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { checkProgram, nodeHost, resolveRelative, type CheckedFile, type CheckedProgram, type CompilerHost } from "../../compiler/index.js";

/** A checked document: the program rooted at it and its own file in that program. */
export interface Analysis {
  uri: string;
  version: number;
  program: CheckedProgram;
  /** The document's own file (the program's root). */
  file: CheckedFile;
  /** Absolute paths (file keys) of every file of the program, the root's included. */
  keys: Set<string>;
}

/** The file-system path of a document URI (non-file URIs keep a synthetic absolute path). */
export function uriToPath(uri: string): string {
  if (uri.startsWith("file:")) {
    try {
      return fileURLToPath(uri);
    } catch {
      return resolve("/", encodeURIComponent(uri));
    }
  }
  return resolve("/", encodeURIComponent(uri));
}

/** The URI of a file path the compiler reported. */
export function pathToUri(path: string): string {
  return pathToFileURL(resolve(path)).href;
}

/** Open documents and their analyses. */
export class Workspace {
  private readonly docs = new Map<string, TextDocument>();
  private readonly byPath = new Map<string, TextDocument>();
  private readonly cache = new Map<string, Analysis>();
  /** Reads open buffers first, then the file system. */
  readonly host: CompilerHost = {
    readFile: (path: string) => {
      const doc = this.byPath.get(resolve(path));
      return doc ? doc.getText() : nodeHost.readFile(path);
    },
    resolveImport: resolveRelative,
    fileKey: (path: string) => resolve(path),
  };

  /** Records an opened or changed document (drops its stale analysis). */
  set(doc: TextDocument): void {
    this.docs.set(doc.uri, doc);
    this.byPath.set(resolve(uriToPath(doc.uri)), doc);
    this.cache.delete(doc.uri);
  }

  /** Forgets a closed document. */
  close(uri: string): void {
    this.docs.delete(uri);
    this.byPath.delete(resolve(uriToPath(uri)));
    this.cache.delete(uri);
  }

  /** The open document, if any. */
  get(uri: string): TextDocument | undefined {
    return this.docs.get(uri);
  }

  /** All open documents. */
  all(): TextDocument[] {
    return [...this.docs.values()];
  }

  /** The analysis of an open document at its current version (computed once per version). */
  analyze(uri: string): Analysis | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    const hit = this.cache.get(uri);
    if (hit && hit.version === doc.version) return hit;
    const path = uriToPath(uri);
    const program = checkProgram([{ path, text: doc.getText() }], { host: this.host });
    const rootId = program.roots[0] ?? 0;
    const file = program.files[rootId]!;
    const keys = new Set(program.files.map((f) => resolve(f.path)));
    const a: Analysis = { uri, version: doc.version, program, file, keys };
    this.cache.set(uri, a);
    return a;
  }

  /** Open documents (other than `uri`) whose last analysis read the file of `uri`. */
  dependents(uri: string): string[] {
    const key = resolve(uriToPath(uri));
    const out: string[] = [];
    for (const [other, a] of this.cache) {
      if (other !== uri && a.keys.has(key)) out.push(other);
    }
    // Documents never analysed yet, or whose analysis was dropped, are re-checked by their owner.
    return out;
  }

  /** Drops the cached analysis of a document (its imports changed). */
  invalidate(uri: string): void {
    this.cache.delete(uri);
  }

  /** The cached analyses of all open documents (computing missing ones). */
  analyses(): Analysis[] {
    const out: Analysis[] = [];
    for (const uri of this.docs.keys()) {
      const a = this.analyze(uri);
      if (a) out.push(a);
    }
    return out;
  }
}
