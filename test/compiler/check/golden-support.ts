/**
 * Shared by the golden tests: checks a fixture the way `algo check` does (front end only, no
 * back-end analyses) and renders the result without colour, paths relative to the repository.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkProgram, nodeHost, renderPrettyAll, summaryLine, type CheckedProgram, type CompilerHost } from "../../../compiler/index.js";

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** A host that reads repository-relative paths, so rendered paths do not depend on the cwd. */
export const repoHost: CompilerHost = {
  readFile: (p) => nodeHost.readFile(resolve(REPO, p)),
  resolveImport: nodeHost.resolveImport,
  fileKey: (p) => resolve(REPO, p),
};

/** Checks one repository-relative file: front end only, or with the registered analyses too. */
export function checkRepoFile(rel: string, withAnalyses = false): CheckedProgram {
  const text = readFileSync(join(REPO, rel), "utf8");
  return checkProgram([{ path: rel, text }], withAnalyses ? { host: repoHost } : { host: repoHost, analyses: [] });
}

/** The expected `.diag` text of a fixture: every diagnostic, then the summary line. */
export function renderFixture(rel: string): string {
  const p = checkRepoFile(rel);
  const body = renderPrettyAll(p.diagnostics, p.sources, { color: false });
  return `${body}${body ? "\n\n" : ""}${summaryLine(p.diagnostics, p.files.length)}\n`;
}

/** Repository-relative path with forward slashes. */
export function repoRelative(abs: string): string {
  return relative(REPO, abs).split("\\").join("/");
}
