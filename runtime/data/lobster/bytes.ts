/**
 * Synchronous, bounded-memory byte sources for the streaming text readers: a plain file (positional
 * `readSync` into the caller's buffer) and a gzip file (node:zlib streaming gunzip running in a
 * worker thread, handing decompressed bytes to this thread through a SharedArrayBuffer ring; the
 * reader blocks with Atomics.wait only when the ring is empty). Per-chunk code, not per-event: no
 * allocation per line; the gzip ring is fixed-size, so memory stays bounded on a 10 GB file.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { Worker } from "node:worker_threads";

/** A pull-based source of bytes. */
export interface ByteSource {
  /** Copies up to `len` bytes into buf[off..]; returns the count, 0 at the end. Throws on a bad file. */
  read(buf: Uint8Array, off: number, len: number): number;
  /** Releases the file (idempotent). */
  close(): void;
}

/** A plain file read with positional reads. */
export class FileByteSource implements ByteSource {
  private fd: number;
  private pos = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "r");
  }

  /** Reads the next bytes of the file. */
  read(buf: Uint8Array, off: number, len: number): number {
    if (this.fd < 0) return 0;
    const n = readSync(this.fd, buf, off, len, this.pos);
    this.pos += n;
    return n;
  }

  /** Closes the file. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

const SLOTS = 16;
const SLOT_SIZE = 1 << 16;
const ERR_BYTES = 1024;
// ctrl layout (Int32): 0 head (slots written), 1 tail (slots consumed), 2 state (0 running, 1 done,
// 2 error, 3 cancelled by the reader), 3 error message length, 4.. slot lengths.
const CTRL_INTS = 4 + SLOTS;

// The worker is evaluated from source so the bundled CLI needs no extra file on disk.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");
const zlib = require("node:zlib");
const { path, sab, slots, slotSize, ctrlInts, errBytes } = workerData;
const ctrl = new Int32Array(sab, 0, ctrlInts);
const data = new Uint8Array(sab, ctrlInts * 4, slots * slotSize);
const errArea = new Uint8Array(sab, ctrlInts * 4 + slots * slotSize, errBytes);
const src = fs.createReadStream(path, { highWaterMark: 1 << 16 });
const gz = zlib.createGunzip();
let head = 0;
let finished = false;
function fail(message) {
  if (finished) return;
  finished = true;
  const b = Buffer.from(String(message)).subarray(0, errBytes);
  errArea.set(b);
  Atomics.store(ctrl, 3, b.length);
  Atomics.store(ctrl, 2, 2);
  Atomics.notify(ctrl, 0);
  src.destroy();
  gz.destroy();
}
gz.on("data", (chunk) => {
  let off = 0;
  while (off < chunk.length) {
    for (;;) {
      if (Atomics.load(ctrl, 2) === 3) { finished = true; src.destroy(); gz.destroy(); return; }
      const tail = Atomics.load(ctrl, 1);
      if (head - tail < slots) break;
      Atomics.wait(ctrl, 1, tail, 1000);
    }
    const slot = head % slots;
    const n = Math.min(slotSize, chunk.length - off);
    data.set(chunk.subarray(off, off + n), slot * slotSize);
    ctrl[4 + slot] = n;
    off += n;
    head++;
    Atomics.store(ctrl, 0, head);
    Atomics.notify(ctrl, 0);
  }
});
gz.on("end", () => {
  if (finished) return;
  finished = true;
  Atomics.store(ctrl, 2, 1);
  Atomics.notify(ctrl, 0);
});
gz.on("error", (e) => fail("gzip: " + (e && e.message ? e.message : e)));
src.on("error", (e) => fail(e && e.message ? e.message : e));
src.pipe(gz);
`;

/** Thrown when a compressed file cannot be decompressed (corrupt or truncated). */
export class ByteSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ByteSourceError";
  }
}

/** A gzip file decompressed by node:zlib in a worker thread, read synchronously. */
export class GzipByteSource implements ByteSource {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private readonly errArea: Uint8Array;
  private readonly worker: Worker;
  private tail = 0;
  private slotOff = 0;
  private closed = false;

  constructor(readonly path: string) {
    const sab = new SharedArrayBuffer(CTRL_INTS * 4 + SLOTS * SLOT_SIZE + ERR_BYTES);
    this.ctrl = new Int32Array(sab, 0, CTRL_INTS);
    this.data = new Uint8Array(sab, CTRL_INTS * 4, SLOTS * SLOT_SIZE);
    this.errArea = new Uint8Array(sab, CTRL_INTS * 4 + SLOTS * SLOT_SIZE, ERR_BYTES);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, sab, slots: SLOTS, slotSize: SLOT_SIZE, ctrlInts: CTRL_INTS, errBytes: ERR_BYTES },
    });
    this.worker.unref();
  }

  /** Copies decompressed bytes; blocks (Atomics.wait) while the worker is behind. */
  read(buf: Uint8Array, off: number, len: number): number {
    if (this.closed) return 0;
    const ctrl = this.ctrl;
    for (;;) {
      const head = Atomics.load(ctrl, 0);
      if (this.tail < head) break;
      const state = Atomics.load(ctrl, 2);
      if (state !== 0) {
        if (this.tail < Atomics.load(ctrl, 0)) break;
        if (state === 2) {
          const n = Atomics.load(ctrl, 3);
          throw new ByteSourceError(Buffer.from(this.errArea.subarray(0, n)).toString("utf8"));
        }
        return 0;
      }
      Atomics.wait(ctrl, 0, head, 1000);
    }
    const slot = this.tail % SLOTS;
    const avail = ctrl[4 + slot] - this.slotOff;
    const n = Math.min(avail, len);
    const start = slot * SLOT_SIZE + this.slotOff;
    buf.set(this.data.subarray(start, start + n), off);
    this.slotOff += n;
    if (this.slotOff === ctrl[4 + slot]) {
      this.slotOff = 0;
      this.tail++;
      Atomics.store(ctrl, 1, this.tail);
      Atomics.notify(ctrl, 1);
    }
    return n;
  }

  /** Stops the worker and releases the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, 2, 3);
    Atomics.notify(this.ctrl, 1);
    void this.worker.terminate();
  }
}

/** Opens a file as a byte source, gunzipping transparently when it starts with the gzip magic. */
export function openByteSource(path: string): ByteSource {
  const probe = new FileByteSource(path);
  const magic = new Uint8Array(2);
  const n = probe.read(magic, 0, 2);
  probe.close();
  if (n === 2 && magic[0] === 0x1f && magic[1] === 0x8b) return new GzipByteSource(path);
  return new FileByteSource(path);
}
