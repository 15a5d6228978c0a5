/**
 * Small instruction constructors (exported as the `asm` namespace), for the compiler's emitter,
 * the runtime's feature probes and tests. Each returns fresh plain objects, in the kernel's field
 * conventions (see the BPF ISA: Documentation/bpf/standardization/instruction-set.rst).
 */
import {
  AluOp,
  AtomicOp,
  CallSrc,
  Class,
  Endian,
  JmpOp,
  Mode,
  PseudoSrc,
  Size,
  Source,
  type Instruction,
  type SizeCode,
} from "./instruction.js";

/** A memory access width: a `Size` constant or its C name. */
export type MemSize = SizeCode | "u8" | "u16" | "u32" | "u64";

const sizeByName = { u8: Size.B, u16: Size.H, u32: Size.W, u64: Size.DW } as const;

function sizeCode(size: MemSize): SizeCode {
  return typeof size === "string" ? sizeByName[size] : size;
}

function insn(code: number, dst = 0, src = 0, off = 0, imm = 0): Instruction {
  return { code, dst, src, off, imm: imm | 0 };
}

// ALU ------------------------------------------------------------------------------------------

export function alu64Imm(op: number, dst: number, imm: number): Instruction {
  return insn(Class.ALU64 | op | Source.K, dst, 0, 0, imm);
}

export function alu64Reg(op: number, dst: number, src: number): Instruction {
  return insn(Class.ALU64 | op | Source.X, dst, src);
}

export function alu32Imm(op: number, dst: number, imm: number): Instruction {
  return insn(Class.ALU | op | Source.K, dst, 0, 0, imm);
}

export function alu32Reg(op: number, dst: number, src: number): Instruction {
  return insn(Class.ALU | op | Source.X, dst, src);
}

export function mov64Imm(dst: number, imm: number): Instruction {
  return alu64Imm(AluOp.MOV, dst, imm);
}

export function mov64Reg(dst: number, src: number): Instruction {
  return alu64Reg(AluOp.MOV, dst, src);
}

export function mov32Imm(dst: number, imm: number): Instruction {
  return alu32Imm(AluOp.MOV, dst, imm);
}

export function mov32Reg(dst: number, src: number): Instruction {
  return alu32Reg(AluOp.MOV, dst, src);
}

export function neg64(dst: number): Instruction {
  return insn(Class.ALU64 | AluOp.NEG | Source.K, dst);
}

export function neg32(dst: number): Instruction {
  return insn(Class.ALU | AluOp.NEG | Source.K, dst);
}

/** `dst = (s8|s16|s32)src` (cpu v4 MOVSX): `fromBits` is 8, 16 or 32. */
export function movsx64(dst: number, src: number, fromBits: 8 | 16 | 32): Instruction {
  return insn(Class.ALU64 | AluOp.MOV | Source.X, dst, src, fromBits);
}

/** `wdst = (s8|s16)wsrc` (cpu v4 MOVSX, 32-bit form). */
export function movsx32(dst: number, src: number, fromBits: 8 | 16): Instruction {
  return insn(Class.ALU | AluOp.MOV | Source.X, dst, src, fromBits);
}

/** Signed division and modulo (cpu v4: DIV/MOD with off 1). */
export function sdiv64Reg(dst: number, src: number): Instruction {
  return insn(Class.ALU64 | AluOp.DIV | Source.X, dst, src, 1);
}

export function smod64Reg(dst: number, src: number): Instruction {
  return insn(Class.ALU64 | AluOp.MOD | Source.X, dst, src, 1);
}

/** `dst = be16/be32/be64 dst` or the `le` forms: byte order conversion from/to host order. */
export function endian(order: "le" | "be", dst: number, bits: 16 | 32 | 64): Instruction {
  return insn(Class.ALU | AluOp.END | (order === "be" ? Endian.TO_BE : Endian.TO_LE), dst, 0, 0, bits);
}

/** `dst = bswap16/32/64 dst` (cpu v4, unconditional byte swap). */
export function bswap(dst: number, bits: 16 | 32 | 64): Instruction {
  return insn(Class.ALU64 | AluOp.END | Endian.TO_LE, dst, 0, 0, bits);
}

// Memory ---------------------------------------------------------------------------------------

/** `dst = *(size *)(src + off)` */
export function ldx(size: MemSize, dst: number, src: number, off: number): Instruction {
  return insn(Class.LDX | sizeCode(size) | Mode.MEM, dst, src, off);
}

/** `dst = *(s8|s16|s32 *)(src + off)`, sign-extending (cpu v4 MEMSX). */
export function ldxsx(size: MemSize, dst: number, src: number, off: number): Instruction {
  return insn(Class.LDX | sizeCode(size) | Mode.MEMSX, dst, src, off);
}

/** `*(size *)(dst + off) = src` */
export function stx(size: MemSize, dst: number, src: number, off: number): Instruction {
  return insn(Class.STX | sizeCode(size) | Mode.MEM, dst, src, off);
}

