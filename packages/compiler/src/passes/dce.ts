/**
 * Dead code: blocks no path reaches, pure instructions whose result nobody reads, and jumps to
 * blocks that only jump on.
 */
import { instDef, instUses, isPure, successors, type Block, type IrFunction, type VReg } from "../ir/ir.js";

/** Drops blocks unreachable from the entry. */
export function removeUnreachable(fn: IrFunction): boolean {
  const reached = new Set<Block>();
  const work = [fn.blocks[0]!];
  while (work.length > 0) {
    const block = work.pop()!;
    if (reached.has(block)) continue;
    reached.add(block);
    work.push(...successors(block));
  }
  const before = fn.blocks.length;
  fn.blocks = fn.blocks.filter((b) => reached.has(b));
  return fn.blocks.length !== before;
}

/** Drops pure instructions whose destination register is never read anywhere. */
export function removeDeadInstructions(fn: IrFunction): boolean {
  let changed = false;
  for (;;) {
    const used = new Set<VReg>();
    for (const block of fn.blocks) {
      for (const inst of block.insts) for (const r of instUses(inst)) used.add(r);
      if (block.term) for (const r of instUses(block.term)) used.add(r);
    }
    let removed = false;
    for (const block of fn.blocks) {
      const kept = block.insts.filter((inst) => {
        const def = instDef(inst);
        if (inst.op === "mov" && inst.src.tag === "reg" && inst.src.reg === inst.dst) return false;
        if (!def || !isPure(inst) || used.has(def)) return true;
        return false;
      });
      if (kept.length !== block.insts.length) {
        block.insts = kept;
        removed = true;
      }
      // A call whose result is unused keeps its effect but needs no destination.
      for (const inst of block.insts) {
        if ((inst.op === "call" || inst.op === "callsub") && inst.dst && !used.has(inst.dst)) {
          delete inst.dst;
          removed = true;
        }
      }
    }
    if (!removed) return changed;
    changed = true;
  }
}

/** Retargets jumps through empty blocks that only jump on (`b1: br b2`). */
export function threadJumps(fn: IrFunction): boolean {
  const forward = (block: Block): Block => {
    const seen = new Set<Block>();
    let current = block;
    while (current.insts.length === 0 && current.term?.op === "br" && !seen.has(current)) {
      seen.add(current);
      current = current.term.target;
    }
    return current;
  };
  let changed = false;
  for (const block of fn.blocks) {
    const term = block.term;
    if (term?.op === "br") {
      const target = forward(term.target);
      if (target !== term.target) {
        term.target = target;
        changed = true;
      }
    } else if (term?.op === "cbr") {
      const then = forward(term.then);
      const otherwise = forward(term.else);
      if (then !== term.then || otherwise !== term.else) {
        term.then = then;
        term.else = otherwise;
        changed = true;
      }
      if (term.then === term.else) {
        block.term = { op: "br", target: term.then };
        if (term.loc) block.term.loc = term.loc;
        changed = true;
      }
    }
  }
  return changed;
}

/** Appends a block to its only predecessor when that predecessor jumps straight to it. */
export function mergeBlocks(fn: IrFunction): boolean {
  const predecessors = new Map<Block, number>();
  for (const block of fn.blocks) for (const next of successors(block)) predecessors.set(next, (predecessors.get(next) ?? 0) + 1);
  let changed = false;
  for (const block of fn.blocks) {
    for (;;) {
      const term = block.term;
      if (term?.op !== "br") break;
      const next = term.target;
      if (next === block || next === fn.blocks[0] || predecessors.get(next) !== 1) break;
      block.insts.push(...next.insts);
      block.term = next.term;
      next.insts = [];
      next.term = { op: "br", target: next }; // unreachable now; removed below
      predecessors.delete(next);
      changed = true;
    }
  }
  if (changed) removeUnreachable(fn);
  return changed;
}
