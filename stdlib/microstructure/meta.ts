import type { OperatorMeta } from "../meta.js";

/** Operators that read an instrument's order book. */
export const MICROSTRUCTURE_OPERATORS: readonly OperatorMeta[] = [];
