/**
 * Synchronous byte streams the readers pull from: a plain file read in fixed chunks, and zstd /
 * gzip decompressors layered on top. Memory stays bounded whatever the file size (a 10 GB file is
 * never loaded whole). Readers copy from here into their own reused buffers.
 *
 * Per-chunk code, not per-event: the file source allocates nothing per read; the zstd decompressor
 * allocates one output array per decompressed chunk (fzstd hands out fresh chunks), never per
 * record; gzip is inflated by a worker thread into shared memory.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { Decompress } from "fzstd";
import { UserError } from "../../cli/errors.js";
import { ByteSourceError, GzipByteSource as LobsterGzip } from "./lobster/bytes.js";

/** A pull-based byte stream. */
export interface ByteSource {
  /** Copies up to `max` bytes into `dst` at `off`; returns how many (0 only at the end). */
  read(dst: Uint8Array, off: number, max: number): number;
  close(): void;
}

/** Bytes of a file, read with `readSync` into the caller's buffer (no allocation per read). */
export class FileByteSource implements ByteSource {
  private fd: number;
  /** File size in bytes at open time. */
  readonly size: number;

  constructor(readonly path: string) {
    try {
      const st = statSync(path);
      if (st.isDirectory()) throw new UserError(`${path}: is a directory, expected a data file`);
      this.size = st.size;
      this.fd = openSync(path, "r");
    } catch (err) {
      if (err instanceof UserError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(`${path}: cannot open (${code === "ENOENT" ? "no such file" : code ?? String(err)})`);
    }
  }

  read(dst: Uint8Array, off: number, max: number): number {
    if (this.fd < 0 || max <= 0) return 0;
    return readSync(this.fd, dst, off, max, null);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Bytes of an in-memory array (tests, small inputs). */
export class MemoryByteSource implements ByteSource {
  private pos = 0;
  constructor(private readonly data: Uint8Array) {}
  read(dst: Uint8Array, off: number, max: number): number {
    const n = Math.min(max, this.data.length - this.pos);
    if (n <= 0) return 0;
    dst.set(this.data.subarray(this.pos, this.pos + n), off);
    this.pos += n;
    return n;
  }
  close(): void {}
}

const COMPRESSED_CHUNK = 1 << 18;

/**
 * Decompressed bytes of a chunked source: the subclass turns one compressed chunk into zero or
 * more output chunks (`decode`), which are queued and served in order.
 */
abstract class ChunkQueueSource implements ByteSource {
  private readonly queue: Uint8Array[] = [];
  private qi = 0;
  private head: Uint8Array = new Uint8Array(0);
  private headPos = 0;
  private done = false;
  private readonly inBuf = new Uint8Array(COMPRESSED_CHUNK);
  /** Compressed bytes consumed so far (for error messages). */
  protected consumed = 0;

  constructor(
    protected readonly inner: ByteSource,
    protected readonly file: string,
  ) {}

  /** Feeds a compressed chunk (`final` = no more input); output goes through `emit`. */
  protected abstract decode(chunk: Uint8Array, final: boolean): void;

  protected emit(out: Uint8Array): void {
    if (out.length > 0) this.queue.push(out);
  }

  read(dst: Uint8Array, off: number, max: number): number {
    while (this.headPos >= this.head.length) {
      if (this.qi < this.queue.length) {
        this.head = this.queue[this.qi++];
        this.headPos = 0;
        if (this.qi === this.queue.length) {
          this.queue.length = 0;
          this.qi = 0;
        }
        continue;
      }
      if (this.done) return 0;
      const n = this.inner.read(this.inBuf, 0, this.inBuf.length);
      if (n === 0) {
        this.done = true;
        this.decode(new Uint8Array(0), true);
      } else {
        // A copy: the decompressor may keep a reference to its input across pushes.
        this.decode(this.inBuf.slice(0, n), false);
        this.consumed += n;
      }
    }
    const n = Math.min(max, this.head.length - this.headPos);
    dst.set(this.head.subarray(this.headPos, this.headPos + n), off);
    this.headPos += n;
    return n;
  }

  close(): void {
    this.inner.close();
  }
}

/** zstd-decompressed bytes (one or several concatenated frames; skippable frames are skipped). */
export class ZstdByteSource extends ChunkQueueSource {
  private readonly dec: Decompress;

  constructor(inner: ByteSource, file: string) {
    super(inner, file);
    // fzstd may hand out views of its window buffer: copy each chunk before queueing it.
    this.dec = new Decompress((data) => this.emit(data.slice()));
  }

  protected decode(chunk: Uint8Array, final: boolean): void {
    try {
      this.dec.push(chunk, final);
    } catch (err) {
      throw new UserError(
        `${this.file}: corrupt or truncated zstd data near compressed byte ${this.consumed}: ${(err as Error).message}; expected a complete zstd stream`,
      );
    }
  }
}

/**
 * gzip-decompressed bytes (bounded memory). Node has no public synchronous streaming inflate and
 * EventSource.next() is synchronous, so this wraps the LOBSTER reader's worker-thread gunzip
 * (runtime/data/lobster/bytes.ts) and turns its errors into UserErrors naming the file.
 */
export class GzipByteSource implements ByteSource {
  private readonly inner: LobsterGzip;

  constructor(readonly path: string) {
    this.inner = new LobsterGzip(path);
  }

  read(dst: Uint8Array, off: number, max: number): number {
    try {
      return this.inner.read(dst, off, max);
    } catch (err) {
      if (err instanceof ByteSourceError) {
        throw new UserError(`${this.path}: corrupt or truncated gzip data: ${err.message}; expected a complete gzip stream`);
      }
      throw err;
    }
  }

  close(): void {
    this.inner.close();
  }
}

/** First `n` bytes of a file (format sniffing); shorter when the file is. */
export function peekFile(path: string, n: number): Uint8Array {
  const src = new FileByteSource(path);
  try {
    const buf = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const r = src.read(buf, got, n - got);
      if (r === 0) break;
      got += r;
    }
    return buf.subarray(0, got);
  } finally {
    src.close();
  }
}

/** zstd frame magic (little-endian u32 0xFD2FB528) at the start of `b`. */
export function isZstdMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd;
}

/** zstd skippable-frame magic (0x184D2A5?) at the start of `b` (legacy DBZ starts with one). */
export function isZstdSkippableMagic(b: Uint8Array): boolean {
  return b.length >= 4 && (b[0] & 0xf0) === 0x50 && b[1] === 0x2a && b[2] === 0x4d && b[3] === 0x18;
}

/** gzip magic (1f 8b) at the start of `b`. */
export function isGzipMagic(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Opens a file as a byte source, decompressing zstd or gzip transparently (by magic bytes). */
export function openByteSource(path: string): ByteSource {
  const head = peekFile(path, 4);
  const file = new FileByteSource(path);
  if (isZstdMagic(head) || isZstdSkippableMagic(head)) return new ZstdByteSource(file, path);
  if (isGzipMagic(head)) {
    file.close();
    return new GzipByteSource(path);
  }
  return file;
}
