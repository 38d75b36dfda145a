/**
 * The `algo` program: commander set up with the given subcommands, run over argv; errors become
 * one line and an exit code (cli/errors.ts). Shared by the full command (cli/main.ts, every
 * subcommand) and the quick one (cli/fast.ts, `check`, `fmt` and `explain` only), so that a
 * subcommand behaves the same whichever of the two runs it.
 */
import { Command, CommanderError } from "commander";
import { ExitCode, UserError } from "./errors.js";
import { VERSION } from "./version.js";

/** A subcommand module: cli/commands/<name>.ts. */
export interface CommandModule {
  register(program: Command): void;
}

/** Runs `algo` with the subcommands of `modules` (registered in that order); returns the exit code. */
export async function runCli(argv: string[], modules: readonly CommandModule[]): Promise<number> {
  const program = new Command("algo")
    .description("Check, build and backtest .algo trading strategies and feature graphs")
    .version(VERSION, "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    writeOut: (s) => process.stdout.write(s),
  });
  for (const m of modules) m.register(program);
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
