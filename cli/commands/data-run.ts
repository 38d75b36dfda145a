/**
 * `algo data info|convert|synth`: inspect a market-data file, convert LOBSTER / CSV (or DBN) to
 * DBN, and generate synthetic MBO as DBN. Thin: the readers, the writer and the generator live in
 * runtime/data.
 */
import { EventKind, type EventSource } from "../../runtime/events.js";
import { asUserError, detectFormat, openDataSource, type DataFormat } from "../../runtime/data/open.js";
import { LobsterMboSource } from "../../runtime/data/lobster-mbo.js";
import { DbnReader } from "../../runtime/data/dbn/reader.js";
import { DbnWriter } from "../../runtime/data/dbn/writer.js";
import { RTYPE_NAMES } from "../../runtime/data/dbn/format.js";
import { schemaName } from "../../runtime/data/dbn/metadata.js";
import { CsvReader } from "../../runtime/data/csv/reader.js";
import { SynthMboSource } from "../../runtime/data/synth.js";
import { parseDurationNs } from "../config/units.js";
import { ExitCode, UserError } from "../errors.js";

const KIND_NAMES: Record<number, string> = {
  [EventKind.Add]: "add",
  [EventKind.Cancel]: "cancel",
  [EventKind.Delete]: "delete",
  [EventKind.Modify]: "modify",
  [EventKind.Execute]: "execute",
  [EventKind.Trade]: "trade",
  [EventKind.Clear]: "clear",
  [EventKind.LevelUpdate]: "level-update",
  [EventKind.LevelSnapshot]: "level-snapshot",
  [EventKind.Bar]: "bar",
  [EventKind.Status]: "status",
  [EventKind.Definition]: "definition",
  [EventKind.Imbalance]: "imbalance",
  [EventKind.Statistic]: "statistic",
  [EventKind.Fill]: "fill",
  [EventKind.NoAction]: "no-action",
};

/** ns since the epoch → ISO-8601 with nanoseconds. */
export function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const frac = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return ns.toString();
  return `${d.toISOString().slice(0, 19)}.${frac.toString().padStart(9, "0")}Z`;
}

interface InfoReport {
  file: string;
  format: DataFormat;
  version?: number;
  dataset?: string;
  schema?: string;
  stypeIn?: string;
  stypeOut?: string;
  metadataStart?: string;
  metadataEnd?: string;
  timeBase: string;
  /** Earliest / latest event time. */
  firstEvent?: string;
  lastEvent?: string;
  /** DBN: ts_event of the first / last record in file order. */
  firstRecord?: string;
  lastRecord?: string;
  events: number;
  records?: number;
  recordsByType?: Record<string, number>;
  eventsByKind: Record<string, number>;
  unknownRecords?: number;
  /** Warnings from the reader (records skipped, fields read approximately). */
  notes: string[];
  symbols: Array<{ symbol: string; instrumentId: number; tickSize?: number; multiplier?: number }>;
}

