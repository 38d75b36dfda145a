/**
 * Every stdlib operator's metadata, by category. The compiler and the language server look
 * operators up here; docs/stdlib.md is generated from it.
 */
import type { OperatorMeta } from "./meta.js";
import { TECHNICAL_OPERATORS } from "./technical/meta.js";
import { STATISTICAL_OPERATORS } from "./statistical/meta.js";
import { UTILITY_OPERATORS } from "./utility/meta.js";
import { MICROSTRUCTURE_OPERATORS } from "./microstructure/meta.js";
import { FLOW_OPERATORS } from "./flow/meta.js";
import { BAR_OPERATORS } from "./bar/meta.js";

/** All operators, in documentation order. */
export const OPERATORS: readonly OperatorMeta[] = [
  ...TECHNICAL_OPERATORS,
  ...STATISTICAL_OPERATORS,
  ...MICROSTRUCTURE_OPERATORS,
  ...FLOW_OPERATORS,
  ...BAR_OPERATORS,
  ...UTILITY_OPERATORS,
];

const byQualifiedName = new Map<string, OperatorMeta>();
for (const op of OPERATORS) byQualifiedName.set(qualifiedName(op), op);

/** "ema", "book.mid", "flow.ofi". */
export function qualifiedName(op: OperatorMeta): string {
  return op.namespace ? `${op.namespace}.${op.name}` : op.name;
}

/** Looks an operator up by its qualified name ("book.mid"), or undefined. */
export function findOperator(qualified: string): OperatorMeta | undefined {
  return byQualifiedName.get(qualified);
}
