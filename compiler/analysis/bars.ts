/**
 * Bar lengths: a bar-driven feature (`bar.close(es)`, `rsi(bar.close(es), 14)`) takes no bar length
 * of its own; a strategy's features see the bars of its `on bar(es, <length>)` handler. With no
 * such handler, or handlers of two lengths for one instrument, the code generator cannot compile
 * the feature (E0601). The generator still refuses them; this reports the same errors at `algo
 * check` time (and in the editor), which used to say "no problems" for a strategy that `algo
 * build` and `algo backtest` then refused.
 *
 * It reads the feature graph the warm-up analysis lowered (what the handlers read) plus the
 * features the generator also keeps, so it sees the nodes the generator builds.
 */
import type { CheckedFile, CheckedProgram } from "../check/program.js";
import { diag, type Diagnostic } from "../diagnostics/index.js";
import { RiskCodes } from "../diagnostics/risk-codes.js";
import { LoweringError, type Lowering } from "../graph/lower.js";

/** E0601 for the bar-driven nodes of `low` whose instrument has no single `on bar` length. */
export function barLengthDiagnostics(program: CheckedProgram, file: CheckedFile, low: Lowering): Diagnostic[] {
  // The generator also keeps every feature of the block that something reads (for `algo
  // features`), handlers or not: lower those too (cached nodes cost nothing twice).
  for (const item of file.ast.items) {
    if (item.kind !== "Features") continue;
    for (const st of item.body) {
      if (st.kind !== "FeatureDef") continue;
      const sym = program.symbols.get(st) ?? program.symbols.get(st.name);
      if (!sym || sym.uses === 0) continue;
      try {
        low.feature(sym, low.rootEnv);
      } catch (e) {
        if (!(e instanceof LoweringError)) throw e;
      }
    }
  }
  const lengths = new Map<number, Set<number>>();
  for (const item of file.ast.items) {
    if (item.kind !== "Handler") continue;
    const info = program.handlers.get(item);
    if (!info || info.kind !== "bar" || !info.instruments[0] || !info.period) continue;
    const h = low.handles.get(info.instruments[0]);
    if (h === undefined) continue;
    let set = lengths.get(h);
    if (!set) lengths.set(h, (set = new Set()));
    set.add(info.period.lo);
  }
  const out: Diagnostic[] = [];
  const reported = new Set<number>();
  for (const n of low.nodes) {
    if (n.op.drive !== "bar" || reported.has(n.instrument)) continue;
    const lens = lengths.get(n.instrument);
    if (lens !== undefined && lens.size === 1) continue;
    reported.add(n.instrument);
    const inst = low.instruments[n.instrument]?.name ?? "inst";
    const name = n.op.namespace ? `${n.op.namespace}.${n.op.name}` : n.op.name;
    const message =
      lens === undefined
        ? `bar features of \`${inst}\` need a bar length: add an \`on bar(${inst}, 1m)\` handler`
        : `\`${name}\` reads the bars of \`${inst}\`, but the strategy has \`on bar(${inst}, …)\` handlers of ${lens.size} different lengths, so which bars it should see is ambiguous; keep bar features to one bar length per instrument (one \`on bar(${inst}, …)\` length)`;
    out.push(diag(RiskCodes.BackendLimit, n.span, { message }));
  }
  return out;
}
