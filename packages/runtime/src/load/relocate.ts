/**
 * Map relocations: every `ld_imm64` that refers to a map gets the map's descriptor, as libbpf's
 * bpf_object__relocate_data does: `src_reg = BPF_PSEUDO_MAP_FD` with the fd in `imm` for a map,
 * `src_reg = BPF_PSEUDO_MAP_VALUE` with the fd and the variable's offset in the second slot's
 * `imm` for an address inside a global data section.
 */
import type { Instruction, ProgramSpec } from "@tsbpf/object";
import { PseudoSrc } from "@tsbpf/object";
import { ObjectError } from "../errors.js";

const LD_IMM64 = 0x18;

/** A copy of the program's instructions with every map reference resolved through `fdOf`. */
export function relocateMaps(program: ProgramSpec, fdOf: (map: string) => number | undefined): Instruction[] {
  const insns = program.instructions.map((i) => ({ ...i }));
  for (const ref of program.mapReferences) {
    const first = insns[ref.instruction];
    const second = insns[ref.instruction + 1];
    if (!first || !second || first.code !== LD_IMM64) {
      throw new ObjectError(`map reference to ${ref.map} at instruction ${ref.instruction} is not an ld_imm64`, { section: program.section });
    }
    const fd = fdOf(ref.map);
    if (fd === undefined) throw new ObjectError(`program ${program.name} refers to map ${ref.map}, which the object does not define`, { section: program.section });
    first.imm = fd;
    if (ref.kind === "map") {
      first.src = PseudoSrc.MAP_FD;
      second.imm = 0;
    } else {
      first.src = PseudoSrc.MAP_VALUE;
      second.imm = ref.offset;
    }
  }
  return insns;
}
