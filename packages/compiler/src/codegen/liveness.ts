/**
 * Live intervals of virtual registers over the linear instruction order: each register's interval
 * runs from the first to the last position where it is live (a conservative single range, which
 * is what a linear-scan allocator wants).
 */
import { instDef, instUses, successors, type Block, type VReg } from "../ir/ir.js";

export interface Interval {
  reg: VReg;
  start: number;
  end: number;
}

/** Positions: each instruction and each terminator takes one, in layout order. */
export function blockPositions(order: Block[]): Map<Block, { start: number; end: number }> {
  const positions = new Map<Block, { start: number; end: number }>();
  let position = 0;
  for (const block of order) {
    const start = position;
    position += block.insts.length + 1;
    positions.set(block, { start, end: position - 1 });
  }
  return positions;
}

export function liveIntervals(order: Block[]): Interval[] {
  const positions = blockPositions(order);
  const { liveIn, liveOut } = liveSets(order);
  const ranges = new Map<VReg, { start: number; end: number }>();
  const extend = (r: VReg, at: number): void => {
    const range = ranges.get(r);
    if (!range) ranges.set(r, { start: at, end: at });
    else {
      range.start = Math.min(range.start, at);
      range.end = Math.max(range.end, at);
    }
  };
  for (const block of order) {
    const { start, end } = positions.get(block)!;
    for (const r of liveIn.get(block)!) extend(r, start);
    for (const r of liveOut.get(block)!) extend(r, end);
    const all = [...block.insts, ...(block.term ? [block.term] : [])];
    all.forEach((inst, j) => {
      const def = instDef(inst);
      if (def) extend(def, start + j);
      for (const r of instUses(inst)) extend(r, start + j);
    });
  }
  return [...ranges].map(([reg, range]) => ({ reg, ...range })).sort((a, b) => a.start - b.start || a.reg.id - b.reg.id);
}

/** Registers live into and out of each block (any block order; the reverse one converges fastest). */
export function liveSets(order: Block[]): { liveIn: Map<Block, Set<VReg>>; liveOut: Map<Block, Set<VReg>> } {
  // Backward dataflow to a fixed point: liveIn = uses ∪ (liveOut − defs).
  const liveIn = new Map<Block, Set<VReg>>();
  const liveOut = new Map<Block, Set<VReg>>();
  for (const block of order) {
    liveIn.set(block, new Set());
    liveOut.set(block, new Set());
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = order.length - 1; i >= 0; i--) {
      const block = order[i]!;
      const out = new Set<VReg>();
      for (const next of successors(block)) for (const r of liveIn.get(next) ?? []) out.add(r);
      const live = new Set(out);
      const all = [...block.insts, ...(block.term ? [block.term] : [])];
      for (let j = all.length - 1; j >= 0; j--) {
        const inst = all[j]!;
        const def = instDef(inst);
        if (def) live.delete(def);
        for (const r of instUses(inst)) live.add(r);
      }
      if (!sameSet(live, liveIn.get(block)!) || !sameSet(out, liveOut.get(block)!)) {
        liveIn.set(block, live);
        liveOut.set(block, out);
        changed = true;
      }
    }
  }
  return { liveIn, liveOut };
}

function sameSet<T>(a: Set<T>, b: Set<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
