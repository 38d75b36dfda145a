/**
 * DBN writer: MarketEvents → an uncompressed DBN version 3 (or 2) file, written atomically.
 *
 * PER-EVENT CODE (`write`): records are encoded into one reused buffer through typed-array views
 * (u64 fields as two u32 halves, no BigInt) and flushed to a temporary body file when full. On
 * `finish`, the metadata (whose time range and symbols are known only at the end) is written to a
 * second temporary file, the body is copied after it, and the result is renamed over the target.
 *
 * Event → record mapping:
 *   schema mbo:    Add 'A', Cancel 'C', Delete 'C' (size = size removed), Modify 'M', Clear 'R',
 *                  Trade 'T' (side = aggressor), Fill 'F', NoAction 'N', and Execute → 'F' (the
 *                  resting order's fill) followed by 'C' (the book change), the pattern of
 *                  Databento's CME data, so the file replays to the same book;
 *   schema trades: Trade → trades record (side = aggressor); Execute → trades record with the
 *                  aggressor opposite the resting side;
 *   schema ohlcv-*: Bar → OHLCV record (rtype from the bar length: 1s/1m/1h/1d).
 * Other kinds are not representable in the chosen schema and are counted in `skipped`.
 * Prices are rescaled from the instrument's priceScale to 1e-9 (LOBSTER 1e-4 → ×100000); NaN
 * prices become i64::MAX. zstd output is not supported (fzstd only decompresses).
 */
import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { UserError } from "../../../cli/errors.js";
import { EventKind, Side, type InstrumentInfo, type MarketEvent } from "../../events.js";
import { ohlcvRTypeFor, RType, RTYPE_NAMES } from "./format.js";
import { encodeMetadata, schemaCode, utcMidnight, yyyymmdd, type SymbolMapping } from "./metadata.js";

/** Options of the DBN writer. */
export interface DbnWriterOptions {
  /** "mbo", "trades", "ohlcv-1s", "ohlcv-1m", "ohlcv-1h" or "ohlcv-1d". */
  schema: string;
  /** Time base of the events' ts (ns since the epoch). */
  timeBase: bigint;
  /** Dataset name in the metadata (at most 15 characters; default "ALGO"). */
  dataset?: string;
  /** DBN version to write (default 3). */
  version?: 2 | 3;
  /** Flags written when an event's flags are 0 (default 0; converters pass F_LAST = 128). */
  defaultFlags?: number;
}

const TWO32 = 4294967296;
const BUF = 1 << 20;
const DAY = 86_400_000_000_000n;

const ACTION_OF = new Uint8Array(32);
ACTION_OF[EventKind.Add] = 65;
ACTION_OF[EventKind.Cancel] = 67;
ACTION_OF[EventKind.Delete] = 67;
ACTION_OF[EventKind.Modify] = 77;
ACTION_OF[EventKind.Clear] = 82;
ACTION_OF[EventKind.Trade] = 84;
ACTION_OF[EventKind.Fill] = 70;
ACTION_OF[EventKind.NoAction] = 78;

/** Streams events into a DBN file. */
export class DbnWriter {
  /** Records written. */
  records = 0;
  /** Events not representable in the schema. */
  skipped = 0;
  private readonly buf = new Uint8Array(BUF);
  private readonly u32 = new Uint32Array(this.buf.buffer);
  private readonly i32 = new Int32Array(this.buf.buffer);
  private len = 0;
  private readonly bodyPath: string;
  private bodyFd: number;
  private readonly schema: number;
  private readonly baseHi: number;
  private readonly baseLo: number;
  private minTs = Infinity;
  private maxTs = -Infinity;
  private readonly used = new Map<number, InstrumentInfo>();
  private lastInfo: InstrumentInfo | null = null;
  private scale = 1;
  private done = false;

