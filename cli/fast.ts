/**
 * The quick subcommands (cli/fast-commands.ts: `algo check`, `fmt`, `explain`) as one CommonJS
 * bundle, dist/fast.cjs (scripts/build.mjs), that bin/algo.js (through cli/boot.ts) loads with a V8
 * code cache, one cache per subcommand (cli/code-cache.ts). Node 20 caches no compiled code for ES
 * modules, and the full command loads its modules asynchronously, chunk by chunk: a cold
 * `algo check` spent about a third of its own time compiling and loading them. Here they load in
 * one synchronous read, and the code that an earlier run of the same subcommand compiled comes
 * from the cache. The subcommands are the same modules the full command registers (cli/main.ts),
 * run by the same cli/program.ts: output, exit codes and help are the same.
 */
import { runCli } from "./program.js";
import * as checkCommand from "./commands/check.js";
import * as fmtCommand from "./commands/fmt.js";
import * as explainCommand from "./commands/explain.js";

/** Runs `algo` with the quick subcommands only; returns the exit code. */
export function run(argv: string[]): Promise<number> {
  return runCli(argv, [checkCommand, fmtCommand, explainCommand]);
}
