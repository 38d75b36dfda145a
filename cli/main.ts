/**
 * The `algo` command. Thin on purpose: each subcommand lives in cli/commands/<name>.ts and exports
 * `register(program)`, which parses flags and calls the library. Errors become one line and an
 * exit code (cli/errors.ts).
 */
import { Command, CommanderError } from "commander";
import { ExitCode, UserError } from "./errors.js";
import { VERSION } from "./version.js";
import * as bookCommand from "./commands/book.js";
import * as dataCommand from "./commands/data.js";
import * as checkCommand from "./commands/check.js";
import * as explainCommand from "./commands/explain.js";
import * as backtestCommand from "./commands/backtest.js";
import * as sweepCommand from "./commands/sweep.js";
import * as fmtCommand from "./commands/fmt.js";
import * as buildCommand from "./commands/build.js";
import * as featuresCommand from "./commands/features.js";
import * as lspCommand from "./commands/lsp.js";

// Each subcommand module registers itself here, in the order `algo --help` lists them.
const commandModules: Array<{ register(program: Command): void }> = [
  checkCommand,
  fmtCommand,
  buildCommand,
  featuresCommand,
  explainCommand,
  bookCommand,
  dataCommand,
  backtestCommand,
  sweepCommand,
  lspCommand,
];

// esbuild's synchronous API (compiler/build.ts) by default starts a worker thread that loads
// esbuild a second time and talks to its service: ~70 ms of CPU and ~50 ms of wall time in every
// `algo build`, for the two transforms a build makes. Without it each call runs the esbuild
// binary directly (same binary, same output). esbuild reads this when it is first loaded, which
// is after this line (commands load it on demand). A value the user set is kept.
process.env.ESBUILD_WORKER_THREADS ??= "0";

async function main(argv: string[]): Promise<number> {
  const program = new Command("algo")
    .description("Check, build and backtest .algo trading strategies and feature graphs")
    .version(VERSION, "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    writeOut: (s) => process.stdout.write(s),
  });
  for (const m of commandModules) m.register(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (err instanceof UserError) {
      process.stderr.write(`algo: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    process.stderr.write(`algo: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.ALGO_DEBUG === "1" && e?.stack) process.stderr.write(`${e.stack}\n`);
    else process.stderr.write("algo: this is a bug in algo; rerun with ALGO_DEBUG=1 for details\n");
    return 70;
  }
}

const code = await main(process.argv);
process.exitCode = code;
