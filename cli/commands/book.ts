/**
 * `algo book PATH`: registration only; the replay lives in book-run.ts and is loaded when the
 * command runs, so `algo --help` and the other commands do not load the runtime's readers.
 */
import type { Command } from "commander";
import type { BookCommandOptions } from "./book-run.js";

/** Registers `algo book`. */
export function register(program: Command): void {
  program
    .command("book")
    .description("Replay a market data file through the exact order book and print the book after every event")
    .argument("<path>", "market data file: LOBSTER message file (.csv[.gz]), DBN (.dbn[.zst], .dbz) or CSV trades/bars")
    .option("--levels <n>", "levels per side to print (default: what the data has, at most 10: the LOBSTER file's level, 1 for MBP-1/BBO, 10 for MBP-10 and MBO)")
    .option("--format <format>", "lobster (LOBSTER orderbook row layout), csv or json (one object per line)", "csv")
    .option("--instrument <symbol>", "only this instrument")
    .option("--lobster-book <path>", "the LOBSTER orderbook file paired with the message file (default: found by name)")
    .option("--stats", "replay without printing; print events, seconds, events/s, garbage collections and anomalies")
    .action(async (path: string, opts: BookCommandOptions) => {
      const { runBook } = await import("./book-run.js");
      process.exitCode = await runBook(path, opts);
    });
}
