/**
 * `algo book PATH`: replays a market data file through the exact order book and prints the book
 * after every book event (`--format lobster|csv|json`), or with `--stats` only the replay's speed,
 * garbage collections and anomaly counts. LOBSTER message files replay through the seeded,
 * reconciled LobsterReplay (the paired orderbook file is found by name or given with
 * `--lobster-book`); every other format `openDataSource` reads (DBN, CSV) through the
 * multi-instrument Market (MBO into L3 books, MBP/BBO into L2 books).
 *
 * Output goes through one reused 1 MiB buffer written with writeSync in chunks; numbers are
 * formatted into it digit by digit. A closed pipe (`algo book x | head`) ends the replay quietly.
 */
import { writeSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";
import { EventKind, type EventSource, type InstrumentInfo, Side } from "../../runtime/events.js";
import type { BookView } from "../../runtime/book/view.js";
import { Market } from "../../runtime/book/market.js";
import type { AnomalyCounters } from "../../runtime/book/anomalies.js";
import {
  ByteSourceError,
  DataFormatError,
  LOBSTER_EMPTY_ASK_PRICE,
  LOBSTER_EMPTY_BID_PRICE,
  LobsterReplay,
  LobsterSource,
  isLobsterMessageFile,
} from "../../runtime/data/lobster/index.js";
import { openDataSource } from "../../runtime/data/open.js";
import { DbnReader } from "../../runtime/data/dbn/reader.js";
import { schemaName } from "../../runtime/data/dbn/metadata.js";
import { ExitCode, UserError } from "../errors.js";

/** Output formats of `algo book`. */
type BookFormat = "lobster" | "csv" | "json";

export interface BookCommandOptions {
  levels?: string;
  format?: string;
  instrument?: string;
  lobsterBook?: string;
  stats?: boolean;
}

/** Thrown by the output buffer when stdout's reader went away (EPIPE). */
class OutputClosed extends Error {}

/** A reused output buffer with allocation-free number formatting, flushed to a file descriptor. */
export class OutputBuffer {
  private readonly buf: Buffer;
  private pos = 0;
  private readonly digits = new Uint8Array(24);

  constructor(
    private readonly fd: number,
    size = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Writes ASCII text. */
  text(s: string): void {
    if (this.pos + s.length * 3 > this.buf.length) this.flush();
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  /** Writes one byte. */
  byte(c: number): void {
    if (this.pos + 1 > this.buf.length) this.flush();
    this.buf[this.pos++] = c;
  }

  /** Writes an integer (|v| < 2^53) in decimal. */
  int(v: number): void {
    if (this.pos + 24 > this.buf.length) this.flush();
    if (v < 0) {
      this.buf[this.pos++] = 45;
      v = -v;
    }
    let n = 0;
    do {
      const q = Math.floor(v / 10);
      this.digits[n++] = 48 + (v - q * 10);
      v = q;
    } while (v > 0);
    while (n > 0) this.buf[this.pos++] = this.digits[--n];
  }

  /** Writes an integer padded with zeros to `width` digits. */
  padded(v: number, width: number): void {
    if (this.pos + 24 > this.buf.length) this.flush();
    for (let i = width - 1; i >= 0; i--) {
      const q = Math.floor(v / 10);
      this.digits[i] = 48 + (v - q * 10);
      v = q;
    }
    for (let i = 0; i < width; i++) this.buf[this.pos++] = this.digits[i];
  }

  /** Writes a fixed-point integer with `decimals` implied decimals, trailing zeros trimmed. */
  scaled(v: number, decimals: number): void {
    if (decimals <= 0) {
      this.int(v);
      return;
    }
    if (v < 0) {
      this.byte(45);
      v = -v;
    }
    const unit = 10 ** decimals;
    const whole = Math.floor(v / unit);
    let frac = v - whole * unit;
    this.int(whole);
    if (frac === 0) return;
    let d = decimals;
    while (frac % 10 === 0) {
      frac /= 10;
      d--;
    }
    this.byte(46);
    this.padded(frac, d);
  }

  /** Writes the buffered bytes (retrying on EAGAIN; EPIPE becomes OutputClosed). */
  flush(): void {
    let off = 0;
    while (off < this.pos) {
      try {
        off += writeSync(this.fd, this.buf, off, this.pos - off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
          continue;
        }
        if (code === "EPIPE") throw new OutputClosed();
        throw err;
      }
    }
    this.pos = 0;
  }
}

/** Decimal places of a price scale (1e-4 → 4, 1e-9 → 9). */
function decimalsOf(priceScale: number): number {
  return Math.max(0, Math.round(-Math.log10(priceScale)));
}

/** Prints book rows in one of the formats. */
class BookPrinter {
  private readonly lobsterFactor: number[] = [];

  constructor(
    private readonly out: OutputBuffer,
    private readonly format: BookFormat,
    private readonly levels: number,
    private readonly timeBaseSec: number,
    private readonly timeBaseNs: number,
  ) {}

  header(): void {
    if (this.format !== "csv") return;
    this.out.text("ts,symbol");
    for (let i = 1; i <= this.levels; i++) {
      this.out.text(`,bid_px_${i},bid_sz_${i},bid_ct_${i},ask_px_${i},ask_sz_${i},ask_ct_${i}`);
    }
    this.out.byte(10);
  }

  /** Absolute UTC time in ns since the epoch, printed without BigInt. */
  private time(ts: number): void {
    const ns = this.timeBaseNs + ts;
    const carry = Math.floor(ns / 1e9);
    this.out.int(this.timeBaseSec + carry);
    this.out.padded(ns - carry * 1e9, 9);
  }

  row(book: BookView, info: InstrumentInfo, ts: number): void {
    const out = this.out;
    const n = this.levels;
    if (this.format === "lobster") {
      // LOBSTER integers are USD × 10000.
      let f = this.lobsterFactor[info.index];
      if (f === undefined) {
        f = info.priceScale * 10000;
        this.lobsterFactor[info.index] = f;
      }
      for (let i = 0; i < n; i++) {
        if (i > 0) out.byte(44);
        const ap = book.levelPrice(Side.Ask, i);
        if (ap === ap) out.int(Math.round(ap * f));
        else out.int(LOBSTER_EMPTY_ASK_PRICE);
        out.byte(44);
        out.int(ap === ap ? book.levelSize(Side.Ask, i) : 0);
        out.byte(44);
        const bp = book.levelPrice(Side.Bid, i);
        if (bp === bp) out.int(Math.round(bp * f));
        else out.int(LOBSTER_EMPTY_BID_PRICE);
        out.byte(44);
        out.int(bp === bp ? book.levelSize(Side.Bid, i) : 0);
      }
      out.byte(10);
      return;
    }
    const dec = decimalsOf(info.priceScale);
    if (this.format === "csv") {
      this.time(ts);
      out.byte(44);
      out.text(info.symbol);
      for (let i = 0; i < n; i++) {
        this.csvLevel(book, Side.Bid, i, dec);
        this.csvLevel(book, Side.Ask, i, dec);
      }
      out.byte(10);
      return;
    }
    // ns since the epoch exceed 2^53: a JSON number would be rounded by most parsers, so a string.
    out.text('{"ts":"');
    this.time(ts);
    out.text('","symbol":');
    out.text(JSON.stringify(info.symbol));
    out.text(',"bids":[');
    this.jsonSide(book, Side.Bid, dec);
    out.text(',"asks":[');
    this.jsonSide(book, Side.Ask, dec);
    out.text("}\n");
  }

  private csvLevel(book: BookView, side: Side, i: number, dec: number): void {
    const out = this.out;
    out.byte(44);
    const p = book.levelPrice(side, i);
    if (p === p) {
      out.scaled(p, dec);
      out.byte(44);
      out.int(book.levelSize(side, i));
      out.byte(44);
      out.int(book.levelCount(side, i));
    } else out.text(",0,0");
  }

  private jsonSide(book: BookView, side: Side, dec: number): void {
    const out = this.out;
    const m = Math.min(this.levels, book.levels(side));
    for (let i = 0; i < m; i++) {
      if (i > 0) out.byte(44);
      out.byte(91);
      out.scaled(book.levelPrice(side, i), dec);
      out.byte(44);
      out.int(book.levelSize(side, i));
      out.byte(44);
      out.int(book.levelCount(side, i));
      out.byte(93);
    }
    out.byte(93);
  }
}

/** Counts garbage collections while active. */
class GcCounter {
  count = 0;
  private readonly obs = new PerformanceObserver((list) => {
    this.count += list.getEntries().length;
  });
  start(): void {
    this.obs.observe({ entryTypes: ["gc"] });
  }
  /** Stops after letting pending GC entries arrive. */
  async stop(): Promise<number> {
    await new Promise((r) => setTimeout(r, 10));
    this.obs.disconnect();
    return this.count;
  }
}

const BOOK_KINDS = new Uint8Array(32);
for (const k of [EventKind.Add, EventKind.Cancel, EventKind.Delete, EventKind.Modify, EventKind.Execute, EventKind.Clear, EventKind.LevelUpdate, EventKind.LevelSnapshot]) {
  BOOK_KINDS[k] = 1;
}

function describeError(err: unknown): never {
  if (err instanceof UserError) throw err;
  if (err instanceof DataFormatError || err instanceof ByteSourceError) throw new UserError(err.message);
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === "string" && typeof e.path === "string") {
    throw new UserError(`${e.path}: cannot open (${e.code === "ENOENT" ? "no such file" : e.code})`);
  }
  throw err;
}

/** `--levels N` checked (1..1000), or undefined when not given. */
function parseLevels(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UserError(`--levels: expected an integer from 1 to 1000, got '${s}'`);
  return n;
}

/**
 * Levels to print: the requested count, default min(10, what the data has). `depth` is the number
 * of levels per side the data carries (Infinity for order-by-order data); asking for more prints
 * what the data has, with a note on stderr saying so.
 */
function levelsToPrint(requested: number | undefined, depth: number, what: string): number {
  if (requested === undefined) return Math.min(10, depth);
  if (requested > depth) {
    process.stderr.write(`note: --levels ${requested}: ${what} has ${depth} level${depth === 1 ? "" : "s"} per side; printing ${depth}\n`);
    return depth;
  }
  return requested;
}

/** Levels per side a DBN file's schema carries (Infinity for MBO, mixed or unknown). */
function dbnDepth(src: EventSource): number {
  if (!(src instanceof DbnReader) || !src.metadata) return Number.POSITIVE_INFINITY;
  const name = schemaName(src.metadata.schema);
  if (name === "mbp-10") return 10;
  if (name === "mbp-1" || name === "tbbo" || name === "cmbp-1" || name === "tcbbo" || /^c?bbo-1[sm]$/.test(name)) return 1;
  return Number.POSITIVE_INFINITY;
}

function parseFormat(s: string | undefined): BookFormat {
  const f = s ?? "csv";
  if (f !== "lobster" && f !== "csv" && f !== "json") throw new UserError(`--format: expected lobster, csv or json, got '${f}'`);
  return f;
}

function printAnomalies(out: OutputBuffer, a: AnomalyCounters): void {
  const s = a.summary();
  if (s.length === 0) {
    out.text("anomalies: none\n");
    return;
  }
  out.text("anomalies:\n");
  for (const k of s) out.text(`  ${k.kind}: ${k.count} (first at sequence ${k.firstSequence}, ts ${k.firstTs})\n`);
}

/** Runs `algo book`; returns the exit code. */
export async function runBook(path: string, opts: BookCommandOptions): Promise<number> {
  const format = parseFormat(opts.format);
  const requested = parseLevels(opts.levels);
  const out = new OutputBuffer(1);
  const gc = new GcCounter();
  const forceLobster = isLobsterMessageFile(path) || opts.lobsterBook !== undefined;
  let source: EventSource | undefined;
  try {
    const opened = openDataSource(path, {
      ...(forceLobster ? { format: "lobster" as const } : {}),
      ...(opts.lobsterBook !== undefined ? { lobsterBook: opts.lobsterBook } : {}),
    });
    source = opened.source;
    if (opened.source instanceof LobsterSource) {
      const src = opened.source;
      if (opts.instrument !== undefined && opts.instrument !== src.instruments[0].symbol) {
        throw new UserError(`--instrument ${opts.instrument}: ${path} holds only ${src.instruments[0].symbol}`);
      }
      const replay = new LobsterReplay(src); // refuses a day without its orderbook file
      const levels = levelsToPrint(requested, src.levels, `the LOBSTER data (level-${src.levels} files)`);
      const info = src.instruments[0];
      const printer = new BookPrinter(out, format, levels, Number(src.timeBase / 1_000_000_000n), Number(src.timeBase % 1_000_000_000n));
      const t0 = performance.now();
      if (opts.stats) {
        gc.start();
        while (replay.step()) {
          /* replay only */
        }
      } else {
        printer.header();
        while (replay.step()) printer.row(replay.book, info, src.event.ts);
      }
      const secs = (performance.now() - t0) / 1000;
      if (opts.stats) {
        const gcs = await gc.stop();
        printStats(out, replay.messages, secs, gcs);
        out.text(
          `lobster: ${src.levels} levels; seeded ${replay.seededLevels}; levels taken from the orderbook file ${replay.levelsFromFile} (corrected ${replay.levelsCorrected}); stale levels dropped ${replay.staleLevelsDropped}; anonymous draws ${replay.anonymousDraws} (uncovered ${replay.unexplainedDraws}); size repairs ${replay.sizeRepairs}; rows differing from the orderbook file ${replay.mismatchedRows}\n`,
        );
        printAnomalies(out, replay.book.anomalies);
      }
      out.flush();
      return ExitCode.Ok;
    }
    // DBN (MBO into L3 books, MBP/BBO into L2 books) and CSV (trades/bars: no book events).
    const src = opened.source;
    const depth = dbnDepth(src);
    const levels = levelsToPrint(requested, depth, `the data (${src instanceof DbnReader && src.metadata ? schemaName(src.metadata.schema) : ""} schema)`);
    const market = new Market({ l3: { crossCheckOnLastOnly: true, orderCapacity: 1 << 16 } });
    const printer = new BookPrinter(out, format, levels, Number(src.timeBase / 1_000_000_000n), Number(src.timeBase % 1_000_000_000n));
    let want = -1;
    let matched = opts.instrument === undefined;
    const ev = src.event;
    let events = 0;
    const t0 = performance.now();
    if (opts.stats) gc.start();
    else printer.header();
    while (src.next()) {
      if (opts.instrument !== undefined && want < 0) {
        const inst = src.instruments.find((i) => i.symbol === opts.instrument);
        if (inst !== undefined) {
          want = inst.index;
          matched = true;
        }
      }
      if (want >= 0 && ev.instrument !== want) continue;
      if (opts.instrument !== undefined && want < 0) continue;
      events++;
      market.apply(ev);
      if (!opts.stats && BOOK_KINDS[ev.kind] === 1) {
        const view = market.view(ev.instrument);
        if (view !== undefined) printer.row(view, src.instruments[ev.instrument], ev.ts);
      }
    }
    const secs = (performance.now() - t0) / 1000;
    if (!matched) {
      const have = src.instruments.map((i) => i.symbol).join(", ") || "none";
      throw new UserError(`--instrument ${opts.instrument}: not in ${path} (instruments: ${have})`);
    }
    if (opts.stats) {
      printStats(out, events, secs, await gc.stop());
      printAnomalies(out, market.anomalies());
      const f = (src as { notes?: () => string[] }).notes;
      if (typeof f === "function") for (const n of f.call(src)) out.text(`warning: ${n}\n`);
    }
    out.flush();
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof OutputClosed) return ExitCode.Ok;
    return describeError(err);
  } finally {
    source?.close();
  }
}

function printStats(out: OutputBuffer, events: number, secs: number, gcs: number): void {
  out.text(`events: ${events}\n`);
  out.text(`seconds: ${secs.toFixed(3)}\n`);
  out.text(`events/s: ${secs > 0 ? Math.round(events / secs) : 0}\n`);
  out.text(`gc: ${gcs}\n`);
}
