import type { OperatorMeta } from "../meta.js";

/** Statistical operators over count or time windows. */
export const STATISTICAL_OPERATORS: readonly OperatorMeta[] = [];
