/**
 * The few instruction shapes `asm` has no builder for (signed division and modulo with
 * immediates, 32-bit forms), built from the ISA's opcode constants.
 */
import { AluOp, Class, Source, type Instruction } from "@tsbpf/object";

export function aluImm(wide: boolean, op: number, dst: number, imm: number, off = 0): Instruction {
  return { code: (wide ? Class.ALU64 : Class.ALU) | op | Source.K, dst, src: 0, off, imm: imm | 0 };
}

export function aluReg(wide: boolean, op: number, dst: number, src: number, off = 0): Instruction {
  return { code: (wide ? Class.ALU64 : Class.ALU) | op | Source.X, dst, src, off, imm: 0 };
}

export function negate(wide: boolean, dst: number): Instruction {
  return { code: (wide ? Class.ALU64 : Class.ALU) | AluOp.NEG | Source.K, dst, src: 0, off: 0, imm: 0 };
}

export function jmpImm(wide: boolean, op: number, dst: number, imm: number, off: number): Instruction {
  return { code: (wide ? Class.JMP : Class.JMP32) | op | Source.K, dst, src: 0, off, imm: imm | 0 };
}

export function jmpReg(wide: boolean, op: number, dst: number, src: number, off: number): Instruction {
  return { code: (wide ? Class.JMP : Class.JMP32) | op | Source.X, dst, src, off, imm: 0 };
}
