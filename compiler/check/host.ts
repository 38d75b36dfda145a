/**
 * How the checker reaches files: the CLI uses the file system, the language server overlays the
 * editor's unsaved buffers, tests use in-memory maps.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, resolve } from "node:path";

/** File access for the checker. */
export interface CompilerHost {
  /** The file's text, or undefined when it does not exist or cannot be read as a file. */
  readFile(path: string): string | undefined;
  /** The path an import specifier names, relative to the importing file's path. */
  resolveImport(fromPath: string, spec: string): string;
  /** A key identifying the file (same key = same file), e.g. its absolute path. */
  fileKey(path: string): string;
}

/** Resolves `spec` against the directory of `fromPath`, keeping relative paths relative. */
export function resolveRelative(fromPath: string, spec: string): string {
  return normalize(join(dirname(fromPath), spec));
}

/** The file-system host. */
export const nodeHost: CompilerHost = {
  readFile(path: string): string | undefined {
    try {
      if (!statSync(path).isFile()) return undefined;
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
  resolveImport: resolveRelative,
  fileKey: (path: string) => resolve(path),
};

/** A host over an in-memory map of path → text (tests, the language server's overlay). */
export function memoryHost(files: ReadonlyMap<string, string> | Record<string, string>, fallback?: CompilerHost): CompilerHost {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return {
    readFile(path: string): string | undefined {
      const hit = map.get(normalize(path)) ?? map.get(path);
      if (hit !== undefined) return hit;
      return fallback ? fallback.readFile(path) : undefined;
    },
    resolveImport: resolveRelative,
    fileKey: (path: string) => normalize(path),
  };
}
