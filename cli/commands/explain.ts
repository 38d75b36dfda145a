/**
 * `algo explain CODE`: prints the explanation of a diagnostic code from the diagnostics table
 * (like `rustc --explain`). Exit 2 for a code the table does not have.
 */
import type { Command } from "commander";
import type { DiagnosticDef } from "../../compiler/index.js";
import { UserError } from "../errors.js";

/** Wraps a paragraph at `width` columns. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (word === "") continue;
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

/** The text `algo explain` prints for one code. */
export function explainText(d: DiagnosticDef): string {
  return `${d.code} (${d.severity}, ${d.name}): ${d.template}\n\n${wrap(d.explanation, 90)}\n`;
}

/** Registers `algo explain`. */
export function register(program: Command): void {
  program
    .command("explain")
    .description("Explain a diagnostic code, e.g. `algo explain E0203`")
    .argument("<code>", "a diagnostic code such as E0201 or W0501")
    .action(async (code: string) => {
      const { DIAGNOSTIC_TABLE, findDiagnosticDef } = await import("../../compiler/index.js");
      const d = findDiagnosticDef(code.trim());
      if (!d) {
        const family = code.trim().slice(0, 3).toUpperCase();
        const near = DIAGNOSTIC_TABLE.filter((x) => x.code.startsWith(family)).map((x) => x.code);
        throw new UserError(`unknown diagnostic code \`${code}\`${near.length ? `; codes in ${family}xx: ${near.join(", ")}` : ""}`);
      }
      process.stdout.write(explainText(d));
    });
}
