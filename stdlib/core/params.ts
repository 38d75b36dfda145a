/**
 * Builders for operator metadata parameters (stdlib/meta.ts), shared by the technical,
 * statistical and utility catalogues so that the same parameter reads the same everywhere.
 */
import type { OperatorParam, ScalarType } from "../meta.js";

/** A series parameter (a feature or an expression); `accepts` defaults to the numeric types. */
export function seriesParam(name: string, doc: string, accepts?: readonly ScalarType[]): OperatorParam {
  return accepts ? { name, kind: "series", accepts, doc } : { name, kind: "series", doc };
}

/** A window accepting a count (`300`) and, unless `allowsTime` is false, a duration (`5m`). */
export function windowParam(
  name: string,
  doc: string,
  opts: { default?: number; allowsTime?: boolean; min?: number } = {},
): OperatorParam {
  const p: OperatorParam = { name, kind: "window", min: opts.min ?? 1, allowsTime: opts.allowsTime ?? true, doc };
  if (opts.default !== undefined) p.default = opts.default;
  return p;
}

/** A compile-time constant of one type, with optional default and inclusive range. */
export function constParam(
  name: string,
  type: ScalarType,
  doc: string,
  opts: { default?: number | boolean; min?: number; max?: number } = {},
): OperatorParam {
  const p: OperatorParam = { name, kind: "const", accepts: [type], doc };
  if (opts.default !== undefined) p.default = opts.default;
  if (opts.min !== undefined) p.min = opts.min;
  if (opts.max !== undefined) p.max = opts.max;
  return p;
}

/** The instrument whose bars (or book, or trades) drive the operator. */
export function instrumentParam(doc = "The instrument whose bars drive the operator."): OperatorParam {
  return { name: "instrument", kind: "instrument", doc };
}

/** The common NaN policy sentence, repeated in every stateful operator's doc. */
export const NAN_SKIPPED = "A NaN input is ignored (state, outputs and warm-up unchanged).";

/** The common time-window sentence for operators with a duration variant. */
export const TIME_WINDOW_NOTE =
  "With a duration window the window holds the samples with ts > now - window; it is ready once " +
  "the samples seen span the duration (warm-up 0).";
