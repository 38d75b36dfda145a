/**
 * CSV readers for trades and OHLCV bars, header-driven, as EventSources.
 *
 * PER-EVENT CODE: `next()` scans one line of a reused byte buffer and parses its fields in place
 * (parse.ts); it builds no strings except when a row names a symbol not seen before. The file is
 * read in 1 MiB chunks (gzip inflated chunk by chunk), never whole.
 *
 * Columns (case-insensitive header names; first match wins):
 *   time:   timestamp, ts, ts_event, time, datetime, date, t
 *   trades: price (price, px, p, last, trade_price), size (size, qty, quantity, amount, volume,
 *           shares, q), optional side (side, aggressor, taker_side, direction: B/BUY/BID/1 =
 *           buyer-initiated, S/SELL/A/ASK/-1 = seller-initiated, N/empty = unknown)
 *   bars:   open (open, o), high (high, h), low (low, l), close (close, c), volume (volume, vol,
 *           v, qty, size), detected when open/high/low/close are all present
 *   both:   optional symbol (symbol, sym, ticker, instrument, ric)
 * Delimiter: comma, or tab / semicolon / pipe when the header has those instead. Fields may be
 * double-quoted. Timestamps: see `parseTimestamp` (epoch s/ms/us/ns by digit count, or ISO-8601;
 * no offset = UTC). Prices: decimal strings to fixed point at 10^-priceDecimals (default 9 = DBN's
 * 1e-9) without float rounding. Sizes: integers, or fixed point at 10^-sizeDecimals.
 * Bars: ts = bar start; the bar length (aux) is the option `barSeconds` or the gap between the first
 * two bars of the first symbol.
 */
import { UserError } from "../../../cli/errors.js";
import { EventKind, MarketEvent, Side, type EventSource, type InstrumentInfo } from "../../events.js";
import { openByteSource, type ByteSource } from "../byte-source.js";
import { parseFixed, parseSide, parseTimestamp } from "./parse.js";

/** Options of the CSV reader. */
export interface CsvReadOptions {
  /** Time base (ns since the epoch); default UTC midnight of the first row. */
  timeBase?: bigint;
  /** Decimal places of the fixed-point prices (default 9 → priceScale 1e-9). */
  priceDecimals?: number;
  /** Decimal places allowed in sizes (default 0: integer sizes). */
  sizeDecimals?: number;
  /** Symbol when the file has no symbol column (default: the file name without extensions). */
  symbol?: string;
  /** Bar length in seconds (bars only; default: inferred from the first two bars). */
  barSeconds?: number;
  /** Name used in error messages (default: the path). */
  name?: string;
}

/** What a CSV file holds. */
export type CsvKind = "trades" | "bars";

const ALIASES = {
  time: ["timestamp", "ts", "ts_event", "time", "datetime", "date", "t"],
  price: ["price", "px", "p", "last", "trade_price"],
  size: ["size", "qty", "quantity", "amount", "volume", "shares", "q"],
  side: ["side", "aggressor", "taker_side", "direction"],
  symbol: ["symbol", "sym", "ticker", "instrument", "ric"],
  open: ["open", "o"],
  high: ["high", "h"],
  low: ["low", "l"],
  close: ["close", "c"],
  volume: ["volume", "vol", "v", "qty", "size"],
};

const BUF = 1 << 20;

/** Trades / bars CSV reader. */
export class CsvReader implements EventSource {
  readonly event = new MarketEvent();
  readonly instruments: InstrumentInfo[] = [];
  readonly timeBase: bigint;
  /** "trades" or "bars". */
  readonly kind: CsvKind;
  /** Data rows read so far. */
  rows = 0;

  private readonly src: ByteSource;
  private readonly name: string;
  private readonly buf = new Uint8Array(BUF);
  private pos = 0;
  private end = 0;
  private exhausted = false;
  private line = 0;
  private readonly delim: number;
  private readonly ncol: number;
  private readonly fs: Int32Array;
  private readonly fe: Int32Array;
  private readonly cTime: number;
  private readonly cPrice: number;
  private readonly cSize: number;
  private readonly cSide: number;
  private readonly cSym: number;
  private readonly cOpen: number;
  private readonly cHigh: number;
  private readonly cLow: number;
  private readonly cClose: number;
  private readonly cVol: number;
  private readonly pDec: number;
  private readonly sDec: number;
  private readonly baseSec: number;
  private readonly defaultSymbol: string;
  private barNs: number;
  private symBytes: Uint8Array[] = [];
  private lastSym = -1;
  /** A row parsed ahead (time base / bar length detection) waiting to be returned. */
  private held = 0;
  private readonly heldEvents: MarketEvent[] = [new MarketEvent(), new MarketEvent()];
  private heldPos = 0;
  private colHeader: string[];

