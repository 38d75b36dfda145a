/**
 * Value types of checked expressions and the unit algebra of DESIGN.md: price − price = price,
 * price × qty = notional, price ÷ price = f64, price + qty is an error; f64 and int are plain
 * numbers that mix freely; a bare numeric literal takes the unit of what it combines with.
 */
import type { OperatorMeta, ScalarType } from "../../stdlib/meta.js";

/** A feature unit (`features Name(...) { ... export ... }`), as its instances' type refers to it. */
export interface UnitTypeRef {
  kind: "unit";
  /** The unit's name. */
  name: string;
  /** Types of its exported features. */
  exports: ReadonlyMap<string, TypeInfo>;
}

/** A multi-output operator's result before an output is picked (`macd(x, 12, 26, 9)`). */
export interface OutputsTypeRef {
  kind: "outputs";
  op: OperatorMeta;
  /** Output name → type, with `sameAs` already resolved. */
  fields: ReadonlyMap<string, ScalarType>;
}

/**
 * What an expression's value is: a scalar type, a string, a time in force, nothing ("void":
 * actions), a feature-unit instance, a multi-output operator, or "error" (already reported;
 * checks on it stay silent).
 */
export type ValueType = ScalarType | "string" | "tif" | "void" | "error" | UnitTypeRef | OutputsTypeRef | RecordTypeRef;

/** The type of one expression. */
export interface TypeInfo {
  type: ValueType;
  /** True for series (features, operator results, expressions over them). */
  series: boolean;
  /** A bare numeric literal (or arithmetic over literals only): adapts to the unit it meets. */
  literal?: boolean;
}

/** The "already reported" type. */
export const ERROR_TYPE: TypeInfo = { type: "error", series: false };

/** Numbers that carry no unit. */
export function isPlainNumber(t: ValueType): boolean {
  return t === "f64" || t === "int";
}

/** Numbers: plain or with a unit. */
export function isNumeric(t: ValueType): boolean {
  return t === "f64" || t === "int" || t === "price" || t === "qty" || t === "notional";
}

/** How a type reads in messages: `price`, `bool`, `unit Micro`, `outputs of macd`. */
export function typeName(t: ValueType): string {
  if (typeof t === "string") return t === "void" ? "no value" : t;
  if (t.kind === "unit") return `feature unit ${t.name}`;
  if (t.kind === "record") return `${t.name} binding`;
  return `outputs of ${t.op.namespace ? `${t.op.namespace}.` : ""}${t.op.name} (${[...t.fields.keys()].join(", ")})`;
}

/** How a type info reads in messages: "series price", "scalar bool", "literal". */
export function describe(info: TypeInfo): string {
  if (info.literal) return info.type === "duration" ? "duration literal" : "number literal";
  return `${info.series ? "series" : "scalar"} ${typeName(info.type)}`;
}

/** The result of combining two operand types, or an error describing why not. */
export type UnitResult = { ok: true; type: ScalarType; literal: boolean } | { ok: false; reason: "unit" | "product" | "non-numeric" };

/** Adapts a literal to the unit of the other side: f64 literal + int → f64, 2 + price → price. */
function adapt(lit: ScalarType, other: ScalarType): ScalarType {
  if (other === "int") return lit === "int" ? "int" : "f64";
  return other;
}

/**
 * `a + b`, `a - b`, min/max/clamp: both sides must share a unit (plain numbers mix; literals
 * adapt). time − time = duration, time ± duration = time.
 */
export function addUnits(op: "+" | "-", a: ScalarType, aLit: boolean, b: ScalarType, bLit: boolean): UnitResult {
  if (a === "time" || b === "time") {
    if (a === "time" && b === "duration") return { ok: true, type: "time", literal: false };
    if (op === "+" && a === "duration" && b === "time") return { ok: true, type: "time", literal: false };
    if (op === "-" && a === "time" && b === "time") return { ok: true, type: "duration", literal: false };
    return { ok: false, reason: isNumericOrTime(a) && isNumericOrTime(b) ? "unit" : "non-numeric" };
  }
  return sameUnit(a, aLit, b, bLit);
}

function isNumericOrTime(t: ScalarType): boolean {
  return isNumeric(t) || t === "duration" || t === "time";
}

