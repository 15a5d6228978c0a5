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

/** For each block, the blocks that dominate it (itself included), by the iterative data-flow method. */
export function dominatorSets(fn: IrFunction): Map<Block, Set<Block>> {
  const entry = fn.blocks[0]!;
  const preds = new Map<Block, Block[]>(fn.blocks.map((b) => [b, []]));
  for (const b of fn.blocks) for (const s of successors(b)) preds.get(s)?.push(b);
  const all = new Set(fn.blocks);
  const dom = new Map<Block, Set<Block>>(fn.blocks.map((b) => [b, b === entry ? new Set([entry]) : new Set(all)]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of fn.blocks) {
      if (b === entry) continue;
      let next: Set<Block> | undefined;
      for (const p of preds.get(b)!) {
        const d = dom.get(p)!;
        next = next ? new Set([...next].filter((x) => d.has(x))) : new Set(d);
      }
      next ??= new Set();
      next.add(b);
      if (next.size !== dom.get(b)!.size) {
        dom.set(b, next);
        changed = true;
      }
    }
  }
  return dom;
}
