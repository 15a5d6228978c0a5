// The clean-ups after selection beside copy forwarding: frame stores of what a slot already holds,
// zero tests an earlier test decided. Each keeps what it must where the premise fails (a call given
// the slot, a write of the register, a path from elsewhere). (The kernel runs the results in the conformance
// suite and the random-program tests.)
import { AluOp, JmpOp, asm, disassemble, type Instruction } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { removeRedundantStackStores } from "./redundant-stack-stores.js";
import { removeDecidedBranches } from "./decided-branches.js";
import type { MachineCode } from "./select.js";

const code = (insns: Instruction[], argCounts: [number, number][] = []): MachineCode =>
  ({ insns, mapRefs: [], calls: [], lines: [], cores: [], argCounts: argCounts.map(([instruction, count]) => ({ instruction, count })) });
const text = (c: MachineCode) => disassemble(c.insns).map((l) => l.replace(/^\d+: /, ""));
const keyAt = (_reg: number) => [asm.mov64Reg(2, 10), asm.alu64Imm(AluOp.ADD, 2, -8)];

describe("removeRedundantStackStores", () => {
  it("stores a map key once for the lookup and the update after it (a read-only helper)", () => {
    const insns = [asm.call(14), asm.mov64Reg(6, 0), asm.stx("u32", 10, 6, -8), ...keyAt(2), asm.call(1),
      asm.stx("u32", 10, 6, -8), ...keyAt(2), asm.call(3), asm.mov32Imm(0, 0), asm.exit()];
    expect(text(removeRedundantStackStores(code(insns, [[0, 0], [5, 2], [9, 2]])))).toEqual([
      "call 14", "r6 = r0", "*(u32 *)(r10 -8) = r6", "r2 = r10", "r2 += -8", "call 1", "r2 = r10", "r2 += -8", "call 3", "w0 = 0", "exit"]);
  });

  it("stores again after a helper that may write the slot, a write of the register, or on a path that never stored", () => {
    const written = [asm.mov64Reg(6, 1), asm.stx("u32", 10, 6, -8), asm.mov64Reg(1, 10), asm.alu64Imm(AluOp.ADD, 1, -8),
      asm.mov32Imm(2, 16), asm.call(16), asm.stx("u32", 10, 6, -8), asm.exit()];
    expect(text(removeRedundantStackStores(code(written, [[5, 2]])))).toContain("*(u32 *)(r10 -8) = r6");
    const redefined = [asm.mov64Reg(6, 1), asm.stx("u32", 10, 6, -8), asm.alu64Imm(AluOp.ADD, 6, 1), asm.stx("u32", 10, 6, -8), asm.exit()];
    expect(text(removeRedundantStackStores(code(redefined))).filter((l) => l.startsWith("*(u32"))).toHaveLength(2);
    const onePath = [asm.mov64Reg(6, 1), asm.jmpImm(JmpOp.JEQ, 1, 0, 1), asm.stx("u32", 10, 6, -8), asm.stx("u32", 10, 6, -8), asm.exit()];
    expect(text(removeRedundantStackStores(code(onePath))).filter((l) => l.startsWith("*(u32"))).toHaveLength(2);
    // A store through a register holding a frame address may overwrite the slot.
    const aliased = [asm.mov64Reg(6, 1), asm.stx("u32", 10, 6, -8), asm.mov64Reg(3, 10), asm.alu64Imm(AluOp.ADD, 3, -8),
      asm.st("u32", 3, 0, 7), asm.stx("u32", 10, 6, -8), asm.exit()];
    expect(text(removeRedundantStackStores(code(aliased))).filter((l) => l.startsWith("*(u32 *)(r10"))).toHaveLength(2);
  });
});

describe("removeDecidedBranches", () => {
  it("drops a null test the failure path already decided, and keeps one reached from elsewhere", () => {
    const insns = [asm.call(131), asm.mov64Reg(9, 0), asm.jmpImm(JmpOp.JNE, 9, 0, 3), asm.mov64Imm(1, 1),
      asm.jmpImm(JmpOp.JNE, 9, 0, 1), asm.exit(), asm.mov32Imm(0, 0), asm.exit()];
    expect(text(removeDecidedBranches(code(insns, [[0, 3]])))).toEqual(["call 131", "r9 = r0", "if r9 != 0x0 goto +2", "r1 = 1", "exit", "w0 = 0", "exit"]);
    // r9 written between the tests: the second stays.
    const rewritten = [asm.call(131), asm.mov64Reg(9, 0), asm.jmpImm(JmpOp.JNE, 9, 0, 3), asm.mov64Reg(9, 1),
      asm.jmpImm(JmpOp.JNE, 9, 0, 1), asm.exit(), asm.mov32Imm(0, 0), asm.exit()];
    expect(text(removeDecidedBranches(code(rewritten, [[0, 3]])))).toContain("if r9 != 0x0 goto +1");
    // Reached from another path too (the jump at 0 lands on it): it stays.
    const joined = [asm.jmpImm(JmpOp.JEQ, 1, 0, 3), asm.call(131), asm.mov64Reg(9, 0), asm.jmpImm(JmpOp.JNE, 9, 0, 2),
      asm.jmpImm(JmpOp.JNE, 9, 0, 1), asm.exit(), asm.mov32Imm(0, 0), asm.exit()];
    expect(text(removeDecidedBranches(code(joined, [[1, 3]])))).toHaveLength(8);
  });
});
