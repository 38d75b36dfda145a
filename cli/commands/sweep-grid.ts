/**
 * The parameter grid of `algo sweep`: parsing `--grid name=SPEC` flags and enumerating their
 * cartesian product. A SPEC is an inclusive decimal range `a..b:step` (`a..b` steps by 1), or a
 * list `v1,v2,...` (one value is a list of one). Ranges are stepped in exact decimal arithmetic
 * (scaled BigInts), never by adding floats: `0.1..0.3:0.1` gives the texts 0.1, 0.2, 0.3, which
 * become numbers exactly as `--set k=0.3` would. Values stay text here; the strategy's param
 * types and declared ranges are checked by the caller (compiler/build.ts `validateParams`).
 */

/** One `--grid` flag, parsed. */
export interface GridAxis {
  /** The param name. */
  name: string;
  /** The flag's value as written after `name=` (for messages and sweep.json). */
  spec: string;
  /** The values, as decimal (or true/false) text, in sweep order. */
  values: string[];
}

/** A `--grid` flag that cannot be parsed; the message names the flag. */
export class GridSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GridSyntaxError";
  }
}

const DECIMAL = /^([+-]?)(\d+(?:_\d+)*)(?:\.(\d+(?:_\d+)*))?$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** More values than this in one range is certainly a typo (the run limit is checked later). */
export const MAX_AXIS_VALUES = 1_000_000;

/** A decimal as an integer numerator over 10^scale. */
interface Decimal {
  units: bigint;
  scale: number;
}

function parseDecimal(text: string): Decimal | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const int = m[2]!.replace(/_/g, "");
  const frac = (m[3] ?? "").replace(/_/g, "");
  const units = BigInt(int + frac);
  return { units: m[1] === "-" ? -units : units, scale: frac.length };
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

/** Canonical decimal text of units / 10^scale: no trailing zeros, no "-0". */
export function decimalText(units: bigint, scale: number): string {
  const neg = units < 0n;
  let digits = (neg ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    const int = digits.slice(0, digits.length - scale);
    const frac = digits.slice(digits.length - scale).replace(/0+$/, "");
    digits = frac ? `${int}.${frac}` : int;
  }
  return neg && digits !== "0" ? `-${digits}` : digits;
}

/**
 * The values of an inclusive range `lo..hi:step` in exact decimal arithmetic: lo, lo+step, ...
 * up to the last one not above hi. Throws GridSyntaxError (without the flag prefix) on bad input.
 */
export function decimalRange(lo: string, hi: string, step: string): string[] {
  const a = parseDecimal(lo);
  const b = parseDecimal(hi);
  const s = parseDecimal(step);
  for (const [text, d] of [[lo, a], [hi, b], [step, s]] as const) {
    if (d === null) throw new GridSyntaxError(`\`${text}\` is not a decimal number`);
  }
  const scale = Math.max(a!.scale, b!.scale, s!.scale);
  const A = rescale(a!, scale);
  const B = rescale(b!, scale);
  const S = rescale(s!, scale);
  if (S <= 0n) throw new GridSyntaxError(`the step must be greater than 0, got ${step}`);
  if (A > B) throw new GridSyntaxError(`the range is empty (${lo} > ${hi}); write the smaller bound first`);
  const count = (B - A) / S + 1n;
  if (count > BigInt(MAX_AXIS_VALUES)) throw new GridSyntaxError(`the range has ${count} values, more than ${MAX_AXIS_VALUES.toLocaleString("en-US")}; use a larger step`);
  const out: string[] = [];
  for (let v = A; v <= B; v += S) out.push(decimalText(v, scale));
  return out;
}

/** Parses one `--grid name=SPEC` flag. */
export function parseGridFlag(flag: string): GridAxis {
  const eq = flag.indexOf("=");
  const where = `--grid ${flag}`;
  if (eq <= 0) throw new GridSyntaxError(`${where}: expected name=values, for example --grid size=1..5:1 or --grid threshold=0.1,0.2,0.4`);
  let name = flag.slice(0, eq).trim();
  if (name.startsWith("params.")) name = name.slice("params.".length);
  if (!NAME.test(name)) throw new GridSyntaxError(`${where}: \`${name}\` is not a param name`);
  const spec = flag.slice(eq + 1).trim();
  if (spec === "") throw new GridSyntaxError(`${where}: no values after \`=\``);
  try {
    return { name, spec, values: parseSpec(spec) };
  } catch (err) {
    if (err instanceof GridSyntaxError) throw new GridSyntaxError(`${where}: ${err.message}`);
    throw err;
  }
}

function parseSpec(spec: string): string[] {
  const dots = spec.indexOf("..");
  if (dots >= 0) {
    if (spec.includes(",")) throw new GridSyntaxError("a range (a..b:step) and a list (v1,v2) cannot be mixed");
    const colon = spec.indexOf(":", dots);
    const lo = spec.slice(0, dots);
    const hi = colon < 0 ? spec.slice(dots + 2) : spec.slice(dots + 2, colon);
    const step = colon < 0 ? "1" : spec.slice(colon + 1);
    if (lo.trim() === "" || hi.trim() === "") throw new GridSyntaxError("expected a range a..b or a..b:step with both bounds");
    if (colon >= 0 && step.trim() === "") throw new GridSyntaxError("expected a step after `:`");
    return decimalRange(lo, hi, step);
  }
  if (spec.includes(":")) throw new GridSyntaxError("a step (`:step`) needs a range a..b before it");
  const values: string[] = [];
  for (const raw of spec.split(",")) {
    const text = raw.trim();
    if (text === "") throw new GridSyntaxError("empty value in the list");
    if (text === "true" || text === "false") values.push(text);
    else {
      const d = parseDecimal(text);
      if (d === null) throw new GridSyntaxError(`\`${text}\` is not a number (or true/false)`);
      values.push(decimalText(d.units, d.scale));
    }
  }
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new GridSyntaxError(`${v} is listed twice`);
    seen.add(v);
  }
  return values;
}

/** Parses every `--grid` flag; a param given twice is an error. */
export function parseGrid(flags: readonly string[]): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const flag of flags) {
    const axis = parseGridFlag(flag);
    const earlier = axes.find((a) => a.name === axis.name);
    if (earlier) throw new GridSyntaxError(`--grid ${flag}: param \`${axis.name}\` already has a grid (--grid ${earlier.name}=${earlier.spec}); give it one`);
    axes.push(axis);
  }
  return axes;
}

/** Number of combinations (product of the axis sizes), exact. */
export function gridSize(axes: readonly GridAxis[]): bigint {
  let n = 1n;
  for (const a of axes) n *= BigInt(a.values.length);
  return n;
}

/**
 * Combination `index` of the cartesian product, as value texts per axis: the first axis varies
 * slowest (like nested loops written in flag order), the last fastest.
 */
export function combination(axes: readonly GridAxis[], index: number): string[] {
  const out = new Array<string>(axes.length);
  let rest = index;
  for (let k = axes.length - 1; k >= 0; k--) {
    const vals = axes[k]!.values;
    out[k] = vals[rest % vals.length]!;
    rest = Math.floor(rest / vals.length);
  }
  return out;
}
