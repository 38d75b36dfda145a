/**
 * A streaming CSV line/field scanner over a ByteSource. PER-EVENT CODE: `nextLine` and the field
 * parsers run once per row and must not allocate — one reused buffer, compacted in place; numbers are
 * parsed from the bytes directly (no strings, no split). Errors name file:line:column and what was
 * expected.
 */
import type { ByteSource } from "./bytes.js";

const COMMA = 44;
const LF = 10;
const CR = 13;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;

/** Bad input in a text data file, with its position. */
export class DataFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly expected: string,
  ) {
    super(`${file}:${line}:${column}: expected ${expected}`);
    this.name = "DataFormatError";
  }
}

/** Scans a comma-separated text file line by line with bounded memory. */
export class CsvLineScanner {
  private readonly buf: Uint8Array;
  private start = 0; // start of unconsumed bytes
  private end = 0; // end of valid bytes
  private eof = false;
  /** 1-based number of the current line (0 before the first). */
  line = 0;
  private lineStart = 0;
  private lineEnd = 0; // exclusive, before CR/LF
  private cur = 0; // field cursor

  constructor(
    private readonly source: ByteSource,
    readonly file: string,
    bufferSize = 1 << 20,
  ) {
    this.buf = new Uint8Array(bufferSize);
  }

  /** Advances to the next non-empty line; false at the end of the file. */
  nextLine(): boolean {
    for (;;) {
      const buf = this.buf;
      let i = this.start;
      const end = this.end;
      while (i < end && buf[i] !== LF) i++;
      if (i < end || (this.eof && this.start < end)) {
        this.line++;
        this.lineStart = this.start;
        let e = i;
        if (e > this.start && buf[e - 1] === CR) e--;
        this.lineEnd = e;
        this.cur = this.start;
        this.start = i < end ? i + 1 : end;
        if (e === this.lineStart) continue; // blank line
        return true;
      }
      if (this.eof) return false;
      this.fill();
    }
  }

  private fill(): void {
    const buf = this.buf;
    if (this.start > 0) {
      buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    if (this.end === buf.length) throw new DataFormatError(this.file, this.line + 1, 1, `a line shorter than ${buf.length} bytes`);
    const n = this.source.read(buf, this.end, buf.length - this.end);
    if (n === 0) this.eof = true;
    this.end += n;
  }

  /** True when the cursor is at the end of the current line. */
  atLineEnd(): boolean {
    return this.cur >= this.lineEnd;
  }

  /** Column (1-based) of the field cursor. */
  column(): number {
    return this.cur - this.lineStart + 1;
  }

  /** Error at the cursor. */
  error(expected: string): DataFormatError {
    return new DataFormatError(this.file, this.line, this.column(), expected);
  }

  /** Consumes the separator after a field: a comma, or the end of the line when `last`. */
  private endField(last: boolean, what: string): void {
    const c = this.cur;
    if (last) {
      if (c !== this.lineEnd) throw this.error(`end of line after ${what}`);
      return;
    }
    if (c >= this.lineEnd || this.buf[c] !== COMMA) throw this.error(`',' after ${what}`);
    this.cur = c + 1;
  }

  /**
   * Parses an optionally negative decimal integer field into out[index] (exact below 2^53). The
   * value goes through a typed array, not a return value: V8 would box a non-Smi double returned
   * from a call it does not inline (e.g. LOBSTER's 9999999999 empty-level price).
   */
  intInto(out: Float64Array, index: number, last: boolean, what: string): void {
    const buf = this.buf;
    let c = this.cur;
    const e = this.lineEnd;
    let neg = false;
    if (c < e && buf[c] === MINUS) {
      neg = true;
      c++;
    }
    const d0 = c;
    let v = 0;
    while (c < e) {
      const d = buf[c] - ZERO;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      c++;
    }
    if (c === d0) throw this.error(`${what} (an integer)`);
    if (c - d0 > 15) throw this.error(`${what} (an integer below 2^53)`);
    this.cur = c;
    this.endField(last, what);
    out[index] = neg ? -v : v;
  }

  /**
   * Parses a non-negative decimal number with at most 9 fractional digits into exact nanoseconds
   * (seconds × 1e9) in out[index], e.g. "34200.015105074" → 34200015105074.
   */
  decimalNsInto(out: Float64Array, index: number, last: boolean, what: string): void {
    const buf = this.buf;
    let c = this.cur;
    const e = this.lineEnd;
    const d0 = c;
    let s = 0;
    while (c < e) {
      const d = buf[c] - ZERO;
      if (d < 0 || d > 9) break;
      s = s * 10 + d;
      c++;
    }
    if (c === d0 || c - d0 > 6) throw this.error(`${what} (seconds after midnight, a decimal number)`);
    let frac = 0;
    let scale = 1e9;
    if (c < e && buf[c] === DOT) {
      c++;
      const f0 = c;
      while (c < e) {
        const d = buf[c] - ZERO;
        if (d < 0 || d > 9) break;
        frac = frac * 10 + d;
        scale /= 10;
        c++;
      }
      if (c - f0 > 9) throw this.error(`${what} with at most 9 fractional digits`);
    }
    this.cur = c;
    this.endField(last, what);
    out[index] = s * 1e9 + (scale === 1e9 ? 0 : frac * scale);
  }
}
