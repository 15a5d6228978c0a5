/**
 * Copy propagation: `d = s` where both registers are defined exactly once and have the same kind
 * makes every use of `d` a use of `s` (the single definition of `d` comes after the one of `s`
 * and neither changes afterwards), and the copy goes away. Locals assigned once (`const`) and the
 * temporaries lowering creates collapse this way.
 */
import { isSigned, kindBits } from "../checker/kinds.js";
import { instDef, type Inst, type IrFunction, type Operand, type VReg } from "../ir/ir.js";
import { mapOperands } from "./operands.js";

/**
 * Whether `src`'s register can stand for `dst`: same kind, or a narrower unsigned kind read as a
 * wider one (its register is zero-extended, so the bits are the same).
 */
function sameBits(src: VReg, dst: VReg): boolean {
  if (src.kind === dst.kind) return true;
  if (src.kind === "ptr" || dst.kind === "ptr") return false;
  // A narrower unsigned value is zero-extended: the same bits in any wider kind, signed or not.
  return kindBits(dst.kind) > kindBits(src.kind) && !isSigned(src.kind);
}

export function propagateCopies(fn: IrFunction): boolean {
  const defs = new Map<VReg, number>();
  for (const block of fn.blocks) {
    for (const inst of block.insts) {
      const def = instDef(inst);
      if (def) defs.set(def, (defs.get(def) ?? 0) + 1);
    }
  }
  const replace = new Map<VReg, VReg>();
  for (const block of fn.blocks) {
    for (const inst of block.insts) {
      if (inst.op !== "mov" || inst.src.tag !== "reg") continue;
      const { dst, src } = { dst: inst.dst, src: inst.src.reg };
      if (dst === src || !sameBits(src, dst) || defs.get(dst) !== 1 || defs.get(src) !== 1) continue;
      replace.set(dst, src);
    }
  }
  if (replace.size === 0) return false;
  const resolve = (r: VReg): VReg => {
    let current = r;
    for (let guard = 0; replace.has(current) && guard < 64; guard++) current = replace.get(current)!;
    return current;
  };
  const sub = (o: Operand): Operand => (o.tag === "reg" && replace.has(o.reg) ? { tag: "reg", reg: resolve(o.reg) } : o);
  for (const block of fn.blocks) {
    block.insts = block.insts
      .filter((inst) => !(inst.op === "mov" && replace.has(inst.dst)))
      .map((inst) => mapOperands(inst, sub, resolve) as Inst);
    if (block.term) block.term = mapOperands(block.term, sub, resolve);
  }
  return true;
}
