/**
 * Databento Binary Encoding (DBN) constants: record types, schemas, symbology types, sentinels
 * and record sizes per version. Facts from Databento's dbn / databento-cpp sources (record.hpp,
 * v1.hpp, v2.hpp, enums, constants) and their documentation; all integers are little-endian.
 */

/** Record type byte (`rtype`) values. */
export const RType = {
  Mbp0: 0x00, // trades
  Mbp1: 0x01,
  Mbp10: 0x0a,
  OhlcvDeprecated: 0x11,
  Status: 0x12,
  InstrumentDef: 0x13,
  Imbalance: 0x14,
  Error: 0x15,
  SymbolMapping: 0x16,
  System: 0x17,
  Statistics: 0x18,
  Ohlcv1S: 0x20,
  Ohlcv1M: 0x21,
  Ohlcv1H: 0x22,
  Ohlcv1D: 0x23,
  OhlcvEod: 0x24,
  Mbo: 0xa0,
  Cmbp1: 0xb1,
  Cbbo1S: 0xc0,
  Cbbo1M: 0xc1,
  Tcbbo: 0xc2,
  Bbo1S: 0xc3,
  Bbo1M: 0xc4,
} as const;

/** Human names of record types (for `algo data info`). */
export const RTYPE_NAMES: Record<number, string> = {
  0x00: "trades (mbp-0)",
  0x01: "mbp-1",
  0x0a: "mbp-10",
  0x11: "ohlcv (deprecated)",
  0x12: "status",
  0x13: "definition",
  0x14: "imbalance",
  0x15: "error",
  0x16: "symbol-mapping",
  0x17: "system",
  0x18: "statistics",
  0x20: "ohlcv-1s",
  0x21: "ohlcv-1m",
  0x22: "ohlcv-1h",
  0x23: "ohlcv-1d",
  0x24: "ohlcv-eod",
  0xa0: "mbo",
  0xb1: "cmbp-1",
  0xc0: "cbbo-1s",
  0xc1: "cbbo-1m",
  0xc2: "tcbbo",
  0xc3: "bbo-1s",
  0xc4: "bbo-1m",
};

/** Schema codes of the metadata header (u16; 0xFFFF = mixed). */
export const SCHEMA_NAMES: readonly string[] = [
  "mbo",
  "mbp-1",
  "mbp-10",
  "tbbo",
  "trades",
  "ohlcv-1s",
  "ohlcv-1m",
  "ohlcv-1h",
  "ohlcv-1d",
  "definition",
  "statistics",
  "status",
  "imbalance",
  "ohlcv-eod",
  "cmbp-1",
  "cbbo-1s",
  "cbbo-1m",
  "tcbbo",
  "bbo-1s",
  "bbo-1m",
];

/** Schema code meaning "several schemas in one stream". */
export const SCHEMA_MIXED = 0xffff;

/** Symbology type names (stype_in / stype_out). */
export const STYPE_NAMES: readonly string[] = [
  "instrument_id",
  "raw_symbol",
  "smart",
  "continuous",
  "parent",
  "nasdaq_symbol",
  "cms_symbol",
  "isin",
  "us_code",
  "bbg_comp_id",
  "bbg_comp_ticker",
  "figi",
  "figi_ticker",
];

/** Highest DBN version this reader decodes. */
export const DBN_MAX_VERSION = 3;
/** Bytes of `DBN` + version + u32 metadata length. */
export const DBN_PRELUDE_LEN = 8;
/** Fixed part of the metadata (dataset .. reserved), before schema_definition_length. */
export const DBN_FIXED_METADATA_LEN = 100;
/** Dataset cstr length in the metadata. */
export const DATASET_CSTR_LEN = 16;
/** Symbol cstr length in DBN version 1 (versions 2+ store it in the metadata; 71 in practice). */
export const SYMBOL_CSTR_LEN_V1 = 22;
/** Symbol cstr length written by versions 2 and 3. */
export const SYMBOL_CSTR_LEN_V2 = 71;
/** Reserved bytes after the fixed metadata fields in version 1. */
export const METADATA_RESERVED_V1 = 47;
/** Reserved bytes after the fixed metadata fields in versions 2 and 3. */
export const METADATA_RESERVED_V2 = 53;

