/**
 * A source file's text plus its line table: converts UTF-16 offsets (what spans hold) to 1-based
 * line/column and back. Columns count UTF-16 code units, 1-based; lines end at `\n` (a `\r`
 * before it belongs to the line's text, not to its content width).
 */

/** A 1-based line and column (UTF-16 code units). */
export interface LineColumn {
  line: number;
  column: number;
}

/** One file's path and text, with a lazily built table of line start offsets. */
export class SourceFile {
  private starts: number[] | undefined;

  constructor(
    /** Path as the user gave it (shown in diagnostics). */
    readonly path: string,
    /** The whole text, as parsed. */
    readonly text: string,
  ) {}

  /** Offsets at which each line starts; lineStarts[0] === 0. */
  get lineStarts(): readonly number[] {
    if (this.starts === undefined) this.starts = computeLineStarts(this.text);
    return this.starts;
  }

  /** Number of lines (a file ending in `\n` has an empty last line). */
  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line/column of an offset (clamped into [0, text.length]). */
  position(offset: number): LineColumn {
    const starts = this.lineStarts;
    const off = Math.max(0, Math.min(offset, this.text.length));
    const line = lineIndexOf(starts, off);
    return { line: line + 1, column: off - starts[line]! + 1 };
  }

  /** Offset of a 1-based line/column (clamped to the file and to the line's end). */
  offset(line: number, column: number): number {
    const starts = this.lineStarts;
    const l = Math.max(1, Math.min(line, starts.length));
    const start = starts[l - 1]!;
    const end = this.lineEnd(l);
    return Math.max(start, Math.min(start + column - 1, end));
  }

  /** Offset just past the last content character of 1-based line `line` (before `\r\n` / `\n`). */
  lineEnd(line: number): number {
    const starts = this.lineStarts;
    const l = Math.max(1, Math.min(line, starts.length));
    let end = l < starts.length ? starts[l]! - 1 : this.text.length;
    if (end > starts[l - 1]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** The text of 1-based line `line`, without its line terminator. */
  lineText(line: number): string {
    const l = Math.max(1, Math.min(line, this.lineStarts.length));
    return this.text.slice(this.lineStarts[l - 1]!, this.lineEnd(l));
  }
}

/** The 0-based line holding `offset`, given the lines' start offsets (binary search). */
export function lineIndexOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Offsets at which each line of `text` starts. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf("\n");
  while (i !== -1) {
    starts.push(i + 1);
    i = text.indexOf("\n", i + 1);
  }
  return starts;
}
