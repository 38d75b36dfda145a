/**
 * DBN (Databento Binary Encoding) reader, versions 1-3, plain / zstd / fragment, as an EventSource.
 *
 * PER-EVENT CODE: `next()` decodes one record into the reused MarketEvent. It must not allocate in
 * steady state: no BigInt, no strings, no closures, no objects — typed-array reads only. Strings
 * are built only for definition / symbol-mapping records (rare, they update the instrument table).
 *
 * Streaming: bytes are pulled into one reused buffer (1 MiB by default); a record split across
 * two reads is carried over by moving the unread tail to the front before the next read. Records
 * therefore always start at 4-byte aligned buffer offsets (their lengths are multiples of 4), so
 * u32 fields are read through a Uint32Array view and 64-bit fields as two u32 halves.
 *
 * Times: ts = (hi - baseHi) * 2^32 + (lo - baseLo), exact while |ts| < 2^53 ns (~104 days).
 * Prices: i64 in 1e-9 units as hi * 2^32 + lo (exact below 2^53, i.e. $9,007,199); i64::MAX → NaN.
 *
 * MBO actions → EventKind (Databento semantics: https://databento.com/docs/examples/order-book/
 * order-tracking — "Trade and Fill actions do not affect the book because all fills will be
 * accompanied by cancel actions that do update the book"):
 *   'A' Add    → Add     (order id, side, price, size)
 *   'C' Cancel → Cancel  (size = quantity removed; when it equals the order's remaining size the
 *                         order leaves the book — DBN has no separate delete)
 *   'M' Modify → Modify  (price and size are the NEW values; Databento: priority is lost when the
 *                         price changes or the size increases; a modify of an unknown id is an add)
 *   'R' Clear  → Clear   (book reset, e.g. the start of a snapshot; flags carry F_SNAPSHOT)
 *   'T' Trade  → Trade   (aggressor = side: 'B' buyer-initiated = Side.Bid; no book change)
 *   'F' Fill   → Fill    (resting order filled; NO book change — never Execute, or the book would
 *                         drop the size twice, once here and once on the accompanying 'C')
 *   'N' None   → NoAction (no book change; carries flags such as F_LAST)
 *   other      → NoAction, counted in `unknownActions`.
 * The raw action char code is in `event.action`, the DBN flags byte in `event.flags`.
 *
 * Other records:
 *   trades (0x00)                  → Trade (aggressor from side; depth → count)
 *   MBP-1/TBBO (0x01), MBP-10 (0x0A), CMBP-1/TCBBO (0xB1/0xC2)
 *                                  → LevelSnapshot (levels in bidPx..askCt, depth = level count,
 *                                    price/size/side/action = the record's event), followed by a
 *                                    Trade event when the record's action is 'T'
 *   BBO-1s/1m (0xC3/C4), CBBO-1s/1m (0xC0/C1)
 *                                  → LevelSnapshot (price/size = last trade; no Trade event: the
 *                                    same last trade repeats across intervals)
 *   consolidated levels carry publisher ids, not order counts: counts are 0 for them.
 *   OHLCV (0x20-0x24, 0x11)        → Bar (ts = bar start, aux = bar length ns; 0 for 0x11)
 *   definition (0x13)              → Definition (+ InstrumentTable: symbol = raw_symbol, tickSize =
 *                                    min_price_increment, multiplier = unit_of_measure_qty, else
 *                                    contract_multiplier, else 1); price = tick size
 *   status (0x12)                  → Status: aux = action, size = reason, count = trading_event,
 *                                    depth = is_trading (1 'Y', 0 'N', -1 unknown)
 *   imbalance (0x14)               → Imbalance: price = ref_price, open = cont_book_clr_price,
 *                                    high = auct_interest_clr_price, close = ind_match_price,
 *                                    size = paired_qty, volume = total_imbalance_qty, count =
 *                                    market_imbalance_qty, side = imbalance side, aux = auction_type
 *   statistics (0x18)              → Statistic: aux = stat_type, price, size = quantity (NaN when
 *                                    undefined), action = update_action, flags = stat_flags
 *   symbol mapping (0x16)          → no event; updates the InstrumentTable
 *   error (0x15), system (0x17)    → no event (counted)
 *   unknown rtype                  → skipped by length and counted in `unknownRecords`; the rtype
 *                                    and (decompressed) byte offset of the first one are kept, and
 *                                    `notes()` turns them into a warning for reports.
 */
