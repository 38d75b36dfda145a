/**
 * The server's view of the files: the editor's open buffers overlaid on the file system (the
 * compiler reads imports through this host), and per open document the compiler's own results,
 * computed on demand and cached by version:
 *   - the front end (`checkProgram` with no analyses: parse, names, types, units, lints), which
 *     every request reads;
 *   - the back end's analyses (risk, warm-up, division — the registered ones, run exactly as
 *     `checkProgram` runs them: only after a clean front end), which only diagnostics need.
 * Keeping them apart lets a request after an edit skip the analyses, and lets the server publish
 * the front end's diagnostics before the analyses are done. The server never checks anything on
 * its own, so the editor and `algo check` always agree.
 *
 * It also indexes every `.algo` file under the workspace folders (for references and rename) and
 * caches the text of files read from disk by modification time and size.
 */
import { readFileSync, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import {
  checkProgram,
  compareDiagnostics,
  hasErrors,
  registeredAnalyses,
  resolveRelative,
  type CheckedFile,
  type CheckedProgram,
  type CompilerHost,
  type Diagnostic,
} from "../../compiler/index.js";

/** A checked document (front end only): the program rooted at it and its own file in that program. */
export interface Analysis {
  uri: string;
  /** The document version (disk files: -1). */
  version: number;
  program: CheckedProgram;
  /** The document's own file (the program's root). */
  file: CheckedFile;
  /** Absolute paths (file keys) of every file of the program, the root's included. */
  keys: Set<string>;
}

/** The analyses' diagnostics for one front end (empty when the front end reported an error). */
export interface BackEnd {
  front: Analysis;
  /** What the analyses added (sorted); the published set is the front end's plus these. */
  diagnostics: Diagnostic[];
  /** Wall time the analyses took (ms). */
  ms: number;
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

/** The front end and the analyses of a program, merged as `checkProgram` would report them. */
export function allDiagnostics(front: Analysis, back: BackEnd | undefined): Diagnostic[] {
  if (!back || back.diagnostics.length === 0) return front.program.diagnostics;
  return [...front.program.diagnostics, ...back.diagnostics].sort(compareDiagnostics);
}

/** At most this many programs of files that are not open are kept for references and rename. */
const DISK_ANALYSES_KEPT = 64;
/** The workspace scan stops after this many `.algo` files (a folder such as `/` must not hang the server). */
const MAX_WORKSPACE_FILES = 20_000;
const SKIPPED_DIRS = new Set(["node_modules", "dist", "out"]);

interface DocState {
  doc: TextDocument;
  /** Bumped when a file the document imports changes: results of older generations are stale. */
  generation: number;
  /** The newest front end computed (possibly for an older version). */
  front?: Analysis & { generation: number };
  /** The newest analyses run (possibly for an older version or generation). */
  back?: BackEnd & { generation: number };
}

/** Open documents, their analyses, the disk, and the workspace's `.algo` files. */
export class Workspace {
  private readonly docs = new Map<string, DocState>();
  private readonly byPath = new Map<string, TextDocument>();
  private readonly diskText = new Map<string, { mtimeMs: number; size: number; text: string }>();
  private readonly diskAnalyses = new Map<string, Analysis>();
  private readonly folders: string[] = [];
  /** Absolute paths of the `.algo` files under the workspace folders. */
  readonly files = new Set<string>();
  private scanning: Promise<void> = Promise.resolve();

  /** Reads open buffers first, then the file system (through the text cache). */
  readonly host: CompilerHost = {
    readFile: (path: string) => {
      const doc = this.byPath.get(resolve(path));
      return doc ? doc.getText() : this.readDisk(path);
    },
    resolveImport: resolveRelative,
    fileKey: (path: string) => resolve(path),
  };

  /** A file's text from disk; unchanged files (same modification time and size) are not re-read. */
  readDisk(path: string): string | undefined {
    const key = resolve(path);
    try {
      const st = statSync(key);
      if (!st.isFile()) return undefined;
      const hit = this.diskText.get(key);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.text;
      const text = readFileSync(key, "utf8");
      this.diskText.set(key, { mtimeMs: st.mtimeMs, size: st.size, text });
      return text;
    } catch {
      this.diskText.delete(key);
      return undefined;
    }
  }

  /** Records an opened or changed document. */
  set(doc: TextDocument): void {
    const st = this.docs.get(doc.uri);
    if (st) st.doc = doc;
    else this.docs.set(doc.uri, { doc, generation: 0 });
    this.byPath.set(resolve(uriToPath(doc.uri)), doc);
  }

  /** Forgets a closed document. */
  close(uri: string): void {
    this.docs.delete(uri);
    this.byPath.delete(resolve(uriToPath(uri)));
  }

  /** The open document, if any. */
  get(uri: string): TextDocument | undefined {
    return this.docs.get(uri)?.doc;
  }

  /** All open documents. */
  all(): TextDocument[] {
    return [...this.docs.values()].map((s) => s.doc);
  }

  /** The front end of an open document at its current version (computed once per version). */
  front(uri: string): Analysis | undefined {
    const st = this.docs.get(uri);
    if (!st) return undefined;
    const hit = this.currentFront(uri);
    if (hit) return hit;
    const a = this.check(uri, st.doc.getText(), st.doc.version);
    st.front = { ...a, generation: st.generation };
    return st.front;
  }

  /** The front end of the current version if it was already computed. */
  currentFront(uri: string): Analysis | undefined {
    const st = this.docs.get(uri);
    const f = st?.front;
    return f && st.doc.version === f.version && f.generation === st.generation ? f : undefined;
  }

  /** The newest front end computed for this document, even for an older version (same imports). */
  latestFront(uri: string): Analysis | undefined {
    const st = this.docs.get(uri);
    const f = st?.front;
    return f && f.generation === st.generation ? f : undefined;
  }

  /** The analyses of the current version (run once per version, after the front end). */
  back(uri: string): BackEnd | undefined {
    const st = this.docs.get(uri);
    if (!st) return undefined;
    const hit = this.currentBack(uri);
    if (hit) return hit;
    const front = this.front(uri)!;
    const t0 = performance.now();
    const diagnostics: Diagnostic[] = [];
    // Exactly what checkProgram does after its front end (compiler/index.ts).
    if (!hasErrors(front.program.diagnostics)) {
      for (const analysis of registeredAnalyses()) diagnostics.push(...analysis.run(front.program));
      diagnostics.sort(compareDiagnostics);
    }
    st.back = { front, diagnostics, ms: performance.now() - t0, generation: st.generation };
    return st.back;
  }

  /** The analyses of the current version if they already ran. */
  currentBack(uri: string): BackEnd | undefined {
    const st = this.docs.get(uri);
    const b = st?.back;
    return b && b.front.version === st.doc.version && b.generation === st.generation ? b : undefined;
  }

  /** The newest analyses run for this document (any version or generation). */
  latestBack(uri: string): BackEnd | undefined {
    return this.docs.get(uri)?.back;
  }

  /** Open documents (other than `uri`) whose last check read the file of `uri`. */
  dependents(uri: string): string[] {
    return this.readersOf(resolve(uriToPath(uri))).filter((u) => u !== uri);
  }

  /** Open documents whose last check read the file at this path. */
  readersOf(path: string): string[] {
    const key = resolve(path);
    const out: string[] = [];
    for (const [uri, st] of this.docs) {
      if (st.front?.keys.has(key) || st.back?.front.keys.has(key)) out.push(uri);
    }
    return out;
  }

  /** Marks a document's results stale (a file it imports changed); its version stays. */
  invalidate(uri: string): void {
    const st = this.docs.get(uri);
    if (st) st.generation++;
  }

  /** The front ends of all open documents at their current versions. */
  openAnalyses(): Analysis[] {
    const out: Analysis[] = [];
    for (const uri of this.docs.keys()) {
      const a = this.front(uri);
      if (a) out.push(a);
    }
    return out;
  }

  private check(uri: string, text: string, version: number): Analysis {
    const program = checkProgram([{ path: uriToPath(uri), text }], { host: this.host, analyses: [] });
    const rootId = program.roots[0] ?? 0;
    const file = program.files[rootId]!;
    const keys = new Set(program.files.map((f) => resolve(f.path)));
    return { uri, version, program, file, keys };
  }

  // -------------------------------------------------------------------------------------------
  // Workspace folders

  /** Sets the workspace folders (absolute paths) and rescans them for `.algo` files. */
  setFolders(folders: readonly string[]): Promise<void> {
    this.folders.length = 0;
    this.folders.push(...folders.map((f) => resolve(f)));
    this.scanning = this.scan();
    return this.scanning;
  }

  /** Resolves when the last scan of the workspace folders has finished. */
  scanned(): Promise<void> {
    return this.scanning;
  }

  private async scan(): Promise<void> {
    const found = new Set<string>();
    const stack = [...this.folders];
    while (stack.length > 0 && found.size < MAX_WORKSPACE_FILES) {
      const dir = stack.pop()!;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!e.name.startsWith(".") && !SKIPPED_DIRS.has(e.name)) stack.push(join(dir, e.name));
        } else if (e.isFile() && e.name.endsWith(".algo")) found.add(join(dir, e.name));
      }
    }
    this.files.clear();
    for (const f of found) this.files.add(f);
    this.diskAnalyses.clear();
  }

  /** True when the path lies under one of the workspace folders. */
  inWorkspace(path: string): boolean {
    const p = resolve(path);
    return this.folders.some((f) => p === f || p.startsWith(f.endsWith("/") ? f : f + "/"));
  }

  /** A watched file was created, changed or deleted on disk. */
  fileChanged(path: string, kind: "created" | "changed" | "deleted"): void {
    const key = resolve(path);
    this.diskText.delete(key);
    if (kind === "deleted") this.files.delete(key);
    else if (key.endsWith(".algo") && this.inWorkspace(key)) this.files.add(key);
    // A new or deleted file can change how any import resolves; a changed one, its readers only.
    if (kind === "changed") {
      for (const [p, a] of this.diskAnalyses) if (a.keys.has(key)) this.diskAnalyses.delete(p);
    } else this.diskAnalyses.clear();
  }

  /**
   * Front ends of the workspace's files that are not open and whose text mentions `name` (any
   * file that refers to a symbol spells its name). Cached while every file they read is unchanged.
   */
  workspaceAnalyses(name: string): Analysis[] {
    const out: Analysis[] = [];
    for (const path of [...this.files].sort()) {
      if (this.byPath.has(path)) continue;
      const text = this.readDisk(path);
      if (text === undefined || !text.includes(name)) continue;
      let a = this.diskAnalyses.get(path);
      if (!a || !this.stillReads(a)) {
        const program = checkProgram([{ path, text }], { host: this.host, analyses: [] });
        const file = program.files[program.roots[0] ?? 0]!;
        a = { uri: pathToUri(path), version: -1, program, file, keys: new Set(program.files.map((f) => resolve(f.path))) };
      }
      // Most recently used last; the oldest are dropped beyond the limit.
      this.diskAnalyses.delete(path);
      this.diskAnalyses.set(path, a);
      if (this.diskAnalyses.size > DISK_ANALYSES_KEPT) this.diskAnalyses.delete(this.diskAnalyses.keys().next().value!);
      out.push(a);
    }
    return out;
  }

  /** True when every file the analysis read still has the same text (open buffer or disk). */
  private stillReads(a: Analysis): boolean {
    for (const f of a.program.files) if (this.host.readFile(f.path) !== f.source.text) return false;
    return true;
  }
}
