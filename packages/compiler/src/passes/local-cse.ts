/**
 * Local common subexpressions: within a block, a conversion or an arithmetic operation that
 * repeats an earlier one on the same operands (`i32(s.b) === i32(s.b)` converts s.b twice) becomes
 * a copy of the earlier result, as long as neither the operands nor that result were written in
 * between. Copy propagation then makes both sides one register, which constant folding decides
 * (`x === x`, `x - x`).
 */
import { instDef, type Inst, type IrFunction, type Operand, type VReg } from "../ir/ir.js";

function operandKey(o: Operand): string | undefined {
  if (o.tag === "reg") return `r${o.reg.id}`;
  if (o.tag === "imm") return `i${o.value}:${o.kind}`;
  return undefined;
}

function keyOf(inst: Inst): string | undefined {
  if (inst.op === "conv") {
    const src = operandKey(inst.src);
    return src && `conv ${inst.from} ${inst.to} ${src} ${inst.dst.kind}`;
  }
  if (inst.op === "bin") {
    const a = operandKey(inst.a);
    const b = operandKey(inst.b);
    return a && b && `${inst.bop} ${inst.kind} ${a} ${b} ${inst.dst.kind}`;
  }
  return undefined;
}

function regsOf(inst: Inst): VReg[] {
  if (inst.op === "conv") return inst.src.tag === "reg" ? [inst.src.reg] : [];
  if (inst.op === "bin") return [inst.a, inst.b].flatMap((o) => (o.tag === "reg" ? [o.reg] : []));
  return [];
}

export function reuseLocalExpressions(fn: IrFunction): boolean {
  let changed = false;
  for (const block of fn.blocks) {
    const available = new Map<string, { dst: VReg; reads: VReg[] }>();
    block.insts = block.insts.map((inst): Inst => {
      const key = keyOf(inst);
      const earlier = key === undefined ? undefined : available.get(key);
      let out: Inst = inst;
      if (earlier && earlier.dst !== instDef(inst)) {
        out = { op: "mov", dst: instDef(inst)!, src: { tag: "reg", reg: earlier.dst }, ...(inst.loc ? { loc: inst.loc } : {}) };
        changed = true;
      }
      // A write invalidates every expression that reads the register or whose result it is.
      const def = instDef(out);
      if (def) for (const [k, e] of available) if (e.dst === def || e.reads.includes(def)) available.delete(k);
      if (key !== undefined && out === inst && def && !regsOf(inst).includes(def)) available.set(key, { dst: def, reads: regsOf(inst) });
      return out;
    });
  }
  return changed;
}
