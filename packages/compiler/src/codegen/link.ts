/**
 * Links a program's functions into one instruction stream, the form a `ProgramSpec` holds (and
 * the kernel loads): the entry function first, then each subprogram; calls and function-address
 * loads get their offsets relative to the next instruction, as BPF_PSEUDO_CALL and
 * BPF_PSEUDO_FUNC want them. The ELF writer moves subprograms into `.text` for libbpf.
 */
import type { MachineCode } from "./select.js";
import { SelectionError } from "./select.js";

export interface LinkedFunction {
  name: string;
  code: MachineCode;
}

export interface LinkedProgram {
  code: MachineCode;
  /** Where each function starts, in the linked stream (the entry at 0). */
  starts: { name: string; instruction: number }[];
}

export function linkFunctions(functions: LinkedFunction[]): LinkedProgram {
  const starts: { name: string; instruction: number }[] = [];
  const code: MachineCode = { insns: [], mapRefs: [], calls: [], lines: [], cores: [] };
  const startOf = new Map<string, number>();
  for (const fn of functions) {
    const base = code.insns.length;
    startOf.set(fn.name, base);
    starts.push({ name: fn.name, instruction: base });
    code.insns.push(...fn.code.insns.map((insn) => ({ ...insn })));
    code.mapRefs.push(...fn.code.mapRefs.map((r) => ({ ...r, instruction: r.instruction + base })));
    code.calls.push(...fn.code.calls.map((c) => ({ ...c, instruction: c.instruction + base })));
    code.cores.push(...fn.code.cores.map((c) => ({ ...c, instruction: c.instruction + base })));
    for (const line of fn.code.lines) {
      const last = code.lines[code.lines.length - 1];
      const at = line.instruction + base;
      if (last && last.instruction === at) last.loc = line.loc;
      else code.lines.push({ instruction: at, loc: line.loc });
    }
  }
  for (const call of code.calls) {
    const target = startOf.get(call.target);
    if (target === undefined) throw new SelectionError(`internal: no function '${call.target}' to call`);
    code.insns[call.instruction]!.imm = target - (call.instruction + 1);
  }
  return { code, starts };
}
