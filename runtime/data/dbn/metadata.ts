/**
 * The DBN metadata header: decode (versions 1-3) and encode (versions 2 and 3).
 *
 * Layout after the 8-byte prelude (`DBN`, version byte, u32 metadata length): dataset cstr[16],
 * u16 schema (0xFFFF = mixed), u64 start, u64 end, u64 limit, [v1: u64 record_count], u8
 * stype_in (0xFF = mixed), u8 stype_out, u8 ts_out, [v2+: u16 symbol_cstr_len], reserved (47 bytes
 * v1 / 53 bytes v2+) — 100 bytes in all — then u32 schema_definition_length (must be 0), then
 * symbols, partial, not_found (each: u32 count + count cstrs) and mappings (u32 count; each: raw
 * symbol cstr, u32 interval count, intervals of u32 start_date, u32 end_date (YYYYMMDD), cstr).
 */
import { decompress } from "fzstd";
import { UserError } from "../../../cli/errors.js";
import {
  DATASET_CSTR_LEN,
  DBN_MAX_VERSION,
  METADATA_RESERVED_V1,
  METADATA_RESERVED_V2,
  SCHEMA_MIXED,
  SCHEMA_NAMES,
  SYMBOL_CSTR_LEN_V1,
  SYMBOL_CSTR_LEN_V2,
} from "./format.js";

/** One interval of a symbol mapping: `symbol` (stype_out) applies on [startDate, endDate). */
export interface MappingInterval {
  /** YYYYMMDD. */
  startDate: number;
  endDate: number;
  symbol: string;
}

/** A raw (stype_in) symbol and what it maps to over time. */
export interface SymbolMapping {
  rawSymbol: string;
  intervals: MappingInterval[];
}

/** Decoded DBN metadata. */
export interface DbnMetadata {
  version: number;
  dataset: string;
  /** Schema code, SCHEMA_MIXED for mixed. */
  schema: number;
  /** ns since the epoch. */
  start: bigint;
  end: bigint;
  limit: bigint;
  /** 0xFF = mixed. */
  stypeIn: number;
  stypeOut: number;
  tsOut: boolean;
  symbolCstrLen: number;
  symbols: string[];
  partial: string[];
  notFound: string[];
  mappings: SymbolMapping[];
}

/** Name of a schema code ("mbo", "mixed", ...). */
export function schemaName(code: number): string {
  if (code === SCHEMA_MIXED) return "mixed";
  return SCHEMA_NAMES[code] ?? `unknown(${code})`;
}

/** Code of a schema name, or -1. */
export function schemaCode(name: string): number {
  return name === "mixed" ? SCHEMA_MIXED : SCHEMA_NAMES.indexOf(name);
}

class MetaCursor {
  pos = 0;
  private readonly dv: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    /** Stream offset of bytes[0] (for messages). */
    readonly base: number,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new UserError(
        `${this.file}: byte ${this.base + this.pos}: metadata ends inside ${what} (needs ${n} more bytes, ${this.bytes.length - this.pos} left); the DBN header is truncated or corrupt`,
      );
    }
  }
  u8(): number {
    this.need(1, "a u8 field");
    return this.bytes[this.pos++];
  }
  u16(): number {
    this.need(2, "a u16 field");
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what = "a u32 field"): number {
    this.need(4, what);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8, "a u64 field");
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  cstr(len: number, what: string): string {
    this.need(len, what);
    const s = decodeCStr(this.bytes, this.pos, len);
    this.pos += len;
    return s;
  }
  skip(n: number): void {
    this.need(n, "reserved bytes");
    this.pos += n;
  }
}

