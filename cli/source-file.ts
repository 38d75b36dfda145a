/**
 * Reading a .algo source file for the commands: a missing, unreadable, directory, binary or
 * non-UTF-8 input becomes a one-line reason instead of text. Kept free of heavy imports: every
 * command loads it at start-up.
 */
import { readFileSync, statSync } from "node:fs";

/** Reads one input file, or returns the one-line reason it cannot be checked. */
export function readSourceFile(path: string): { text: string } | { problem: string } {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: code === "ENOENT" || code === "ENOTDIR" ? `${path}: no such file` : `${path}: cannot read (${code ?? "error"})` };
  }
  if (!isFile) return { problem: `${path}: is a directory, not a .algo file` };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return { problem: `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? "error"})` };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: `${path}: binary file (NUL byte at offset ${nul}), not .algo source text` };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { problem: `${path}: not valid UTF-8 text` };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

