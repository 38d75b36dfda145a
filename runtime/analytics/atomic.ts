/**
 * Atomic file writes: the content goes to a temporary file in the same directory, is flushed to
 * disk, and is renamed over the target, so a reader sees either the previous file or the new one,
 * never a half-written one. A failure at any point removes the temporary file and leaves the
 * previous file untouched.
 */
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/**
 * Writes `content` (a string, bytes, or chunks produced lazily) to `path` atomically; `mode` sets
 * the new file's permissions (default 0644; `algo fmt` passes the replaced file's own).
 */
export function writeFileAtomic(path: string, content: string | Uint8Array | Iterable<string>, options: { mode?: number } = {}): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  const fd = openSync(tmp, "wx", options.mode ?? 0o644);
  let ok = false;
  try {
    if (typeof content === "string") writeAll(fd, content);
    else if (content instanceof Uint8Array) writeBytes(fd, content);
    else for (const chunk of content) writeAll(fd, chunk);
    fsyncSync(fd);
    ok = true;
  } finally {
    closeSync(fd);
    if (!ok) unlinkSync(tmp);
  }
  try {
    // openSync's mode is filtered by the umask; an explicit mode is applied as given.
    if (options.mode !== undefined) chmodSync(tmp, options.mode);
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}

function writeAll(fd: number, text: string): void {
  writeBytes(fd, Buffer.from(text, "utf8"));
}

function writeBytes(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
