/**
 * The LOBSTER reader: a message file (optionally paired with its orderbook file) as an EventSource.
 * PER-EVENT CODE: `next()` decodes one row into the reused MarketEvent (and the paired orderbook row
 * into a reused Float64Array) and must not allocate.
 *
 * Message columns: time (seconds after midnight, ≤ 9 decimals, parsed exactly to ns), type 1..7,
 * order id, size, price (USD × 10000), direction (1 buy, −1 sell; for executions the RESTING
 * order's side). Mapping: 1 → Add; 2 → Cancel (partial, size = shares removed); 3 → Delete;
 * 4 → Execute (visible; aggressor = −direction); 5 → Trade (hidden execution, no book change;
 * aggressor = −direction); 6 → Trade (cross/auction, aggressor None); 7 → Status (aux = the price
 * column: −1 halt, 0 quoting resumes, 1 trading resumes).
 *
 * Time: LOBSTER times are seconds after midnight, US Eastern (Nasdaq local time). `ts` is exactly
 * that (ns after local midnight of the file's date) and `timeBase` is that midnight as UTC epoch ns,
 * so timeBase + ts is the true UTC instant (America/New_York offset of that date, DST included).
 */
import { basename, dirname, join } from "node:path";
import { existsSync } from "node:fs";
import { EventKind, type EventSource, type InstrumentInfo, MarketEvent, Side } from "../../events.js";
import { type ByteSource, openByteSource } from "./bytes.js";
import { CsvLineScanner, DataFormatError } from "./lines.js";

/** LOBSTER's empty-level sentinels in the orderbook file. */
export const LOBSTER_EMPTY_ASK_PRICE = 9999999999;
/** Price written for an empty bid level. */
export const LOBSTER_EMPTY_BID_PRICE = -9999999999;
/** LOBSTER prices are USD × 10000. */
export const LOBSTER_PRICE_SCALE = 1e-4;

/** Options of `openLobster`. */
export interface LobsterOptions {
  /** The paired orderbook file; default: found by name (`message` → `orderbook`); false: none. */
  orderbook?: string | false;
  /** Number of levels in the orderbook file (default: from the file name's `_N` suffix). */
  levels?: number;
  /** Instrument symbol (default: the file name's ticker). */
  symbol?: string;
  /** Time zone of the file's "seconds after midnight" (default America/New_York). */
  timeZone?: string;
  /** Override the time base (UTC epoch ns of ts = 0). */
  timeBase?: bigint;
  /** Dense instrument index to stamp on events (default 0). */
  instrument?: number;
}

/** Facts parsed from a LOBSTER file name `TICKER_DATE_START_END_message_LEVEL.csv[.gz]`. */
export interface LobsterName {
  ticker: string;
  date: string;
  level: number;
}

const NAME_RE = /^(.+?)_(\d{4}-\d{2}-\d{2})_(\d+)_(\d+)_(message|orderbook)_(\d+)\.csv(\.gz)?$/;

/** Parses a LOBSTER file name; undefined when it does not follow the convention. */
export function parseLobsterName(path: string): LobsterName | undefined {
  const m = NAME_RE.exec(basename(path));
  if (!m) return undefined;
  return { ticker: m[1], date: m[2], level: Number(m[6]) };
}

/** True when a path looks like a LOBSTER message file (by name). */
export function isLobsterMessageFile(path: string): boolean {
  const m = NAME_RE.exec(basename(path));
  return m !== null && m[5] === "message";
}

