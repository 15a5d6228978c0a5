/**
 * `struct bpf_insn` <-> `Instruction`: 8 bytes each, little-endian: opcode, then dst_reg in the
 * low nibble and src_reg in the high nibble of byte 1, a signed 16-bit offset and a signed 32-bit
 * immediate. Both halves of an `ld_imm64` are ordinary slots here.
 */
import { ObjectFormatError } from "../errors.js";
import type { Instruction } from "./instruction.js";

export const INSTRUCTION_SIZE = 8;

export function encodeInstructions(insns: readonly Instruction[]): Uint8Array {
  const bytes = new Uint8Array(insns.length * INSTRUCTION_SIZE);
  const view = new DataView(bytes.buffer);
  insns.forEach((insn, i) => {
    const at = i * INSTRUCTION_SIZE;
    view.setUint8(at, insn.code & 0xff);
    view.setUint8(at + 1, ((insn.src & 0xf) << 4) | (insn.dst & 0xf));
    view.setInt16(at + 2, insn.off, true);
    view.setInt32(at + 4, insn.imm, true);
  });
  return bytes;
}

/** Decodes whole slots; `section` names the source in the error for a length that is not a multiple of 8. */
export function decodeInstructions(bytes: Uint8Array, section = "instructions"): Instruction[] {
  if (bytes.length % INSTRUCTION_SIZE !== 0) {
    throw new ObjectFormatError(section, `size ${bytes.length} is not a multiple of ${INSTRUCTION_SIZE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const insns: Instruction[] = new Array(bytes.length / INSTRUCTION_SIZE);
  for (let i = 0, at = 0; at < bytes.length; i++, at += INSTRUCTION_SIZE) {
    const regs = view.getUint8(at + 1);
    insns[i] = {
      code: view.getUint8(at),
      dst: regs & 0xf,
      src: regs >> 4,
      off: view.getInt16(at + 2, true),
      imm: view.getInt32(at + 4, true),
    };
  }
  return insns;
}
