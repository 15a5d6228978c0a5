/**
 * Splits a spec program back into the functions it was linked from. A `ProgramSpec` holds its
 * entry function followed by every subprogram it calls (the way libbpf and cilium/ebpf load
 * them); in an ELF object, libbpf wants those subprograms in `.text`, reached by relocated calls.
 * Function starts are the func_info offsets and the targets of BPF-to-BPF calls and of
 * function-address loads (`ld_imm64` with src_reg BPF_PSEUDO_FUNC, e.g. bpf_loop callbacks).
 */
import { ObjectSpecError } from "../errors.js";
import { tryTypeById } from "../btf/query.js";
import type { Btf } from "../btf/types.js";
import { FuncLinkage } from "../btf/types.js";
import { isLdImm64, isPseudoCall, isPseudoFunc, type Instruction } from "../isa/instruction.js";
import type { ProgramSpec } from "../spec.js";

export interface ProgramFunction {
  /** First and one-past-last slot in the program. */
  start: number;
  end: number;
  name: string;
  /** The BTF FUNC's linkage (static when unknown). */
  linkage: number;
}

/** Slot index targeted by a call or function-address load at `index`. */
export function callTarget(insn: Instruction, index: number): number {
  return index + insn.imm + 1;
}

export function isFunctionReference(insn: Instruction): boolean {
  return isPseudoCall(insn) || isPseudoFunc(insn);
}

/** The program's functions in slot order; the first is the entry function. */
export function splitFunctions(program: ProgramSpec, btf: Btf): ProgramFunction[] {
  const length = program.instructions.length;
  const starts = new Set<number>([0]);
  for (const info of program.funcInfo) {
    if (info.instruction < 0 || info.instruction >= length) {
      throw new ObjectSpecError(`program '${program.name}': func_info at instruction ${info.instruction} is outside the program (${length} slots)`);
    }
    starts.add(info.instruction);
  }
  const externs = new Set((program.externReferences ?? []).map((r) => r.instruction));
  program.instructions.forEach((insn, i) => {
    if (!isFunctionReference(insn) || externs.has(i)) return;
    const target = callTarget(insn, i);
    if (target <= 0 || target >= length) {
      throw new ObjectSpecError(`program '${program.name}': call at instruction ${i} targets ${target}, outside the program's subprograms`);
    }
    starts.add(target);
  });
  const sorted = [...starts].sort((a, b) => a - b);
  const typeIdAt = new Map(program.funcInfo.map((f) => [f.instruction, f.typeId]));
  return sorted.map((start, k) => {
    const func = tryTypeById(btf, typeIdAt.get(start) ?? 0);
    const named = func?.kind === "func" ? func : undefined;
    const end = sorted[k + 1] ?? length;
    // An ld_imm64 must not straddle two functions.
    if (k > 0 && start > 0 && isLdImm64(program.instructions[start - 1]!)) {
      throw new ObjectSpecError(`program '${program.name}': function at instruction ${start} splits an ld_imm64`);
    }
    return {
      start,
      end,
      name: start === 0 ? program.name : (named?.name ?? `${program.name}__sub${start}`),
      linkage: start === 0 ? FuncLinkage.Global : (named?.linkage ?? FuncLinkage.Static),
    };
  });
}
