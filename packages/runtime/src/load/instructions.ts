/**
 * Instructions to the kernel's `struct bpf_insn` bytes. (@tsbpf/object's encodeInstructions does
 * the same; this private copy keeps the loader independent of that module's export schedule.)
 */
import type { Instruction } from "@tsbpf/object";
import { littleEndian } from "../sys/attr.js";

export function encodeInsns(insns: readonly Instruction[]): Uint8Array {
  const bytes = new Uint8Array(insns.length * 8);
  const view = new DataView(bytes.buffer);
  insns.forEach((insn, i) => {
    const at = i * 8;
    view.setUint8(at, insn.code & 0xff);
    // dst_reg is the low nibble on little-endian hosts, the high one on big-endian hosts.
    view.setUint8(at + 1, littleEndian ? ((insn.src & 0xf) << 4) | (insn.dst & 0xf) : ((insn.dst & 0xf) << 4) | (insn.src & 0xf));
    view.setInt16(at + 2, insn.off, littleEndian);
    view.setInt32(at + 4, insn.imm, littleEndian);
  });
  return bytes;
}
