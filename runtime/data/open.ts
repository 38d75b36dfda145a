/**
 * `openDataSource`: one entry point for every supported market-data file. The format is detected
 * from the content first (magic bytes, after transparent zstd/gzip decompression) and the file
 * name second:
 *   DBN        `DBN` + version 1-3 (plain or zstd, .dbn / .dbn.zst)
 *   DBN fragment  records without a header (`.frag`, `.frag.zst`)
 *   legacy DBZ  a zstd skippable frame first (`.dbz`) holding the metadata, then zstd records
 *   LOBSTER    `TICKER_DATE_START_END_message_LEVEL.csv[.gz]` (paired orderbook file by name)
 *   CSV        a header line naming trades or OHLCV-bar columns (`.csv`, `.csv.gz`)
 * Anything else is a UserError listing the supported formats.
 */
import { UserError } from "../../cli/errors.js";
import type { EventKind, EventSource } from "../events.js";
import { GzipByteSource, isGzipMagic, isZstdMagic, isZstdSkippableMagic, peekFile, FileByteSource, ZstdByteSource, type ByteSource } from "./byte-source.js";
import { openCsv, type CsvReader } from "./csv/reader.js";
import { openDbn, type DbnReader } from "./dbn/reader.js";
import { DataFormatError, isLobsterMessageFile, openLobster, ByteSourceError } from "./lobster/index.js";
import { LobsterMboSource } from "./lobster-mbo.js";

/** Formats `openDataSource` recognises. */
export type DataFormat = "dbn" | "dbn-fragment" | "dbz" | "lobster" | "csv";

/** Options of `openDataSource` (each reader uses the ones that concern it). */
export interface OpenDataOptions {
  /** Time base (ns since the epoch) so several files share one; default per reader. */
  timeBase?: bigint;
  /** DBN: event kinds wanted (others skipped by length). */
  kinds?: readonly EventKind[];
  /** Force a format instead of detecting it. */
  format?: DataFormat;
  /** LOBSTER: the paired orderbook file (default: by name). */
  lobsterBook?: string;
  /** LOBSTER: number of levels (default from the name). */
  levels?: number;
  /** LOBSTER / CSV: symbol to use. */
  symbol?: string;
  /** CSV: decimal places of fixed-point prices (default 9). */
  priceDecimals?: number;
  /** CSV: decimal places allowed in sizes (default 0). */
  sizeDecimals?: number;
  /** CSV bars: bar length in seconds (default inferred). */
  barSeconds?: number;
  /**
   * LOBSTER: emit a self-contained MBO stream (seeded from the orderbook file, draws on pre-open
   * orders rewritten to anonymous depth, levels entering the window reconciled) that any L3 book
   * rebuilds exactly. Backtests and `algo features` ask for it; `algo data info` reads raw messages.
   */
  selfContained?: boolean;
}

/** An opened source with its detected format. */
export interface OpenedSource {
  format: DataFormat;
  source: EventSource;
}

const SUPPORTED =
  "DBN v1-v3 (.dbn, .dbn.zst, fragments .dbn.frag[.zst]), legacy DBZ (.dbz), LOBSTER message files (TICKER_DATE_START_END_message_N.csv[.gz]) and CSV trades/OHLCV bars with a header (.csv, .csv.gz)";

/** Peeks at the decompressed start of a file (up to n bytes). */
function peekDecompressed(path: string, n: number): { head: Uint8Array; wrapper: "zstd" | "dbz" | "gzip" | "none" } {
  const raw = peekFile(path, 4);
  let src: ByteSource;
  let wrapper: "zstd" | "dbz" | "gzip" | "none" = "none";
  if (isZstdSkippableMagic(raw)) {
    wrapper = "dbz";
    src = new ZstdByteSource(new FileByteSource(path), path);
  } else if (isZstdMagic(raw)) {
    wrapper = "zstd";
    src = new ZstdByteSource(new FileByteSource(path), path);
  } else if (isGzipMagic(raw)) {
    wrapper = "gzip";
    src = new GzipByteSource(path);
  } else return { head: peekFile(path, n), wrapper };
  try {
    const head = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const r = src.read(head, got, n - got);
      if (r === 0) break;
      got += r;
    }
    return { head: head.subarray(0, got), wrapper };
  } finally {
    src.close();
  }
}

