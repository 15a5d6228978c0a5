/**
 * Expressions reused across blocks: an arithmetic operation that repeats one in a dominating
 * block (or earlier in its own) on the same registers becomes a copy of the earlier result, which
 * copy propagation then removes: `packetAt(ctx, ETH_HLEN)` after `packetAt(ctx, 0)` in a block the
 * first test guards computes `data + 14` once, as clang does.
 *
 * Exact when every register involved has one definition that dominates its reads (the IR's
 * registers are not SSA, but a `const` and the temporaries lowering makes are): the earlier
 * instruction dominates the later one, so on every way to the later one it ran after the last
 * definition of each of its operands, and its result register was not written since.
 *
 * As local-cse.ts, only a result computed nearby is reused, with no call on the way: a value kept
 * live across a helper call takes one of r6–r9 (a push and a pop) or a spill, where recomputing it
 * costs an instruction or two. Conversions are left alone: reusing a sign extension (two
 * instructions) kept its result live where the linear-scan allocator then spilled the context
 * pointer (fuzzer program 40000175: 386 instructions, 445 with conversions reused).
 */
import { instDef, successors, type Block, type Inst, type IrFunction, type VReg } from "../ir/ir.js";
import { dominatorSets } from "./invariant-loads.js";
import { keyOf, regsOf } from "./local-cse.js";

/** The most blocks and instructions between an expression and its reuse. */
const MAX_BLOCKS = 8;
const MAX_INSTS = 40;

interface Site {
  block: Block;
  index: number;
}

export function reuseDominatingExpressions(fn: IrFunction): boolean {
  const defs = new Map<VReg, Site | null>();
  for (const block of fn.blocks) {
    block.insts.forEach((inst, index) => {
      const def = instDef(inst);
      if (def) defs.set(def, defs.has(def) ? null : { block, index });
    });
  }
  const dominators = dominatorSets(fn);
  const preds = new Map<Block, Block[]>(fn.blocks.map((b) => [b, []]));
  for (const b of fn.blocks) for (const s of successors(b)) preds.get(s)?.push(b);
  /** Whether a runs before b on every way to b (a ≠ b). */
  const before = (a: Site, b: Site): boolean => (a.block === b.block ? a.index < b.index : dominators.get(b.block)!.has(a.block));
  /** Whether the ways from `from` to `to` are short and free of calls (see MAX_BLOCKS). */
  const near = (from: Site, to: Site): boolean => {
    const calls = (insts: readonly Inst[]) => insts.some((i) => i.op === "call" || i.op === "callsub");
    if (from.block === to.block) {
      const between = from.block.insts.slice(from.index + 1, to.index);
      return between.length <= MAX_INSTS && !calls(between);
    }
    // Backwards from `to`, stopping at `from` (which dominates it): the blocks between.
    const region = new Set<Block>();
    const work = [...preds.get(to.block)!];
    let count = from.block.insts.length - from.index - 1 + to.index;
    let aroundTo = false;
    while (work.length > 0) {
      const b = work.pop()!;
      if (b === from.block || region.has(b)) continue;
      if (b === to.block) aroundTo = true;
      region.add(b);
      if (region.size > MAX_BLOCKS) return false;
      count += b.insts.length;
      if (calls(b.insts)) return false;
      work.push(...preds.get(b)!);
    }
    if (count > MAX_INSTS) return false;
    if (calls(from.block.insts.slice(from.index + 1))) return false;
    return !calls(aroundTo ? to.block.insts : to.block.insts.slice(0, to.index));
  };
  const available = new Map<string, (Site & { dst: VReg })[]>();
  let changed = false;
  for (const block of fn.blocks) {
    block.insts.forEach((inst, index) => {
      const key = keyOf(inst);
      const dst = instDef(inst);
      if (key === undefined || dst === undefined || inst.op !== "bin") return;
      const here = { block, index };
      const reads = regsOf(inst);
      // Every register read has one definition, before this instruction on every way to it.
      if (!reads.every((r) => { const d = defs.get(r); return d && before(d, here); })) return;
      const earlier = available.get(key)?.find((e) => e.dst !== dst && before(e, here) && near(e, here));
      if (earlier) {
        block.insts[index] = { op: "mov", dst, src: { tag: "reg", reg: earlier.dst }, ...(inst.loc ? { loc: inst.loc } : {}) };
        changed = true;
        return;
      }
      if (defs.get(dst)) (available.get(key) ?? available.set(key, []).get(key)!).push({ ...here, dst });
    });
  }
  return changed;
}