  constructor(src: ByteSource, name: string, opts: CsvReadOptions = {}) {
    this.src = src;
    this.name = name;
    this.pDec = opts.priceDecimals ?? 9;
    this.sDec = opts.sizeDecimals ?? 0;
    if (!(this.pDec >= 0 && this.pDec <= 12 && this.sDec >= 0 && this.sDec <= 12)) {
      throw new UserError(`price/size decimals must be between 0 and 12`);
    }
    this.defaultSymbol = opts.symbol ?? (name.split(/[\\/]/).pop() ?? name).replace(/\..*$/, "");
    // header
    if (!this.nextLine()) throw new UserError(`${name}: the file is empty; expected a CSV header line`);
    const header = latin1(this.buf, this.ls, this.le).replace(/^\uFEFF|^\xEF\xBB\xBF/, "");
    const counts = [",", "\t", ";", "|"].map((d) => header.split(d).length);
    const di = counts.indexOf(Math.max(...counts));
    this.delim = [44, 9, 59, 124][di];
    const cols = header.split(String.fromCharCode(this.delim)).map((c) => c.trim().replace(/^"|"$/g, "").toLowerCase());
    this.colHeader = cols;
    this.ncol = cols.length;
    this.fs = new Int32Array(this.ncol);
    this.fe = new Int32Array(this.ncol);
    const find = (names: readonly string[]): number => {
      for (const n of names) {
        const i = cols.indexOf(n);
        if (i >= 0) return i;
      }
      return -1;
    };
    this.cTime = find(ALIASES.time);
    this.cOpen = find(ALIASES.open);
    this.cHigh = find(ALIASES.high);
    this.cLow = find(ALIASES.low);
    this.cClose = find(ALIASES.close);
    const isBars = this.cOpen >= 0 && this.cHigh >= 0 && this.cLow >= 0 && this.cClose >= 0;
    this.kind = isBars ? "bars" : "trades";
    this.cPrice = isBars ? -1 : find(ALIASES.price);
    this.cSize = isBars ? -1 : find(ALIASES.size);
    this.cVol = isBars ? find(ALIASES.volume) : -1;
    this.cSide = find(ALIASES.side);
    this.cSym = find(ALIASES.symbol);
    const missing: string[] = [];
    if (this.cTime < 0) missing.push("a time column (timestamp/ts/time/date)");
    if (!isBars) {
      if (this.cPrice < 0) missing.push("price");
      if (this.cSize < 0) missing.push("size (size/qty/quantity/volume)");
    } else if (this.cVol < 0) missing.push("volume");
    if (missing.length > 0) {
      throw new UserError(
        `${name}:1:1: the CSV header (${cols.join(",")}) lacks ${missing.join(", ")}; expected trades (timestamp,price,size[,side][,symbol]) or bars (timestamp,open,high,low,close,volume[,symbol])`,
      );
    }
    this.barNs = opts.barSeconds ? opts.barSeconds * 1e9 : 0;

    // Read ahead: the first row fixes the time base; bars also need a second row for their length.
    let base = opts.timeBase;
    let baseSec = 0;
    if (base === undefined) {
      if (this.nextLine()) {
        this.splitFields();
        const t = parseTimestamp(this.buf, this.fs[this.cTime], this.fe[this.cTime], 0);
        if (t !== t) this.bad(this.cTime, "a timestamp (epoch s/ms/us/ns or ISO-8601)");
        const daySec = Math.floor(t / 1e9 / 86400) * 86400;
        base = BigInt(daySec) * 1_000_000_000n;
        baseSec = daySec;
        this.baseSec = baseSec;
        this.timeBase = base;
        this.parseRow(this.heldEvents[0]);
        this.held = 1;
      } else base = 0n;
    } else {
      if (base % 1_000_000_000n !== 0n) throw new UserError(`the CSV time base must be a whole second`);
      baseSec = Number(base / 1_000_000_000n);
    }
    this.baseSec = baseSec;
    this.timeBase = base;
    if (isBars && this.barNs === 0) {
      if (this.held === 0 && this.nextLine()) {
        this.splitFields();
        this.parseRow(this.heldEvents[0]);
        this.held = 1;
      }
      if (this.held === 1 && this.nextLine()) {
        this.splitFields();
        this.parseRow(this.heldEvents[1]);
        this.held = 2;
        const a = this.heldEvents[0];
        const b = this.heldEvents[1];
        if (a.instrument === b.instrument && b.ts > a.ts) this.barNs = b.ts - a.ts;
      }
      for (let i = 0; i < this.held; i++) this.heldEvents[i].aux = this.barNs;
    }
  }

