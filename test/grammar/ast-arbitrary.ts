/**
 * fast-check arbitraries for whole `.algo` programs as ASTs (locations are dummies: file 0, offsets 0). Every generated
 * tree is one the parser can produce (up to Paren nodes, which the printer adds where precedence
 * needs them), so `parse(formatProgram(ast))` must give the same tree back.
 */
import fc from "fast-check";
import { DURATION_NANOS, encodeString } from "../../grammar/index.js";
import type * as A from "../../grammar/ast.js";

const SP: A.Located = { file: 0, start: 0, end: 0 };
const NAMES = ["a", "b", "mid", "es", "vol", "size", "x1", "_t", "book", "ema", "buy", "ioc", "start", "end", "t"];

const name = fc.constantFrom(...NAMES);
const ident = name.map((n): A.Ident => ({ kind: "Ident", name: n, ...SP }));
const typeRef = fc.constantFrom("f64", "int", "bool", "price", "qty", "duration", "instrument").map((n): A.TypeRef => ({ kind: "TypeRef", name: n, ...SP }));

const numberRaw = fc.oneof(
  fc.nat({ max: 100_000 }).map(String),
  fc.nat({ max: 999 }).map((n) => `${n + 1}_000`),
  fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 9999 })).map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: -5, max: 5 })).map(([a, e]) => `${a}e${e}`),
);
const numberLit = numberRaw.map((raw): A.NumberLit => ({
  kind: "Number",
  value: Number(raw.replace(/_/g, "")),
  raw,
  isInteger: !/[.eE]/.test(raw),
  ...SP,
}));
const durationLit = fc
  .tuple(fc.oneof(fc.nat({ max: 5000 }).map(String), fc.constantFrom("0.5", "1.25")), fc.constantFrom<A.DurationUnit>("ns", "us", "ms", "s", "m", "h", "d"))
  .map(([amount, unit]): A.DurationLit => ({ kind: "Duration", amount: Number(amount), unit, nanos: Number(amount) * DURATION_NANOS[unit], raw: `${amount}${unit}`, ...SP }));
const stringLit = fc
  .array(fc.constantFrom("a", "Z", " ", '"', "\\", "\n", "\t", "é", "/", "*"), { maxLength: 8 })
  .map((cs): A.StringLit => {
    const value = cs.join("");
    return { kind: "String", value, raw: encodeString(value), ...SP };
  });
const boolLit = fc.boolean().map((value): A.BoolLit => ({ kind: "Bool", value, ...SP }));
const nameExpr = name.map((n): A.NameExpr => ({ kind: "Name", name: n, ...SP }));

