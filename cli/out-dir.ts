/**
 * Output folders (`--out DIR` of backtest, sweep and build): checked before any work starts, so a
 * long run never ends in "cannot write", and created one level at a time. Node's recursive mkdir
 * is avoided: on a path under a pseudo file system such as /proc it loops forever (every level
 * answers ENOENT), and its errors name whichever level failed without saying why.
 */
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserError } from "./errors.js";

/** The nearest existing path at or above `dir`, with the missing levels below it (outermost first). */
function split(dir: string): { existing: string; missing: string[] } {
  const missing: string[] = [];
  let p = resolve(dir);
  for (;;) {
    try {
      statSync(p);
      return { existing: p, missing };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw e;
    }
    const up = dirname(p);
    if (up === p) return { existing: p, missing };
    missing.unshift(p);
    p = up;
  }
}

/**
 * Refuses, with a UserError naming `shown` (the path as the user gave it), an output folder that
 * cannot be made: an existing file in its place or above it, or a parent without write permission.
 */
export function checkOutDir(dir: string, shown: string = dir): void {
  let parts: { existing: string; missing: string[] };
  try {
    parts = split(dir);
  } catch (e) {
    throw new UserError(`${shown}: cannot use as the output folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { existing, missing } = parts;
  if (!statSync(existing).isDirectory()) {
    throw new UserError(
      missing.length === 0
        ? `${shown}: is a file, not a folder; --out names the folder the outputs are written to`
        : `${shown}: cannot create the output folder: ${existing} is a file`,
    );
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(
      missing.length === 0 ? `${shown}: the output folder is not writable` : `${shown}: cannot create the output folder: ${existing} is not writable`,
    );
  }
}

/** Creates the output folder (and missing parents) one level at a time; a UserError on failure. */
export function makeOutDir(dir: string, shown: string = dir): void {
  checkOutDir(dir, shown);
  for (const level of split(dir).missing) {
    try {
      mkdirSync(level);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && statSync(level).isDirectory()) continue;
      throw new UserError(`${shown}: cannot create the output folder ${level}: ${code ?? (e as Error).message}`);
    }
  }
}
