/**
 * Disassembly in the syntax of the kernel verifier's log (kernel/bpf/disasm.c), which is also what
 * bpftool prints, so that a VerifierError and `tsbpf` tooling show code the way BPF developers read
 * it: `r1 = *(u64 *)(r10 -8)`, `if r1 != 0x0 goto +3`, `w1 += w2`, `r0 = 0x1234 ll`, `exit`.
 * Jump and call targets are relative (`goto +3`, `call pc+5`) as in the log; helpers print as
 * `call 14` unless a `helperName` is supplied. Unknown encodings print as `invalid ...`, never throw.
 */
import {
  AluOp,
  AtomicOp,
  CallSrc,
  Class,
  Endian,
  JCOND,
  JmpOp,
  Mode,
  PseudoSrc,
  Size,
  Source,
  type Instruction,
} from "./instruction.js";

export interface DisasmOptions {
  /** Names a helper id (e.g. 14 → "bpf_get_current_pid_tgid"); the line becomes `call name#14`. */
  helperName?: (id: number) => string | undefined;
}

const aluOps: Record<number, string> = {
  [AluOp.ADD]: "+=", [AluOp.SUB]: "-=", [AluOp.MUL]: "*=", [AluOp.DIV]: "/=", [AluOp.OR]: "|=",
  [AluOp.AND]: "&=", [AluOp.LSH]: "<<=", [AluOp.RSH]: ">>=", [AluOp.MOD]: "%=", [AluOp.XOR]: "^=",
  [AluOp.MOV]: "=", [AluOp.ARSH]: "s>>=",
};

const jmpOps: Record<number, string> = {
  [JmpOp.JEQ]: "==", [JmpOp.JGT]: ">", [JmpOp.JGE]: ">=", [JmpOp.JSET]: "&", [JmpOp.JNE]: "!=",
  [JmpOp.JSGT]: "s>", [JmpOp.JSGE]: "s>=", [JmpOp.JLT]: "<", [JmpOp.JLE]: "<=", [JmpOp.JSLT]: "s<",
  [JmpOp.JSLE]: "s<=",
};

const unsignedSizes: Record<number, string> = { [Size.W]: "u32", [Size.H]: "u16", [Size.B]: "u8", [Size.DW]: "u64" };
const signedSizes: Record<number, string> = { [Size.W]: "s32", [Size.H]: "s16", [Size.B]: "s8" };
const atomicNames: Record<number, string> = { [AtomicOp.ADD]: "add", [AtomicOp.AND]: "and", [AtomicOp.OR]: "or", [AtomicOp.XOR]: "xor" };

/** `%+d`, as the verifier prints offsets. */
function signed(n: number): string {
  return n < 0 ? `${n}` : `+${n}`;
}

function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

function invalid(insn: Instruction): string {
  return `invalid ${hex(insn.code)}`;
}

function memRef(size: string, reg: number, off: number): string {
  return `*(${size} *)(r${reg} ${signed(off)})`;
}

function formatAlu(insn: Instruction): string {
  const is64 = (insn.code & 0x07) === Class.ALU64;
  const r = is64 ? "r" : "w";
  const op = insn.code & 0xf0;
  const fromReg = (insn.code & 0x08) === Source.X;
  if (op === AluOp.END) {
    if (is64) return insn.code === (Class.ALU64 | AluOp.END | Endian.TO_LE) ? `r${insn.dst} = bswap${insn.imm} r${insn.dst}` : invalid(insn);
    return `r${insn.dst} = ${fromReg ? "be" : "le"}${insn.imm} r${insn.dst}`;
  }
  if (op === AluOp.NEG) return `${r}${insn.dst} = -${r}${insn.dst}`;
  if (is64 && op === AluOp.MOV && fromReg && insn.off === 1) {
    return `r${insn.dst} = addr_space_cast(r${insn.src}, ${(insn.imm >>> 16) & 0xffff}, ${insn.imm & 0xffff})`;
  }
  let name = aluOps[op];
  if (name === undefined) return invalid(insn);
  let cast = "";
  if ((op === AluOp.DIV || op === AluOp.MOD) && insn.off === 1) name = `s${name}`;
  if (op === AluOp.MOV && fromReg && (insn.off === 8 || insn.off === 16 || insn.off === 32)) cast = `(s${insn.off})`;
  return fromReg ? `${r}${insn.dst} ${name} ${cast}${r}${insn.src}` : `${r}${insn.dst} ${name} ${insn.imm}`;
}

function formatAtomic(insn: Instruction, size: string): string {
  const bits = (insn.code & 0x18) === Size.DW ? "64" : "";
  const place = `(${size} *)(r${insn.dst} ${signed(insn.off)})`;
  const imm = insn.imm;
  const plain = atomicNames[imm];
  if (plain !== undefined) return `lock *${place} ${aluOps[imm]} r${insn.src}`;
  const fetching = atomicNames[imm & ~AtomicOp.FETCH];
  if ((imm & AtomicOp.FETCH) !== 0 && fetching !== undefined) {
    return `r${insn.src} = atomic${bits}_fetch_${fetching}(${place}, r${insn.src})`;
  }
  if (imm === AtomicOp.XCHG) return `r${insn.src} = atomic${bits}_xchg(${place}, r${insn.src})`;
  if (imm === AtomicOp.CMPXCHG) return `r0 = atomic${bits}_cmpxchg(${place}, r0, r${insn.src})`;
  if (imm === AtomicOp.LOAD_ACQ) return `r${insn.dst} = load_acquire((${size} *)(r${insn.src} ${signed(insn.off)}))`;
  if (imm === AtomicOp.STORE_REL) return `store_release(${place}, r${insn.src})`;
  return invalid(insn);
}

