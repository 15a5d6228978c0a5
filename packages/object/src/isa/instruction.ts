/**
 * One 8-byte BPF instruction slot, as the kernel's `struct bpf_insn` lays it out:
 * `code` (8 bits), `dst_reg` (4), `src_reg` (4), `off` (signed 16), `imm` (signed 32).
 * An `ld_imm64` takes two slots; the second has `code` 0 and the upper 32 bits in `imm`.
 */
export interface Instruction {
  /** Opcode byte: class | size/op | mode/source. */
  code: number;
  dst: number;
  src: number;
  /** Signed 16-bit offset. */
  off: number;
  /** Signed 32-bit immediate. */
  imm: number;
}

/** Instruction classes (low 3 bits of the opcode). */
export const Class = {
  LD: 0x00,
  LDX: 0x01,
  ST: 0x02,
  STX: 0x03,
  ALU: 0x04,
  JMP: 0x05,
  JMP32: 0x06,
  ALU64: 0x07,
} as const;

/** Size field of load/store opcodes. */
export const Size = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;

/** Mode field of load/store opcodes. */
export const Mode = { IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60, MEMSX: 0x80, ATOMIC: 0xc0 } as const;

/** Source bit of ALU/JMP opcodes: immediate (K) or register (X). */
export const Source = { K: 0x00, X: 0x08 } as const;

/** ALU operations (high 4 bits). */
export const AluOp = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70,
  NEG: 0x80, MOD: 0x90, XOR: 0xa0, MOV: 0xb0, ARSH: 0xc0, END: 0xd0,
} as const;

/** Jump operations (high 4 bits). */
export const JmpOp = {
  JA: 0x00, JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40, JNE: 0x50, JSGT: 0x60, JSGE: 0x70,
  CALL: 0x80, EXIT: 0x90, JLT: 0xa0, JLE: 0xb0, JSLT: 0xc0, JSLE: 0xd0,
} as const;

/** `src_reg` values of `ld_imm64` that the loader interprets. */
export const PseudoSrc = {
  MAP_FD: 1,
  MAP_VALUE: 2,
  BTF_ID: 3,
  FUNC: 4,
  MAP_IDX: 5,
  MAP_IDX_VALUE: 6,
} as const;

/** `src_reg` of a call: helper (0), BPF-to-BPF call (1), kfunc (2). */
export const CallSrc = { HELPER: 0, PSEUDO_CALL: 1, KFUNC: 2 } as const;

/** The frame pointer register (read-only) and the register count. */
export const R10 = 10;
export const REGISTER_COUNT = 11;

/** Type of the `Size` field's values. */
export type SizeCode = (typeof Size)[keyof typeof Size];

/** `imm` of a `BPF_STX | BPF_ATOMIC` instruction: the operation, with `FETCH` for the fetching forms. */
export const AtomicOp = {
  ADD: 0x00,
  OR: 0x40,
  AND: 0x50,
  XOR: 0xa0,
  FETCH: 0x01,
  /** Always fetches: `XCHG` and `CMPXCHG` include the FETCH bit. */
  XCHG: 0xe0 | 0x01,
  CMPXCHG: 0xf0 | 0x01,
  LOAD_ACQ: 0x100,
  STORE_REL: 0x110,
} as const;

/** Source bit of `BPF_ALU | BPF_END`: convert to little (TO_LE) or big (TO_BE) endian. */
export const Endian = { TO_LE: 0x00, TO_BE: 0x08 } as const;

/** `BPF_JCOND` (jump op 0xe0), whose only form is `may_goto` (src_reg 0). */
export const JCOND = 0xe0;

/** The `ld_imm64` opcode (BPF_LD | BPF_DW | BPF_IMM): the first of its two slots. */
export const LD_IMM64 = Class.LD | Size.DW | Mode.IMM;

/** The call opcode (BPF_JMP | BPF_CALL) and exit opcode (BPF_JMP | BPF_EXIT). */
export const CALL = Class.JMP | JmpOp.CALL;
export const EXIT = Class.JMP | JmpOp.EXIT;

/** Whether `insn` is the first slot of an `ld_imm64`. */
export function isLdImm64(insn: Instruction): boolean {
  return insn.code === LD_IMM64;
}

/** Whether `insn` is a BPF-to-BPF call (`call pc+imm`). */
export function isPseudoCall(insn: Instruction): boolean {
  return insn.code === CALL && insn.src === CallSrc.PSEUDO_CALL;
}

/** Whether `insn` loads the address of a BPF function (`ld_imm64` with src_reg BPF_PSEUDO_FUNC), e.g. a bpf_loop callback. */
export function isPseudoFunc(insn: Instruction): boolean {
  return insn.code === LD_IMM64 && insn.src === PseudoSrc.FUNC;
}