  next(): boolean {
    const ev = this.event;
    if (this.heldPos < this.held) {
      copyEvent(this.heldEvents[this.heldPos++], ev);
      return true;
    }
    if (!this.nextLine()) return false;
    this.splitFields();
    this.parseRow(ev);
    return true;
  }

  close(): void {
    this.src.close();
  }

  /** Column names of the header (lower case). */
  columns(): readonly string[] {
    return this.colHeader;
  }

  // ------------------------------------------------------------------ rows

  private ls = 0;
  private le = 0;
  /** Time of the previous row: rows must not go back in time. */
  private lastTs = Number.NEGATIVE_INFINITY;

  private parseRow(ev: MarketEvent): void {
    const b = this.buf;
    this.rows++;
    ev.instrument = this.cSym >= 0 ? this.symbolIndex(this.fs[this.cSym], this.fe[this.cSym]) : this.symbolIndex(-1, -1);
    const t = parseTimestamp(b, this.fs[this.cTime], this.fe[this.cTime], this.baseSec);
    if (t !== t) this.bad(this.cTime, "a timestamp (epoch s/ms/us/ns or ISO-8601 like 2024-01-02T14:30:00.123Z)");
    if (t < this.lastTs) this.bad(this.cTime, "a time at or after the previous row's (rows in non-decreasing time order)");
    this.lastTs = t;
    ev.ts = t;
    ev.tsRecv = t;
    ev.sequence = this.rows;
    ev.flags = 128;
    if (this.kind === "bars") {
      ev.kind = EventKind.Bar;
      ev.open = this.fixed(this.cOpen, this.pDec, "a decimal price");
      ev.high = this.fixed(this.cHigh, this.pDec, "a decimal price");
      ev.low = this.fixed(this.cLow, this.pDec, "a decimal price");
      ev.close = this.fixed(this.cClose, this.pDec, "a decimal price");
      ev.volume = this.fixed(this.cVol, this.sDec, "a volume");
      ev.aux = this.barNs;
      return;
    }
    ev.kind = EventKind.Trade;
    ev.action = 84;
    ev.price = this.fixed(this.cPrice, this.pDec, "a decimal price");
    ev.size = this.fixed(this.cSize, this.sDec, "a size");
    if (!(ev.size > 0)) this.bad(this.cSize, "a size > 0");
    let side = 0;
    if (this.cSide >= 0) {
      side = parseSide(b, this.fs[this.cSide], this.fe[this.cSide]);
      if (side === 2) this.bad(this.cSide, "a side (B/BUY/BID/1, S/SELL/ASK/-1, N or empty)");
    }
    ev.side = side as Side;
    ev.aggressor = side as Side;
    ev.orderIdHi = 0;
    ev.orderIdLo = 0;
  }

  private fixed(col: number, decimals: number, what: string): number {
    const v = parseFixed(this.buf, this.fs[col], this.fe[col], decimals);
    if (v !== v) {
      // Fractional sizes (crypto: 0.006 BTC) are not whole lots: say how to read them.
      const lots = what !== "a decimal price" && !Number.isNaN(parseFixed(this.buf, this.fs[col], this.fe[col], 9));
      this.bad(
        col,
        `${what} with at most ${decimals} decimal places`,
        lots
          ? `; sizes count whole lots: convert the file with \`algo data convert ${this.name} -o OUT.dbn --size-decimals N\` (N = the decimals your sizes have; one lot is then 10^-N units) and use the .dbn`
          : "",
      );
    }
    return v;
  }

  private symbolIndex(s: number, e: number): number {
    const b = this.buf;
    if (s < 0) {
      if (this.instruments.length === 0) this.addInstrument(this.defaultSymbol, new Uint8Array(0));
      return 0;
    }
    const n = e - s;
    if (this.lastSym >= 0 && this.sameBytes(this.symBytes[this.lastSym], s, n)) return this.lastSym;
    for (let i = 0; i < this.symBytes.length; i++) {
      if (this.sameBytes(this.symBytes[i], s, n)) {
        this.lastSym = i;
        return i;
      }
    }
    if (n === 0) this.bad(this.cSym, "a symbol");
    this.lastSym = this.addInstrument(latin1(b, s, e), b.slice(s, e));
    return this.lastSym;
  }