/** Record header length in bytes (length, rtype, publisher_id, instrument_id, ts_event). */
export const RECORD_HEADER_LEN = 16;

/** Record sizes in bytes. */
export const RecordLen = {
  Mbo: 56,
  Trade: 48,
  Mbp1: 80,
  Mbp10: 368,
  Ohlcv: 56,
  Status: 40,
  DefinitionV1: 360,
  DefinitionV2: 400,
  DefinitionV3: 520,
  Imbalance: 112,
  StatisticsV1: 64,
  StatisticsV3: 80,
  SymbolMappingV1: 80,
  SymbolMappingV2: 176,
  ErrorV1: 80,
  ErrorV2: 320,
  SystemV1: 80,
  SystemV2: 320,
} as const;

/** Smallest valid length of each rtype's record (shorter = corrupt); 16 for unknown rtypes. */
export function minRecordLen(rtype: number): number {
  switch (rtype) {
    case RType.Mbo:
      return RecordLen.Mbo;
    case RType.Mbp0:
      return RecordLen.Trade;
    case RType.Mbp1:
    case RType.Cmbp1:
    case RType.Cbbo1S:
    case RType.Cbbo1M:
    case RType.Tcbbo:
    case RType.Bbo1S:
    case RType.Bbo1M:
      return RecordLen.Mbp1;
    case RType.Mbp10:
      return RecordLen.Mbp10;
    case RType.OhlcvDeprecated:
    case RType.Ohlcv1S:
    case RType.Ohlcv1M:
    case RType.Ohlcv1H:
    case RType.Ohlcv1D:
    case RType.OhlcvEod:
      return RecordLen.Ohlcv;
    case RType.Status:
      return RecordLen.Status;
    case RType.InstrumentDef:
      return RecordLen.DefinitionV1;
    case RType.Imbalance:
      return RecordLen.Imbalance;
    case RType.Statistics:
      return RecordLen.StatisticsV1;
    case RType.SymbolMapping:
      return RecordLen.SymbolMappingV1;
    default:
      return 16;
  }
}

/** Bar length in ns for an OHLCV rtype (the eod / deprecated kinds report one day / 0). */
export function barLengthNs(rtype: number): number {
  switch (rtype) {
    case RType.Ohlcv1S:
      return 1e9;
    case RType.Ohlcv1M:
      return 60e9;
    case RType.Ohlcv1H:
      return 3600e9;
    case RType.Ohlcv1D:
    case RType.OhlcvEod:
      return 86400e9;
    default:
      return 0;
  }
}

/** OHLCV rtype for a bar length in ns, or -1 when DBN has none. */
export function ohlcvRTypeFor(barNs: number): number {
  switch (barNs) {
    case 1e9:
      return RType.Ohlcv1S;
    case 60e9:
      return RType.Ohlcv1M;
    case 3600e9:
      return RType.Ohlcv1H;
    case 86400e9:
      return RType.Ohlcv1D;
    default:
      return -1;
  }
}

/** High u32 half of i64::MAX, DBN's undefined price. */
export const UNDEF_I64_HI = 0x7fffffff;
/** Low u32 half of i64::MAX, DBN's undefined price. */
export const UNDEF_I64_LO = 0xffffffff;
/** i32::MAX: undefined statistic quantity in versions 1 and 2. */
export const UNDEF_I32 = 0x7fffffff;

/** Flag bits of the DBN flags byte. */
export const DbnFlags = {
  Last: 128,
  Tob: 64,
  Snapshot: 32,
  Mbp: 16,
  BadTsRecv: 8,
  MaybeBadBook: 4,
} as const;
