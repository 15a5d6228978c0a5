// A `goto +0` (what remains of a jump over an instruction copy forwarding removed) still leads to
// the next instruction: the flow the clean-ups after selection work on must say so, or a copy on
// the other path is taken for dead (fuzzer seed 20091451 returned one arm of a `?:` on both paths).
import { JmpOp, asm, disassemble } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { forwardCopies } from "./forward-copies.js";
import { removeJumpsToNext } from "./jumps-to-next.js";
import { secondSlots, successorsOf } from "./machine-flow.js";

describe("a jump to the next instruction", () => {
  it("has that instruction as its successor", () => {
    const insns = [asm.ja(0), asm.exit()];
    expect(successorsOf(insns, secondSlots(insns))[0]).toEqual([1]);
  });

  it("keeps the copy of the arm it jumps over when another path reaches the join", () => {
    // if w5 == 31 goto join; r4 = r7; goto +0; join: *(u64 *)(r6 + 64) = r4 — r4 keeps r8's value
    // on the jump's path, r7's on the other: the copy r4 = r7 must stay.
    const insns = [
      asm.mov64Reg(4, 8), asm.jmp32Imm(JmpOp.JEQ, 5, 31, 2), asm.mov64Reg(4, 7), asm.ja(0),
      asm.stx("u64", 6, 4, 64), asm.mov32Imm(0, 0), asm.exit(),
    ];
    const code = forwardCopies({ insns, mapRefs: [], calls: [], lines: [], cores: [], argCounts: [] });
    const text = disassemble(code.insns).map((l) => l.replace(/^\d+: /, ""));
    expect(text).toContain("r4 = r7");
  });

  it("is removed, conditional or not, and jumps to it land where it went", () => {
    // if w9 == 0 goto +1; if w9 == 0 goto +0; r0 = 1; if r1 > 5 goto -4 (to the first test); exit
    const insns = [
      asm.mov64Imm(0, 0), asm.jmp32Imm(JmpOp.JEQ, 9, 0, 1), asm.jmp32Imm(JmpOp.JEQ, 9, 0, 0), asm.mov64Imm(0, 1),
      asm.jmpImm(JmpOp.JGT, 1, 5, -4), asm.ja(0), asm.exit(),
    ];
    const code = removeJumpsToNext({ insns, mapRefs: [], calls: [], lines: [], cores: [], argCounts: [] });
    const text = disassemble(code.insns).map((l) => l.replace(/^\d+: /, ""));
    // Both tests went (the first became a jump to the next once the second had gone); the loop's
    // jump back to the first test now lands on what followed it, `r0 = 1`.
    expect(text).toEqual(["r0 = 0", "r0 = 1", "if r1 > 0x5 goto -2", "exit"]);
  });
});