  private sameBytes(x: Uint8Array, s: number, n: number): boolean {
    if (x.length !== n) return false;
    for (let i = 0; i < n; i++) if (x[i] !== this.buf[s + i]) return false;
    return true;
  }

  private addInstrument(symbol: string, bytes: Uint8Array): number {
    const index = this.instruments.length;
    this.instruments.push({ index, symbol, sourceId: index, priceScale: 10 ** -this.pDec, tickSize: 0, multiplier: 1 });
    this.symBytes.push(bytes);
    return index;
  }

  /** Splits the current line [ls, le) into fields (quotes stripped). */
  private splitFields(): void {
    const b = this.buf;
    const d = this.delim;
    let i = this.ls;
    const e = this.le;
    let col = 0;
    while (col < this.ncol) {
      let fsI = i;
      let feI: number;
      if (i < e && b[i] === 34) {
        fsI = i + 1;
        let j = fsI;
        while (j < e && b[j] !== 34) j++;
        if (j >= e) this.badAt(i, "a closing double quote");
        feI = j;
        i = j + 1;
        if (i < e && b[i] !== d) this.badAt(i, "a delimiter after the quoted field");
      } else {
        while (i < e && b[i] !== d) i++;
        feI = i;
      }
      // trim spaces
      while (fsI < feI && b[fsI] === 32) fsI++;
      while (feI > fsI && b[feI - 1] === 32) feI--;
      this.fs[col] = fsI;
      this.fe[col] = feI;
      col++;
      if (i >= e) break;
      i++; // delimiter
    }
    if (col < this.ncol) {
      this.badAt(e, `${this.ncol} fields as in the header, found ${col}`);
    }
  }

  /** Advances to the next non-empty line; sets [ls, le) (without CR/LF). false at the end. */
  private nextLine(): boolean {
    for (;;) {
      let nl = this.buf.indexOf(10, this.pos);
      if (nl < 0 || nl >= this.end) {
        if (!this.exhausted) {
          this.fill();
          continue;
        }
        if (this.pos >= this.end) return false;
        nl = this.end; // last line without newline
      }
      this.line++;
      this.ls = this.pos;
      let le = nl;
      if (le > this.ls && this.buf[le - 1] === 13) le--;
      this.le = le;
      this.pos = nl < this.end ? nl + 1 : nl;
      if (le > this.ls) return true;
    }
  }

  private fill(): void {
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
      this.end -= this.pos;
      this.ls -= this.pos;
      this.le -= this.pos;
      this.pos = 0;
    }
    if (this.end >= this.buf.length) {
      throw new UserError(`${this.name}:${this.line + 1}: line longer than ${BUF} bytes; expected a CSV row`);
    }
    const n = this.src.read(this.buf, this.end, this.buf.length - this.end);
    if (n === 0) this.exhausted = true;
    else this.end += n;
  }

  private bad(col: number, expected: string, hint = ""): never {
    const s = this.fs[col];
    const text = latin1(this.buf, s, Math.min(this.fe[col], s + 40));
    throw new UserError(`${this.name}:${this.line}:${s - this.ls + 1}: expected ${expected} in column "${this.colHeader[col]}", found "${text}"${hint}`);
  }

  private badAt(pos: number, expected: string): never {
    throw new UserError(`${this.name}:${this.line}:${pos - this.ls + 1}: expected ${expected}`);
  }
}

function latin1(b: Uint8Array, s: number, e: number): string {
  let out = "";
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}

function copyEvent(from: MarketEvent, to: MarketEvent): void {
  to.kind = from.kind;
  to.instrument = from.instrument;
  to.ts = from.ts;
  to.tsRecv = from.tsRecv;
  to.sequence = from.sequence;
  to.orderIdHi = from.orderIdHi;
  to.orderIdLo = from.orderIdLo;
  to.side = from.side;
  to.price = from.price;
  to.size = from.size;
  to.aggressor = from.aggressor;
  to.action = from.action;
  to.flags = from.flags;
  to.open = from.open;
  to.high = from.high;
  to.low = from.low;
  to.close = from.close;
  to.volume = from.volume;
  to.aux = from.aux;
}

/** Opens a trades or bars CSV (optionally .gz) as an EventSource. */
export function openCsv(path: string, opts: CsvReadOptions = {}): CsvReader {
  const src = openByteSource(path);
  try {
    return new CsvReader(src, opts.name ?? path, opts);
  } catch (err) {
    src.close();
    throw err;
  }
}
