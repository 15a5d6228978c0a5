/**
 * Registers and control flow of selected BPF instructions, for the clean-ups that run after
 * instruction selection (copy forwarding): which registers each instruction reads and writes,
 * where jumps land, and which registers are live after each instruction.
 */
import { AluOp, AtomicOp, Class, JmpOp, Mode, Source, type Instruction } from "@tsbpf/object";

/** Register sets as bit masks (bit n: rn). */
export type RegMask = number;

const ARGS: RegMask = 0b111110; // r1–r5
const CLOBBERED: RegMask = 0b111111; // r0–r5
const ALL: RegMask = 0x7ff;

export const bit = (r: number): RegMask => 1 << r;

const LD_IMM64 = Class.LD | 0x18;

export interface Effects {
  uses: RegMask;
  defs: RegMask;
  /** A call, exit, jump or anything else that ends the straight-line code clean-ups work on. */
  barrier: boolean;
}

/** What one instruction reads and writes. The second slot of ld_imm64 reads and writes nothing. */
export function effects(insn: Instruction, second = false, args?: number): Effects {
  if (second) return { uses: 0, defs: 0, barrier: false };
  const cls = insn.code & 0x07;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64: {
      const op = insn.code & 0xf0;
      const x = (insn.code & 0x08) === Source.X;
      if (op === AluOp.MOV) return { uses: x ? bit(insn.src) : 0, defs: bit(insn.dst), barrier: false };
      if (op === AluOp.NEG || op === AluOp.END) return { uses: bit(insn.dst), defs: bit(insn.dst), barrier: false };
      return { uses: bit(insn.dst) | (x ? bit(insn.src) : 0), defs: bit(insn.dst), barrier: false };
    }
    case Class.LDX:
      return { uses: bit(insn.src), defs: bit(insn.dst), barrier: false };
    case Class.ST:
      return { uses: bit(insn.dst), defs: 0, barrier: false };
    case Class.STX: {
      if ((insn.code & 0xe0) !== Mode.ATOMIC) return { uses: bit(insn.dst) | bit(insn.src), defs: 0, barrier: false };
      // Atomics with a fetch write their source register (cmpxchg r0): leave them alone.
      if (insn.imm === AtomicOp.CMPXCHG) return { uses: bit(insn.dst) | bit(insn.src) | 1, defs: 1, barrier: true };
      const fetch = (insn.imm & AtomicOp.FETCH) !== 0;
      return { uses: bit(insn.dst) | bit(insn.src), defs: fetch ? bit(insn.src) : 0, barrier: fetch };
    }
    case Class.LD:
      if (insn.code === LD_IMM64) return { uses: 0, defs: bit(insn.dst), barrier: false };
      return { uses: ALL, defs: CLOBBERED, barrier: true }; // legacy packet loads
    default: {
      const op = insn.code & 0xf0;
      if (cls === Class.JMP && op === JmpOp.CALL) return { uses: args === undefined ? ARGS : ARGS & ((1 << (args + 1)) - 1), defs: CLOBBERED, barrier: true };
      if (cls === Class.JMP && op === JmpOp.EXIT) return { uses: 1, defs: 0, barrier: true };
      if (op === JmpOp.JA) return { uses: 0, defs: 0, barrier: true };
      if (op === 0xe0) return { uses: ALL, defs: 0, barrier: true }; // may_goto and anything newer
      const x = (insn.code & 0x08) === Source.X;
      return { uses: bit(insn.dst) | (x ? bit(insn.src) : 0), defs: 0, barrier: true };
    }
  }
}

/** Which slots are the second half of an ld_imm64. */
export function secondSlots(insns: readonly Instruction[]): boolean[] {
  const second = new Array<boolean>(insns.length).fill(false);
  for (let i = 0; i < insns.length; i++) if (insns[i]!.code === LD_IMM64) second[++i] = true;
  return second;
}

/** The instruction a jump at `at` lands on, or undefined for calls, exits and non-jumps. */
export function jumpTarget(insns: readonly Instruction[], at: number): number | undefined {
  const insn = insns[at]!;
  const cls = insn.code & 0x07;
  if (cls !== Class.JMP && cls !== Class.JMP32) return undefined;
  const op = insn.code & 0xf0;
  if (op === JmpOp.CALL || op === JmpOp.EXIT) return undefined;
  if (cls === Class.JMP32 && op === JmpOp.JA) return at + 1 + insn.imm;
  return at + 1 + insn.off;
}

export function fallsThrough(insn: Instruction): boolean {
  const cls = insn.code & 0x07;
  const op = insn.code & 0xf0;
  return !((cls === Class.JMP || cls === Class.JMP32) && (op === JmpOp.JA || (cls === Class.JMP && op === JmpOp.EXIT)));
}

/** The instructions control can go to from each one. */
export function successorsOf(insns: readonly Instruction[], second: readonly boolean[]): number[][] {
  return insns.map((insn, i) => {
    const out: number[] = [];
    if ((second[i] || fallsThrough(insn)) && i + 1 < insns.length) out.push(i + 1);
    // `goto +0` (left where the instruction it jumped over was removed) does not fall through,
    // yet control goes on to the next instruction: fuzzer seed 20091451 lost an arm without it.
    const t = second[i] ? undefined : jumpTarget(insns, i);
    if (t !== undefined && !out.includes(t)) out.push(t);
    return out;
  });
}

/** Registers live after each instruction (r10 never counts). */
export function liveAfter(insns: readonly Instruction[], second: readonly boolean[], argCounts: ReadonlyMap<number, number> = new Map()): RegMask[] {
  const n = insns.length;
  const fx = insns.map((insn, i) => effects(insn, second[i], argCounts.get(i)));
  const liveIn = new Array<RegMask>(n).fill(0);
  const out = new Array<RegMask>(n).fill(0);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      let o = 0;
      if (second[i] || fallsThrough(insns[i]!)) o |= liveIn[i + 1] ?? 0;
      const t = second[i] ? undefined : jumpTarget(insns, i);
      if (t !== undefined) o |= liveIn[t] ?? 0;
      const inn = (o & ~fx[i]!.defs) | fx[i]!.uses;
      if (o !== out[i] || inn !== liveIn[i]) {
        out[i] = o;
        liveIn[i] = inn;
        changed = true;
      }
    }
  }
  return out;
}
