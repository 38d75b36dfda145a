import type { OperatorMeta } from "../meta.js";

/** Technical indicators (TA-Lib conventions unless a doc says otherwise). */
export const TECHNICAL_OPERATORS: readonly OperatorMeta[] = [];
