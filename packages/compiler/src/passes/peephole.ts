/**
 * Local rewrites that make code smaller without changing it:
 * - `conv u64→u32` of a value shifted right by 32 or more (unsigned) is a copy: the value fits,
 *   and the IR's registers of 32-bit kinds hold their values zero-extended.
 * - `conv` from an unsigned kind to a wider kind (signed or not) is a copy, for the same reason.
 */
import { kindBits, isSigned } from "../checker/kinds.js";
import { instDef, instUses, type Inst, type IrFunction, type VReg } from "../ir/ir.js";

export function peephole(fn: IrFunction): boolean {
  const single = new Map<VReg, Inst | null>();
  const uses = new Map<VReg, number>();
  for (const block of fn.blocks) {
    for (const inst of [...block.insts, ...(block.term ? [block.term] : [])]) {
      for (const r of instUses(inst)) uses.set(r, (uses.get(r) ?? 0) + 1);
      const def = instDef(inst);
      if (def) single.set(def, single.has(def) ? null : inst as Inst);
    }
  }
  const dropped = new Set<Inst>();
  let changed = false;
  for (const block of fn.blocks) {
    block.insts = block.insts.map((inst): Inst => {
      if (inst.op !== "conv" || inst.src.tag !== "reg") return inst;
      const copy: Inst = { op: "mov", dst: inst.dst, src: inst.src, ...(inst.loc ? { loc: inst.loc } : {}) };
      if (kindBits(inst.to) > kindBits(inst.from) && !isSigned(inst.from)) {
        changed = true;
        return copy;
      }
      if (kindBits(inst.from) === 64 && (inst.to === "u32" || inst.to === "i32")) {
        const producer = single.get(inst.src.reg);
        if (producer?.op === "bin" && producer.bop === "shr" && !isSigned(producer.kind) && producer.b.tag === "imm" && producer.b.value >= 32n && producer.b.value < 64n) {
          if (inst.to === "u32" || producer.b.value > 32n) {
            changed = true;
            if (uses.get(inst.src.reg) !== 1) return copy;
            // The shift's only reader is this conversion: the shift defines the result itself.
            producer.dst = inst.dst;
            dropped.add(copy);
            return copy;
          }
        }
      }
      return inst;
    });
    block.insts = block.insts.filter((inst) => !dropped.has(inst));
  }
  return changed;
}
