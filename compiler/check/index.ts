/**
 * The face of compiler/check: build a checked program from root files, plus the types of its
 * tables (program.ts) and the value types and unit algebra (types.ts).
 */
export { buildCheckedProgram, type RootFile } from "./load.js";
export { nodeHost, memoryHost, resolveRelative, type CompilerHost } from "./host.js";
export type {
  CheckedProgram,
  CheckedFile,
  FileKind,
  SymbolInfo,
  SymbolKind,
  ResolvedCall,
  HandlerInfo,
  RiskLimit,
  Interval,
  ExprTypes,
  CallArgs,
} from "./program.js";
export type { NodeMap, SlotMap } from "./node-map.js";
export {
  ERROR_TYPE,
  addUnits,
  mulUnits,
  divUnits,
  sameUnit,
  assignable,
  isNumeric,
  isPlainNumber,
  typeName,
  describe,
  type TypeInfo,
  type ValueType,
  type UnitTypeRef,
  type OutputsTypeRef,
  type RecordTypeRef,
  type UnitResult,
} from "./types.js";
export { editDistance, suggest } from "./suggest.js";
export { exprText } from "./checker.js";
