// Copy forwarding and propagation after instruction selection: the copies go where renaming is
// exact, and stay where a call, a jump into the stretch, or a later read of the source forbids it.
// (The conformance suite and the random-program tests check the same in the kernel, end to end.)
import { AluOp, JmpOp, asm, disassemble, type Instruction } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { forwardCopies } from "./forward-copies.js";
import type { MachineCode } from "./select.js";

const loc = (line: number) => ({ file: "t.ts", line, column: 1 });

function run(insns: Instruction[], argCounts: [number, number][] = [], lines: MachineCode["lines"] = [{ instruction: 0, loc: loc(1) }]): { text: string[]; code: MachineCode } {
  const code = forwardCopies({ insns, mapRefs: [], calls: [], lines, cores: [], argCounts: argCounts.map(([instruction, count]) => ({ instruction, count })) });
  return { text: disassemble(code.insns).map((l) => l.replace(/^\d+: /, "")), code };
}

describe("forwardCopies", () => {
  it("computes a value in the register it is copied to (r4 = r0; r7 = r4; r7 >>= 32)", () => {
    const { text } = run([asm.call(14), asm.mov64Reg(4, 0), asm.mov64Reg(7, 4), asm.alu64Imm(AluOp.RSH, 7, 32), asm.call(6), asm.mov64Reg(0, 7), asm.exit()], [[0, 0], [4, 0]]);
    expect(text).toEqual(["call 14", "r7 = r0", "r7 >>= 32", "call 6", "r0 = r7", "exit"]);
  });

  it("builds a call's argument in its register (r4 = r8; r4 += 8; r1 = r4)", () => {
    const { text } = run([asm.mov64Reg(8, 1), asm.mov64Reg(4, 8), asm.alu64Imm(AluOp.ADD, 4, 8), asm.mov64Reg(1, 4), asm.mov32Imm(2, 16), asm.call(16), asm.mov64Reg(0, 8), asm.exit()], [[5, 2]]);
    expect(text).toEqual(["r8 = r1", "r1 = r8", "r1 += 8", "w2 = 16", "call 16", "r0 = r8", "exit"]);
  });

  it("uses a lookup's r0 throughout instead of a copy, across its null test", () => {
    const { text } = run([
      asm.call(1), asm.mov64Reg(4, 0), asm.jmpImm(JmpOp.JEQ, 4, 0, 3),
      asm.ldx("u64", 5, 4, 0), asm.alu64Imm(AluOp.ADD, 5, 1), asm.stx("u64", 4, 5, 0),
      asm.mov32Imm(0, 0), asm.exit(),
    ], [[0, 2]]);
    expect(text).toEqual(["call 1", "if r0 == 0x0 goto +3", "r5 = *(u64 *)(r0 +0)", "r5 += 1", "*(u64 *)(r0 +0) = r5", "w0 = 0", "exit"]);
  });

  it("keeps a copy whose source a call clobbers while the copy is still read", () => {
    const insns = [asm.mov64Reg(6, 1), asm.call(14), asm.ldx("u64", 0, 6, 16), asm.exit()];
    expect(run(insns, [[1, 0]]).text).toEqual(["r6 = r1", "call 14", "r0 = *(u64 *)(r6 +16)", "exit"]);
  });

  it("keeps a copy when a jump lands between the definition and the copy", () => {
    const insns = [
      asm.jmpImm(JmpOp.JEQ, 1, 0, 2), asm.mov64Reg(4, 1), asm.alu64Imm(AluOp.ADD, 4, 8),
      asm.mov64Reg(2, 4), asm.mov64Reg(0, 2), asm.exit(),
    ];
    // The jump lands on the copy with r4 unset on its path: r4 = r1; r4 += 8 cannot become r2's
    // (the copy itself, at the landing place, may still be forwarded into r0 = r4).
    expect(run(insns).text).toEqual(["if r1 == 0x0 goto +2", "r4 = r1", "r4 += 8", "r0 = r4", "exit"]);
  });

  it("renames only the address of a load that ends the copy's life (r6 = r1; r6 = *(u64 *)(r6 + 80))", () => {
    const { text } = run([asm.mov64Reg(6, 1), asm.ldx("u64", 6, 6, 80), asm.call(14), asm.mov64Reg(0, 6), asm.exit()], [[2, 0]]);
    expect(text).toEqual(["r6 = *(u64 *)(r1 +80)", "call 14", "r0 = r6", "exit"]);
  });

  it("moves jump offsets and line positions over removed copies", () => {
    const insns = [
      asm.call(14), asm.mov64Reg(4, 0), asm.mov64Reg(7, 4), asm.jmpImm(JmpOp.JEQ, 7, 0, 2),
      asm.mov64Reg(0, 7), asm.exit(), asm.mov32Imm(0, 1), asm.exit(),
    ];
    const { text, code } = run(insns, [[0, 0]], [{ instruction: 0, loc: loc(1) }, { instruction: 2, loc: loc(2) }, { instruction: 6, loc: loc(3) }]);
    // Both copies go (r0 is tested and returned as it is), the jump still reaches `w0 = 1`.
    expect(text).toEqual(["call 14", "if r0 == 0x0 goto +1", "exit", "w0 = 1", "exit"]);
    expect(code.lines.map((l) => [l.instruction, l.loc.line])).toEqual([[0, 1], [1, 2], [3, 3]]);
  });
});