/** Detects the format of a file (content first, then name); throws a UserError when unknown. */
export function detectFormat(path: string): DataFormat {
  const { head, wrapper } = peekDecompressed(path, 4096);
  if (head.length >= 4 && head[0] === 0x44 && head[1] === 0x42 && head[2] === 0x4e && head[3] >= 1 && head[3] <= 3) return "dbn";
  if (wrapper === "dbz") return "dbz";
  if (/\.frag(\.zst)?$/i.test(path)) return "dbn-fragment";
  if (isLobsterMessageFile(path)) return "lobster";
  if (/\.dbn(\.zst)?$/i.test(path) && head.length >= 16) return "dbn-fragment";
  let text = "";
  const bom = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (let i = bom; i < head.length && text.length < 512; i++) {
    const c = head[i];
    if (c === 10 || c === 13) break;
    if (c < 9 || (c > 13 && c < 32) || c > 126) {
      text = "";
      break;
    }
    text += String.fromCharCode(c);
  }
  const cols = text.toLowerCase().split(/[,;\t|]/).map((s) => s.trim().replace(/^"|"$/g, ""));
  if (cols.length >= 3 && cols.some((c) => ["timestamp", "ts", "ts_event", "time", "datetime", "date", "t"].includes(c))) return "csv";
  if (head.length === 0) throw new UserError(`${path}: the file is empty; expected one of: ${SUPPORTED}`);
  const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new UserError(`${path}: unrecognised data format (starts with bytes ${hex}); supported: ${SUPPORTED}`);
}

/** Converts a reader's own error types into UserError (the CLI prints those as one line). */
export function asUserError(err: unknown): unknown {
  if (err instanceof DataFormatError || err instanceof ByteSourceError) return new UserError(err.message);
  return err;
}

/** Records `probeLastFlag` reads at most (a snapshot of a deep book fits many times). */
const PROBE_RECORDS = 1 << 17;

/**
 * Whether a DBN file marks its event groups with F_LAST (128) within its first records: read ahead
 * by a second reader, so the engine groups even the opening snapshot (many adds, F_LAST on the last).
 */
function probeLastFlag(path: string, fragment: boolean, kinds: readonly EventKind[] | undefined): boolean {
  const r = openDbn(path, { kinds, fragment });
  try {
    const e = r.event;
    for (let i = 0; i < PROBE_RECORDS && r.next(); i++) if ((e.flags & 128) !== 0) return true;
    return false;
  } catch {
    return false; // the main reader reports the file's errors where they are met
  } finally {
    r.close();
  }
}

/** A DBN reader with its F_LAST grouping probed. */
function openDbnProbed(path: string, fragment: boolean, options: OpenDataOptions): DbnReader {
  const reader = openDbn(path, { timeBase: options.timeBase, kinds: options.kinds, fragment });
  try {
    reader.groupsByLastFlag = probeLastFlag(path, fragment, options.kinds);
  } catch (e) {
    reader.close();
    throw e;
  }
  return reader;
}

/** Opens any supported market-data file as an EventSource. */
export function openDataSource(path: string, options: OpenDataOptions = {}): OpenedSource {
  const format = options.format ?? detectFormat(path);
  try {
    switch (format) {
      case "dbn":
        return { format, source: openDbnProbed(path, false, options) };
      case "dbn-fragment":
      case "dbz":
        return { format, source: openDbnProbed(path, true, options) };
      case "lobster": {
        const lobster = { orderbook: options.lobsterBook, levels: options.levels, symbol: options.symbol, timeBase: options.timeBase };
        return { format, source: options.selfContained ? new LobsterMboSource(path, lobster) : openLobster(path, lobster) };
      }
      case "csv":
        return {
          format,
          source: openCsv(path, {
            timeBase: options.timeBase,
            symbol: options.symbol,
            priceDecimals: options.priceDecimals,
            sizeDecimals: options.sizeDecimals,
            barSeconds: options.barSeconds,
          }),
        };
    }
  } catch (err) {
    throw asUserError(err);
  }
  throw new UserError(`unknown format "${String(format)}"; supported: ${SUPPORTED}`);
}

/** Reader classes `openDataSource` may return (for instanceof checks). */
export type { DbnReader, CsvReader };
