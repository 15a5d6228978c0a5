/**
 * func_info and line_info as BPF_PROG_LOAD takes them (struct bpf_func_info, 8 bytes; struct
 * bpf_line_info, 16 bytes), with line_info's file and line text as offsets into the loaded BTF's
 * string table. (CO-RE relocations are applied in user space: see core/relocate.ts.)
 */
import type { ProgramSpec } from "@tsbpf/object";
import { littleEndian } from "../sys/attr.js";

export function funcInfoRecords(program: ProgramSpec): Uint8Array {
  const sorted = [...program.funcInfo].sort((a, b) => a.instruction - b.instruction);
  const out = new Uint8Array(sorted.length * 8);
  const view = new DataView(out.buffer);
  sorted.forEach((f, i) => {
    view.setUint32(i * 8, f.instruction, littleEndian);
    view.setUint32(i * 8 + 4, f.typeId, littleEndian);
  });
  return out;
}

/**
 * line_info records. The kernel wants strictly increasing offsets that never point at the
 * second slot of an ld_imm64: duplicates keep their first entry, such entries are dropped.
 */
export function lineInfoRecords(program: ProgramSpec, strings: { add(text: string): number }): Uint8Array {
  const secondSlots = new Set<number>();
  program.instructions.forEach((insn, i) => {
    if (insn.code === 0x18) secondSlots.add(i + 1);
  });
  const sorted = [...program.lineInfo].sort((a, b) => a.instruction - b.instruction);
  const kept = sorted.filter((li, i) => !secondSlots.has(li.instruction) && (i === 0 || sorted[i - 1]!.instruction !== li.instruction));
  const out = new Uint8Array(kept.length * 16);
  const view = new DataView(out.buffer);
  kept.forEach((li, i) => {
    const at = i * 16;
    view.setUint32(at, li.instruction, littleEndian);
    view.setUint32(at + 4, strings.add(li.fileName), littleEndian);
    view.setUint32(at + 8, strings.add(li.lineText), littleEndian);
    view.setUint32(at + 12, ((li.line << 10) | (li.column & 0x3ff)) >>> 0, littleEndian);
  });
  return out;
}