import { UserError } from "../../../cli/errors.js";
import { EventKind, MarketEvent, Side, type EventSource, type InstrumentInfo } from "../../events.js";
import { FileByteSource, isZstdSkippableMagic, openByteSource, peekFile, type ByteSource } from "../byte-source.js";
import { InstrumentTable } from "../instruments.js";
import { barLengthNs, DBN_MAX_VERSION, DBN_PRELUDE_LEN, minRecordLen, RecordLen, RTYPE_NAMES, RType, STYPE_NAMES } from "./format.js";
import { decodeCStr, decodeDbzMetadata, decodeMetadata, utcMidnight, type DbnMetadata } from "./metadata.js";

/** Options of `openDbn`. */
export interface DbnReadOptions {
  /** Time base (ns since the epoch) for ts; default UTC midnight of the metadata start (or of the first record in a fragment). */
  timeBase?: bigint;
  /** Event kinds wanted; records producing only other kinds are skipped by length. Default: all. */
  kinds?: readonly EventKind[];
  /** true: the stream is a fragment (records, no metadata); false: must have metadata; default: detect. */
  fragment?: boolean;
  /** Read buffer size in bytes (default 1 MiB). */
  bufferSize?: number;
  /** Name used in error messages (default: the path). */
  name?: string;
  /** Metadata read outside the stream (legacy DBZ); the stream is then records only. */
  externalMetadata?: DbnMetadata;
}

const TWO32 = 4294967296;
/** Largest metadata header accepted (a full OPRA symbol map is a few MB). */
const MAX_METADATA = 256 << 20;
const ALL_KINDS = 0x7fffffff;
// DbnReader.st registers
const S_BASE = 0;
const S_PEND_PRICE = 1;
const S_PEND_SIZE = 2;
const S_FIRST_HI = 3;
const S_FIRST_LO = 4;
const S_LAST_HI = 5;
const S_LAST_LO = 6;

/** DBN side char → Side. */
const SIDE_OF = new Int8Array(256);
SIDE_OF[66] = Side.Bid; // 'B'
SIDE_OF[65] = Side.Ask; // 'A'

/** MBO action char → EventKind. */
const MBO_KIND = new Uint8Array(256).fill(EventKind.NoAction);
MBO_KIND[65] = EventKind.Add; // A
MBO_KIND[67] = EventKind.Cancel; // C
MBO_KIND[77] = EventKind.Modify; // M
MBO_KIND[82] = EventKind.Clear; // R
MBO_KIND[84] = EventKind.Trade; // T
MBO_KIND[70] = EventKind.Fill; // F
const KNOWN_ACTION = new Uint8Array(256);
for (const c of [65, 67, 77, 82, 84, 70, 78]) KNOWN_ACTION[c] = 1;

const MIN_LEN = new Uint16Array(256);
for (let r = 0; r < 256; r++) MIN_LEN[r] = minRecordLen(r);

/** The DBN reader. Construct with `openDbn`. */
export class DbnReader implements EventSource {
  readonly event = new MarketEvent();
  readonly table: InstrumentTable;
  readonly timeBase: bigint;
  /** The metadata header, or null for a fragment. */
  readonly metadata: DbnMetadata | null;
  /** DBN version (metadata), or 0 for a fragment. */
  readonly version: number;
  /** Records seen per rtype (all records, wanted or not). */
  readonly rtypeCounts = new Float64Array(256);
  /** Records of an rtype this reader does not know (skipped by length). */
  unknownRecords = 0;
  /** rtype of the first record of an unknown rtype, or -1. */
  firstUnknownRtype = -1;
  /** Stream byte offset (of the decompressed stream for .zst) of that record, or -1. */
  firstUnknownOffset = -1;
  /** MBO records with an action char outside A/C/M/R/T/F/N (emitted as NoAction). */
  unknownActions = 0;
  /** Action char code and stream byte offset of the first such MBO record, or -1. */
  firstUnknownAction = -1;
  firstUnknownActionOffset = -1;
  /** Records read so far. */
  recordCount = 0;

