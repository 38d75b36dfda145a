/**
 * `algo fmt FILE... [--check]`: rewrite .algo files in canonical form (grammar/format.ts).
 * Writes are atomic (temp file in the same folder, then rename) and happen only when every file
 * was read and parsed: a missing, unreadable, directory or binary input is one line on stderr and
 * exit 2; syntax errors are printed as `file:line:col: error[E0101]: message` and exit 1. With
 * A file's line endings are kept (CRLF stays CRLF; grammar/line-endings.ts). With
 * --check nothing is written: the files that would change are listed and the exit code is 1.
 */
import { statSync } from "node:fs";
import { writeFileAtomic } from "../../runtime/analytics/atomic.js";
import type { Command } from "commander";
import type { SourceFile, SyntaxDiagnostic } from "../../grammar/index.js";
import { ExitCode, UserError } from "../errors.js";
import { readSourceFile } from "../source-file.js";
import { keepLineEndings } from "../../grammar/line-endings.js";

/** Registers `algo fmt`. */
export function register(program: Command): void {
  program
    .command("fmt")
    .description("Format .algo files in place (canonical layout; comments kept)")
    .argument("<files...>", ".algo files to format")
    .option("--check", "write nothing; list the files that would change and exit 1 if any")
    .action(async (files: string[], opts: { check?: boolean }) => {
      process.exitCode = await runFmt(files, opts.check === true);
    });
}

/** Runs `algo fmt` over `files`; returns the exit code. */
export async function runFmt(files: readonly string[], check: boolean): Promise<number> {
  const { formatSource, SourceFile } = await import("../../grammar/index.js");
  const texts: Array<{ path: string; text: string }> = [];
  let ioProblem = false;
  for (const path of files) {
    const r = readSourceFile(path);
    if ("problem" in r) {
      process.stderr.write(`algo: ${r.problem}\n`);
      ioProblem = true;
    } else {
      texts.push({ path, text: r.text });
    }
  }
  if (ioProblem) return ExitCode.Usage;

  const formatted: Array<{ path: string; before: string; after: string }> = [];
  let syntaxErrors = false;
  for (const { path, text } of texts) {
    const r = formatSource(text);
    if (!r.ok) {
      syntaxErrors = true;
      const source = new SourceFile(path, text);
      for (const e of r.errors) process.stderr.write(`${renderSyntaxError(source, e)}\n`);
      continue;
    }
    formatted.push({ path, before: text, after: keepLineEndings(text, r.text) });
  }
  if (syntaxErrors) return ExitCode.Failure;

  const changed = formatted.filter((f) => f.after !== f.before);
  if (check) {
    for (const f of changed) process.stdout.write(`${f.path}\n`);
    return changed.length > 0 ? ExitCode.Failure : ExitCode.Ok;
  }
  for (const f of changed) {
    writeAtomically(f.path, f.after);
    process.stdout.write(`formatted ${f.path}\n`);
  }
  return ExitCode.Ok;
}

/** `file:line:col: error[E0101]: message` for one syntax diagnostic. */
export function renderSyntaxError(source: SourceFile, e: SyntaxDiagnostic): string {
  const { line, column } = source.position(e.span.start);
  return `${source.path}:${line}:${column}: error[${e.code}]: ${e.message}`;
}

/** Replaces `path` with `text` atomically, keeping the file's mode. */
function writeAtomically(path: string, text: string): void {
  try {
    writeFileAtomic(path, text, { mode: statSync(path).mode & 0o7777 });
  } catch (err) {
    throw new UserError(`${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}
