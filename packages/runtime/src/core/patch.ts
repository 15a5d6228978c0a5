/**
 * Writing a relocation's value into its instruction (libbpf's bpf_core_patch_insn): the
 * immediate of an ALU instruction, the offset of a load or store (resizing the access when the
 * field's size changed and that is safe), or the 64-bit immediate of an ld_imm64. An
 * unsatisfiable relocation poisons the instruction instead: a call of helper 0xbad2310, which the
 * verifier only rejects if the instruction is reachable.
 */
import { Class, type Instruction } from "@tsbpf/object";
import { POISON_HELPER } from "./kinds.js";
import type { RelocationResult } from "./calc.js";

const JMP_CALL = 0x85;
const LD_IMM64 = 0x18;
const SRC_X = 0x08;
const sizeCodes: Record<number, number> = { 1: 0x10, 2: 0x08, 4: 0x00, 8: 0x18 };
const sizeBytes: Record<number, number> = { 0x10: 1, 0x08: 2, 0x00: 4, 0x18: 8 };

/** Why an instruction cannot take its relocation (the object is inconsistent). */
export class PatchError extends Error {}

export function poison(insns: Instruction[], index: number): void {
  const second = insns[index]!.code === LD_IMM64 ? insns[index + 1] : undefined;
  for (const insn of second ? [insns[index]!, second] : [insns[index]!]) {
    insn.code = JMP_CALL;
    insn.dst = 0;
    insn.src = 0;
    insn.off = 0;
    insn.imm = POISON_HELPER;
  }
}

/** Applies `res` to instruction `index`; returns whether it poisoned the instruction. */
export function patchInstruction(insns: Instruction[], index: number, res: RelocationResult): boolean {
  const insn = insns[index];
  if (insn === undefined) throw new PatchError(`instruction #${index} does not exist`);
  if (res.poison) {
    poison(insns, index);
    return true;
  }
  const cls = insn.code & 0x07;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64:
      if ((insn.code & SRC_X) !== 0) throw new PatchError(`instruction #${index} is an ALU instruction with a register source`);
      if (res.validate && BigInt.asUintN(64, BigInt(insn.imm)) !== BigInt.asUintN(64, res.original)) {
        throw new PatchError(`instruction #${index} (ALU) holds ${insn.imm}, expected ${res.original}`);
      }
      insn.imm = Number(BigInt.asIntN(32, res.value));
      return false;
    case Class.LDX:
    case Class.ST:
    case Class.STX: {
      if (res.validate && BigInt(insn.off) !== res.original) throw new PatchError(`instruction #${index} (load/store) has offset ${insn.off}, expected ${res.original}`);
      if (res.value > 0x7fffn) throw new PatchError(`instruction #${index}: offset ${res.value} does not fit a load/store`);
      if (res.failSizeAdjust) {
        // A field whose size changed and which a resized load would misread (signed, struct): poison.
        poison(insns, index);
        return true;
      }
      insn.off = Number(res.value);
      if (res.size !== res.originalSize) {
        const bytes = sizeBytes[insn.code & 0x18];
        if (bytes !== res.originalSize) throw new PatchError(`instruction #${index} accesses ${bytes} bytes, expected ${res.originalSize}`);
        const code = sizeCodes[res.size];
        if (code === undefined) throw new PatchError(`instruction #${index}: no load/store of ${res.size} bytes`);
        insn.code = (insn.code & ~0x18) | code;
      }
      return false;
    }
    case Class.LD: {
      const second = insns[index + 1];
      if (insn.code !== LD_IMM64 || insn.src !== 0 || insn.off !== 0 || !second || second.code !== 0 || second.dst !== 0 || second.src !== 0 || second.off !== 0) {
        throw new PatchError(`instruction #${index} (ld_imm64) has an unexpected form`);
      }
      const imm = BigInt(insn.imm >>> 0) | (BigInt(second.imm >>> 0) << 32n);
      if (res.validate && imm !== BigInt.asUintN(64, res.original)) throw new PatchError(`instruction #${index} (ld_imm64) holds ${imm}, expected ${res.original}`);
      const value = BigInt.asUintN(64, res.value);
      insn.imm = Number(BigInt.asIntN(32, value & 0xffffffffn));
      second.imm = Number(BigInt.asIntN(32, value >> 32n));
      return false;
    }
    default:
      throw new PatchError(`instruction #${index} (opcode 0x${insn.code.toString(16)}) cannot take a CO-RE relocation`);
  }
}
