import { describe, expect, it } from "vitest";
import { ObjectFormatError } from "../errors.js";
import * as asm from "./builders.js";
import { decodeInstructions, encodeInstructions } from "./codec.js";
import { AluOp, JmpOp } from "./instruction.js";

describe("instruction codec", () => {
  it("lays out struct bpf_insn little-endian with dst in the low nibble", () => {
    // r1 = *(u64 *)(r10 -8): code 0x79, dst 1, src 10, off -8
    const bytes = encodeInstructions([asm.ldx("u64", 1, 10, -8)]);
    expect([...bytes]).toEqual([0x79, 0xa1, 0xf8, 0xff, 0, 0, 0, 0]);
    // r0 = -2 (mov64 imm): imm as signed 32 little-endian
    expect([...encodeInstructions([asm.mov64Imm(0, -2)])]).toEqual([0xb7, 0x00, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
  });

  it("round-trips every field's extremes", () => {
    const insns = [
      { code: 0xff, dst: 15, src: 15, off: -32768, imm: -2147483648 },
      { code: 0x00, dst: 0, src: 0, off: 32767, imm: 2147483647 },
      asm.jmpImm(JmpOp.JNE, 1, 0, 3),
      asm.alu32Reg(AluOp.ADD, 1, 2),
      ...asm.ldImm64(3, 0x1122334455667788n),
      asm.exit(),
    ];
    expect(decodeInstructions(encodeInstructions(insns))).toEqual(insns);
  });

  it("decodes from a view with a byte offset", () => {
    const inner = encodeInstructions([asm.call(14), asm.exit()]);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    expect(decodeInstructions(outer.subarray(3))).toEqual([asm.call(14), asm.exit()]);
  });

  it("rejects a length that is not whole slots with a typed error", () => {
    expect(() => decodeInstructions(new Uint8Array(12), "xdp")).toThrow(ObjectFormatError);
    expect(() => decodeInstructions(new Uint8Array(12), "xdp")).toThrow(/xdp: size 12/);
  });
});

describe("builders", () => {
  it("splits a 64-bit immediate over two slots", () => {
    const [lo, hi] = asm.ldImm64(1, -1n);
    expect(lo).toEqual({ code: 0x18, dst: 1, src: 0, off: 0, imm: -1 });
    expect(hi).toEqual({ code: 0, dst: 0, src: 0, off: 0, imm: -1 });
    expect(asm.ldImm64(2, 0x1_0000_0002n).map((i) => i.imm)).toEqual([2, 1]);
  });

  it("builds map loads with pseudo sources", () => {
    expect(asm.ldMapFd(1, 7)[0]).toMatchObject({ code: 0x18, src: 1, imm: 7 });
    expect(asm.ldMapValue(1, 7, 16)).toEqual([
      { code: 0x18, dst: 1, src: 2, off: 0, imm: 7 },
      { code: 0, dst: 0, src: 0, off: 0, imm: 16 },
    ]);
  });

  it("accepts Size constants and C names alike", () => {
    expect(asm.stx(0x18, 10, 1, -8)).toEqual(asm.stx("u64", 10, 1, -8));
    expect(asm.st("u32", 10, -4, 0).code).toBe(0x62);
    expect(asm.ldx("u8", 0, 1, 0).code).toBe(0x71);
  });

  it("uses the kernel's opcodes for calls and exit", () => {
    expect(asm.call(14)).toEqual({ code: 0x85, dst: 0, src: 0, off: 0, imm: 14 });
    expect(asm.callPseudo(5)).toEqual({ code: 0x85, dst: 0, src: 1, off: 0, imm: 5 });
    expect(asm.exit()).toEqual({ code: 0x95, dst: 0, src: 0, off: 0, imm: 0 });
    expect(asm.ja(-1)).toEqual({ code: 0x05, dst: 0, src: 0, off: -1, imm: 0 });
  });
});
