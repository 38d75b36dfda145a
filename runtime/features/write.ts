/**
 * Writes a FeatureTable as CSV, Apache Arrow IPC (file format) or Parquet, chosen by the output
 * file's extension. Every format carries the event time as nanoseconds since the Unix epoch in a
 * column named `ts_ns` (Arrow: a nanosecond timestamp; Parquet: INT64; CSV: the integer), and CSV
 * also as ISO-8601 (`ts`). Infinities are written `Infinity` / `-Infinity` in CSV (read back by
 * JavaScript's Number(), pandas, Python's float() and polars); NaN (no value) as an empty field.
 * Files are written atomically: the previous file stays intact if anything fails.
 */
import { extname } from "node:path";
import { Table, TimestampNanosecond, makeVector, tableToIPC } from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";
import { writeFileAtomic } from "../analytics/atomic.js";
import type { FeatureTable } from "./table.js";

/** Output formats `algo features` writes. */
export type FeatureFormat = "csv" | "arrow" | "parquet";

/** The format an output path asks for, or undefined. */
export function featureFormatOf(path: string): FeatureFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".arrow" || ext === ".ipc" || ext === ".feather") return "arrow";
  if (ext === ".parquet" || ext === ".pq") return "parquet";
  return undefined;
}

/** Writes the table to `path` in `format`. */
export function writeFeatureTable(table: FeatureTable, path: string, format: FeatureFormat): void {
  if (format === "csv") writeFileAtomic(path, csvChunks(table));
  else if (format === "arrow") writeFileAtomic(path, tableToIPC(arrowTable(table), "file"));
  else writeFileAtomic(path, new Uint8Array(parquetBuffer(table)));
}

/** The Arrow table: `ts_ns` (timestamp, ns) then one Float64 column per feature. */
export function arrowTable(table: FeatureTable): Table {
  const cols: Record<string, ReturnType<typeof makeVector>> = {
    ts_ns: makeVector({ type: new TimestampNanosecond(), data: table.epochNanos() }),
  };
  table.names.forEach((n, i) => {
    cols[n] = makeVector(table.columns[i]!.slice(0, table.length));
  });
  return new Table(cols);
}

function parquetBuffer(table: FeatureTable): ArrayBuffer {
  const columnData: Array<{ name: string; data: ArrayLike<unknown>; type?: string }> = [{ name: "ts_ns", data: table.epochNanos(), type: "INT64" }];
  table.names.forEach((n, i) => columnData.push({ name: n, data: table.columns[i]!.slice(0, table.length), type: "DOUBLE" }));
  return parquetWriteBuffer({ columnData } as Parameters<typeof parquetWriteBuffer>[0]);
}

function* csvChunks(table: FeatureTable): Generator<string> {
  yield ["ts", "ts_ns", ...table.names.map(csvField)].join(",") + "\n";
  const ns = table.epochNanos();
  let chunk = "";
  for (let i = 0; i < table.length; i++) {
    let line = `${isoNanos(ns[i]!)},${ns[i]!}`;
    for (const col of table.columns) {
      const v = col[i]!;
      line += "," + (v !== v ? "" : String(v)); // String(±Infinity) = "Infinity" / "-Infinity"
    }
    chunk += line + "\n";
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

/** ISO-8601 UTC with nanoseconds: 2024-06-21T13:30:00.123456789Z. */
export function isoNanos(epochNs: bigint): string {
  const ms = epochNs / 1_000_000n;
  const frac = epochNs - (ms / 1000n) * 1_000_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  return `${base}.${frac.toString().padStart(9, "0")}Z`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
