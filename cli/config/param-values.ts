/**
 * Checks param values from the configuration against a strategy's declared params, one value at a
 * time, so that each error names where that value was set — the config file and line, the
 * ALGO_PARAMS_* variable or the `--set` flag — rather than the strategy file.
 */
import { UserError } from "../errors.js";

type Raw = string | number | boolean;
type Validate<P> = (
  params: P,
  values: Readonly<Record<string, Raw>>,
) => { ok: true; values: Record<string, number | boolean> } | { ok: false; errors: string[] };

/**
 * The validated values, or a UserError listing every bad one. `sources` maps dotted config keys
 * (`params.size`) to where they came from; `fallback` names values with no recorded source.
 */
export function checkParamValues<P>(
  validate: Validate<P>,
  declared: P,
  values: Readonly<Record<string, Raw>>,
  sources: ReadonlyMap<string, string>,
  fallback: string,
): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  const errors: string[] = [];
  for (const [name, raw] of Object.entries(values)) {
    const checked = validate(declared, { [name]: raw });
    if (checked.ok) Object.assign(out, checked.values);
    else for (const e of checked.errors) errors.push(`${sources.get(`params.${name}`) ?? fallback}: ${e}`);
  }
  if (errors.length > 0) throw new UserError(errors.join("\nalgo: "));
  return out;
}