  private readonly name: string;
  private readonly src: ByteSource;
  private buf: Uint8Array;
  private u32: Uint32Array;
  private i32: Int32Array;
  private pos = 0;
  private end = 0;
  /** Stream offset of buf[0]. */
  /**
   * Number registers: stream offset of buf[0], pending trade price/size, first/last ts_event
   * halves. Kept in a typed array, not fields: a field that starts as a small integer and later
   * holds a double (a u32 above 2^30, a price) changes the object's shape mid-run, which throws
   * away the optimised code of every method here — at every new reader, with allocation (and GCs)
   * while it re-warms.
   */
  private readonly st = DbnReader.registers();
  private exhausted = false;
  private readonly compressedLabel: string;
  private readonly want: number;
  private readonly baseHi: number;
  private readonly baseLo: number;
  private readonly tsOutExtra: number;
  private pendingTrade = false;
  private pendSide: Side = Side.None;

  private static registers(): Float64Array {
    const st = new Float64Array(8);
    st[S_FIRST_HI] = -1;
    st[S_LAST_HI] = -1;
    return st;
  }

  /** Use `openDbn`; `src` yields the decompressed stream. */
  constructor(src: ByteSource, name: string, compressed: boolean, opts: DbnReadOptions = {}) {
    this.src = src;
    this.name = name;
    this.compressedLabel = compressed ? "decompressed byte" : "byte";
    const size = Math.max(4096, opts.bufferSize ?? 1 << 20) & ~7;
    this.buf = new Uint8Array(size);
    this.u32 = new Uint32Array(this.buf.buffer);
    this.i32 = new Int32Array(this.buf.buffer);
    let want = ALL_KINDS;
    if (opts.kinds) {
      want = 0;
      for (const k of opts.kinds) want |= 1 << k;
    }
    this.want = want;
    this.table = new InstrumentTable(1e-9);

    this.fillAtLeast(8);
    const b = this.buf;
    const hasMagic = this.end >= 3 && b[0] === 0x44 && b[1] === 0x42 && b[2] === 0x4e;
    let meta: DbnMetadata | null = null;
    if (hasMagic && opts.fragment !== true) {
      if (this.end < DBN_PRELUDE_LEN) this.fail(this.end, `the file ends inside the 8-byte DBN prelude (${this.end} bytes)`);
      const version = b[3];
      if (version < 1 || version > DBN_MAX_VERSION) {
        this.fail(3, `DBN version ${version} is not supported; expected 1, 2 or 3`);
      }
      const metaLen = b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] * 16777216);
      if (metaLen < 100) this.fail(4, `metadata length ${metaLen} is shorter than the 100 fixed bytes; the header is corrupt`);
      if (metaLen > MAX_METADATA) this.fail(4, `metadata length ${metaLen} is implausible (over ${MAX_METADATA} bytes); the header is corrupt`);
      const body = this.readExact(DBN_PRELUDE_LEN, metaLen);
      meta = decodeMetadata(body, version, name, DBN_PRELUDE_LEN);
      this.compact();
    } else if (opts.fragment === false) {
      this.fail(0, `expected the DBN magic bytes "DBN" followed by a version, found ${hexBytes(b, 0, Math.min(this.end, 4))}`);
    } else if (!hasMagic) {
      // A fragment: the first bytes must look like a record header.
      if (this.end === 0) {
        // empty fragment: no records
      } else {
        const len = b[0] * 4;
        const rtype = b[1];
        if (this.end < 16 || len < MIN_LEN[rtype] || RTYPE_NAMES[rtype] === undefined) {
          this.fail(0, `expected the DBN magic bytes "DBN" or a DBN record header, found ${hexBytes(b, 0, Math.min(this.end, 4))}`);
        }
      }
    }
    if (!meta && opts.externalMetadata) meta = opts.externalMetadata;
    this.metadata = meta;
    this.version = meta ? meta.version : 0;
    this.tsOutExtra = meta && meta.tsOut ? 8 : 0;
    if (meta) {
      for (const mp of meta.mappings) {
        for (const iv of mp.intervals) {
          if (meta.stypeOut === 0) {
            const id = Number(iv.symbol);
            if (Number.isInteger(id)) this.table.learnSymbol(id, mp.rawSymbol);
          } else if (meta.stypeIn === 0) {
            const id = Number(mp.rawSymbol);
            if (Number.isInteger(id)) this.table.learnSymbol(id, iv.symbol);
          }
        }
      }
    }
    let base: bigint;
    if (opts.timeBase !== undefined) base = opts.timeBase;
    else if (meta) base = utcMidnight(meta.start);
    else {
      this.fillAtLeast(16);
      base = this.end - this.pos >= 16 ? utcMidnight(readU64(this.buf, this.pos + 8)) : 0n;
    }
    this.timeBase = base;
    this.baseHi = Number(base >> 32n);
    this.baseLo = Number(base & 0xffffffffn);
  }

  /** Instruments seen so far (dense index order). */
  get instruments(): InstrumentInfo[] {
    return this.table.list;
  }

  /** EventSource.groupsByLastFlag: set by openDataSource after probing the file's first records. */
  groupsByLastFlag = false;

  /** EventSource.indexForSymbol: a symbol the metadata maps (the instrument is indexed now), or -1. */
  indexForSymbol(symbol: string): number {
    return this.table.indexForSymbol(symbol);
  }

  /** Absolute ts_event (ns since the epoch) of the first / last record read, or undefined. */
  firstTsEvent(): bigint | undefined {
    const st = this.st;
    return st[S_FIRST_HI] < 0 ? undefined : (BigInt(st[S_FIRST_HI]) << 32n) | BigInt(st[S_FIRST_LO]);
  }
  lastTsEvent(): bigint | undefined {
    const st = this.st;
    return st[S_LAST_HI] < 0 ? undefined : (BigInt(st[S_LAST_HI]) << 32n) | BigInt(st[S_LAST_LO]);
  }

  /** Decodes the next wanted record into `event`; false at the end of the stream. */
  next(): boolean {
    const ev = this.event;
    if (this.pendingTrade) {
      this.pendingTrade = false;
      ev.kind = EventKind.Trade;
      ev.price = this.st[S_PEND_PRICE];
      ev.size = this.st[S_PEND_SIZE];
      ev.side = this.pendSide;
      ev.aggressor = this.pendSide;
      return true;
    }
    for (;;) {
      const p = this.pos;
      if (this.end - p < 16) {
        if (!this.refill(16)) return false;
        continue;
      }
      const w = p >>> 2;
      const h = this.u32[w];
      const len = (h & 0xff) << 2;
      const rtype = (h >>> 8) & 0xff;
      if (len < MIN_LEN[rtype]) this.badLength(p, len, rtype);
      if (this.end - p < len) {
        if (!this.refill(len)) return false;
        continue;
      }
      this.pos = p + len;
      this.recordCount++;
      this.rtypeCounts[rtype]++;
      const tsHi = this.u32[w + 3];
      const tsLo = this.u32[w + 2];
      const st = this.st;
      if (st[S_FIRST_HI] < 0) {
        st[S_FIRST_HI] = tsHi;
        st[S_FIRST_LO] = tsLo;
      }
      st[S_LAST_HI] = tsHi;
      st[S_LAST_LO] = tsLo;
      if (this.decode(p, w, len, rtype)) return true;
    }
  }

  close(): void {
    this.src.close();
  }

  // ------------------------------------------------------------------ decoding

  /** Decodes the record at byte p (word w); true when it produced an event. */
  private decode(p: number, w: number, len: number, rtype: number): boolean {
    const ev = this.event;
    const u8 = this.buf;
    const u32 = this.u32;
    const want = this.want;
    switch (rtype) {
      case RType.Mbo: {
        const action = u8[p + 38];
        const kind = MBO_KIND[action];
        if (KNOWN_ACTION[action] === 0) this.noteUnknownAction(p, action);
        if ((want & (1 << kind)) === 0) return false;
        ev.kind = kind;
        ev.action = action;
        this.header(w);
        ev.orderIdLo = u32[w + 4];
        ev.orderIdHi = u32[w + 5];
        ev.price = this.px(w + 6);
        ev.size = u32[w + 8];
        ev.flags = u8[p + 36];
        const side = SIDE_OF[u8[p + 39]] as Side;
        ev.side = side;
        ev.aggressor = kind === EventKind.Trade ? side : kind === EventKind.Fill && side !== Side.None ? (-side as Side) : Side.None;
        ev.tsRecv = this.ts(w + 10);
        ev.sequence = u32[w + 13];
        return true;
      }
      case RType.Mbp0: {
        if ((want & (1 << EventKind.Trade)) === 0) return false;
        ev.kind = EventKind.Trade;
        this.header(w);
        this.mbpTop(p, w);
        ev.count = u8[p + 31];
        ev.sequence = u32[w + 11];
        return true;
      }
      case RType.Mbp1:
      case RType.Mbp10:
        return this.snapshot(p, w, rtype === RType.Mbp10 ? 10 : 1, false, true, true);
      case RType.Cmbp1:
      case RType.Tcbbo:
        return this.snapshot(p, w, 1, true, true, false);
      case RType.Bbo1S:
      case RType.Bbo1M:
        return this.snapshot(p, w, 1, false, false, true);
      case RType.Cbbo1S:
      case RType.Cbbo1M:
        return this.snapshot(p, w, 1, true, false, false);
      case RType.Ohlcv1S:
      case RType.Ohlcv1M:
      case RType.Ohlcv1H:
      case RType.Ohlcv1D:
      case RType.OhlcvEod:
      case RType.OhlcvDeprecated: {
        if ((want & (1 << EventKind.Bar)) === 0) return false;
        ev.kind = EventKind.Bar;
        this.header(w);
        ev.tsRecv = ev.ts;
        ev.open = this.px(w + 4);
        ev.high = this.px(w + 6);
        ev.low = this.px(w + 8);
        ev.close = this.px(w + 10);
        ev.volume = u32[w + 13] * TWO32 + u32[w + 12];
        ev.aux = barLengthNs(rtype);
        ev.sequence = this.recordCount;
        return true;
      }
      case RType.InstrumentDef:
        return this.definition(p, w, len - this.tsOutExtra);
      case RType.Status: {
        if ((want & (1 << EventKind.Status)) === 0) return false;
        ev.kind = EventKind.Status;
        this.header(w);
        ev.tsRecv = this.ts(w + 4);
        const action = u8[p + 24] | (u8[p + 25] << 8);
        ev.aux = action;
        ev.action = action;
        ev.size = u8[p + 26] | (u8[p + 27] << 8);
        ev.count = u8[p + 28] | (u8[p + 29] << 8);
        const tr = u8[p + 30];
        ev.depth = tr === 89 ? 1 : tr === 78 ? 0 : -1;
        ev.sequence = this.recordCount;
        return true;
      }
      case RType.Imbalance: {
        if ((want & (1 << EventKind.Imbalance)) === 0) return false;
        ev.kind = EventKind.Imbalance;
        this.header(w);
        ev.tsRecv = this.ts(w + 4);
        ev.price = this.px(w + 6);
        ev.open = this.px(w + 10);
        ev.high = this.px(w + 12);
        ev.close = this.px(w + 16);
        ev.size = u32[w + 22];
        ev.volume = u32[w + 23];
        ev.count = u32[w + 24];
        ev.aux = u8[p + 104];
        ev.side = SIDE_OF[u8[p + 105]] as Side;
        ev.sequence = this.recordCount;
        return true;
      }
      case RType.Statistics: {
        if ((want & (1 << EventKind.Statistic)) === 0) return false;
        const body = len - this.tsOutExtra;
        ev.kind = EventKind.Statistic;
        this.header(w);
        ev.tsRecv = this.ts(w + 4);
        ev.price = this.px(w + 8);
        if (body >= RecordLen.StatisticsV3) {
          ev.size = this.px(w + 10);
          ev.sequence = u32[w + 12];
          ev.aux = u8[p + 56] | (u8[p + 57] << 8);
          ev.action = u8[p + 60];
          ev.flags = u8[p + 61];
        } else {
          const q = this.i32[w + 10];
          ev.size = q === 0x7fffffff ? Number.NaN : q;
          ev.sequence = u32[w + 11];
          ev.aux = u8[p + 52] | (u8[p + 53] << 8);
          ev.action = u8[p + 56];
          ev.flags = u8[p + 57];
        }
        return true;
      }
      case RType.SymbolMapping: {
        const body = len - this.tsOutExtra;
        const id = u32[w + 1];
        if (body >= RecordLen.SymbolMappingV2) this.table.learnSymbol(id, decodeCStr(u8, p + 89, 71));
        else this.table.learnSymbol(id, decodeCStr(u8, p + 38, 22));
        return false;
      }
      case RType.Error:
      case RType.System:
        return false;
      default:
        if (this.unknownRecords === 0) {
          this.firstUnknownRtype = rtype;
          this.firstUnknownOffset = this.st[S_BASE] + p;
        }
        this.unknownRecords++;
        return false;
    }
  }

  private noteUnknownAction(p: number, action: number): void {
    if (this.unknownActions === 0) {
      this.firstUnknownAction = action;
      this.firstUnknownActionOffset = this.st[S_BASE] + p;
    }
    this.unknownActions++;
  }

  /**
   * Warnings about what was read so far (records skipped or read approximately), one sentence
   * each, for `algo data info`, `algo book --stats` and the backtest report's notes. Empty when
   * nothing was unusual. Call at the end of the stream (allocates).
   */
  notes(): string[] {
    const out: string[] = [];
    const where = this.compressedLabel === "byte" ? "byte" : "decompressed byte";
    if (this.unknownRecords > 0) {
      const r = this.firstUnknownRtype;
      out.push(
        `${this.name}: ${this.unknownRecords} record${this.unknownRecords === 1 ? "" : "s"} of unknown rtype skipped (by length); ` +
          `the first has rtype 0x${r.toString(16).padStart(2, "0")} at ${where} ${this.firstUnknownOffset}`,
      );
    }
    if (this.unknownActions > 0) {
      const a = this.firstUnknownAction;
      const shown = a >= 33 && a < 127 ? `'${String.fromCharCode(a)}'` : `0x${a.toString(16).padStart(2, "0")}`;
      out.push(
        `${this.name}: ${this.unknownActions} MBO record${this.unknownActions === 1 ? "" : "s"} with an unknown action read as no-action (no book change); ` +
          `the first has action ${shown} at ${where} ${this.firstUnknownActionOffset}`,
      );
    }
    return out;
  }

  /** Instrument and ts_event. */
  private header(w: number): void {
    const ev = this.event;
    ev.instrument = this.table.indexForSource(this.u32[w + 1]);
    ev.ts = this.ts(w + 2);
  }

  /** u64 timestamp at word w → ns since the time base (NaN for the undefined sentinel). */
  private ts(w: number): number {
    const hi = this.u32[w + 1];
    const lo = this.u32[w];
    if (hi === 0xffffffff && lo === 0xffffffff) return Number.NaN;
    return (hi - this.baseHi) * TWO32 + (lo - this.baseLo);
  }

  /** i64 price at word w (NaN for i64::MAX). */
  private px(w: number): number {
    const hi = this.i32[w + 1];
    const lo = this.u32[w];
    if (hi === 0x7fffffff && lo === 0xffffffff) return Number.NaN;
    return hi * TWO32 + lo;
  }

  /** price/size/action/side/flags/ts_recv of the MBP family (trade = aggressor from side). */
  private mbpTop(p: number, w: number): void {
    const ev = this.event;
    const u8 = this.buf;
    ev.price = this.px(w + 4);
    ev.size = this.u32[w + 6];
    ev.action = u8[p + 28];
    const side = SIDE_OF[u8[p + 29]] as Side;
    ev.side = side;
    ev.aggressor = side;
    ev.flags = u8[p + 30];
    ev.tsRecv = this.ts(w + 8);
  }

  private snapshot(p: number, w: number, levels: number, consolidated: boolean, hasAction: boolean, hasSequence: boolean): boolean {
    const ev = this.event;
    const want = this.want;
    const u32 = this.u32;
    const isTrade = hasAction && this.buf[p + 28] === 84;
    const wantSnap = (want & (1 << EventKind.LevelSnapshot)) !== 0;
    const wantTrade = isTrade && (want & (1 << EventKind.Trade)) !== 0;
    if (!wantSnap && !wantTrade) return false;
    this.header(w);
    this.mbpTop(p, w);
    if (!hasAction) ev.action = 0;
    ev.sequence = hasSequence ? u32[w + 11] : this.recordCount;
    if (!wantSnap) {
      ev.kind = EventKind.Trade;
      return true;
    }
    ev.kind = EventKind.LevelSnapshot;
    ev.count = this.buf[p + 31];
    ev.depth = levels;
    for (let i = 0; i < levels; i++) {
      const lw = w + 12 + i * 8;
      ev.bidPx[i] = this.px(lw);
      ev.askPx[i] = this.px(lw + 2);
      ev.bidSz[i] = u32[lw + 4];
      ev.askSz[i] = u32[lw + 5];
      ev.bidCt[i] = consolidated ? 0 : u32[lw + 6];
      ev.askCt[i] = consolidated ? 0 : u32[lw + 7];
    }
    if (wantTrade) {
      this.pendingTrade = true;
      this.st[S_PEND_PRICE] = ev.price;
      this.st[S_PEND_SIZE] = ev.size;
      this.pendSide = ev.side;
    }
    return true;
  }

  /** Definition record (v1 360 / v2 400 / v3 520 bytes): updates the table, maybe emits. */
  private definition(p: number, w: number, body: number): boolean {
    let uomq: number;
    let cmult: number;
    let symOff: number;
    let symLen: number;
    if (body >= RecordLen.DefinitionV3) {
      uomq = this.px(w + 20);
      cmult = this.i32[w + 44];
      symOff = 238;
      symLen = 71;
    } else if (body >= RecordLen.DefinitionV2) {
      uomq = this.px(w + 22);
      cmult = this.i32[w + 41];
      symOff = 200;
      symLen = 71;
    } else {
      uomq = this.px(w + 22);
      cmult = this.i32[w + 40];
      symOff = 200;
      symLen = 22;
    }
    const id = this.u32[w + 1];
    const symbol = decodeCStr(this.buf, p + symOff, symLen);
    if (symbol.length > 0) this.table.learnSymbol(id, symbol);
    const idx = this.table.indexForSource(id);
    const info = this.table.list[idx];
    const tick = this.px(w + 6);
    info.tickSize = Number.isFinite(tick) && tick > 0 ? tick : 0;
    info.multiplier =
      Number.isFinite(uomq) && uomq > 0 ? uomq / 1e9 : cmult > 0 && cmult !== 0x7fffffff ? cmult : 1;
    if ((this.want & (1 << EventKind.Definition)) === 0) return false;
    const ev = this.event;
    ev.kind = EventKind.Definition;
    this.header(w);
    ev.tsRecv = this.ts(w + 4);
    ev.price = info.tickSize;
    ev.sequence = this.recordCount;
    return true;
  }

  // ------------------------------------------------------------------ buffering

  /** Makes at least `need` unread bytes available if the stream has them; false at a clean end. */
  private refill(need: number): boolean {
    const before = this.end - this.pos;
    this.compact();
    if (!this.exhausted) this.fillAtLeast(this.buf.length);
    const have = this.end - this.pos;
    if (have === 0) return false;
    if (have < need && this.exhausted) {
      const len = have >= 4 ? this.buf[this.pos] * 4 : 0;
      const rtype = have >= 2 ? this.buf[this.pos + 1] : -1;
      this.fail(
        this.pos,
        have < 16
          ? `the stream ends inside a record header (${have} of 16 bytes); the file is truncated`
          : `the stream ends inside a ${RTYPE_NAMES[rtype] ?? `rtype 0x${rtype.toString(16)}`} record (${have} of ${len} bytes); the file is truncated`,
      );
    }
    return have > before || have >= need;
  }

  /** Moves the unread bytes to the front of the buffer. */
  private compact(): void {
    if (this.pos === 0) return;
    this.buf.copyWithin(0, this.pos, this.end);
    this.st[S_BASE] += this.pos;
    this.end -= this.pos;
    this.pos = 0;
  }

  /** Reads until `n` unread bytes are buffered, the buffer is full, or the stream ends. */
  private fillAtLeast(n: number): void {
    const cap = this.buf.length;
    while (!this.exhausted && this.end - this.pos < n && this.end < cap) {
      const r = this.src.read(this.buf, this.end, cap - this.end);
      if (r === 0) this.exhausted = true;
      else this.end += r;
    }
  }

  /** Copies `len` bytes starting at buffer offset `off` (reading past the buffer as needed). */
  private readExact(off: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let got = Math.min(len, this.end - off);
    out.set(this.buf.subarray(off, off + got), 0);
    if (got === len) {
      this.pos = off + len;
      return out;
    }
    // The header is larger than what is buffered: read the rest straight into `out`.
    while (got < len) {
      const r = this.exhausted ? 0 : this.src.read(out, got, len - got);
      if (r === 0) {
        this.fail(off + got, `the file ends inside the metadata header (${got} of ${len} bytes); the file is truncated`);
      }
      got += r;
    }
    this.st[S_BASE] += off + len;
    this.pos = 0;
    this.end = 0;
    return out;
  }

  private badLength(p: number, len: number, rtype: number): never {
    const name = RTYPE_NAMES[rtype] ?? `unknown rtype 0x${rtype.toString(16).padStart(2, "0")}`;
    this.fail(
      p,
      `record length ${len} bytes is too small for a ${name} record; expected at least ${MIN_LEN[rtype]} bytes (the file is corrupt or not DBN)`,
    );
  }

  private fail(bufOffset: number, what: string): never {
    throw new UserError(`${this.name}: ${this.compressedLabel} ${this.st[S_BASE] + bufOffset}: ${what}`);
  }

  /** The symbology names of the metadata, for display. */
  stypeNames(): { stypeIn: string; stypeOut: string } {
    const m = this.metadata;
    return {
      stypeIn: m ? (m.stypeIn === 0xff ? "mixed" : STYPE_NAMES[m.stypeIn] ?? String(m.stypeIn)) : "",
      stypeOut: m ? STYPE_NAMES[m.stypeOut] ?? String(m.stypeOut) : "",
    };
  }
}

