/**
 * Constant folding and propagation: registers known to hold a constant (within a block, or
 * everywhere when they have a single definition) are replaced by the constant, operations on
 * constants are computed, and branches on constants become jumps.
 */
import { isSigned, kindBits, wrapToKind, type IntKind } from "../checker/kinds.js";
import { imm, instDef, type BinOp, type Block, type Inst, type IrFunction, type IrKind, type Operand, type VReg } from "../ir/ir.js";
import { evalBinary, evalCompare, evalUnary } from "./evaluate.js";

export function constantFold(fn: IrFunction): boolean {
  const defCount = new Map<VReg, number>();
  for (const block of fn.blocks) {
    for (const inst of block.insts) {
      const def = instDef(inst);
      if (def) defCount.set(def, (defCount.get(def) ?? 0) + 1);
    }
  }
  // Registers whose every definition sets the same constant hold it wherever they are read (one
  // definition, or a result every path sets alike: `return 0` on both sides of an inlined call).
  const global = new Map<VReg, Operand>();
  const constantDefs = new Map<VReg, number>();
  for (const block of fn.blocks) {
    for (const inst of block.insts) {
      if (inst.op !== "mov" || inst.src.tag !== "imm") continue;
      const seen = global.get(inst.dst);
      if (seen && (seen.tag !== "imm" || seen.value !== inst.src.value || seen.kind !== inst.src.kind)) continue;
      global.set(inst.dst, inst.src);
      constantDefs.set(inst.dst, (constantDefs.get(inst.dst) ?? 0) + 1);
    }
  }
  for (const [r, n] of constantDefs) if (defCount.get(r) !== n) global.delete(r);
  let changed = false;
  for (const block of fn.blocks) changed = foldBlock(block, global, defCount) || changed;
  return changed;
}

/**
 * `x + 0`, `x - 0`, `x | 0`, `x ^ 0`, `x << 0`, `x >> 0` of a register of the result's own kind, at
 * least as wide as the operation keeps (`packetAt(ctx, 0)` is `data + 0`).
 */
function isIdentity(bop: BinOp, kind: IntKind, dst: VReg, a: Operand, b: Operand): boolean {
  if (b.tag !== "imm" || b.value !== 0n || a.tag !== "reg" || a.reg.kind !== dst.kind) return false;
  if (bop !== "add" && bop !== "sub" && bop !== "or" && bop !== "xor" && bop !== "shl" && bop !== "shr") return false;
  return dst.kind === "ptr" || kindBits(dst.kind) <= kindBits(kind);
}

/**
 * `x * 0`, `x & 0`, and `0` multiplied, masked, shifted or divided by anything: 0 whatever `x`
 * holds (BPF's `0 / 0` and `0 % 0` are 0 too).
 */
function isAbsorbed(bop: BinOp, dst: VReg, a: Operand, b: Operand): boolean {
  if (dst.kind === "ptr") return false;
  const zero = (o: Operand) => o.tag === "imm" && o.value === 0n;
  if (zero(b)) return bop === "mul" || bop === "and";
  if (zero(a)) return bop === "mul" || bop === "and" || bop === "shl" || bop === "shr" || bop === "div" || bop === "mod";
  return false;
}

/**
 * The constant a register holds after `mov r, imm`: the move materialises the immediate in the
 * register's kind (a 32-bit move for kinds up to 32 bits, which zero-extends), so a use of the
 * register reads that, whatever kind the immediate carried (`imm(-2, i64)` moved into a u32
 * register is 0xfffffffe there, not -2).
 */
function heldBy(kind: IrKind, constant: Extract<Operand, { tag: "imm" }>): Operand {
  if (kind === "ptr") return constant; // null or an address: a 64-bit move either way
  const bits = kindBits(kind) === 64 ? 64 : 32;
  const value = isSigned(kind) ? BigInt.asIntN(bits, constant.value) : BigInt.asUintN(bits, constant.value);
  return value === constant.value && kind === constant.kind ? constant : imm(value, kind);
}

function foldBlock(block: Block, global: Map<VReg, Operand>, defCount: Map<VReg, number>): boolean {
  const known = new Map<VReg, Operand>();
  let changed = false;
  const sub = (o: Operand): Operand => {
    if (o.tag !== "reg") return o;
    const constant = known.get(o.reg) ?? global.get(o.reg);
    if (constant?.tag === "imm") {
      changed = true;
      return heldBy(o.reg.kind, constant);
    }
    return o;
  };
  block.insts = block.insts.map((inst): Inst => {
    let next: Inst = inst;
    switch (inst.op) {
      case "mov": next = { ...inst, src: sub(inst.src) }; break;
      case "bin": {
        const a = sub(inst.a);
        const b = sub(inst.b);
        next = a.tag === "imm" && b.tag === "imm"
          ? { op: "mov", dst: inst.dst, src: imm(evalBinary(inst.bop, inst.kind, a.value, b.value), inst.dst.kind) }
          : isIdentity(inst.bop, inst.kind, inst.dst, a, b) ? { op: "mov", dst: inst.dst, src: a }
          : isAbsorbed(inst.bop, inst.dst, a, b) ? { op: "mov", dst: inst.dst, src: imm(0n, inst.dst.kind) } : { ...inst, a, b };
        break;
      }
      case "un": {
        const a = sub(inst.a);
        next = a.tag === "imm" ? { op: "mov", dst: inst.dst, src: imm(evalUnary(inst.uop, inst.kind, a.value), inst.kind) } : { ...inst, a };
        break;
      }
      case "conv": {
        const src = sub(inst.src);
        next = src.tag === "imm" ? { op: "mov", dst: inst.dst, src: imm(wrapToKind(src.value, inst.to), inst.to) } : { ...inst, src };
        break;
      }
      case "cmp": {
        const a = sub(inst.a);
        const b = sub(inst.b);
        next = a.tag === "imm" && b.tag === "imm"
          ? { op: "mov", dst: inst.dst, src: imm(evalCompare(inst.cmp, inst.kind, a.value, b.value) ? 1n : 0n, "bool") }
          : { ...inst, a, b };
        break;
      }
      case "store": next = { ...inst, value: sub(inst.value) }; break;
      case "atomicAdd": next = { ...inst, value: sub(inst.value) }; break;
      case "call": next = { ...inst, args: inst.args.map(sub) }; break;
      case "callsub": next = { ...inst, args: inst.args.map(sub) }; break;
      default: break;
    }
    if (next !== inst && inst.loc && !next.loc) next.loc = inst.loc;
    if (next.op !== inst.op || next !== inst) changed = changed || next.op !== inst.op;
    const def = instDef(next);
    if (def) {
      if (next.op === "mov" && next.src.tag === "imm") known.set(def, next.src);
      else known.delete(def);
    }
    return next;
  });
  void defCount;
  const term = block.term;
  if (term?.op === "ret") block.term = { ...term, value: sub(term.value) };
  if (term?.op === "cbr") {
    const a = sub(term.a);
    const b = sub(term.b);
    if (a.tag === "imm" && b.tag === "imm") {
      block.term = { op: "br", target: evalCompare(term.cmp, term.kind, a.value, b.value) ? term.then : term.else };
      if (term.loc) block.term.loc = term.loc;
      changed = true;
    } else {
      block.term = { ...term, a, b };
    }
  }
  return changed;
}
