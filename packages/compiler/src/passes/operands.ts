/**
 * Rewrites the registers an instruction reads (operands and address bases), for the passes that
 * substitute one register or constant for another.
 */
import type { Address, Inst, Operand, Terminator, VReg } from "../ir/ir.js";

export function mapOperands<T extends Inst | Terminator>(inst: T, sub: (o: Operand) => Operand, base: (r: VReg) => VReg): T {
  const addr = (a: Address): Address => (a.tag === "reg" ? { ...a, base: base(a.base) } : a);
  const i = inst as Inst | Terminator;
  let out: Inst | Terminator;
  switch (i.op) {
    case "mov": out = { ...i, src: sub(i.src) }; break;
    case "bin": out = { ...i, a: sub(i.a), b: sub(i.b) }; break;
    case "un": out = { ...i, a: sub(i.a) }; break;
    case "conv": out = { ...i, src: sub(i.src) }; break;
    case "cmp": out = { ...i, a: sub(i.a), b: sub(i.b) }; break;
    case "load": out = { ...i, addr: addr(i.addr) }; break;
    case "store": out = { ...i, addr: addr(i.addr), value: sub(i.value) }; break;
    case "atomicAdd": out = { ...i, addr: addr(i.addr), value: sub(i.value) }; break;
    case "atomic": out = { ...i, addr: addr(i.addr), value: sub(i.value), ...(i.expected ? { expected: sub(i.expected) } : {}) }; break;
    case "copy": out = { ...i, dst: addr(i.dst), src: addr(i.src) }; break;
    case "zero": out = { ...i, dst: addr(i.dst) }; break;
    case "call": out = { ...i, args: i.args.map(sub) }; break;
    case "callsub": out = { ...i, args: i.args.map(sub) }; break;
    case "ret": out = { ...i, value: sub(i.value) }; break;
    case "cbr": out = { ...i, a: sub(i.a), b: sub(i.b) }; break;
    // No register operands: a parameter, a relocated constant, a jump.
    case "param": case "core": case "br": out = i; break;
    default: {
      // Every instruction must be listed: one forgotten here keeps stale registers after a rewrite.
      const unhandled: never = i;
      throw new Error(`mapOperands: unknown instruction ${(unhandled as { op: string }).op}`);
    }
  }
  return out as T;
}
