import { describe, expect, it } from "vitest";
import * as asm from "./builders.js";
import { disassemble, formatInstruction } from "./disasm.js";
import { AluOp, AtomicOp, JmpOp, type Instruction } from "./instruction.js";

const one = (insn: Instruction) => formatInstruction([insn], 0);
const raw = (code: number, dst = 0, src = 0, off = 0, imm = 0): Instruction => ({ code, dst, src, off, imm });

describe("disassembly in the verifier's syntax", () => {
  it.each<[Instruction, string]>([
    // ALU64 / ALU, immediate and register
    [asm.mov64Imm(0, 0), "r0 = 0"],
    [asm.mov64Imm(1, -5), "r1 = -5"],
    [asm.mov64Reg(6, 1), "r6 = r1"],
    [asm.mov32Imm(1, 7), "w1 = 7"],
    [asm.mov32Reg(1, 2), "w1 = w2"],
    [asm.alu32Reg(AluOp.ADD, 1, 2), "w1 += w2"],
    [asm.alu64Imm(AluOp.ADD, 2, -4), "r2 += -4"],
    [asm.alu64Imm(AluOp.SUB, 2, 1), "r2 -= 1"],
    [asm.alu64Reg(AluOp.MUL, 2, 3), "r2 *= r3"],
    [asm.alu64Imm(AluOp.DIV, 2, 3), "r2 /= 3"],
    [asm.alu64Reg(AluOp.OR, 2, 3), "r2 |= r3"],
    [asm.alu64Imm(AluOp.AND, 2, 255), "r2 &= 255"],
    [asm.alu64Imm(AluOp.LSH, 2, 32), "r2 <<= 32"],
    [asm.alu64Imm(AluOp.RSH, 0, 32), "r0 >>= 32"],
    [asm.alu64Reg(AluOp.MOD, 2, 3), "r2 %= r3"],
    [asm.alu32Imm(AluOp.XOR, 2, 1), "w2 ^= 1"],
    [asm.alu64Imm(AluOp.ARSH, 0, 32), "r0 s>>= 32"],
    [asm.neg64(3), "r3 = -r3"],
    [asm.neg32(3), "w3 = -w3"],
    [asm.sdiv64Reg(1, 2), "r1 s/= r2"],
    [asm.smod64Reg(1, 2), "r1 s%= r2"],
    [raw(0x34, 1, 0, 1, 3), "w1 s/= 3"],
    [asm.movsx64(1, 2, 8), "r1 = (s8)r2"],
    [asm.movsx64(1, 2, 32), "r1 = (s32)r2"],
    [asm.movsx32(1, 2, 16), "w1 = (s16)w2"],
    [asm.endian("be", 1, 16), "r1 = be16 r1"],
    [asm.endian("le", 1, 64), "r1 = le64 r1"],
    [asm.bswap(4, 32), "r4 = bswap32 r4"],
    [raw(0xbf, 1, 2, 1, 1), "r1 = addr_space_cast(r2, 0, 1)"],
    // loads and stores
    [asm.ldx("u64", 1, 10, -8), "r1 = *(u64 *)(r10 -8)"],
    [asm.ldx("u32", 2, 1, 0), "r2 = *(u32 *)(r1 +0)"],
    [asm.ldx("u16", 2, 1, 6), "r2 = *(u16 *)(r1 +6)"],
    [asm.ldx("u8", 2, 1, 1), "r2 = *(u8 *)(r1 +1)"],
    [asm.ldxsx("u8", 2, 1, 1), "r2 = *(s8 *)(r1 +1)"],
    [asm.ldxsx("u32", 2, 1, 4), "r2 = *(s32 *)(r1 +4)"],
    [asm.stx("u64", 10, 1, -16), "*(u64 *)(r10 -16) = r1"],
    [asm.st("u32", 10, -4, 0), "*(u32 *)(r10 -4) = 0"],
    [asm.st("u8", 10, -1, -1), "*(u8 *)(r10 -1) = -1"],
    [asm.ldAbs("u16", 12), "r0 = *(u16 *)skb[12]"],
    [asm.ldInd("u8", 1, 14), "r0 = *(u8 *)skb[r1 + 14]"],
    // atomics
    [asm.atomicAdd("u64", 0, 1, 0), "lock *(u64 *)(r0 +0) += r1"],
    [asm.atomic("u32", AtomicOp.OR, 1, 2, 4), "lock *(u32 *)(r1 +4) |= r2"],
    [asm.atomic("u64", AtomicOp.AND, 1, 2, 0), "lock *(u64 *)(r1 +0) &= r2"],
    [asm.atomic("u64", AtomicOp.XOR, 1, 2, 0), "lock *(u64 *)(r1 +0) ^= r2"],
    [asm.atomic("u64", AtomicOp.ADD | AtomicOp.FETCH, 1, 2, -8), "r2 = atomic64_fetch_add((u64 *)(r1 -8), r2)"],
    [asm.atomic("u32", AtomicOp.XOR | AtomicOp.FETCH, 1, 2, 0), "r2 = atomic_fetch_xor((u32 *)(r1 +0), r2)"],
    [asm.atomic("u64", AtomicOp.XCHG, 1, 2, 0), "r2 = atomic64_xchg((u64 *)(r1 +0), r2)"],
    [asm.atomic("u64", AtomicOp.CMPXCHG, 1, 2, 0), "r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)"],
    [asm.atomic("u64", AtomicOp.LOAD_ACQ, 0, 1, 8), "r0 = load_acquire((u64 *)(r1 +8))"],
    [asm.atomic("u32", AtomicOp.STORE_REL, 1, 2, 0), "store_release((u32 *)(r1 +0), r2)"],
    // jumps
    [asm.jmpImm(JmpOp.JNE, 1, 0, 3), "if r1 != 0x0 goto +3"],
    [asm.jmpImm(JmpOp.JEQ, 1, -1, -2), "if r1 == 0xffffffff goto -2"],
    [asm.jmpReg(JmpOp.JGT, 1, 2, 1), "if r1 > r2 goto +1"],
    [asm.jmpReg(JmpOp.JGE, 1, 2, 1), "if r1 >= r2 goto +1"],
    [asm.jmpImm(JmpOp.JSET, 1, 8, 1), "if r1 & 0x8 goto +1"],
    [asm.jmpReg(JmpOp.JSGT, 1, 2, 1), "if r1 s> r2 goto +1"],
    [asm.jmpReg(JmpOp.JSGE, 1, 2, 1), "if r1 s>= r2 goto +1"],
    [asm.jmpReg(JmpOp.JLT, 1, 2, 1), "if r1 < r2 goto +1"],
    [asm.jmpReg(JmpOp.JLE, 1, 2, 1), "if r1 <= r2 goto +1"],
    [asm.jmpReg(JmpOp.JSLT, 1, 2, 1), "if r1 s< r2 goto +1"],
    [asm.jmpImm(JmpOp.JSLE, 1, 5, 1), "if r1 s<= 0x5 goto +1"],
    [asm.jmp32Imm(JmpOp.JGT, 1, 5, -2), "if w1 > 0x5 goto -2"],
    [asm.jmp32Reg(JmpOp.JEQ, 1, 2, 0), "if w1 == w2 goto +0"],
    [asm.ja(3), "goto +3"],
    [asm.jaLong(-70000), "gotol -70000"],
    [raw(0xe5, 0, 0, 4), "may_goto +4"],
    [raw(0x0d, 3), "gotox r3"],
    [asm.call(14), "call 14"],
    [asm.callPseudo(5), "call pc+5"],
    [asm.callKfunc(1234), "call kfunc#1234"],
    [asm.exit(), "exit"],
    // encodings that are not instructions
    [raw(0xe7, 1), "invalid 0xe7"],
    [raw(0xdf, 1, 0, 0, 16), "invalid 0xdf"],
    [raw(0x8d, 0, 0, 0, 1), "invalid 0x8d"],
    [raw(0x9d), "invalid 0x9d"],
    [raw(0x6a, 1, 0, 0, 0), "*(u16 *)(r1 +0) = 0"],
    [raw(0x41), "invalid 0x41"],
  ])("%o → %s", (insn, text) => {
    expect(one(insn)).toBe(text);
  });

  it("formats both slots of ld_imm64 forms", () => {
    expect(formatInstruction(asm.ldImm64(0, 0x1234n), 0)).toBe("r0 = 0x1234 ll");
    expect(formatInstruction(asm.ldImm64(0, -1n), 0)).toBe("r0 = 0xffffffffffffffff ll");
    expect(formatInstruction(asm.ldMapFd(1, 4), 0)).toBe("r1 = map[fd:4] ll");
    expect(formatInstruction(asm.ldMapValue(1, 4, 8), 0)).toBe("r1 = map[fd:4][0]+8 ll");
    expect(formatInstruction(asm.ldFunc(2, 7), 0)).toBe("r2 = func[pc+7] ll");
    expect(formatInstruction([raw(0x18, 1, 3, 0, 99), raw(0)], 0)).toBe("r1 = btf_id[99] ll");
    expect(formatInstruction([raw(0x18, 1, 5, 0, 2), raw(0)], 0)).toBe("r1 = map[idx:2] ll");
    expect(formatInstruction([raw(0x18, 1, 6, 0, 2), raw(0, 0, 0, 0, 4)], 0)).toBe("r1 = map[idx:2][0]+4 ll");
    expect(formatInstruction([raw(0x18, 1)], 0)).toBe("invalid ld_imm64 (no second slot)");
    expect(formatInstruction(asm.ldImm64(0, 5n), 1)).toBe("(second slot of ld_imm64: 0x0)");
  });

  it("names helpers when asked", () => {
    expect(formatInstruction([asm.call(14)], 0, { helperName: (id) => (id === 14 ? "bpf_get_current_pid_tgid" : undefined) }))
      .toBe("call bpf_get_current_pid_tgid#14");
  });

  it("numbers lines by slot and gives ld_imm64 one line", () => {
    const program = [
      asm.ldx("u64", 1, 10, -8),
      ...asm.ldImm64(2, 0x1234n),
      asm.jmpImm(JmpOp.JNE, 1, 0, 1),
      asm.mov64Imm(0, 1),
      asm.exit(),
    ];
    expect(disassemble(program)).toEqual([
      "0: r1 = *(u64 *)(r10 -8)",
      "1: r2 = 0x1234 ll",
      "3: if r1 != 0x0 goto +1",
      "4: r0 = 1",
      "5: exit",
    ]);
  });
});
