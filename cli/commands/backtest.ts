/**
 * `algo backtest FILE --data PATH... [--config run.toml] [--set k=v]... [--from T --to T] [--out DIR]
 * [--json] [--seed N]`: replays market data through a strategy on the backtest engine and writes the
 * report (report.json, fills/trades/equity CSVs, report.html) atomically into --out.
 *
 * Strategies: a `.ts`/`.mts`/`.js`/`.mjs` module default-exporting a strategy class or factory
 * (runtime/engine/strategy.ts), bundled in-process with esbuild; or an `.algo` file, compiled by the
 * compiler's `compileStrategyFile` (loaded at run time: a build without it says so clearly).
 * Configuration: cli/config (defaults < TOML < ALGO_* < flags). Ctrl-C stops between events and
 * still writes the report, marked partial (exit code 130). A progress bar goes to stderr when it is
 * a terminal.
 */
import type { Command } from "commander";

/** Flags of `algo backtest`. */
export interface BacktestFlags {
  data?: string[];
  config?: string;
  set?: string[];
  from?: string;
  to?: string;
  out?: string;
  json?: boolean;
  seed?: string;
  html?: boolean;
}

/** Registers `algo backtest`. */
export function register(program: Command): void {
  program
    .command("backtest")
    .description("Backtest a strategy (.algo, or a .ts/.js module) on market data and write a report")
    .argument("<file>", "strategy file (.algo, .ts, .mts, .js, .mjs)")
    .option("--data <path...>", "market data files (DBN .dbn/.dbn.zst, LOBSTER message .csv); several are merged by time")
    .option("--config <file>", "run configuration (TOML)")
    .option("--set <key=value>", "override one configuration key or strategy parameter (repeatable)", collect, [])
    .option("--from <time>", "first event time to trade (ISO-8601 or ns since the epoch)")
    .option("--to <time>", "last event time to replay")
    .option("--out <dir>", "output directory (default backtest-out)")
    .option("--json", "print the metrics as JSON instead of the summary table")
    .option("--seed <n>", "random seed (latency draws)")
    .option("--no-html", "do not write report.html")
    .action(async (file: string, flags: BacktestFlags) => {
      const { backtestCommand } = await import("./backtest-run.js");
      process.exitCode = await backtestCommand(file, flags);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
