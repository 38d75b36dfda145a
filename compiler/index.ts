/**
 * The compiler's public face. `checkProgram` runs parse → resolve → types/units → lints for the
 * root files and everything they import, then every registered analysis (risk, warm-up,
 * look-ahead, division — compiler/analysis registers them with `registerAnalysis`) when the
 * front end found no error. The CheckedProgram it returns (compiler/check/program.ts) is what the
 * graph builder, the code generator and the language server consume.
 */
import { buildCheckedProgram, nodeHost, type CheckedProgram, type CompilerHost, type RootFile } from "./check/index.js";
import { compareDiagnostics, hasErrors, type Diagnostic } from "./diagnostics/index.js";
import { BACKEND_ANALYSES } from "./analysis/index.js";

export * from "./check/index.js";
export * from "./diagnostics/index.js";
export * from "./builtins.js";

/** A whole-program analysis that runs after a clean front end and reports diagnostics. */
export interface Analysis {
  /** Short name ("risk", "warmup", ...), for debugging and ordering. */
  name: string;
  /** Reads the checked program; returns its diagnostics (never throws on a clean program). */
  run(program: CheckedProgram): Diagnostic[];
}

// The back end's analyses (risk, warm-up, look-ahead, division) run by default.
const registry: Analysis[] = [...BACKEND_ANALYSES];

/** Adds an analysis run by every later `checkProgram` (same name = replaced). */
export function registerAnalysis(analysis: Analysis): void {
  const i = registry.findIndex((a) => a.name === analysis.name);
  if (i >= 0) registry[i] = analysis;
  else registry.push(analysis);
}

/** The analyses `checkProgram` runs by default, in registration order. */
export function registeredAnalyses(): readonly Analysis[] {
  return registry;
}

/** Options of `checkProgram`. */
export interface CheckOptions {
  /** How imports are read (default: the file system). */
  host?: CompilerHost;
  /** Analyses to run instead of the registered ones ([] = front end only). */
  analyses?: readonly Analysis[];
}

/**
 * Runs analyses (default: the registered ones) over a checked program and returns their
 * diagnostics, sorted; the program is not modified. A program whose front end reported an error
 * gets none (the analyses assume a clean front end, as `checkProgram` does). The language server
 * uses it to publish the front end's diagnostics first and the analyses' ones after.
 */
export function runAnalyses(program: CheckedProgram, analyses: readonly Analysis[] = registry): Diagnostic[] {
  if (hasErrors(program.diagnostics)) return [];
  const out: Diagnostic[] = [];
  for (const a of analyses) out.push(...a.run(program));
  return out.sort(compareDiagnostics);
}

/** Checks root files (path + text) and everything they import. Never throws on any input. */
export function checkProgram(roots: readonly RootFile[], options: CheckOptions = {}): CheckedProgram {
  const program = buildCheckedProgram(roots, options.host ?? nodeHost);
  const extra = runAnalyses(program, options.analyses ?? registry);
  if (extra.length > 0) {
    program.diagnostics.push(...extra);
    program.diagnostics.sort(compareDiagnostics);
  }
  return program;
}

/** Checks one in-memory text (tests, the language server); imports are read through the host. */
export function checkText(text: string, path = "<input>.algo", options: CheckOptions = {}): CheckedProgram {
  return checkProgram([{ path, text }], options);
}
