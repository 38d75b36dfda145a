import type { OperatorMeta } from "../meta.js";

/** Utilities: lags, differences, clamps, clocks. */
export const UTILITY_OPERATORS: readonly OperatorMeta[] = [];
