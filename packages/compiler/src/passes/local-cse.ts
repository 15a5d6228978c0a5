/**
 * Local common subexpressions: within a block, a conversion or an arithmetic operation that
 * repeats an earlier one on the same operands (`i32(s.b) === i32(s.b)` converts s.b twice) becomes
 * a copy of the earlier result, as long as neither the operands nor that result were written in
 * between. Copy propagation then makes both sides one register, which constant folding decides
 * (`x === x`, `x - x`).
 *
 * Only an expression computed a few instructions before is reused: reusing one from far back
 * keeps its register live across everything in between, which costs spills (a method of 2,000
 * `acc ^= pid + k` statements held dozens of sums live and ran out of stack), where recomputing
 * it costs one instruction.
 */
import { instDef, type Inst, type IrFunction, type Operand, type VReg } from "../ir/ir.js";

function operandKey(o: Operand): string | undefined {
  if (o.tag === "reg") return `r${o.reg.id}`;
  if (o.tag === "imm") return `i${o.value}:${o.kind}`;
  return undefined;
}

/** What identifies an expression (a conversion or an arithmetic operation) for reuse, or undefined. */
export function keyOf(inst: Inst): string | undefined {
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

/** The registers an expression reads. */
export function regsOf(inst: Inst): VReg[] {
  if (inst.op === "conv") return inst.src.tag === "reg" ? [inst.src.reg] : [];
  if (inst.op === "bin") return [inst.a, inst.b].flatMap((o) => (o.tag === "reg" ? [o.reg] : []));
  return [];
}

/** How many instructions back an earlier result may be reused from. */
const REUSE_WINDOW = 16;

export function reuseLocalExpressions(fn: IrFunction): boolean {
  let changed = false;
  for (const block of fn.blocks) {
    const available = new Map<string, { dst: VReg; reads: VReg[]; at: number }>();
    block.insts = block.insts.map((inst, at): Inst => {
      for (const [k, e] of available) if (at - e.at > REUSE_WINDOW) available.delete(k);
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
      if (key !== undefined && out === inst && def && !regsOf(inst).includes(def)) available.set(key, { dst: def, reads: regsOf(inst), at });
      return out;
    });
  }
  return changed;
}
