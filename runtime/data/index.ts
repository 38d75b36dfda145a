/**
 * Market-data readers: the public face of runtime/data. Every reader is an EventSource filling one
 * reused MarketEvent (runtime/events.ts); `openDataSource` picks the reader for a file.
 */
/** Format detection and the one entry point for every file. */
export { openDataSource, detectFormat, asUserError, type DataFormat, type OpenDataOptions, type OpenedSource } from "./open.js";
/** DBN (Databento Binary Encoding) v1-v3 reader, writer, metadata and constants. */
export { openDbn, DbnReader, type DbnReadOptions } from "./dbn/reader.js";
export { DbnWriter, type DbnWriterOptions } from "./dbn/writer.js";
export { decodeMetadata, encodeMetadata, schemaName, schemaCode, utcMidnight, type DbnMetadata, type SymbolMapping } from "./dbn/metadata.js";
export { RType, RTYPE_NAMES, DbnFlags } from "./dbn/format.js";
/** CSV trades / OHLCV bars reader. */
export { openCsv, CsvReader, type CsvReadOptions, type CsvKind } from "./csv/reader.js";
/** Deterministic synthetic market-by-order data. */
export { openSynth, SynthMboSource, type SynthOptions } from "./synth.js";
/** Source instrument id → dense index registry. */
export { InstrumentTable } from "./instruments.js";
/** Bounded-memory byte streams (plain, zstd, gzip). */
export { openByteSource, FileByteSource, MemoryByteSource, ZstdByteSource, GzipByteSource, type ByteSource } from "./byte-source.js";
/** LOBSTER message + orderbook reader (runtime/data/lobster). */
export { openLobster } from "./lobster/index.js";
