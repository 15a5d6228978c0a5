/**
 * Local rewrites that make code smaller without changing it:
 * - `conv u64→u32` of a value shifted right by 32 or more (unsigned) is a copy: the value fits,
 *   and the IR's registers of 32-bit kinds hold their values zero-extended.
 * - `conv` from an unsigned kind to a wider kind (signed or not) is a copy, for the same reason.
 * - `t = a op b; x = t` is `x = a op b` when nothing else reads `t`.
 * - a store keeps the low bits only: it takes a truncation's source rather than its result.
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
  changed = storeWithoutTruncation(fn) || changed;
  return retargetIntoCopies(fn, uses) || changed;
}

/**
 * A store of `kind` keeps only the low bits of its value: a conversion whose result is stored
 * (`u32(pidTgid)` into a u32 member) need not run first when both its source and its result have
 * at least those bits; the store takes the source and the conversion goes if nothing else reads it.
 */
function storeWithoutTruncation(fn: IrFunction): boolean {
  // Definitions as they are now (the rewrites above may have moved some).
  const single = new Map<VReg, Inst | null>();
  for (const block of fn.blocks) {
    for (const inst of block.insts) {
      const def = instDef(inst);
      if (def) single.set(def, single.has(def) ? null : inst);
    }
  }
  let changed = false;
  for (const block of fn.blocks) {
    block.insts = block.insts.map((inst): Inst => {
      if (inst.op !== "store" || inst.value.tag !== "reg" || inst.kind === "ptr") return inst;
      const conv = single.get(inst.value.reg);
      // A conversion to bool is `!= 0`, not a truncation: its low bits are not the source's.
      if (conv?.op !== "conv" || conv.to === "bool" || conv.src.tag !== "reg" || conv.src.reg.kind === "ptr") return inst;
      const bits = kindBits(inst.kind);
      if (bits > kindBits(conv.to) || bits > kindBits(conv.from) || conv.src.reg.kind !== conv.from) return inst;
      // The source must still hold its value here: it has one definition (it dominates the conversion).
      if (single.get(conv.src.reg) === null || !single.has(conv.src.reg)) return inst;
      changed = true;
      return { ...inst, value: conv.src };
    });
  }
  return changed;
}

/**
 * `t = a op b; x = t` with `t` read nowhere else is `x = a op b` (a local updated in place:
 * `micros = micros >> 1n`, `i++`); the two are adjacent, so nothing reads `x` in between.
 */
function retargetIntoCopies(fn: IrFunction, uses: Map<VReg, number>): boolean {
  let changed = false;
  for (const block of fn.blocks) {
    const out: Inst[] = [];
    for (const inst of block.insts) {
      const previous = out[out.length - 1];
      if (inst.op === "mov" && inst.src.tag === "reg" && previous && previous.op !== "call" && previous.op !== "callsub" && previous.op !== "param") {
        const t = inst.src.reg;
        if (instDef(previous) === t && uses.get(t) === 1 && t.kind === inst.dst.kind && t !== inst.dst && !t.nonNull) {
          (previous as { dst: VReg }).dst = inst.dst;
          changed = true;
          continue;
        }
      }
      out.push(inst);
    }
    block.insts = out;
  }
  return changed;
}
