/**
 * The shape of one entry in the diagnostics table (compiler/diagnostics/codes.ts), shared by the
 * front end's codes, the grammar's syntax codes and the back end's risk codes
 * (compiler/diagnostics/risk-codes.ts). Kept in its own file so every code list can import it
 * without importing the table.
 */

/** How bad a diagnostic is: errors fail `algo check` (exit 1), warnings do not. */
export type Severity = "error" | "warning";

/**
 * One diagnostic code. `template` holds `{placeholders}` filled at the call site by `diag()`;
 * `explanation` is the paragraph `algo explain CODE` prints (what it means, how to fix it).
 */
export interface DiagnosticDef<T extends string = string> {
  /** Stable code: E01xx parse, E02xx names/types, E03xx units, R04xx risk, W05xx lints. */
  readonly code: string;
  /** kebab-case rule name, used as the SARIF rule name. */
  readonly name: string;
  readonly severity: Severity;
  readonly template: T;
  readonly explanation: string;
}

/** The placeholder names of a template literal type: "unknown name `{name}`" → "name". */
export type Placeholders<T extends string> = T extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;

/** The arguments a template needs: one string or number per placeholder. */
export type TemplateArgs<T extends string> = { readonly [K in Placeholders<T>]: string | number };

/** Fills `{placeholders}` of a template; a missing argument is left as written (never throws). */
export function fillTemplate(template: string, args: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g, (whole, key: string) => {
    const v = args[key];
    return v === undefined ? whole : String(v);
  });
}
