import type { OperatorMeta } from "../meta.js";

/** Operators that read an instrument's trades. */
export const FLOW_OPERATORS: readonly OperatorMeta[] = [];
