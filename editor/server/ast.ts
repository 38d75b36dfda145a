/**
 * Generic walks over the AST for the language server: every node's children (found by shape, so
 * new node kinds need no change here), the chain of nodes enclosing an offset, and a visit of
 * every node of a file. Never throws on partial, error-recovered trees.
 */
import type { Node, Program } from "../../grammar/index.js";

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as { kind?: unknown }).kind === "string" && typeof (v as { start?: unknown }).start === "number";
}

/** The direct child nodes of a node, in field order. */
export function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  for (const key of Object.keys(node)) {
    // checkedType: the checker's type slot of an expression (grammar/ast.ts ExprSlot), not syntax.
    if (key === "checkedType") continue;
    const v = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) {
      for (const x of v) if (isNode(x)) out.push(x);
    } else if (isNode(v)) out.push(v);
  }
  return out;
}

/** Visits every node under `root` (pre-order, root included). */
export function visit(root: Node, fn: (node: Node, parent: Node | undefined) => void): void {
  const stack: Array<[Node, Node | undefined]> = [[root, undefined]];
  while (stack.length > 0) {
    const [n, p] = stack.pop()!;
    fn(n, p);
    const kids = childrenOf(n);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, n]);
  }
}

/**
 * The nodes enclosing `offset`, outermost first (Program first). A node contains the offset when
 * start <= offset <= end, so a cursor just after a name still finds it; the innermost wins.
 */
export function pathAt(program: Program, offset: number): Node[] {
  const path: Node[] = [program];
  let current: Node = program;
  for (;;) {
    let next: Node | undefined;
    for (const c of childrenOf(current)) {
      if (c.start <= offset && offset <= c.end && c.end > c.start) {
        next = c;
        // Prefer a child that strictly contains the offset over one that merely ends at it.
        if (offset < c.end) break;
      }
    }
    if (!next) return path;
    path.push(next);
    current = next;
  }
}
