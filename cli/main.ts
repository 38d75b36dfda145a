/**
 * The `algo` command. Thin on purpose: each subcommand lives in cli/commands/<name>.ts and exports
 * `register(program)`, which parses flags and calls the library; cli/program.ts runs them (errors
 * become one line and an exit code, cli/errors.ts). `algo check`, `fmt` and `explain` are usually
 * run by cli/fast.ts instead (bin/algo.js chooses), with the same modules.
 */
import { runCli, type CommandModule } from "./program.js";
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
const commandModules: CommandModule[] = [
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

const code = await runCli(process.argv, commandModules);
process.exitCode = code;