function readU64(b: Uint8Array, off: number): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(off, true);
}

function hexBytes(b: Uint8Array, off: number, n: number): string {
  if (n === 0) return "an empty file";
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(b[off + i].toString(16).padStart(2, "0"));
  return `bytes ${parts.join(" ")}`;
}

/** Opens a DBN file (plain or zstd-compressed, with metadata or a fragment) as an EventSource. */
export function openDbn(path: string, opts: DbnReadOptions = {}): DbnReader {
  const raw = peekFile(path, 12);
  if (isZstdSkippableMagic(raw) && raw[8] === 0x44 && raw[9] === 0x42 && raw[10] === 0x5a) {
    // legacy DBZ: metadata in the skippable frame (which the zstd stream then skips)
    const size = raw[4] | (raw[5] << 8) | (raw[6] << 16) | (raw[7] * 16777216);
    const meta = decodeDbzMetadata(peekFile(path, 8 + Math.min(size, 256 << 20)), opts.name ?? path);
    opts = { ...opts, externalMetadata: meta, fragment: true };
  }
  const src = openByteSource(path);
  const compressed = !(src instanceof FileByteSource);
  const isFrag = opts.fragment ?? (/\.frag(\.zst)?$/i.test(path) ? true : undefined);
  try {
    return new DbnReader(src, opts.name ?? path, compressed, { ...opts, fragment: isFrag });
  } catch (err) {
    src.close();
    throw err;
  }
}