/** Two values that must have the same unit (addition, comparison, min/max). */
export function sameUnit(a: ScalarType, aLit: boolean, b: ScalarType, bLit: boolean): UnitResult {
  const aNum = isNumeric(a) || a === "duration";
  const bNum = isNumeric(b) || b === "duration";
  if (!aNum || !bNum) return { ok: false, reason: "non-numeric" };
  if (aLit && bLit) return { ok: true, type: a === "f64" || b === "f64" ? "f64" : a === "duration" ? "duration" : a, literal: true };
  if (aLit && a !== "duration") return b === "duration" ? { ok: false, reason: "unit" } : { ok: true, type: adapt(a, b), literal: false };
  if (bLit && b !== "duration") return a === "duration" ? { ok: false, reason: "unit" } : { ok: true, type: adapt(b, a), literal: false };
  if (a === b) return { ok: true, type: a, literal: false };
  if (isPlainNumber(a) && isPlainNumber(b)) return { ok: true, type: "f64", literal: false };
  return { ok: false, reason: "unit" };
}

/** `a * b`: plain × X = X, price × qty = notional; other unit products have no unit. */
export function mulUnits(a: ScalarType, aLit: boolean, b: ScalarType, bLit: boolean): UnitResult {
  if (!(isNumeric(a) || a === "duration") || !(isNumeric(b) || b === "duration")) return { ok: false, reason: "non-numeric" };
  const lit = aLit && bLit;
  const aPlain = isPlainNumber(a) || (aLit && a !== "duration");
  const bPlain = isPlainNumber(b) || (bLit && b !== "duration");
  if (aPlain && bPlain) return { ok: true, type: a === "int" && b === "int" ? "int" : "f64", literal: lit };
  if (aPlain) return { ok: true, type: b, literal: false };
  if (bPlain) return { ok: true, type: a, literal: false };
  if ((a === "price" && b === "qty") || (a === "qty" && b === "price")) return { ok: true, type: "notional", literal: false };
  return { ok: false, reason: "product" };
}

/** `a / b`: X ÷ plain = X, X ÷ X = f64, notional ÷ qty = price, notional ÷ price = qty. */
export function divUnits(a: ScalarType, aLit: boolean, b: ScalarType, bLit: boolean): UnitResult {
  if (!(isNumeric(a) || a === "duration") || !(isNumeric(b) || b === "duration")) return { ok: false, reason: "non-numeric" };
  const aPlain = isPlainNumber(a) || (aLit && a !== "duration");
  const bPlain = isPlainNumber(b) || (bLit && b !== "duration");
  if (aPlain && bPlain) return { ok: true, type: "f64", literal: aLit && bLit };
  if (bPlain) return { ok: true, type: a, literal: false };
  if (a === b) return { ok: true, type: "f64", literal: false };
  if (a === "notional" && b === "qty") return { ok: true, type: "price", literal: false };
  if (a === "notional" && b === "price") return { ok: true, type: "qty", literal: false };
  return { ok: false, reason: "product" };
}

/** `a % b`: same rules as addition (a remainder keeps the unit). */
export function modUnits(a: ScalarType, aLit: boolean, b: ScalarType, bLit: boolean): UnitResult {
  const aPlain = isPlainNumber(a) || aLit;
  const bPlain = isPlainNumber(b) || bLit;
  if (isNumeric(a) && isNumeric(b) && bPlain && !aPlain) return { ok: true, type: a, literal: false };
  return sameUnit(a, aLit, b, bLit);
}

/**
 * Whether a value of type `found` may be stored where `expected` is declared (var, let, param,
 * argument): the same type; int where f64 is expected; a literal adapts to any number
 * (a non-integer literal not to int or qty).
 */
export function assignable(expected: ScalarType, found: TypeInfo, integerLiteral: boolean): boolean {
  const f = found.type;
  if (typeof f !== "string") return false;
  if (f === expected) return true;
  if (expected === "f64" && f === "int") return true;
  if (found.literal && isNumeric(expected) && isNumeric(f)) {
    if (expected === "int" || expected === "qty") return integerLiteral;
    return true;
  }
  return false;
}

/** Whether a type belongs to the unit family (numbers) — mismatches there are E03xx, else E02xx. */
export function isUnitFamily(t: ValueType): boolean {
  return isNumeric(t);
}

/** The scalar types a declaration may name. */
export const TYPE_NAMES: readonly ScalarType[] = ["f64", "int", "bool", "price", "qty", "notional", "duration", "time", "side", "instrument"];

/** A handler binding's value (`t` in `on trade(es) as t`, `f` in `on fill(f)`): fields by name. */
export interface RecordTypeRef {
  kind: "record";
  /** "trade", "bar" or "fill". */
  name: string;
  fields: Readonly<Record<string, ScalarType>>;
}
