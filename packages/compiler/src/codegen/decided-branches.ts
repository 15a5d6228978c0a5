/**
 * Tests against zero that an earlier test of the same register already decided, on the only way
 * in: `if r9 != 0 goto A; <count the failure>; if r9 != 0 goto A` (a ring reservation's failure
 * counter, then the user's own null test) loses its second test. A test never taken goes; one
 * always taken becomes `goto`. The IR's own pass sees neither when selection put them there, or when
 * the first test is the lowering's and the second the user's.
 *
 * Exact by construction: only a straight run of single-predecessor instructions that do not write
 * the register separates the two tests. A rewrite that would leave an instruction unreachable (the
 * verifier refuses those) is not made.
 */
import { Class, JmpOp, Source, type Instruction } from "@tsbpf/object";
import { bit, effects, jumpTarget, secondSlots, successorsOf } from "./machine-flow.js";
import { deleteInstructions } from "./forward-copies.js";
import type { MachineCode } from "./select.js";

/** `if rX == 0` / `if rX != 0` (64-bit or 32-bit): the register, the width and whether it is `==`. */
function zeroTest(insn: Instruction): { reg: number; cls: number; eq: boolean } | undefined {
  const cls = insn.code & 0x07;
  if (cls !== Class.JMP && cls !== Class.JMP32) return undefined;
  if ((insn.code & 0x08) !== Source.K || insn.imm !== 0) return undefined;
  const op = insn.code & 0xf0;
  if (op !== JmpOp.JEQ && op !== JmpOp.JNE) return undefined;
  return { reg: insn.dst, cls, eq: op === JmpOp.JEQ };
}

export function removeDecidedBranches(code: MachineCode): MachineCode {
  let insns = code.insns;
  let current = code;
  for (let round = 0; round < 4; round++) {
    insns = current.insns;
    const second = secondSlots(insns);
    const succ = successorsOf(insns, second);
    const preds = insns.map(() => [] as number[]);
    succ.forEach((list, i) => list.forEach((t) => preds[t]?.push(i)));
    let changed = false;
    for (let j = 0; j < insns.length && !changed; j++) {
      const test = second[j] ? undefined : zeroTest(insns[j]!);
      if (!test) continue;
      const isZero = knownZero(insns, second, preds, j, test.reg, test.cls);
      if (isZero === undefined) continue;
      const taken = test.eq === isZero;
      const target = jumpTarget(insns, j)!;
      if (target === j + 1) continue;
      // Would the rewrite leave anything unreachable?
      const edited = succ.map((s) => [...s]);
      edited[j] = taken ? [target] : [j + 1];
      if (!allReachable(edited, insns.length)) continue;
      if (taken) {
        insns[j] = { code: Class.JMP | JmpOp.JA, dst: 0, src: 0, off: insns[j]!.off, imm: 0 };
        changed = true;
      } else {
        current = deleteInstructions(current, new Set([j]));
        changed = true;
      }
    }
    if (!changed) break;
  }
  return current;
}

/** Whether reg is known zero (true), known non-zero (false) or unknown at instruction j. */
function knownZero(insns: readonly Instruction[], second: readonly boolean[], preds: readonly number[][], j: number, reg: number, cls: number): boolean | undefined {
  let cur = j;
  for (let steps = 0; steps < 64; steps++) {
    const ps = preds[cur]!;
    if (ps.length !== 1) return undefined;
    const p = ps[0]!;
    const test = second[p] ? undefined : zeroTest(insns[p]!);
    if (test && test.reg === reg && test.cls === cls) {
      const target = jumpTarget(insns, p)!;
      if (target === p + 1) return undefined;
      const jumped = cur === target;
      // jumped: the test held (== 0 held: zero; != 0 held: non-zero).
      return jumped === test.eq;
    }
    if (effects(insns[p]!, second[p]).defs & bit(reg)) return undefined;
    cur = p;
  }
  return undefined;
}

function allReachable(succ: readonly number[][], n: number): boolean {
  const seen = new Array<boolean>(n).fill(false);
  const work = [0];
  seen[0] = true;
  while (work.length > 0) {
    const i = work.pop()!;
    for (const t of succ[i]!) if (!seen[t]) {
      seen[t] = true;
      work.push(t);
    }
  }
  return seen.every(Boolean);
}