/** The orderbook file paired with a message file by name (same folder), or undefined when absent. */
export function findLobsterOrderbook(messagePath: string): string | undefined {
  const name = basename(messagePath);
  const i = name.lastIndexOf("_message_");
  if (i < 0) return undefined;
  const stem = name.slice(0, i) + "_orderbook_" + name.slice(i + "_message_".length);
  const dir = dirname(messagePath);
  for (const cand of [stem, stem.endsWith(".gz") ? stem.slice(0, -3) : stem + ".gz"]) {
    const p = join(dir, cand);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** UTC epoch ns of local midnight of `date` (YYYY-MM-DD) in `timeZone`. */
export function localMidnightUtcNs(date: string, timeZone: string): bigint {
  const [y, mo, d] = date.split("-").map(Number);
  const utcMidnight = Date.UTC(y, mo - 1, d);
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
  // Try offsets from −14h to +14h in 15-minute steps: the one whose instant reads 00:00 on `date`.
  for (let q = -56; q <= 56; q++) {
    const t = utcMidnight - q * 15 * 60_000;
    const parts = fmt.formatToParts(new Date(t));
    const get = (k: string) => parts.find((p) => p.type === k)?.value;
    if (get("hour") === "00" && get("minute") === "00" && `${get("year")}-${get("month")}-${get("day")}` === date) {
      return BigInt(t) * 1_000_000n;
    }
  }
  return BigInt(utcMidnight) * 1_000_000n;
}

/** ns after midnight → seconds with 9 decimals (for error messages). */
function secondsText(ns: number): string {
  const s = Math.floor(ns / 1e9);
  return `${s}.${String(ns - s * 1e9).padStart(9, "0")}`;
}

/** A LOBSTER message file (with its orderbook file when present) as an EventSource. */
export class LobsterSource implements EventSource {
  /** The reused event record. */
  readonly event = new MarketEvent();
  /** The one instrument of the file. */
  readonly instruments: InstrumentInfo[];
  /** UTC epoch ns of ts = 0 (local midnight of the file's date). */
  readonly timeBase: bigint;
  /** Number of levels per side in the orderbook rows (0 when there is no orderbook file). */
  readonly levels: number;
  /** Path of the paired orderbook file, or undefined. */
  readonly orderbookPath: string | undefined;
  /**
   * The orderbook row paired with the current message (the visible book AFTER it), LOBSTER layout:
   * [askPx1, askSz1, bidPx1, bidSz1, askPx2, ...], prices × 10000. Empty when there is no file.
   */
  readonly bookRow: Float64Array;
  /** LOBSTER message type (1..7) of the current row. */
  messageType = 0;
  /** 1-based row number of the current message. */
  row = 0;
  /**
   * Levels per side the data holds: the orderbook file's level count, else the file name's `_N`
   * (a level-N message file only carries events touching the top N levels), else 0 (unknown).
   */
  readonly dataLevels: number;

  private readonly msgBytes: ByteSource;
  private readonly msg: CsvLineScanner;
  private readonly bookBytes: ByteSource | undefined;
  private readonly book: CsvLineScanner | undefined;
  private closed = false;
  private readonly fields = new Float64Array(6);
  /** Time of the previous message (ns after midnight), -1 before the first. */
  private prevTs = -1;

  constructor(
    readonly messagePath: string,
    options: LobsterOptions = {},
  ) {
    const name = parseLobsterName(messagePath);
    this.orderbookPath = options.orderbook === false ? undefined : (options.orderbook ?? findLobsterOrderbook(messagePath));
    const levels = options.levels ?? name?.level ?? 0;
    if (this.orderbookPath !== undefined && !(levels > 0)) {
      throw new DataFormatError(this.orderbookPath, 1, 1, "a level count: name the file TICKER_DATE_START_END_orderbook_N.csv or pass levels");
    }
    this.levels = this.orderbookPath !== undefined ? levels : 0;
    this.dataLevels = levels > 0 ? levels : 0;
    this.bookRow = new Float64Array(this.levels * 4);
    const symbol = options.symbol ?? name?.ticker ?? basename(messagePath).replace(/\..*$/, "");
    this.instruments = [
      { index: options.instrument ?? 0, symbol, sourceId: 0, priceScale: LOBSTER_PRICE_SCALE, tickSize: 100, multiplier: 1 },
    ];
    this.timeBase = options.timeBase ?? (name ? localMidnightUtcNs(name.date, options.timeZone ?? "America/New_York") : 0n);
    this.event.instrument = options.instrument ?? 0;
    this.msgBytes = openByteSource(messagePath);
    this.msg = new CsvLineScanner(this.msgBytes, messagePath);
    if (this.orderbookPath !== undefined) {
      try {
        this.bookBytes = openByteSource(this.orderbookPath);
      } catch (e) {
        this.msgBytes.close();
        throw e;
      }
      this.book = new CsvLineScanner(this.bookBytes, this.orderbookPath);
    }
  }

  /** Decodes the next message (and its orderbook row); false at the end. */
  next(): boolean {
    if (this.closed) return false;
    const m = this.msg;
    if (!m.nextLine()) {
      if (this.book !== undefined && this.book.nextLine()) {
        throw this.book.error(`no more rows: the orderbook file has more rows than the message file (${this.row})`);
      }
      return false;
    }
    const ev = this.event;
    this.row = m.line;
    ev.sequence = m.line;
    const f = this.fields;
    m.decimalNsInto(f, 0, false, "time");
    const t = f[0];
    if (t < this.prevTs) {
      throw new DataFormatError(
        this.messagePath,
        m.line,
        1,
        `a time at or after the previous row's ${secondsText(this.prevTs)} s (messages must be in time order); found ${secondsText(t)} s, which goes backwards`,
      );
    }
    this.prevTs = t;
    ev.ts = t;
    ev.tsRecv = t;
    m.intInto(f, 1, false, "message type");
    const type = f[1];
    if (type < 1 || type > 7) throw new DataFormatError(this.messagePath, m.line, 1, "message type 1..7");
    m.intInto(f, 2, false, "order id");
    const id = f[2];
    if (id < 0) throw m.error("a non-negative order id");
    ev.orderIdHi = Math.floor(id / 4294967296);
    ev.orderIdLo = id % 4294967296;
    m.intInto(f, 3, false, "size");
    ev.size = f[3];
    m.intInto(f, 4, false, "price");
    ev.price = f[4];
    m.intInto(f, 5, true, "direction (1 or -1)");
    const dir = f[5];
    if (dir !== 1 && dir !== -1) throw new DataFormatError(this.messagePath, m.line, m.column() - 1, "direction 1 or -1");
    this.messageType = type;
    ev.flags = 0;
    switch (type) {
      case 1:
        ev.kind = EventKind.Add;
        ev.side = dir;
        ev.aggressor = Side.None;
        break;
      case 2:
        ev.kind = EventKind.Cancel;
        ev.side = dir;
        ev.aggressor = Side.None;
        break;
      case 3:
        ev.kind = EventKind.Delete;
        ev.side = dir;
        ev.aggressor = Side.None;
        break;
      case 4:
        ev.kind = EventKind.Execute;
        ev.side = dir;
        ev.aggressor = -dir;
        break;
      case 5:
        ev.kind = EventKind.Trade;
        ev.side = dir;
        ev.aggressor = -dir;
        break;
      case 6:
        ev.kind = EventKind.Trade;
        ev.side = Side.None;
        ev.aggressor = Side.None;
        break;
      default:
        ev.kind = EventKind.Status;
        ev.aux = ev.price;
        ev.side = Side.None;
        break;
    }
    if (this.book !== undefined) this.readBookRow(this.book);
    return true;
  }

  private readBookRow(b: CsvLineScanner): void {
    if (!b.nextLine()) {
      throw new DataFormatError(this.orderbookPath as string, b.line + 1, 1, `a row for message row ${this.row} (the orderbook file ended early)`);
    }
    const row = this.bookRow;
    const n = row.length;
    for (let i = 0; i < n; i++) b.intInto(row, i, i === n - 1, (i & 1) === 0 ? "price" : "size");
  }

  /** Closes both files. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.msgBytes.close();
    this.bookBytes?.close();
  }
}
