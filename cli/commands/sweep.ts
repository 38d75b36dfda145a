/**
 * `algo sweep FILE --data PATH... --grid k=a..b:step ... [--workers N] [--sort METRIC] [--top N]
 * [--out DIR] [--json]`: a parameter optimisation. Compiles the .algo strategy once, validates
 * every grid value against its param's type and declared range (the static risk proof holds only
 * there), runs one backtest per combination on worker threads, and prints the best rows; `--out`
 * writes sweep.csv and sweep.json (schemas/sweep.schema.json) atomically. Every run is configured
 * exactly as `algo backtest --set ...` would configure it, so a row equals that backtest's metrics.
 */
import type { Command } from "commander";

/** Flags of `algo sweep`. */
export interface SweepFlags {
  data?: string[];
  grid?: string[];
  config?: string;
  set?: string[];
  from?: string;
  to?: string;
  seed?: string;
  workers?: string;
  sort?: string;
  top?: string;
  maxRuns?: string;
  out?: string;
  json?: boolean;
}

/** Registers `algo sweep`. */
export function register(program: Command): void {
  program
    .command("sweep")
    .description("Backtest a .algo strategy over a grid of param values (in parallel) and rank the runs")
    .argument("<file>", "strategy file (.algo)")
    .option("--data <path...>", "market data files, as for `algo backtest`")
    .option("--grid <name=values>", "a param and its values: a..b:step (inclusive, exact decimals), a..b (step 1) or v1,v2,...; repeat for a cartesian product", collect, [])
    .option("--config <file>", "run configuration (TOML), as for `algo backtest`")
    .option("--set <key=value>", "fix one configuration key or param for every run (repeatable)", collect, [])
    .option("--from <time>", "first event time to trade (ISO-8601 or ns since the epoch)")
    .option("--to <time>", "last event time to replay")
    .option("--seed <n>", "random seed (latency draws), the same for every run")
    .option("--workers <n>", "worker threads (default: available cores, at most one per run)")
    .option("--sort <metric>", "rank by this metric (default netPnl; see docs/sweep.md)")
    .option("--top <n>", "rows shown in the table (default 10)")
    .option("--max-runs <n>", "allow grids of up to n combinations (default 1000)")
    .option("--out <dir>", "write sweep.csv and sweep.json into this directory")
    .option("--json", "print sweep.json's document on stdout instead of the table")
    .action(async (file: string, flags: SweepFlags) => {
      const { sweepCommand } = await import("./sweep-run.js");
      process.exitCode = await sweepCommand(file, flags);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