export function dataInfo(path: string, opts: { lobsterBook?: string }): InfoReport {
  const { format, source } = openDataSource(path, { lobsterBook: opts.lobsterBook });
  const byKind = new Map<number, number>();
  let events = 0;
  let minTs = Infinity;
  let maxTs = -Infinity;
  try {
    const ev = source.event;
    while (source.next()) {
      events++;
      byKind.set(ev.kind, (byKind.get(ev.kind) ?? 0) + 1);
      if (ev.ts < minTs) minTs = ev.ts;
      if (ev.ts > maxTs) maxTs = ev.ts;
    }
  } catch (err) {
    throw asUserError(err);
  } finally {
    source.close();
  }
  const report: InfoReport = {
    file: path,
    format,
    timeBase: isoNs(source.timeBase),
    events,
    eventsByKind: Object.fromEntries([...byKind].sort((a, b) => a[0] - b[0]).map(([k, n]) => [KIND_NAMES[k] ?? String(k), n])),
    symbols: source.instruments.map((i) => ({ symbol: i.symbol, instrumentId: i.sourceId, tickSize: i.tickSize || undefined, multiplier: i.multiplier })),
    notes: readerNotes(source),
  };
  if (Number.isFinite(minTs)) {
    report.firstEvent = isoNs(source.timeBase + BigInt(minTs));
    report.lastEvent = isoNs(source.timeBase + BigInt(maxTs));
  }
  if (source instanceof DbnReader) {
    const m = source.metadata;
    report.version = m?.version;
    report.dataset = m?.dataset;
    report.schema = m ? schemaName(m.schema) : undefined;
    if (m) {
      const st = source.stypeNames();
      report.stypeIn = st.stypeIn;
      report.stypeOut = st.stypeOut;
      report.metadataStart = isoNs(m.start);
      report.metadataEnd = m.end === 0xffffffffffffffffn ? undefined : isoNs(m.end);
    }
    const first = source.firstTsEvent();
    const last = source.lastTsEvent();
    if (first !== undefined && last !== undefined) {
      report.firstRecord = isoNs(first);
      report.lastRecord = isoNs(last);
    }
    report.records = source.recordCount;
    const byType: Record<string, number> = {};
    source.rtypeCounts.forEach((n, rtype) => {
      if (n > 0) byType[RTYPE_NAMES[rtype] ?? `rtype 0x${rtype.toString(16)}`] = n;
    });
    report.recordsByType = byType;
    report.unknownRecords = source.unknownRecords;
  } else if (source instanceof CsvReader) {
    report.schema = source.kind;
  }
  return report;
}

/** A reader's warnings (`notes()`, when the reader has them). */
export function readerNotes(source: EventSource): string[] {
  const f = (source as { notes?: () => string[] }).notes;
  return typeof f === "function" ? f.call(source) : [];
}

export function printInfo(r: InfoReport): void {
  const lines: string[] = [];
  const kv = (k: string, v: string | number | undefined): void => {
    if (v !== undefined && v !== "") lines.push(`${k.padEnd(24)}${v}`);
  };
  kv("file", r.file);
  kv("format", r.version ? `${r.format} v${r.version}` : r.format);
  kv("dataset", r.dataset);
  kv("schema", r.schema);
  if (r.stypeIn) kv("symbology", `${r.stypeIn} -> ${r.stypeOut}`);
  if (r.metadataStart) kv("requested", `${r.metadataStart} .. ${r.metadataEnd ?? "open"}`);
  kv("time range", r.firstEvent ? `${r.firstEvent} .. ${r.lastEvent}` : r.events === 0 ? "(no events)" : "(event times undefined)");
  if (r.firstRecord && (r.firstRecord !== r.firstEvent || r.lastRecord !== r.lastEvent)) kv("first/last rec", `${r.firstRecord} .. ${r.lastRecord}`);
  kv("time base", r.timeBase);
  if (r.records !== undefined) kv("records", r.records);
  kv("events", r.events);
  if (r.recordsByType) for (const [k, n] of Object.entries(r.recordsByType)) kv(`  ${k}`, n);
  for (const [k, n] of Object.entries(r.eventsByKind)) kv(`  event ${k}`, n);
  if (r.unknownRecords) kv("unknown", `${r.unknownRecords} records of unknown rtype (skipped)`);
  kv("symbols", r.symbols.length);
  for (const s of r.symbols) {
    const extra = [s.tickSize ? `tick ${s.tickSize}` : "", s.multiplier && s.multiplier !== 1 ? `x${s.multiplier}` : ""].filter(Boolean).join(", ");
    lines.push(`  ${s.symbol.padEnd(22)}  id ${s.instrumentId}${extra ? `  (${extra})` : ""}`);
  }
  for (const n of r.notes) lines.push(`warning: ${n}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

function schemaForConvert(format: DataFormat, source: EventSource): string {
  if (source instanceof CsvReader) {
    if (source.kind === "trades") return "trades";
    return "ohlcv";
  }
  if (source instanceof DbnReader && source.metadata) {
    const name = schemaName(source.metadata.schema);
    if (name === "trades" || /^ohlcv-1[smhd]$/.test(name)) return name;
  }
  void format;
  return "mbo";
}

export function convert(input: string, output: string, opts: ConvertOptions): { records: number; skipped: number; schema: string } {
  if (/\.zst$/i.test(output)) {
    throw new UserError(`${output}: writing zstd-compressed DBN is not supported; write an uncompressed .dbn file`);
  }
  const format = detectFormat(input);
  const { source } = format === "lobster" ? { source: openLobsterMbo(input, opts.lobsterBook, opts.symbol) } : openDataSource(input, {
    lobsterBook: opts.lobsterBook,
    symbol: opts.symbol,
    priceDecimals: opts.priceDecimals !== undefined ? intOption(opts.priceDecimals, "--price-decimals") : undefined,
    sizeDecimals: opts.sizeDecimals !== undefined ? intOption(opts.sizeDecimals, "--size-decimals") : undefined,
    barSeconds: opts.barSeconds !== undefined ? intOption(opts.barSeconds, "--bar-seconds") : undefined,
  });
  let schema = schemaForConvert(format, source);
  let writer: DbnWriter | undefined;
  try {
    const ev = source.event;
    while (source.next()) {
      if (!writer) {
        if (schema === "ohlcv") {
          const names: Record<number, string> = { 1e9: "ohlcv-1s", 60e9: "ohlcv-1m", 3600e9: "ohlcv-1h", 86400e9: "ohlcv-1d" };
          schema = names[ev.aux] ?? "";
          if (!schema) {
            throw new UserError(`${input}: bars of ${ev.aux / 1e9} s cannot be stored in DBN (1s, 1m, 1h or 1d); pass --bar-seconds if the length was not inferred`);
          }
        }
        writer = new DbnWriter(output, { schema, timeBase: source.timeBase, dataset: opts.dataset });
      }
      writer.write(ev, source.instruments);
    }
    if (!writer) writer = new DbnWriter(output, { schema: schema === "ohlcv" ? "ohlcv-1m" : schema, timeBase: source.timeBase, dataset: opts.dataset });
    writer.finish();
    return { records: writer.records, skipped: writer.skipped, schema };
  } catch (err) {
    writer?.abort();
    throw asUserError(err);
  } finally {
    source.close();
  }
}

/** LOBSTER as self-contained MBO (seeded from the orderbook file, anonymous pre-open depth). */
function openLobsterMbo(path: string, book: string | undefined, symbol: string | undefined): LobsterMboSource {
  try {
    return new LobsterMboSource(path, { orderbook: book, symbol });
  } catch (err) {
    throw asUserError(err);
  }
}

function intOption(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${name} expects a non-negative integer, got "${v}"`);
  return n;
}