/** A NUL-terminated (or full-length) latin-1 string of at most `len` bytes at `off`. */
export function decodeCStr(bytes: Uint8Array, off: number, len: number): string {
  let end = off;
  const stop = off + len;
  while (end < stop && bytes[end] !== 0) end++;
  let s = "";
  for (let i = off; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/**
 * Decodes the metadata body (the bytes after the 8-byte prelude). `base` is the stream offset of
 * `body[0]`, for error messages. Version 0 is the legacy DBZ layout (see decodeDbzMetadata).
 */
export function decodeMetadata(body: Uint8Array, version: number, file: string, base = 8): DbnMetadata {
  if (version < 0 || version > DBN_MAX_VERSION) {
    throw new UserError(`${file}: byte 3: DBN version ${version} is not supported; expected 1, 2 or 3`);
  }
  const c = new MetaCursor(body, file, base);
  const dataset = c.cstr(DATASET_CSTR_LEN, "the dataset name");
  const schema = c.u16();
  const start = c.u64();
  const end = c.u64();
  const limit = c.u64();
  if (version <= 1) c.skip(8); // record_count, deprecated
  const stypeIn = c.u8();
  const stypeOut = c.u8();
  const tsOut = c.u8() !== 0;
  let symbolCstrLen = SYMBOL_CSTR_LEN_V1;
  if (version >= 2) {
    symbolCstrLen = c.u16();
    if (symbolCstrLen === 0 || symbolCstrLen > 1024) {
      throw new UserError(`${file}: byte ${base + c.pos - 2}: symbol_cstr_len ${symbolCstrLen} is invalid; expected 22 or 71`);
    }
  }
  c.skip(version <= 1 ? METADATA_RESERVED_V1 : METADATA_RESERVED_V2);
  const schemaDefLen = c.u32("schema_definition_length");
  if (schemaDefLen !== 0) {
    throw new UserError(`${file}: byte ${base + c.pos - 4}: schema definitions are not supported (length ${schemaDefLen}); expected 0`);
  }
  const readSymbols = (what: string): string[] => {
    const n = c.u32(`the ${what} count`);
    c.need(n * symbolCstrLen, `the ${what} list (${n} symbols)`);
    const out: string[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = c.cstr(symbolCstrLen, what);
    return out;
  };
  const symbols = readSymbols("symbols");
  const partial = readSymbols("partial symbols");
  const notFound = readSymbols("not-found symbols");
  const nMappings = c.u32("the symbol mapping count");
  const mappings: SymbolMapping[] = [];
  for (let i = 0; i < nMappings; i++) {
    const rawSymbol = c.cstr(symbolCstrLen, "a mapping's raw symbol");
    const nIntervals = c.u32("a mapping's interval count");
    c.need(nIntervals * (8 + symbolCstrLen), `the intervals of mapping ${rawSymbol}`);
    const intervals: MappingInterval[] = new Array(nIntervals);
    for (let j = 0; j < nIntervals; j++) {
      const startDate = c.u32();
      const endDate = c.u32();
      intervals[j] = { startDate, endDate, symbol: c.cstr(symbolCstrLen, "a mapping interval's symbol") };
    }
    mappings.push({ rawSymbol, intervals });
  }
  return {
    version,
    dataset,
    schema,
    start,
    end,
    limit,
    stypeIn,
    stypeOut,
    tsOut,
    symbolCstrLen,
    symbols,
    partial,
    notFound,
    mappings,
  };
}

/** Metadata fields a writer supplies (the rest get DBN defaults). */
export interface MetadataInit {
  version?: 2 | 3;
  dataset: string;
  schema: number;
  start: bigint;
  end: bigint;
  stypeIn?: number;
  stypeOut?: number;
  symbols: string[];
  mappings: SymbolMapping[];
}

/** Encodes the full metadata (prelude included); version 3 pads so records start 8-aligned. */
export function encodeMetadata(m: MetadataInit): Uint8Array {
  const version = m.version ?? 3;
  const L = SYMBOL_CSTR_LEN_V2;
  let size = 8 + 100 + 4 + 4 * 3 + m.symbols.length * L + 4;
  for (const mp of m.mappings) size += L + 4 + mp.intervals.length * (8 + L);
  if (version === 3) size = (size + 7) & ~7;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out[0] = 0x44; // D
  out[1] = 0x42; // B
  out[2] = 0x4e; // N
  out[3] = version;
  dv.setUint32(4, size - 8, true);
  let p = 8;
  const putStr = (s: string, len: number): void => {
    if (s.length >= len) throw new UserError(`symbol or dataset "${s}" is longer than ${len - 1} characters; DBN cannot store it`);
    for (let i = 0; i < s.length; i++) out[p + i] = s.charCodeAt(i) & 0xff;
    p += len;
  };
  putStr(m.dataset, DATASET_CSTR_LEN);
  dv.setUint16(p, m.schema, true);
  p += 2;
  dv.setBigUint64(p, m.start, true);
  p += 8;
  dv.setBigUint64(p, m.end, true);
  p += 8;
  dv.setBigUint64(p, 0n, true); // limit
  p += 8;
  out[p++] = m.stypeIn ?? 1; // raw_symbol
  out[p++] = m.stypeOut ?? 0; // instrument_id
  out[p++] = 0; // ts_out
  dv.setUint16(p, L, true);
  p += 2;
  p += METADATA_RESERVED_V2;
  dv.setUint32(p, 0, true); // schema_definition_length
  p += 4;
  dv.setUint32(p, m.symbols.length, true);
  p += 4;
  for (const s of m.symbols) putStr(s, L);
  dv.setUint32(p, 0, true); // partial
  p += 4;
  dv.setUint32(p, 0, true); // not_found
  p += 4;
  dv.setUint32(p, m.mappings.length, true);
  p += 4;
  for (const mp of m.mappings) {
    putStr(mp.rawSymbol, L);
    dv.setUint32(p, mp.intervals.length, true);
    p += 4;
    for (const iv of mp.intervals) {
      dv.setUint32(p, iv.startDate, true);
      dv.setUint32(p + 4, iv.endDate, true);
      p += 8;
      putStr(iv.symbol, L);
    }
  }
  return out;
}

/** YYYYMMDD of a UTC instant given in ns since the epoch. */
export function yyyymmdd(ns: bigint): number {
  const d = new Date(Number(ns / 1_000_000n));
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** UTC midnight (ns since the epoch) of the day holding `ns`. */
export function utcMidnight(ns: bigint): bigint {
  const day = 86_400_000_000_000n;
  const r = ns % day;
  return r < 0n ? ns - r - day : ns - r;
}

/**
 * Metadata of a legacy DBZ file (DBN's predecessor): a zstd skippable frame (magic 0x184D2A5?,
 * u32 size) holding `DBZ` + version 1, dataset cstr[16], u16 schema, u64 start, end, limit,
 * record_count, u8 compression, stype_in, stype_out, 39 reserved bytes (96 fixed bytes), then a
 * zstd frame with the variable part laid out as in DBN version 1 (22-byte symbols). Returned with
 * version 0. `head` must hold the whole skippable frame.
 */
export function decodeDbzMetadata(head: Uint8Array, file: string): DbnMetadata {
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 8) throw new UserError(`${file}: byte 0: the file ends inside the DBZ metadata frame header`);
  const size = dv.getUint32(4, true);
  if (size < 96 || head.length < 8 + size) {
    throw new UserError(`${file}: byte 4: DBZ metadata frame of ${size} bytes is truncated or shorter than its 96 fixed bytes`);
  }
  const frame = head.subarray(8, 8 + size);
  if (frame[0] !== 0x44 || frame[1] !== 0x42 || frame[2] !== 0x5a || frame[3] !== 1) {
    throw new UserError(`${file}: byte 8: expected "DBZ" and version 1 in the legacy metadata frame`);
  }
  let varPart: Uint8Array;
  try {
    varPart = decompress(frame.subarray(96));
  } catch (err) {
    throw new UserError(`${file}: byte 104: corrupt zstd data in the DBZ metadata: ${(err as Error).message}`);
  }
  // Rebuild a DBN v1 body: same fixed fields (compression dropped, ts_out = 0), same variable part.
  const body = new Uint8Array(100 + varPart.length);
  body.set(frame.subarray(4, 4 + 16 + 2 + 8 * 4), 0); // dataset .. record_count
  body[50] = frame[55]; // stype_in
  body[51] = frame[56]; // stype_out
  body.set(varPart, 100);
  return decodeMetadata(body, 0, file, 4); // offsets in messages: within the metadata frame
}