function formatLdImm64(insns: readonly Instruction[], index: number): string {
  const insn = insns[index]!;
  const next = insns[index + 1];
  if (next === undefined || next.code !== 0) return `invalid ld_imm64 (no second slot)`;
  const lo = insn.imm >>> 0;
  const hi = next.imm >>> 0;
  const dst = `r${insn.dst}`;
  switch (insn.src) {
    case 0:
      return `${dst} = ${hex((BigInt(hi) << 32n) | BigInt(lo))} ll`;
    case PseudoSrc.MAP_FD:
      return `${dst} = map[fd:${insn.imm}] ll`;
    case PseudoSrc.MAP_VALUE:
      return `${dst} = map[fd:${insn.imm}][0]+${next.imm} ll`;
    case PseudoSrc.BTF_ID:
      return `${dst} = btf_id[${insn.imm}] ll`;
    case PseudoSrc.FUNC:
      return `${dst} = func[pc${signed(insn.imm)}] ll`;
    case PseudoSrc.MAP_IDX:
      return `${dst} = map[idx:${insn.imm}] ll`;
    case PseudoSrc.MAP_IDX_VALUE:
      return `${dst} = map[idx:${insn.imm}][0]+${next.imm} ll`;
    default:
      return invalid(insn);
  }
}

function formatJump(insn: Instruction, options: DisasmOptions): string {
  const cls = insn.code & 0x07;
  const op = insn.code & 0xf0;
  const fromReg = (insn.code & 0x08) === Source.X;
  if (op === JmpOp.CALL) {
    if (cls !== Class.JMP || fromReg) return invalid(insn);
    if (insn.src === CallSrc.PSEUDO_CALL) return `call pc${signed(insn.imm)}`;
    if (insn.src === CallSrc.KFUNC) return `call kfunc#${insn.imm}`;
    const name = options.helperName?.(insn.imm);
    return name !== undefined ? `call ${name}#${insn.imm}` : `call ${insn.imm}`;
  }
  if (op === JmpOp.EXIT) return cls === Class.JMP && !fromReg ? "exit" : invalid(insn);
  if (op === JmpOp.JA) {
    if (cls === Class.JMP32) return `gotol ${signed(insn.imm)}`;
    return fromReg ? `gotox r${insn.dst}` : `goto ${signed(insn.off)}`;
  }
  if (op === JCOND) return cls === Class.JMP && !fromReg && insn.src === 0 ? `may_goto ${signed(insn.off)}` : invalid(insn);
  const name = jmpOps[op];
  if (name === undefined) return invalid(insn);
  const r = cls === Class.JMP32 ? "w" : "r";
  const rhs = fromReg ? `${r}${insn.src}` : hex(insn.imm >>> 0);
  return `if ${r}${insn.dst} ${name} ${rhs} goto ${signed(insn.off)}`;
}

/** One instruction (both slots of an `ld_imm64` when `index` is its first). */
export function formatInstruction(insns: readonly Instruction[], index: number, options: DisasmOptions = {}): string {
  const insn = insns[index];
  if (insn === undefined) return `invalid (no instruction ${index})`;
  const cls = insn.code & 0x07;
  const size = insn.code & 0x18;
  const mode = insn.code & 0xe0;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64:
      return formatAlu(insn);
    case Class.JMP:
    case Class.JMP32:
      return formatJump(insn, options);
    case Class.LDX: {
      const name = mode === Mode.MEM ? unsignedSizes[size] : mode === Mode.MEMSX ? signedSizes[size] : undefined;
      return name === undefined ? invalid(insn) : `r${insn.dst} = ${memRef(name, insn.src, insn.off)}`;
    }
    case Class.ST:
      return mode === Mode.MEM ? `${memRef(unsignedSizes[size]!, insn.dst, insn.off)} = ${insn.imm}` : invalid(insn);
    case Class.STX:
      if (mode === Mode.MEM) return `${memRef(unsignedSizes[size]!, insn.dst, insn.off)} = r${insn.src}`;
      if (mode === Mode.ATOMIC) return formatAtomic(insn, unsignedSizes[size]!);
      return invalid(insn);
    case Class.LD:
      if (insn.code === 0 && index > 0 && insns[index - 1]!.code === (Class.LD | Size.DW | Mode.IMM)) {
        return `(second slot of ld_imm64: ${hex(insn.imm >>> 0)})`;
      }
      if (mode === Mode.ABS && size !== Size.DW) return `r0 = *(${unsignedSizes[size]} *)skb[${insn.imm}]`;
      if (mode === Mode.IND && size !== Size.DW) return `r0 = *(${unsignedSizes[size]} *)skb[r${insn.src} + ${insn.imm}]`;
      if (mode === Mode.IMM && size === Size.DW) return formatLdImm64(insns, index);
      return invalid(insn);
  }
  return invalid(insn);
}

/**
 * The whole sequence, one line per instruction, each prefixed with its slot index as in the
 * verifier log (`3: r1 = 0x0 ll`); the second slot of an `ld_imm64` has no line of its own.
 */
export function disassemble(insns: readonly Instruction[], options: DisasmOptions = {}): string[] {
  const lines: string[] = [];
  for (let i = 0; i < insns.length; i++) {
    lines.push(`${i}: ${formatInstruction(insns, i, options)}`);
    if (insns[i]!.code === (Class.LD | Size.DW | Mode.IMM) && insns[i + 1]?.code === 0) i++;
  }
  return lines;
}
