/**
 * `algo check FILE... [--format pretty|json|sarif]`: parse, resolve, type- and unit-check (then
 * the registered analyses) every file and what it imports; print the diagnostics. Exit 0 when
 * there is no error (warnings allowed), 1 with errors, 2 for usage or IO problems (a missing,
 * unreadable, directory or binary input: one line each, nothing else printed).
 */
import type { Command } from "commander";
import type { RootFile } from "../../compiler/index.js";
import { readSourceFile } from "../source-file.js";
import { ExitCode, UserError } from "../errors.js";
import { VERSION } from "../version.js";

const FORMATS = ["pretty", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

/** Registers `algo check`. */
export function register(program: Command): void {
  program
    .command("check")
    .description("Check .algo files: syntax, names, types, units, risk limits and lints")
    .argument("<files...>", ".algo files to check (their imports are checked too)")
    .option("-f, --format <format>", "output format: pretty, json or sarif", "pretty")
    .option("--explain-risk", "also print, per order, what the static risk check proved and from which conditions")
    .action(async (files: string[], opts: { format: string; explainRisk?: boolean }) => {
      const { checkProgram, hasErrors, renderJson, renderPrettyAll, renderSarif, summaryLine } = await import("../../compiler/index.js");
      const { analyzeRisk, renderRiskExplanation } = await import("../../compiler/analysis/index.js");
      if (!(FORMATS as readonly string[]).includes(opts.format)) {
        throw new UserError(`unknown --format \`${opts.format}\`; expected one of: ${FORMATS.join(", ")}`);
      }
      const format = opts.format as Format;
      const roots: RootFile[] = [];
      const problems: string[] = [];
      for (const path of files) {
        const r = readSourceFile(path);
        if ("problem" in r) problems.push(r.problem);
        else roots.push({ path, text: r.text });
      }
      if (problems.length > 0) {
        for (const p of problems) process.stderr.write(`algo: ${p}\n`);
        process.exitCode = ExitCode.Usage;
        return;
      }
      const checked = checkProgram(roots);
      const ds = checked.diagnostics;
      if (format === "json") process.stdout.write(renderJson(ds, checked.sources));
      else if (format === "sarif") process.stdout.write(renderSarif(ds, checked.sources, { toolVersion: VERSION }));
      else {
        const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
        const body = renderPrettyAll(ds, checked.sources, { color });
        process.stdout.write(`${body}${body ? "\n\n" : ""}${summaryLine(ds, checked.files.length)}\n`);
      }
      if (opts.explainRisk) {
        if (hasErrors(ds)) process.stdout.write("\nrisk: not analysed (fix the errors first)\n");
        else process.stdout.write(`\n${renderRiskExplanation(checked, analyzeRisk(checked).reports)}`);
      }
      process.exitCode = hasErrors(ds) ? ExitCode.Failure : ExitCode.Ok;
    });
}
