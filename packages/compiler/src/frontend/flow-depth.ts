/**
 * How deep tsc's control-flow analysis would recurse in a function, read from the flow graph its
 * binder leaves on the AST. tsc narrows a reference by walking that graph backwards from the
 * reference, one nested call per condition, switch clause and join of two or more paths; at 2,000
 * nested calls it gives up with TS2563 and types every later reference in the function as
 * "error" (a method of a few thousand `if`s). The walk here is the same one, without a reference:
 * the longest chain of nested calls from any reference of the function to its start, an upper
 * bound of what a reference there costs tsc (a reference stops earlier at an assignment to it).
 *
 * The flow graph is internal to tsc (`node.flowNode`, `FlowNode.antecedent(s)`, `FlowFlags`): its
 * shape is checked as it is read, and an unexpected shape counts as "not deep" (tsc then decides).
 */
import { ts } from "ts-morph";

/** tsc's own limit (checker.ts, getTypeAtFlowNode: `flowDepth === 2000`). */
export const TSC_FLOW_DEPTH_LIMIT = 2000;

// ts.FlowFlags, internal to tsc; the values have been stable since TypeScript 2.x.
const Unreachable = 1 << 0;
const Start = 1 << 1;
const BranchLabel = 1 << 2;
const LoopLabel = 1 << 3;
const Condition = (1 << 5) | (1 << 6);
const SwitchClause = 1 << 7;
const ReduceLabel = 1 << 10;

interface FlowNode {
  flags: number;
  antecedent?: FlowNode | FlowNode[];
}

function isFlowNode(value: unknown): value is FlowNode {
  return typeof value === "object" && value !== null && typeof (value as FlowNode).flags === "number";
}

/** The flow node tsc starts a walk at for this AST node (identifiers, `this`, member accesses). */
export function flowNodeOf(node: ts.Node): FlowNode | undefined {
  const flow = (node as { flowNode?: unknown }).flowNode;
  return isFlowNode(flow) ? flow : undefined;
}

/** The antecedents tsc recurses into at this node, or undefined when it walks on (or stops) without recursing. */
function recursesInto(flow: FlowNode): FlowNode[] | undefined {
  if (flow.flags & (Condition | SwitchClause | ReduceLabel)) return isFlowNode(flow.antecedent) ? [flow.antecedent] : [];
  if (flow.flags & (BranchLabel | LoopLabel) && Array.isArray(flow.antecedent) && flow.antecedent.length > 1) return flow.antecedent.filter(isFlowNode);
  return undefined;
}

/**
 * Nested calls tsc needs from each recursion point to the start, memoised across the walks of one
 * function (iterative: a recursive walk would overflow the JavaScript stack exactly where tsc does).
 */
export class FlowDepth {
  readonly #depth = new Map<FlowNode, number>();
  /** The next recursion point from a node (null: none), for every node a walk passed: straight-line code is walked once. */
  readonly #next = new Map<FlowNode, FlowNode | null>();

  /** The next node tsc recurses at, walking from `flow` (undefined at the start or a dead end). */
  #nextRecursion(flow: FlowNode): FlowNode | undefined {
    const passed: FlowNode[] = [];
    let at: FlowNode | undefined = flow;
    let found: FlowNode | null = null;
    while (at) {
      const known = this.#next.get(at);
      if (known !== undefined) {
        found = known;
        break;
      }
      if (recursesInto(at)) {
        found = at;
        break;
      }
      passed.push(at);
      if (at.flags & (Start | Unreachable)) break;
      const next: FlowNode | FlowNode[] | undefined = at.antecedent;
      at = Array.isArray(next) ? next[0] : next;
      if (passed.length > 10_000_000) break;
    }
    for (const node of passed) this.#next.set(node, found);
    return found ?? undefined;
  }

  /** tsc's nested calls for a walk starting at `flow`. */
  from(flow: FlowNode): number {
    const first = this.#nextRecursion(flow);
    return first ? 1 + this.#at(first) : 1;
  }

  #at(root: FlowNode): number {
    const known = this.#depth.get(root);
    if (known !== undefined) return known;
    const onStack = new Set<FlowNode>([root]);
    const stack: { node: FlowNode; children: FlowNode[]; i: number; best: number }[] = [{ node: root, children: recursesInto(root) ?? [], i: 0, best: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i === top.children.length) {
        stack.pop();
        onStack.delete(top.node);
        this.#depth.set(top.node, top.best);
        if (stack.length > 0) {
          const parent = stack[stack.length - 1]!;
          parent.best = Math.max(parent.best, 1 + top.best);
        }
        continue;
      }
      const child = top.children[top.i++]!;
      const next = this.#nextRecursion(child);
      if (!next) {
        top.best = Math.max(top.best, 1);
        continue;
      }
      // `child` costs one call, and `next` what it recurses into.
      const depth = this.#depth.get(next);
      if (depth !== undefined) top.best = Math.max(top.best, 1 + depth);
      else if (onStack.has(next)) top.best = Math.max(top.best, 1); // a loop's back edge: tsc's loop stack stops there
      else {
        onStack.add(next);
        stack.push({ node: next, children: recursesInto(next) ?? [], i: 0, best: 0 });
      }
    }
    return this.#depth.get(root)!;
  }
}
