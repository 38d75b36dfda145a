/**
 * The quick subcommands: those that need only the compiler's front end and analyses, run from one
 * code-cached CommonJS bundle (cli/fast.ts, dist/fast.cjs) instead of the full command.
 */
export const FAST_COMMANDS: readonly string[] = ["check", "fmt", "explain"];
