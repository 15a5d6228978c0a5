/**
 * Greedy minimisation of a failing program tree: drop removable statements, then replace
 * expressions by one of their own subexpressions of the same type or by a plain operand, as long
 * as the program still fails the same way. Every candidate stays well-typed by construction.
 */
import { clone, leaf, walk, type Node } from "./tree.js";

const SIMPLE: Record<string, string> = { n: "ctx.x_u32", b: "ctx.x_u64", c: "(ctx.x_u8 < ctx.y_u8)" };

/** Candidate edits of a tree, smallest results first. */
function* candidates(root: Node): Generator<Node> {
  const nodes = [...walk(root)];
  // Statements, largest first.
  const statements = nodes.filter((e) => e.parent?.list && !e.node.keep).sort((a, b) => size(b.node) - size(a.node));
  for (const s of statements) {
    const copy = clone(root);
    const target = locate(copy, root, s.parent!);
    target.kids.splice(s.index, 1);
    yield copy;
  }
  for (const e of nodes) {
    const type = e.node.type;
    if (type === "stmt" || !e.parent || e.node.kids.length === 0 || e.node.fixed) continue;
    for (const kid of e.node.kids.filter((k) => k.type === type)) {
      const copy = clone(root);
      locate(copy, root, e.parent).kids[e.index] = clone(kid);
      yield copy;
    }
    const copy = clone(root);
    locate(copy, root, e.parent).kids[e.index] = leaf(type, SIMPLE[type]!);
    yield copy;
  }
}

function size(n: Node): number {
  return 1 + n.kids.reduce((s, k) => s + size(k), 0);
}

/** The node in `copy` at the position `target` has in `original`. */
function locate(copy: Node, original: Node, target: Node): Node {
  if (original === target) return copy;
  for (let i = 0; i < original.kids.length; i++) {
    const found = locateOrUndefined(copy.kids[i]!, original.kids[i]!, target);
    if (found) return found;
  }
  throw new Error("node not found");
}

function locateOrUndefined(copy: Node, original: Node, target: Node): Node | undefined {
  if (original === target) return copy;
  for (let i = 0; i < original.kids.length; i++) {
    const found = locateOrUndefined(copy.kids[i]!, original.kids[i]!, target);
    if (found) return found;
  }
  return undefined;
}

/** Minimises `tree` while `fails` holds; at most `budget` candidates are tried. */
export async function minimize(tree: Node, fails: (t: Node) => Promise<boolean>, budget = 400): Promise<Node> {
  let current = tree;
  let tried = 0;
  for (let progress = true; progress && tried < budget; ) {
    progress = false;
    for (const candidate of candidates(current)) {
      if (++tried > budget) break;
      if (await fails(candidate)) {
        current = candidate;
        progress = true;
        break;
      }
    }
  }
  return current;
}
