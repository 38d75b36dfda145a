/**
 * `algo data info|convert|synth`: registration only; the work lives in data-run.ts and is loaded
 * when a subcommand runs, so `algo --help` and the other commands do not load the readers.
 */
import type { Command } from "commander";
import type { ConvertOptions, SynthCliOptions } from "./data-run.js";
import { ExitCode } from "../errors.js";

/** Registers `algo data`. */
export function register(program: Command): void {
  const data = program.command("data").description("inspect, convert and generate market data files");

  data
    .command("info")
    .description("format, schema, version, time range, record counts and symbols of a data file")
    .argument("<path>", "DBN (.dbn, .dbn.zst, .frag, .dbz), LOBSTER message file or CSV")
    .option("--json", "print JSON")
    .option("--lobster-book <path>", "LOBSTER orderbook file (default: found by name)")
    .action(async (path: string, opts: { json?: boolean; lobsterBook?: string }) => {
      const { dataInfo, printInfo } = await import("./data-run.js");
      const report = dataInfo(path, opts);
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printInfo(report);
      process.exitCode = ExitCode.Ok;
    });

  data
    .command("convert")
    .description("convert LOBSTER or CSV (trades / OHLCV bars) to DBN, written atomically")
    .argument("<input>", "input data file")
    .requiredOption("-o, --output <file.dbn>", "output DBN file (uncompressed)")
    .option("--lobster-book <path>", "LOBSTER orderbook file (default: found by name)")
    .option("--symbol <sym>", "symbol when the input has none")
    .option("--price-decimals <n>", "CSV: decimal places of prices (default 9)")
    .option("--size-decimals <n>", "CSV: decimal places allowed in sizes (default 0)")
    .option("--bar-seconds <n>", "CSV bars: bar length in seconds (default: inferred)")
    .option("--dataset <name>", "dataset name in the DBN metadata (default ALGO)")
    .action(async (input: string, opts: ConvertOptions) => {
      const { convert } = await import("./data-run.js");
      const r = convert(input, opts.output, opts);
      process.stdout.write(
        `wrote ${opts.output}: ${r.records} ${r.schema} records${r.skipped ? ` (${r.skipped} events not representable in ${r.schema} skipped)` : ""}\n`,
      );
    });

  data
    .command("synth")
    .description("generate deterministic synthetic MBO data (random-walk mid, orders near the touch) as DBN")
    .requiredOption("--events <n>", "number of events")
    .option("--seed <n>", "random seed", "1")
    .option("--symbol <sym>", "instrument symbol", "SYNTH")
    .option("--start <iso>", "start time (default 2024-01-02T14:30:00Z)")
    .option("--mean-gap <duration>", "mean time between events, e.g. 50us (default) or 20ms for a longer session")
    .requiredOption("-o, --output <file.dbn>", "output DBN file")
    .action(async (opts: SynthCliOptions) => {
      const { synth } = await import("./data-run.js");
      const r = synth(opts);
      process.stdout.write(`wrote ${opts.output}: ${r.events} events as ${r.records} DBN mbo records\n`);
    });
}
