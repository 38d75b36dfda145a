/**
 * Errors the command line turns into one clear line on stderr and an exit code. Library code throws
 * `UserError` for bad input (a file that cannot be read, a malformed record); anything else that
 * escapes is a bug and is reported as one, with the stack only under ALGO_DEBUG=1.
 */

/** Exit codes shared by every command. */
export const ExitCode = {
  Ok: 0,
  /** Diagnostics with errors, a failed --check, a risk breach the user asked to fail on. */
  Failure: 1,
  /** Usage errors, unreadable or malformed input files. */
  Usage: 2,
  /** Interrupted (Ctrl-C) after writing partial outputs. */
  Interrupted: 130,
} as const;

/** An error caused by the user's input or environment; its message is shown as is. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Usage,
  ) {
    super(message);
    this.name = "UserError";
  }
}