const BINARY_OPS: A.BinaryOp[] = ["or", "and", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%"];

/** Expressions up to a bounded depth. */
export const exprArb: fc.Arbitrary<A.Expr> = fc.letrec<{ expr: A.Expr; arg: A.Arg }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    numberLit,
    durationLit,
    stringLit,
    boolLit,
    nameExpr,
    fc.record({ kind: fc.constant("Unary" as const), op: fc.constantFrom<A.UnaryOp>("-", "not"), operand: tie("expr"), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
    fc.record({ kind: fc.constant("Binary" as const), op: fc.constantFrom(...BINARY_OPS), left: tie("expr"), right: tie("expr"), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
    fc.record({ kind: fc.constant("Call" as const), callee: tie("expr"), args: fc.array(tie("arg"), { maxLength: 3 }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
    fc.record({ kind: fc.constant("Member" as const), object: tie("expr"), member: ident, file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
    fc.record({ kind: fc.constant("Index" as const), object: tie("expr"), index: tie("expr"), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
    fc.record({ kind: fc.constant("Ticks" as const), value: tie("expr"), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
  ) as fc.Arbitrary<A.Expr>,
  arg: fc.record({ kind: fc.constant("Arg" as const), name: fc.option(ident, { nil: undefined }), value: tie("expr"), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }, { requiredKeys: ["kind", "value", "file", "start", "end"] }) as fc.Arbitrary<A.Arg>,
})).expr;

const expr = exprArb;
const arg = fc.record({ kind: fc.constant("Arg" as const), name: fc.option(ident, { nil: undefined }), value: expr, file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }, { requiredKeys: ["kind", "value", "file", "start", "end"] }) as fc.Arbitrary<A.Arg>;
const optType = fc.option(typeRef, { nil: undefined });

const simpleStmt: fc.Arbitrary<A.Stmt> = fc.oneof(
  fc.record({ kind: fc.constant("Let" as const), name: ident, type: optType, value: expr, file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }, { requiredKeys: ["kind", "name", "value", "file", "start", "end"] }),
  fc.record({ kind: fc.constant("Var" as const), name: ident, type: optType, init: expr, file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }, { requiredKeys: ["kind", "name", "init", "file", "start", "end"] }),
  fc.record({
    kind: fc.constant("Assign" as const),
    target: fc.oneof(nameExpr, fc.record({ kind: fc.constant("Member" as const), object: nameExpr, member: ident, file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) })),
    op: fc.constantFrom<A.AssignOp>("=", "+=", "-=", "*=", "/="),
    value: expr,
    file: fc.constant(0), start: fc.constant(0), end: fc.constant(0),
  }),
  fc.record({ kind: fc.constant("ExprStmt" as const), expr: fc.record({ kind: fc.constant("Call" as const), callee: nameExpr, args: fc.array(arg, { maxLength: 4 }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
  fc.record({ kind: fc.constant("Return" as const), value: fc.option(expr, { nil: undefined }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }, { requiredKeys: ["kind", "file", "start", "end"] }),
) as fc.Arbitrary<A.Stmt>;

/** Blocks nest up to three levels (if / for inside handlers). */
function blockArb(depth: number): fc.Arbitrary<A.Block> {
  const stmt: fc.Arbitrary<A.Stmt> =
    depth <= 0
      ? simpleStmt
      : fc.oneof(
          { weight: 3, arbitrary: simpleStmt },
          { weight: 1, arbitrary: ifArb(depth - 1) },
          {
            weight: 1,
            arbitrary: fc.record({ kind: fc.constant("For" as const), variable: ident, from: expr, to: expr, body: blockArb(depth - 1), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }) as fc.Arbitrary<A.Stmt>,
          },
        );
  return fc.record({ kind: fc.constant("Block" as const), stmts: fc.array(stmt, { maxLength: 3 }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) });
}

function ifArb(depth: number): fc.Arbitrary<A.IfStmt> {
  return fc
    .tuple(fc.array(fc.tuple(expr, blockArb(depth)), { minLength: 1, maxLength: 3 }), fc.option(blockArb(depth), { nil: undefined }))
    .map(([clauses, last]) => {
      let tail: A.Block | A.IfStmt | undefined = last;
      for (let i = clauses.length - 1; i >= 0; i--) {
        const [cond, then] = clauses[i]!;
        const node: A.IfStmt = { kind: "If", cond, then, ...SP };
        if (tail !== undefined) node.else = tail;
        tail = node;
      }
      return tail as A.IfStmt;
    });
}

const parameter = fc.record(
  { kind: fc.constant("Parameter" as const), name: ident, type: optType, default: fc.option(expr, { nil: undefined }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) },
  { requiredKeys: ["kind", "name", "file", "start", "end"] },
) as fc.Arbitrary<A.Parameter>;
const featureStmt: fc.Arbitrary<A.FeatureStmt> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("FeatureDef" as const), name: ident, value: expr, file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("Export" as const), names: fc.array(ident, { minLength: 1, maxLength: 3 }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }) },
);

const itemArb: fc.Arbitrary<A.Item> = fc.oneof(
  fc.record({ kind: fc.constant("Strategy" as const), name: ident, description: fc.option(stringLit, { nil: undefined }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }, { requiredKeys: ["kind", "name", "file", "start", "end"] }),
  fc.record({ kind: fc.constant("Instrument" as const), name: ident, symbol: expr, file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
  fc.record(
    {
      kind: fc.constant("Param" as const),
      name: ident,
      type: optType,
      value: expr,
      range: fc.option(fc.record({ kind: fc.constant("Range" as const), lo: expr, hi: expr, file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }), { nil: undefined }),
      file: fc.constant(0), start: fc.constant(0), end: fc.constant(0),
    },
    { requiredKeys: ["kind", "name", "value", "file", "start", "end"] },
  ),
  fc.record({
    kind: fc.constant("Risk" as const),
    entries: fc.array(
      fc.record({ kind: fc.constant("RiskEntry" as const), key: ident, value: expr, per: fc.option(expr, { nil: undefined }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }, { requiredKeys: ["kind", "key", "value", "file", "start", "end"] }),
      { maxLength: 4 },
    ),
    file: fc.constant(0), start: fc.constant(0), end: fc.constant(0),
  }),
  fc.record({ kind: fc.constant("Features" as const), body: fc.array(featureStmt, { maxLength: 4 }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
  fc.record({ kind: fc.constant("FeatureUnit" as const), name: ident, params: fc.array(parameter, { maxLength: 3 }), body: fc.array(featureStmt, { maxLength: 4 }), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
  fc.record({ kind: fc.constant("Import" as const), names: fc.array(ident, { minLength: 1, maxLength: 2 }), from: stringLit, file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }),
  fc.record({ kind: fc.constant("Var" as const), name: ident, type: optType, init: expr, file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) }, { requiredKeys: ["kind", "name", "init", "file", "start", "end"] }),
  fc.record(
    { kind: fc.constant("Fn" as const), name: ident, params: fc.array(parameter, { maxLength: 3 }), returnType: optType, body: fc.oneof(blockArb(2), expr), file: fc.constant(0), start: fc.constant(0), end: fc.constant(0) },
    { requiredKeys: ["kind", "name", "params", "body", "file", "start", "end"] },
  ),
  fc
    .record(
      {
        kind: fc.constant("Handler" as const),
        event: ident,
        args: fc.array(arg, { maxLength: 3 }),
        hasParens: fc.boolean(),
        binding: fc.option(ident, { nil: undefined }),
        guard: fc.option(expr, { nil: undefined }),
        body: blockArb(2),
        file: fc.constant(0), start: fc.constant(0), end: fc.constant(0),
      },
      { requiredKeys: ["kind", "event", "args", "hasParens", "body", "file", "start", "end"] },
    )
    .map((h) => ({ ...h, hasParens: h.hasParens || h.args.length > 0 })),
) as fc.Arbitrary<A.Item>;

/** Whole programs. */
export const programArb: fc.Arbitrary<A.Program> = fc
  .array(itemArb, { maxLength: 6 })
  .map((items): A.Program => ({ kind: "Program", items, ...SP }));