  constructor(
    readonly path: string,
    private readonly opts: DbnWriterOptions,
  ) {
    if (/\.zst$/i.test(path)) {
      throw new UserError(`${path}: writing zstd-compressed DBN is not supported; write an uncompressed .dbn file (compress it with the zstd tool if needed)`);
    }
    this.schema = schemaCode(opts.schema);
    if (this.schema < 0 || !(opts.schema === "mbo" || opts.schema === "trades" || /^ohlcv-1[smhd]$/.test(opts.schema))) {
      throw new UserError(`cannot write DBN schema "${opts.schema}"; expected mbo, trades, ohlcv-1s, ohlcv-1m, ohlcv-1h or ohlcv-1d`);
    }
    this.baseHi = Number(opts.timeBase >> 32n);
    this.baseLo = Number(opts.timeBase & 0xffffffffn);
    this.bodyPath = `${path}.body-${process.pid}.tmp`;
    try {
      this.bodyFd = openSync(this.bodyPath, "w");
    } catch (err) {
      throw new UserError(`${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }

  /** Appends the record(s) for one event; `instruments` is the source's table. */
  write(ev: MarketEvent, instruments: readonly InstrumentInfo[]): void {
    const info = instruments[ev.instrument];
    if (info !== this.lastInfo) this.useInstrument(info);
    const kind = ev.kind;
    if (this.schema === 0) {
      const flags = (ev.flags !== 0 ? ev.flags : this.opts.defaultFlags ?? 0) & 0xff;
      if (kind === EventKind.Execute) {
        // F_LAST belongs on the last record of the pair only
        this.mbo(ev, 70, ev.side, flags & ~128);
        this.mbo(ev, 67, ev.side, flags);
      } else if (ACTION_OF[kind] !== 0) this.mbo(ev, ACTION_OF[kind], kind === EventKind.Trade ? ev.aggressor : ev.side, flags);
      else return void this.skipped++;
    } else if (this.schema === 4) {
      if (kind === EventKind.Trade) this.trade(ev, ev.aggressor);
      else if (kind === EventKind.Execute) this.trade(ev, ev.aggressor !== Side.None ? ev.aggressor : (-ev.side as Side));
      else return void this.skipped++;
    } else if (kind === EventKind.Bar) this.ohlcv(ev);
    else return void this.skipped++;
    if (ev.ts < this.minTs) this.minTs = ev.ts;
    if (ev.ts > this.maxTs) this.maxTs = ev.ts;
  }

  /** Writes the metadata + records to `path` atomically; returns the record count. */
  finish(): number {
    this.flush();
    closeSync(this.bodyFd);
    this.bodyFd = -1;
    const base = this.opts.timeBase;
    const start = Number.isFinite(this.minTs) ? base + BigInt(this.minTs) : base;
    const end = Number.isFinite(this.maxTs) ? base + BigInt(this.maxTs) + 1n : start + 1n;
    const endDay = yyyymmdd(utcMidnight(end - 1n) + DAY);
    const mappings: SymbolMapping[] = [];
    const symbols: string[] = [];
    for (const info of this.used.values()) {
      symbols.push(info.symbol);
      mappings.push({ rawSymbol: info.symbol, intervals: [{ startDate: yyyymmdd(start), endDate: endDay, symbol: String(info.sourceId) }] });
    }
    const meta = encodeMetadata({
      version: this.opts.version ?? 3,
      dataset: this.opts.dataset ?? "ALGO",
      schema: this.schema,
      start,
      end,
      symbols,
      mappings,
    });
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      const out = openSync(tmp, "w");
      try {
        writeSync(out, meta);
        const body = openSync(this.bodyPath, "r");
        try {
          for (;;) {
            const n = readSync(body, this.buf, 0, BUF, null);
            if (n === 0) break;
            writeSync(out, this.buf, 0, n);
          }
        } finally {
          closeSync(body);
        }
      } finally {
        closeSync(out);
      }
      renameSync(tmp, this.path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw new UserError(`${this.path}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    } finally {
      rmSync(this.bodyPath, { force: true });
    }
    this.done = true;
    return this.records;
  }

  /** Discards everything written (no output file). */
  abort(): void {
    if (this.bodyFd >= 0) closeSync(this.bodyFd);
    this.bodyFd = -1;
    if (!this.done) rmSync(this.bodyPath, { force: true });
  }

  // ------------------------------------------------------------------ encoding

  private useInstrument(info: InstrumentInfo): void {
    if (!this.used.has(info.sourceId)) {
      if (!Number.isInteger(info.sourceId) || info.sourceId < 0 || info.sourceId > 0xffffffff) {
        throw new UserError(`instrument ${info.symbol}: source id ${info.sourceId} does not fit DBN's u32 instrument_id`);
      }
      this.used.set(info.sourceId, info);
    }
    const k = info.priceScale / 1e-9;
    const rk = Math.round(k);
    if (!(rk >= 1) || Math.abs(k - rk) > 1e-6 * rk) {
      throw new UserError(`instrument ${info.symbol}: price scale ${info.priceScale} is not a whole multiple of DBN's 1e-9`);
    }
    this.scale = rk;
    this.lastInfo = info;
  }

  /** Starts a record of `len` bytes; returns its word index. */
  private begin(len: number, rtype: number, ev: MarketEvent): number {
    if (this.len + len > BUF) this.flush();
    const p = this.len;
    const w = p >>> 2;
    this.u32[w] = (len >>> 2) | (rtype << 8); // publisher_id 0
    this.u32[w + 1] = this.lastInfo!.sourceId;
    this.putTs(w + 2, ev.ts);
    this.len = p + len;
    this.records++;
    return w;
  }

  private mbo(ev: MarketEvent, action: number, side: Side, flags: number): void {
    const w = this.begin(56, RType.Mbo, ev);
    const p = w << 2;
    this.u32[w + 4] = ev.orderIdLo >>> 0;
    this.u32[w + 5] = ev.orderIdHi >>> 0;
    this.putPx(w + 6, action === 82 ? Number.NaN : ev.price);
    this.u32[w + 8] = ev.size >>> 0;
    this.buf[p + 36] = flags;
    this.buf[p + 37] = 0;
    this.buf[p + 38] = action;
    this.buf[p + 39] = side === Side.Bid ? 66 : side === Side.Ask ? 65 : 78;
    this.putTs(w + 10, ev.tsRecv);
    this.u32[w + 12] = 0;
    this.u32[w + 13] = ev.sequence >>> 0;
  }

  private trade(ev: MarketEvent, aggressor: Side): void {
    const w = this.begin(48, RType.Mbp0, ev);
    const p = w << 2;
    this.putPx(w + 4, ev.price);
    this.u32[w + 6] = ev.size >>> 0;
    this.buf[p + 28] = 84;
    this.buf[p + 29] = aggressor === Side.Bid ? 66 : aggressor === Side.Ask ? 65 : 78;
    this.buf[p + 30] = (ev.flags !== 0 ? ev.flags : this.opts.defaultFlags ?? 0) & 0xff;
    this.buf[p + 31] = 0;
    this.putTs(w + 8, ev.tsRecv);
    this.u32[w + 10] = 0;
    this.u32[w + 11] = ev.sequence >>> 0;
  }

  private ohlcv(ev: MarketEvent): void {
    const rtype = ohlcvRTypeFor(ev.aux);
    if (rtype < 0 || rtype !== RType.Ohlcv1S + this.schema - 5) {
      throw new UserError(
        `a bar of ${ev.aux / 1e9} s cannot be written to a ${RTYPE_NAMES[RType.Ohlcv1S + this.schema - 5]} file; DBN bars are 1s, 1m, 1h or 1d and one length per file`,
      );
    }
    const w = this.begin(56, rtype, ev);
    this.putPx(w + 4, ev.open);
    this.putPx(w + 6, ev.high);
    this.putPx(w + 8, ev.low);
    this.putPx(w + 10, ev.close);
    const v = ev.volume;
    const hi = Math.floor(v / TWO32);
    this.u32[w + 12] = v - hi * TWO32;
    this.u32[w + 13] = hi;
  }

  /** i64 price at word w, rescaled to 1e-9 (NaN → i64::MAX). */
  private putPx(w: number, price: number): void {
    if (price !== price) {
      this.u32[w] = 0xffffffff;
      this.i32[w + 1] = 0x7fffffff;
      return;
    }
    const x = price * this.scale;
    const hi = Math.floor(x / TWO32);
    this.u32[w] = x - hi * TWO32;
    this.i32[w + 1] = hi;
  }

  /** u64 timestamp at word w: time base + ts (NaN → u64::MAX). */
  private putTs(w: number, ts: number): void {
    if (ts !== ts) {
      this.u32[w] = 0xffffffff;
      this.u32[w + 1] = 0xffffffff;
      return;
    }
    let hi = Math.floor(ts / TWO32);
    let lo = ts - hi * TWO32 + this.baseLo;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi += 1;
    }
    this.u32[w] = lo;
    this.u32[w + 1] = hi + this.baseHi;
  }

  private flush(): void {
    let off = 0;
    while (off < this.len) off += writeSync(this.bodyFd, this.buf, off, this.len - off);
    this.len = 0;
  }
}
