/**
 * Loads of `.rodata` (the `@config` fields, frozen before the program loads) give the same value
 * wherever they run: a load whose twin (same address and kind) ran earlier on every path — in the
 * same block before it, or in a dominating block — becomes a copy of the twin's register.
 */
import { successors, type Block, type IrFunction, type VReg } from "../ir/ir.js";

export function reuseInvariantLoads(fn: IrFunction): boolean {
  const dominators = dominatorSets(fn);
  const seen: { block: Block; index: number; key: string; reg: VReg }[] = [];
  let changed = false;
  for (const block of fn.blocks) {
    block.insts.forEach((inst, index) => {
      if (inst.op !== "load" || inst.addr.tag !== "global" || inst.addr.map !== ".rodata") return;
      const key = `${inst.addr.offset}:${inst.kind}`;
      const twin = seen.find((s) => s.key === key && (s.block === block ? s.index < index : dominators.get(block)!.has(s.block)));
      if (twin && twin.reg.kind === inst.dst.kind) {
        block.insts[index] = { op: "mov", dst: inst.dst, src: { tag: "reg", reg: twin.reg }, ...(inst.loc ? { loc: inst.loc } : {}) };
        changed = true;
      } else {
        seen.push({ block, index, key, reg: inst.dst });
      }
    });
  }
  return changed;
}

/** Whether a block dominates the block it was asked for (itself included). */
export interface DominatorQuery {
  has(dominator: Block): boolean;
}

/**
 * For each block, which blocks dominate it (itself included). The immediate dominators come from
 * Cooper, Harvey and Kennedy's iterative algorithm over reverse postorder, and each query is two
 * comparisons of the dominator tree's DFS numbers: linear in the blocks, where sets of dominators
 * per block were quadratic in time and memory (a method of thousands of `if`s). A block the entry
 * does not reach is dominated by itself only.
 */
export function dominatorSets(fn: IrFunction): Map<Block, DominatorQuery> {
  const entry = fn.blocks[0];
  const result = new Map<Block, DominatorQuery>();
  if (entry === undefined) return result;
  // Reverse postorder by an explicit stack (no recursion: thousands of blocks).
  const order = new Map<Block, number>();
  const postorder: Block[] = [];
  const visited = new Set<Block>([entry]);
  const stack: { block: Block; next: Block[]; i: number }[] = [{ block: entry, next: successors(entry), i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i < top.next.length) {
      const s = top.next[top.i++]!;
      if (!visited.has(s)) {
        visited.add(s);
        stack.push({ block: s, next: successors(s), i: 0 });
      }
    } else {
      postorder.push(top.block);
      stack.pop();
    }
  }
  const rpo = postorder.reverse();
  rpo.forEach((b, i) => order.set(b, i));
  const preds = new Map<Block, Block[]>(rpo.map((b) => [b, []]));
  for (const b of rpo) for (const s of successors(b)) preds.get(s)?.push(b);
  const idom = new Map<Block, Block>([[entry, entry]]);
  const intersect = (a: Block, b: Block): Block => {
    while (a !== b) {
      while (order.get(a)! > order.get(b)!) a = idom.get(a)!;
      while (order.get(b)! > order.get(a)!) b = idom.get(b)!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of rpo) {
      if (b === entry) continue;
      let next: Block | undefined;
      for (const p of preds.get(b)!) {
        if (!idom.has(p)) continue;
        next = next === undefined ? p : intersect(p, next);
      }
      if (next !== undefined && idom.get(b) !== next) {
        idom.set(b, next);
        changed = true;
      }
    }
  }
  // DFS numbers on the dominator tree: a dominates b when b's interval lies inside a's.
  const children = new Map<Block, Block[]>(rpo.map((b) => [b, []]));
  for (const b of rpo) if (b !== entry) children.get(idom.get(b)!)!.push(b);
  const enter = new Map<Block, number>();
  const leave = new Map<Block, number>();
  let clock = 0;
  const walk: { block: Block; i: number }[] = [{ block: entry, i: 0 }];
  enter.set(entry, clock++);
  while (walk.length > 0) {
    const top = walk[walk.length - 1]!;
    const kids = children.get(top.block)!;
    if (top.i < kids.length) {
      const child = kids[top.i++]!;
      enter.set(child, clock++);
      walk.push({ block: child, i: 0 });
    } else {
      leave.set(top.block, clock++);
      walk.pop();
    }
  }
  for (const b of fn.blocks) {
    const inB = enter.get(b);
    if (inB === undefined) {
      result.set(b, { has: (d) => d === b });
      continue;
    }
    const outB = leave.get(b)!;
    result.set(b, {
      has: (d) => {
        const inD = enter.get(d);
        return inD !== undefined && inD <= inB && outB <= leave.get(d)!;
      },
    });
  }
  return result;
}
