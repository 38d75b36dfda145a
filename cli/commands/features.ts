/**
 * `algo features FILE --data PATH... --out OUT.(csv|arrow|parquet)`: computes a feature unit (or a
 * strategy's features) over market data and writes one row per update — or per `--every` tick —
 * with the event time and one column per exported feature. A unit's instrument params bind to
 * `--instrument NAME=SYMBOL` (or to the data's only instrument), its other params to `--set k=v`.
 */
import type { Command } from "commander";
import type { EventSource } from "../../runtime/events.js";
import { parseDurationNs, parseTimestampNs } from "../config/units.js";
import { ExitCode, UserError } from "../errors.js";
import { readSourceFile } from "../source-file.js";

interface FeaturesFlags {
  data: string[];
  out: string;
  instrument: string[];
  set: string[];
  every?: string;
  bar?: string;
  unit?: string;
  from?: string;
  to?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers `algo features`. */
export function register(program: Command): void {
  program
    .command("features")
    .description("Compute a feature unit (or a strategy's features) over market data into CSV, Arrow or Parquet")
    .argument("<file>", ".algo file with a feature unit or a features block")
    .requiredOption("-d, --data <path>", "market data file (DBN, LOBSTER, CSV); repeat for several", collect, [])
    .requiredOption("-o, --out <file>", "output file: .csv, .arrow (Arrow IPC) or .parquet")
    .option("-i, --instrument <name=symbol>", "bind an instrument (param) to a data symbol; repeatable", collect, [])
    .option("-s, --set <key=value>", "value of a param of the unit (or of the strategy); repeatable", collect, [])
    .option("--every <duration>", "one row per clock tick (e.g. 1s) instead of one per update")
    .option("--bar <duration>", "bar length for bar features (default 1m)")
    .option("--unit <name>", "which feature unit of the file (when it has several)")
    .option("--from <time>", "first event time (ISO-8601, UTC unless an offset is given)")
    .option("--to <time>", "last event time")
    .action(async (file: string, flags: FeaturesFlags) => {
      process.exitCode = await featuresCommand(file, flags);
    });
}

async function featuresCommand(file: string, flags: FeaturesFlags): Promise<number> {
  // Loaded here, not at start-up: the compiler back end, the engine and the Arrow/Parquet writers.
  const { compileFeatures } = await import("../../compiler/build.js");
  const { FeatureRequestError } = await import("../../compiler/emit/features.js");
  const { hasErrors, renderPrettyAll, summaryLine } = await import("../../compiler/index.js");
  const { asUserError, openDataSource } = await import("../../runtime/data/open.js");
  const { runBacktest, LookupError } = await import("../../runtime/engine/engine.js");
  const { FeatureTable } = await import("../../runtime/features/table.js");
  const { featureFormatOf, writeFeatureTable } = await import("../../runtime/features/write.js");
  const format = featureFormatOf(flags.out);
  if (!format) throw new UserError(`--out ${flags.out}: expected a file ending in .csv, .arrow or .parquet`);
  if (flags.data.length === 0) throw new UserError("give at least one --data file");
  const instruments: Record<string, string> = {};
  for (const kv of flags.instrument) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(kv);
    if (!m) throw new UserError(`--instrument ${kv}: expected NAME=SYMBOL`);
    instruments[m[1]!] = m[2]!;
  }
  const params: Record<string, number> = {};
  for (const kv of flags.set) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(kv);
    if (!m) throw new UserError(`--set ${kv}: expected KEY=VALUE`);
    const d = parseDurationNs(m[2]!);
    const v = d ?? Number(m[2]!.replace(/_/g, ""));
    if (!Number.isFinite(v)) throw new UserError(`--set ${kv}: expected a number or a duration like 5m`);
    params[m[1]!] = v;
  }
  const duration = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const ns = parseDurationNs(text);
    if (ns === null || ns <= 0) throw new UserError(`--${flag} ${text}: expected a positive duration like 250ms, 1s or 5m`);
    return ns;
  };
  const everyNs = duration("every", flags.every);
  const barNs = duration("bar", flags.bar);
  const read = readSourceFile(file);
  if ("problem" in read) throw new UserError(read.problem);

  let compiled: ReturnType<typeof compileFeatures>;
  try {
    compiled = compileFeatures(file, read.text, {
      instruments,
      params,
      ...(everyNs !== undefined ? { everyNs } : {}),
      ...(barNs !== undefined ? { barNs } : {}),
      ...(flags.unit !== undefined ? { unit: flags.unit } : {}),
    });
  } catch (e) {
    if (e instanceof FeatureRequestError) throw new UserError(e.message);
    throw e;
  }
  if (compiled.diagnostics.length) {
    const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
    const body = renderPrettyAll(compiled.diagnostics, compiled.program.sources, { color });
    process.stderr.write(`${body}\n\n${summaryLine(compiled.diagnostics, compiled.program.files.length)}\n`);
  }
  if (hasErrors(compiled.diagnostics) || !compiled.loaded) return ExitCode.Failure;
  const loaded = compiled.loaded;

  const sources: EventSource[] = [];
  try {
    for (const path of flags.data) sources.push(openDataSource(path, { selfContained: true }).source);
  } catch (e) {
    for (const s of sources) s.close();
    throw asUserError(e);
  }
  // The engine measures time from the earliest source's base; the table's rows use the same base.
  let base = sources[0]!.timeBase;
  for (const s of sources) if (s.timeBase < base) base = s.timeBase;
  const table = new FeatureTable(loaded.emitted.columns, base);
  const strategy = loaded.create(table);
  const window = (flag: string, text: string | undefined): bigint | null => {
    if (text === undefined) return null;
    const ns = parseTimestampNs(text);
    if (ns === null) throw new UserError(`--${flag} ${text}: expected an ISO-8601 time like 2024-06-21T14:30:00Z`);
    return ns;
  };
  let result;
  try {
    result = runBacktest({
      sources,
      sourceNames: flags.data,
      strategy,
      strategyName: loaded.emitted.className,
      // A symbol bound with --instrument must be in the data (as in algo backtest): no fallback
      // onto the data's only instrument.
      symbolMap: Object.fromEntries(Object.values(instruments).map((sym) => [sym, sym])),
      fromEpochNs: window("from", flags.from),
      toEpochNs: window("to", flags.to),
    });
  } catch (e) {
    if (e instanceof LookupError) throw new UserError(e.message);
    throw e;
  } finally {
    for (const s of sources) s.close();
  }
  try {
    writeFeatureTable(table, flags.out, format);
  } catch (e) {
    throw new UserError(`cannot write ${flags.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  process.stderr.write(
    `wrote ${table.length} row(s) × ${loaded.emitted.columns.length} feature(s) (${loaded.emitted.columns.join(", ")}) from ${result.eventsProcessed} event(s) to ${flags.out}\n`,
  );
  return ExitCode.Ok;
}
