/**
 * A load from memory through a pointer register (the context, a packet, a map value) repeats an
 * earlier one when the earlier one ran on every path to it and nothing on the way could have
 * written memory: no store, atomic, copy or zero-fill, no helper or subprogram call (helpers may
 * write memory, or move the packet). The later load becomes a copy of the earlier one's register,
 * which copy propagation then removes: `packetAt` reads ctx->data and ctx->data_end once, and a
 * header field tested twice is read once, as clang does.
 */
import { instDef, successors, type Block, type Inst, type IrFunction, type VReg } from "../ir/ir.js";
import { dominatorSets } from "./invariant-loads.js";

const CLOBBERS = new Set<Inst["op"]>(["store", "atomicAdd", "atomic", "copy", "zero", "call", "callsub"]);

function clobbers(insts: readonly Inst[]): boolean {
  return insts.some((inst) => CLOBBERS.has(inst.op));
}

function reachableFrom(starts: Block[], next: (b: Block) => Block[]): Set<Block> {
  const seen = new Set<Block>();
  const work = [...starts];
  while (work.length > 0) {
    const b = work.pop()!;
    if (seen.has(b)) continue;
    seen.add(b);
    work.push(...next(b));
  }
  return seen;
}

export function reuseRedundantLoads(fn: IrFunction): boolean {
  const defs = new Map<VReg, number>();
  for (const block of fn.blocks) {
    for (const inst of block.insts) {
      const def = instDef(inst);
      if (def) defs.set(def, (defs.get(def) ?? 0) + 1);
    }
  }
  const once = (r: VReg): boolean => defs.get(r) === 1;
  const preds = new Map<Block, Block[]>(fn.blocks.map((b) => [b, []]));
  for (const b of fn.blocks) for (const s of successors(b)) preds.get(s)?.push(b);
  const dominators = dominatorSets(fn);

  /** Whether some path from just after (b1, i1) to just before (b2, i2) may write memory. */
  const clobberedBetween = (b1: Block, i1: number, b2: Block, i2: number): boolean => {
    if (b1 === b2 && i1 < i2) {
      // Straight-line unless b1 is in a loop that the path could go around: then check it all.
      const loops = reachableFrom(successors(b1), successors).has(b1);
      if (!loops) return clobbers(b1.insts.slice(i1 + 1, i2));
    }
    const forward = reachableFrom(successors(b1), successors);
    const backward = reachableFrom(preds.get(b2)!, (b) => preds.get(b)!);
    const region = [...forward].filter((b) => backward.has(b));
    for (const b of region) if (b !== b1 && b !== b2 && clobbers(b.insts)) return true;
    if (forward.has(b1) && backward.has(b1)) {
      if (clobbers(b1.insts)) return true;
    } else if (clobbers(b1.insts.slice(i1 + 1))) return true;
    if (forward.has(b2) && backward.has(b2) && b2 !== b1) {
      if (clobbers(b2.insts)) return true;
    } else if (clobbers(b2.insts.slice(0, i2))) return true;
    return false;
  };

  const seen: { block: Block; index: number; base: VReg; offset: number; kind: string; dst: VReg }[] = [];
  let changed = false;
  for (const block of fn.blocks) {
    block.insts.forEach((inst, index) => {
      if (inst.op !== "load" || inst.addr.tag !== "reg" || inst.relo || !once(inst.addr.base)) return;
      const { base, offset } = inst.addr;
      const twin = seen.find((s) =>
        s.base === base && s.offset === offset && s.kind === inst.kind && s.dst.kind === inst.dst.kind &&
        (s.block === block ? s.index < index : dominators.get(block)!.has(s.block)) &&
        !clobberedBetween(s.block, s.index, block, index));
      if (twin) {
        block.insts[index] = { op: "mov", dst: inst.dst, src: { tag: "reg", reg: twin.dst }, ...(inst.loc ? { loc: inst.loc } : {}) };
        changed = true;
      } else if (once(inst.dst)) {
        seen.push({ block, index, base, offset, kind: inst.kind, dst: inst.dst });
      }
    });
  }
  return changed;
}
