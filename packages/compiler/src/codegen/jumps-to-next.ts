/**
 * Jumps to the next instruction removed after selection: `goto +0`, and a conditional jump whose
 * target is the next instruction (`if w9 == 0 goto +0`), which goes there taken or not. They are
 * what remains where copy forwarding or a decided test removed every instruction an arm held (the
 * fuzzer's programs had `if w9 == 0 goto +1; if w9 == 0 goto +0`). A jump to a removed one lands
 * on the instruction after it, where control went anyway; removing one may make the jump over it
 * a jump to the next instruction in turn, so this runs to a fixed point.
 */
import { Class, JmpOp } from "@tsbpf/object";
import { deleteInstructions } from "./forward-copies.js";
import { jumpTarget, secondSlots } from "./machine-flow.js";
import type { MachineCode } from "./select.js";

/** Jump operations (unconditional or conditional, not calls, exits or anything newer such as may_goto). */
const JUMPS = new Set<number>([JmpOp.JA, JmpOp.JEQ, JmpOp.JGT, JmpOp.JGE, JmpOp.JSET, JmpOp.JNE, JmpOp.JSGT, JmpOp.JSGE, JmpOp.JLT, JmpOp.JLE, JmpOp.JSLT, JmpOp.JSLE]);

export function removeJumpsToNext(code: MachineCode): MachineCode {
  let current = code;
  for (;;) {
    const insns = current.insns;
    const second = secondSlots(insns);
    const removed = new Set<number>();
    for (let i = 0; i < insns.length; i++) {
      const insn = insns[i]!;
      const cls = insn.code & 0x07;
      if (second[i] || (cls !== Class.JMP && cls !== Class.JMP32) || !JUMPS.has(insn.code & 0xf0)) continue;
      if (jumpTarget(insns, i) === i + 1 && i + 1 < insns.length) removed.add(i);
    }
    if (removed.size === 0) return current;
    current = deleteInstructions(current, removed);
  }
}