export interface ConvertOptions {
  output: string;
  lobsterBook?: string;
  symbol?: string;
  priceDecimals?: string;
  sizeDecimals?: string;
  barSeconds?: string;
  dataset?: string;
}

export interface SynthCliOptions {
  events: string;
  seed: string;
  symbol?: string;
  start?: string;
  meanGap?: string;
  output: string;
}

export function synth(opts: SynthCliOptions): { records: number; events: number } {
  const events = intOption(opts.events, "--events");
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed)) throw new UserError(`--seed expects an integer, got "${opts.seed}"`);
  let start: bigint | undefined;
  if (opts.start !== undefined) {
    const ms = Date.parse(opts.start);
    if (Number.isNaN(ms)) throw new UserError(`--start expects an ISO-8601 time like 2024-01-02T14:30:00Z, got "${opts.start}"`);
    start = BigInt(ms) * 1_000_000n;
  }
  if (opts.symbol !== undefined && (opts.symbol.length === 0 || opts.symbol.length > 70)) {
    throw new UserError(`--symbol must have 1 to 70 characters`);
  }
  let meanGapNs: number | undefined;
  if (opts.meanGap !== undefined) {
    const ns = parseDurationNs(opts.meanGap);
    if (ns === null || ns <= 0) throw new UserError(`--mean-gap expects a positive duration like 50us or 20ms, got "${opts.meanGap}"`);
    meanGapNs = ns;
  }
  const src = new SynthMboSource({ events, seed, symbol: opts.symbol, start, meanGapNs });
  const writer = new DbnWriter(opts.output, { schema: "mbo", timeBase: src.timeBase, dataset: "ALGO.SYNTH" });
  try {
    while (src.next()) writer.write(src.event, src.instruments);
    writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
  return { records: writer.records, events };
}
