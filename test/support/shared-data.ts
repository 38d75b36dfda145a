/**
 * Where the real market data for conformance tests lives: ../shared/data beside the repository,
 * or ALGO_SHARED_DATA. Tests that need it call `sharedData()` and skip with a visible reason when
 * it is absent — never silently pass.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Absolute path of the shared data folder (may not exist). */
export function sharedDataDir(): string {
  return process.env.ALGO_SHARED_DATA ? resolve(process.env.ALGO_SHARED_DATA) : resolve(repoRoot, "../shared/data");
}

/** Absolute path of a file under the shared data folder, or undefined (with a printed notice) when absent. */
export function sharedData(relative: string): string | undefined {
  const p = resolve(sharedDataDir(), relative);
  if (!existsSync(p)) {
    console.warn(`[shared data absent] ${p} not found: set ALGO_SHARED_DATA to the folder holding MANIFEST.md; the tests that need it are skipped`);
    return undefined;
  }
  return p;
}

/** The repository root. */
export const REPO_ROOT = repoRoot;
