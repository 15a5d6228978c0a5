/**
 * A callee-saved register (r6–r9) that never holds a value across a call is renamed to a scratch
 * register (r1–r5, r0) free wherever it lives. The allocator gives such values r6–r9 when r4/r5 are
 * taken (a `.rodata` filter value beside the pid), but each of r6–r9 a program touches costs a
 * push and a pop in the x86 JIT's prologue and epilogue, and r7–r9 (r13–r15) a REX prefix on every
 * use; clang keeps these in r1–r5. Renaming is exact: the two registers never interfere (neither is
 * written while the other is live), so one machine register holds both.
 */
import { Class, JmpOp, Source, type Instruction } from "@tsbpf/object";
import { bit, effects, liveAfter, secondSlots } from "./machine-flow.js";
import type { MachineCode } from "./select.js";

/** Cheapest first in x86 JIT code: rdi, rsi, rdx, rcx, rax, then r8 (a REX prefix). */
const SCRATCH = [1, 2, 3, 4, 0, 5];
const LD_IMM64 = Class.LD | 0x18;

function registerFields(insn: Instruction): { dst: boolean; src: boolean } {
  const cls = insn.code & 0x07;
  if (cls === Class.JMP && ((insn.code & 0xf0) === JmpOp.CALL || (insn.code & 0xf0) === JmpOp.EXIT)) return { dst: false, src: false };
  if (cls === Class.LD) return { dst: insn.code === LD_IMM64, src: false };
  if (cls === Class.ST) return { dst: true, src: false };
  if (cls === Class.LDX || cls === Class.STX) return { dst: true, src: true };
  if ((cls === Class.JMP || cls === Class.JMP32) && (insn.code & 0xf0) === JmpOp.JA) return { dst: false, src: false };
  return { dst: true, src: (insn.code & 0x08) === Source.X };
}

export function renameCalleeSaved(code: MachineCode): MachineCode {
  const insns = code.insns;
  const second = secondSlots(insns);
  // Legacy packet loads read r6 implicitly (the skb): leave such code alone.
  if (insns.some((insn, i) => !second[i] && (insn.code & 0x07) === Class.LD && insn.code !== LD_IMM64)) return code;
  const argCounts = new Map(code.argCounts?.map((a) => [a.instruction, a.count]));
  for (const R of [9, 8, 7, 6]) {
    const fx = insns.map((insn, i) => effects(insn, second[i], argCounts.get(i)));
    if (!fx.some((f) => (f.uses | f.defs) & bit(R))) continue;
    const live = liveAfter(insns, second, argCounts);
    // Live at the start: r1–r5 (the context, a subprogram's arguments) count as written there.
    const liveIn0 = (live[0]! & ~fx[0]!.defs) | fx[0]!.uses;
    if (liveIn0 & bit(R)) continue;
    const T = SCRATCH.find((t) =>
      insns.every((_, i) => second[i] || !((fx[i]!.defs & bit(R) && live[i]! & bit(t)) || (fx[i]!.defs & bit(t) && live[i]! & bit(R)))),
    );
    if (T === undefined) continue;
    insns.forEach((insn, i) => {
      if (second[i]) return;
      const fields = registerFields(insn);
      if (fields.dst && insn.dst === R) insn.dst = T;
      if (fields.src && insn.src === R) insn.src = T;
    });
  }
  return code;
}
