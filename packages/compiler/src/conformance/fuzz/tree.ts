/**
 * Generated programs are trees of nodes, each rendering itself from its children's text, so that
 * the minimiser can drop statements and replace subexpressions without re-parsing anything.
 */

/** `n`: a number-kind expression (up to 32 bits); `b`: a bigint-kind one; `c`: a condition (bool). */
export type ExprType = "n" | "b" | "c";
export type NodeType = ExprType | "stmt";

export interface Node {
  type: NodeType;
  kids: Node[];
  render(kids: string[]): string;
  /** A statement the minimiser may delete (declarations others read are not). */
  removable?: boolean;
  /** A statement the minimiser keeps (the final return). */
  keep?: boolean;
  /** An expression the minimiser must not replace (a shift count's mask: without it the shift is undefined). */
  fixed?: boolean;
  /** A node that holds a statement list in its kids (blocks, loop and if bodies). */
  list?: boolean;
}

export function render(node: Node): string {
  return node.render(node.kids.map(render));
}

export const leaf = (type: NodeType, text: string): Node => ({ type, kids: [], render: () => text });

export function node(type: NodeType, kids: Node[], f: (k: string[]) => string, extra: Partial<Node> = {}): Node {
  return { type, kids, render: f, ...extra };
}

/** A `{ ... }` statement list whose entries the minimiser may remove. */
export function list(statements: Node[]): Node {
  return { type: "stmt", kids: statements, list: true, render: (k) => k.join("\n") };
}

/** Every node with its parent and index, depth first. */
export function* walk(root: Node, parent?: Node, index = 0): Generator<{ node: Node; parent: Node | undefined; index: number }> {
  yield { node: root, parent, index };
  for (let i = 0; i < root.kids.length; i++) yield* walk(root.kids[i]!, root, i);
}

export function clone(n: Node): Node {
  return { ...n, kids: n.kids.map(clone) };
}
