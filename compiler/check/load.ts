/**
 * Building a checked program: parse the root files, follow imports (paths relative to the
 * importing file), report missing files, cycles and names a file does not export, check every
 * file after the files it imports, then reject recursive `fn`s over the whole call graph.
 */
import { parse, SourceFile, type ImportDecl, type Node, type ParseResult, spanOf } from "../../grammar/index.js";
import { Codes, Hints, compareDiagnostics, diag, fromSyntaxDiagnostic, hint } from "../diagnostics/index.js";
import { Checker } from "./checker.js";
import { NodeMap, SlotMap } from "./node-map.js";
import type { CompilerHost } from "./host.js";
import { ExprTypes, type CheckedFile, type CheckedProgram, type FileKind, type SymbolInfo } from "./program.js";
import { suggest } from "./suggest.js";

/** A root file given by the caller: its path (as shown in diagnostics) and its text. */
export interface RootFile {
  path: string;
  text: string;
}

/**
 * Parses and checks `roots` and everything they import (read through `host`). `parseText` is the
 * grammar's `parse` unless a benchmark hands in trees it parsed beforehand (bench/check-only.ts
 * times the check alone); it must return a fresh tree for each call, since a tree belongs to one
 * checked program.
 */
export function buildCheckedProgram(
  roots: readonly RootFile[],
  host: CompilerHost,
  parseText: (text: string, file: number) => ParseResult = parse,
): CheckedProgram {
  const program: CheckedProgram = {
    files: [],
    sources: [],
    roots: [],
    symbols: new SlotMap("checkedSymbol"),
    types: new ExprTypes(),
    calls: new SlotMap("checkedCall"),
    constants: new NodeMap(),
    handlers: new Map(),
    fnCalls: new Map(),
    diagnostics: [],
  };
  const checker = new Checker(program);
  const byKey = new Map<string, number>();
  const inProgress: number[] = [];

  const load = (path: string, text: string): number => {
    const key = host.fileKey(path);
    const known = byKey.get(key);
    if (known !== undefined) return known;
    const id = program.files.length;
    byKey.set(key, id);
    const source = new SourceFile(path, text);
    const parsed = parseText(text, id);
    for (const e of parsed.errors) program.diagnostics.push(fromSyntaxDiagnostic(e));
    const strategy = parsed.ast.items.find((i) => i.kind === "Strategy");
    const kind: FileKind = strategy ? "strategy" : parsed.ast.items.some((i) => i.kind === "FeatureUnit") ? "feature-unit" : "library";
    const file: CheckedFile = {
      id,
      path,
      source,
      ast: parsed.ast,
      comments: parsed.comments,
      kind,
      scope: new Map(),
      imports: [],
      risk: new Map(),
    };
    if (strategy && strategy.kind === "Strategy") file.strategy = strategy;
    program.files.push(file);
    program.sources.push(source);
    inProgress.push(id);
    const targets = new Map<Node, SymbolInfo | "missing">();
    for (const item of parsed.ast.items) {
      if (item.kind === "Import") resolveImport(file, item, targets);
    }
    inProgress.pop();
    checker.checkFile(file, targets);
    return id;
  };

  const resolveImport = (file: CheckedFile, decl: ImportDecl, targets: Map<Node, SymbolInfo | "missing">): void => {
    const spec = decl.from.value;
    const missing = (): void => {
      for (const n of decl.names) targets.set(n, "missing");
      file.imports.push({ decl });
    };
    if (spec === "") return missing();
    const path = host.resolveImport(file.path, spec);
    const key = host.fileKey(path);
    const known = byKey.get(key);
    if (known !== undefined && inProgress.includes(known)) {
      const cycle = inProgress.slice(inProgress.indexOf(known)).map((i) => program.files[i]!.path);
      program.diagnostics.push(diag(Codes.ImportCycle, spanOf(decl.from), { chain: [...cycle, path].join(" → ") }));
      return missing();
    }
    let id = known;
    if (id === undefined) {
      const text = host.readFile(path);
      if (text === undefined) {
        program.diagnostics.push(diag(Codes.ImportNotFound, spanOf(decl.from), { path: spec, resolved: path }, { hint: Hints.ImportPath }));
        return missing();
      }
      id = load(path, text);
    }
    file.imports.push({ decl, file: id });
    const dep = program.files[id]!;
    const exported = [...dep.scope.values()].filter((s) => s.kind === "feature-unit" || s.kind === "fn");
    for (const n of decl.names) {
      if (n.name === "") continue;
      const target = exported.find((s) => s.name === n.name);
      if (target) {
        targets.set(n, target);
        continue;
      }
      targets.set(n, "missing");
      const names = exported.map((s) => s.name);
      const s = suggest(n.name, names);
      program.diagnostics.push(diag(Codes.ImportNotExported, spanOf(n), { path: spec, name: n.name }, {
        hint: s ? hint(Hints.DidYouMean, { name: s }) : hint(Hints.ExportedNames, { names: names.join(", ") || "nothing" }),
      }));
    }
  };

  for (const r of roots) {
    const id = load(r.path, r.text);
    if (!program.roots.includes(id)) program.roots.push(id);
  }
  reportRecursion(program);
  program.diagnostics.sort(compareDiagnostics);
  return program;
}

/** Reports each cycle of the fn call graph once, at the first fn of the cycle (source order). */
function reportRecursion(program: CheckedProgram): void {
  const reported = new Set<SymbolInfo>();
  const state = new Map<SymbolInfo, 1 | 2>(); // 1 = on the stack, 2 = done
  const stack: SymbolInfo[] = [];
  const visit = (fn: SymbolInfo): void => {
    state.set(fn, 1);
    stack.push(fn);
    for (const callee of program.fnCalls.get(fn) ?? []) {
      const s = state.get(callee);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(callee));
        if (!cycle.some((c) => reported.has(c))) {
          for (const c of cycle) reported.add(c);
          const chain = [...cycle, callee].map((c) => c.name).join(" → ");
          program.diagnostics.push(diag(Codes.Recursion, callee.nameSpan, { name: callee.name, chain }));
        }
      } else if (s === undefined) visit(callee);
    }
    stack.pop();
    state.set(fn, 2);
  };
  const fns = [...program.fnCalls.keys()].sort((a, b) => a.file - b.file || a.nameSpan.start - b.nameSpan.start);
  for (const fn of fns) if (!state.has(fn)) visit(fn);
}