/** `*(size *)(dst + off) = imm` */
export function st(size: MemSize, dst: number, off: number, imm: number): Instruction {
  return insn(Class.ST | sizeCode(size) | Mode.MEM, dst, 0, off, imm);
}

/**
 * An atomic read-modify-write on `*(size *)(dst + off)` with `src` (size u32 or u64). `op` is an
 * `AtomicOp` value: ADD/OR/AND/XOR (add FETCH to get the old value back in `src`), XCHG, CMPXCHG
 * (compares with r0, old value in r0).
 */
export function atomic(size: MemSize, op: number, dst: number, src: number, off: number): Instruction {
  return insn(Class.STX | sizeCode(size) | Mode.ATOMIC, dst, src, off, op);
}

/** `lock *(size *)(dst + off) += src` */
export function atomicAdd(size: MemSize, dst: number, src: number, off: number): Instruction {
  return atomic(size, AtomicOp.ADD, dst, src, off);
}

/** Legacy packet access `r0 = *(size *)skb[imm]` (socket filters). */
export function ldAbs(size: MemSize, imm: number): Instruction {
  return insn(Class.LD | sizeCode(size) | Mode.ABS, 0, 0, 0, imm);
}

/** Legacy packet access `r0 = *(size *)skb[src + imm]`. */
export function ldInd(size: MemSize, src: number, imm: number): Instruction {
  return insn(Class.LD | sizeCode(size) | Mode.IND, 0, src, 0, imm);
}

// 64-bit immediates ----------------------------------------------------------------------------

function ldImm64Raw(dst: number, src: number, lo: number, hi: number): [Instruction, Instruction] {
  return [insn(Class.LD | Size.DW | Mode.IMM, dst, src, 0, lo), insn(0, 0, 0, 0, hi)];
}

/** `dst = value ll` (two slots). */
export function ldImm64(dst: number, value: bigint): [Instruction, Instruction] {
  const bits = BigInt.asUintN(64, value);
  return ldImm64Raw(dst, 0, Number(BigInt.asIntN(32, bits)), Number(BigInt.asIntN(32, bits >> 32n)));
}

/** `dst = map[fd]` (BPF_PSEUDO_MAP_FD). */
export function ldMapFd(dst: number, fd: number): [Instruction, Instruction] {
  return ldImm64Raw(dst, PseudoSrc.MAP_FD, fd, 0);
}

/** `dst = &map[fd][0] + off` (BPF_PSEUDO_MAP_VALUE), the address of a global variable. */
export function ldMapValue(dst: number, fd: number, off: number): [Instruction, Instruction] {
  return ldImm64Raw(dst, PseudoSrc.MAP_VALUE, fd, off);
}

/** `dst = &func` (BPF_PSEUDO_FUNC): `relativeOff` counts slots from the next instruction. */
export function ldFunc(dst: number, relativeOff: number): [Instruction, Instruction] {
  return ldImm64Raw(dst, PseudoSrc.FUNC, relativeOff, 0);
}

// Jumps ----------------------------------------------------------------------------------------

/** `if dst <op> imm goto +off` */
export function jmpImm(op: number, dst: number, imm: number, off: number): Instruction {
  return insn(Class.JMP | op | Source.K, dst, 0, off, imm);
}

/** `if dst <op> src goto +off` */
export function jmpReg(op: number, dst: number, src: number, off: number): Instruction {
  return insn(Class.JMP | op | Source.X, dst, src, off);
}

export function jmp32Imm(op: number, dst: number, imm: number, off: number): Instruction {
  return insn(Class.JMP32 | op | Source.K, dst, 0, off, imm);
}

export function jmp32Reg(op: number, dst: number, src: number, off: number): Instruction {
  return insn(Class.JMP32 | op | Source.X, dst, src, off);
}

/** `goto +off` */
export function ja(off: number): Instruction {
  return insn(Class.JMP | JmpOp.JA, 0, 0, off);
}

/** `gotol +imm` (cpu v4 long jump, offset in imm). */
export function jaLong(imm: number): Instruction {
  return insn(Class.JMP32 | JmpOp.JA, 0, 0, 0, imm);
}

/** `call helperId` */
export function call(helperId: number): Instruction {
  return insn(Class.JMP | JmpOp.CALL, 0, CallSrc.HELPER, 0, helperId);
}

/** `call pc+relativeOff`: a BPF-to-BPF call, the offset counted from the next instruction. */
export function callPseudo(relativeOff: number): Instruction {
  return insn(Class.JMP | JmpOp.CALL, 0, CallSrc.PSEUDO_CALL, 0, relativeOff);
}

/** `call` of a kernel function by BTF id (kfunc); `btfFd` 0 means vmlinux. */
export function callKfunc(btfId: number, btfFdIndex = 0): Instruction {
  return insn(Class.JMP | JmpOp.CALL, 0, CallSrc.KFUNC, btfFdIndex, btfId);
}

export function exit(): Instruction {
  return insn(Class.JMP | JmpOp.EXIT);
}
