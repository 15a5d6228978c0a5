/**
 * Instruction selection: IR instructions to BPF instructions, given each virtual register's home
 * (a callee-saved register or a spill slot) and the frame layout. r0–r5 are scratch registers
 * within one IR instruction's expansion (r1–r5 also carry helper arguments, r0 the result).
 *
 * Registers keep the IR's value invariant: kinds up to 32 bits are computed with the 32-bit ALU
 * (whose results the verifier knows to be zero-extended) and are valid in the low 32 bits;
 * 64-bit kinds and pointers use the 64-bit ALU. Pointers are only ever moved with 64-bit moves,
 * so the verifier keeps tracking them.
 */
import { AluOp, AtomicOp, CallSrc, JmpOp, PseudoSrc, R10, asm, type Instruction, type MapReference } from "@tsbpf/object";
import { isSigned, kindBits, kindSize, type IntKind } from "../checker/kinds.js";
import { instUses, type Address, type Block, type CmpOp, type CoreRelocRequest, type Inst, type IrFunction, type IrKind, type Operand, type SourceLoc, type Terminator, type VReg } from "../ir/ir.js";
import type { Frame } from "./frame.js";
import { aluImm, aluReg, jmpImm, jmpReg, negate } from "./insn.js";
import { bit, effects } from "./machine-flow.js";
import type { Allocation } from "./regalloc.js";

/** The BPF_ATOMIC operation of each IR atomic (the FETCH bit is added for the fetching forms). */
const ATOMIC_OPS = { add: AtomicOp.ADD, and: AtomicOp.AND, or: AtomicOp.OR, xor: AtomicOp.XOR, xchg: AtomicOp.XCHG, cmpxchg: AtomicOp.CMPXCHG } as const;

export interface MachineCode {
  insns: Instruction[];
  mapRefs: MapReference[];
  /** BPF-to-BPF calls and function-address loads, resolved when the program's functions are linked. */
  calls: { instruction: number; target: string }[];
  /** Source positions by instruction index, strictly increasing, the first at 0. */
  lines: { instruction: number; loc: SourceLoc }[];
  /** CO-RE relocations by instruction index. */
  cores: { instruction: number; relo: CoreRelocRequest }[];
  /** How many argument registers each call reads, by instruction index (for the clean-ups after selection). */
  argCounts?: { instruction: number; count: number }[];
}

/** Thrown for what the selector cannot encode (offsets beyond 16 bits); the driver reports it. */
export class SelectionError extends Error {}

const R0 = 0;
const R1 = 1;
const R2 = 2;
const R3 = 3;

function is64(kind: IrKind): boolean {
  return kind === "ptr" || kindBits(kind) === 64;
}

function memSize(kind: IrKind): "u8" | "u16" | "u32" | "u64" {
  const size = kind === "ptr" ? 8 : kindSize(kind);
  return size === 1 ? "u8" : size === 2 ? "u16" : size === 4 ? "u32" : "u64";
}

function memBytes(kind: IrKind): number {
  return kind === "ptr" ? 8 : kindSize(kind);
}

/** A stack access off its natural alignment (a member of a packed struct), which the verifier refuses. */
function misalignedStack(addr: Address, off: number, kind: IrKind): boolean {
  return addr.tag === "stack" && off % memBytes(kind) !== 0;
}

/** The imm32 of a 64-bit operation, if the value survives sign extension. */
function imm64(value: bigint): number | undefined {
  const v = BigInt.asIntN(64, value);
  return v >= -(1n << 31n) && v < 1n << 31n ? Number(v) : undefined;
}

/** The imm32 of a 32-bit operation: the low 32 bits. */
function imm32(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}

const JUMP: Record<CmpOp, { unsigned: number; signed: number }> = {
  eq: { unsigned: JmpOp.JEQ, signed: JmpOp.JEQ },
  ne: { unsigned: JmpOp.JNE, signed: JmpOp.JNE },
  lt: { unsigned: JmpOp.JLT, signed: JmpOp.JSLT },
  le: { unsigned: JmpOp.JLE, signed: JmpOp.JSLE },
  gt: { unsigned: JmpOp.JGT, signed: JmpOp.JSGT },
  ge: { unsigned: JmpOp.JGE, signed: JmpOp.JSGE },
};

const COMMUTATIVE = new Set(["add", "mul", "and", "or", "xor"]);
const INVERSE: Record<CmpOp, CmpOp> = { eq: "ne", ne: "eq", lt: "ge", ge: "lt", le: "gt", gt: "le" };
const MIRROR: Record<CmpOp, CmpOp> = { eq: "eq", ne: "ne", lt: "gt", gt: "lt", le: "ge", ge: "le" };

export function selectInstructions(fn: IrFunction, order: Block[], alloc: Allocation, frame: Frame): MachineCode {
  const insns: Instruction[] = [];
  const mapRefs: MapReference[] = [];
  const calls: { instruction: number; target: string }[] = [];
  const lines: { instruction: number; loc: SourceLoc }[] = [];
  const cores: { instruction: number; relo: CoreRelocRequest }[] = [];
  const argCounts: { instruction: number; count: number }[] = [];
  const starts = new Map<Block, number>();
  const fixups: { at: number; target: Block }[] = [];

  // What scratch registers are known to hold, for reuse within a block: a zero (stores of zero
  // go through a register: 4 bytes shorter each in x86 JIT code than a 32-bit immediate) and the
  // address of a global (a load and a store of one global load its address once).
  let zeroReg: number | undefined;
  const globalIn = new Map<number, string>();
  let secondSlot = false;
  const emit = (...list: Instruction[]): void => {
    for (const insn of list) {
      insns.push(insn);
      if (secondSlot) {
        secondSlot = false;
        continue;
      }
      if (insn.code === LD_IMM64_CODE) secondSlot = true;
      const { defs } = effects(insn);
      if (zeroReg !== undefined && defs & bit(zeroReg)) zeroReg = undefined;
      for (const r of [...globalIn.keys()]) if (defs & bit(r)) globalIn.delete(r);
    }
  };
  const forgetKnown = (): void => {
    zeroReg = undefined;
    globalIn.clear();
  };
  const markLine = (loc: SourceLoc | undefined): void => {
    if (!loc) return;
    const last = lines[lines.length - 1];
    if (last && last.loc.line === loc.line && last.loc.column === loc.column) return;
    if (last && last.instruction === insns.length) last.loc = loc;
    else lines.push({ instruction: insns.length, loc });
  };

  const home = (r: VReg) => {
    const h = alloc.homes.get(r);
    if (!h) throw new SelectionError(`internal: register %${r.id} has no home`);
    return h;
  };
  const checkOff = (off: number): number => {
    if (off < -32768 || off > 32767) throw new SelectionError(`offset ${off} does not fit an instruction's 16-bit offset`);
    return off;
  };

  const materializeImm = (dst: number, value: bigint, kind: IrKind): void => {
    if (!is64(kind)) return emit(asm.mov32Imm(dst, imm32(value)));
    const small = imm64(value);
    if (small !== undefined) emit(asm.mov64Imm(dst, small));
    else emit(...asm.ldImm64(dst, value));
  };
  const loadMap = (dst: number, map: string, ref: "map" | "value", offset: number): void => {
    const known = ref === "value" ? `${map}+${offset}` : undefined;
    if (known !== undefined && globalIn.get(dst) === known) return;
    mapRefs.push({ instruction: insns.length, map, kind: ref, offset: ref === "map" ? 0 : offset });
    emit(...(ref === "map" ? asm.ldMapFd(dst, 0) : asm.ldMapValue(dst, 0, offset)));
    // ldMapValue puts the offset in the second slot (the kernel's form); libbpf's ELF form keeps
    // it in the first: the ELF writer normalises either.
    void PseudoSrc;
    if (known !== undefined) globalIn.set(dst, known);
  };

  /** A register that holds the operand's value: its home, or `scratch` loaded with it. */
  const operandReg = (op: Operand, scratch: number): number => {
    switch (op.tag) {
      case "reg": {
        const h = home(op.reg);
        if (h.tag === "reg") return h.reg;
        emit(asm.ldx("u64", scratch, R10, frame.spillOffset(h.slot)));
        return scratch;
      }
      case "imm":
        materializeImm(scratch, op.value, op.kind);
        return scratch;
      case "stack":
        emit(asm.mov64Reg(scratch, R10), asm.alu64Imm(AluOp.ADD, scratch, checkOff(frame.objectOffset.get(op.object)! + op.offset)));
        return scratch;
      case "map":
        loadMap(scratch, op.map, op.ref, op.offset);
        return scratch;
      case "func":
        calls.push({ instruction: insns.length, target: op.name });
        emit(...funcAddress(scratch));
        return scratch;
    }
  };
  /** Puts the operand's value into exactly `dst`. */
  const operandInto = (op: Operand, dst: number): void => {
    const r = operandReg(op, dst);
    if (r !== dst) emit(asm.mov64Reg(dst, r));
  };
  /** The register to compute a definition of `r` in: its home, or `scratch` when it is spilled. */
  const defReg = (r: VReg, scratch: number): number => {
    const h = home(r);
    return h.tag === "reg" ? h.reg : scratch;
  };
  /** Completes a definition computed in `reg` (stores it when the home is a spill slot). */
  const finishDef = (r: VReg, reg: number): void => {
    const h = home(r);
    if (h.tag === "spill") emit(asm.stx("u64", R10, reg, frame.spillOffset(h.slot)));
    else if (h.reg !== reg) emit(asm.mov64Reg(h.reg, reg));
  };
  /** Base register and offset of a memory address. */
  const addressBase = (addr: Address, scratch: number): { reg: number; off: number } => {
    switch (addr.tag) {
      case "stack": return { reg: R10, off: checkOff(frame.objectOffset.get(addr.object)! + addr.offset) };
      case "reg": return { reg: operandReg({ tag: "reg", reg: addr.base }, scratch), off: checkOff(addr.offset) };
      case "global":
        loadMap(scratch, addr.map, "value", addr.offset);
        return { reg: scratch, off: 0 };
    }
  };
  /** The alignment of base+off when the base is 8-aligned (stack frames and map values are). */
  const alignmentOf = (off: number): number => (off % 8 === 0 ? 8 : off % 4 === 0 ? 4 : off % 2 === 0 ? 2 : 1);

  const selectInst = (inst: Inst): void => {
    switch (inst.op) {
      case "param": {
        const h = home(inst.dst);
        const from = R1 + inst.index;
        if (h.tag === "reg") {
          if (h.reg !== from) emit(asm.mov64Reg(h.reg, from));
        } else emit(asm.stx("u64", R10, from, frame.spillOffset(h.slot)));
        return;
      }
      case "mov": {
        const rd = defReg(inst.dst, R0);
        if (inst.src.tag === "imm") materializeImm(rd, inst.src.value, inst.dst.kind);
        else operandInto(inst.src, rd);
        finishDef(inst.dst, rd);
        return;
      }
      case "core": {
        // A 64-bit move of a 32-bit immediate: the instruction libbpf relocates (its imm).
        const rd = defReg(inst.dst, R0);
        cores.push({ instruction: insns.length, relo: inst.relo });
        emit(asm.mov64Imm(rd, Number(BigInt.asIntN(32, inst.value))));
        finishDef(inst.dst, rd);
        return;
      }
      case "bin": return selectBinary(inst);
      case "un": {
        const wide = is64(inst.kind);
        const rd = defReg(inst.dst, R0);
        const ra = operandReg(inst.a, R1);
        if (ra !== rd) emit(asm.mov64Reg(rd, ra));
        if (inst.uop === "be16" || inst.uop === "be32") emit(asm.endian("be", rd, inst.uop === "be16" ? 16 : 32));
        else emit(inst.uop === "neg" ? negate(wide, rd) : aluImm(wide, AluOp.XOR, rd, -1));
        finishDef(inst.dst, rd);
        return;
      }
      case "conv": return selectConversion(inst.dst, inst.src, inst.from, inst.to);
      case "cmp": {
        const rd = defReg(inst.dst, R0);
        const { a, b, swapped } = comparisonOperands(inst.a, inst.b, inst.kind);
        const target = rd !== a && rd !== b.reg ? rd : R3;
        emit(asm.mov32Imm(target, 1));
        emitJump(swapped ? MIRROR[inst.cmp] : inst.cmp, inst.kind, a, b, 1);
        emit(asm.mov32Imm(target, 0));
        if (target !== rd) emit(asm.mov64Reg(rd, target));
        finishDef(inst.dst, rd);
        return;
      }
      case "load": {
        const { reg, off } = addressBase(inst.addr, R1);
        const rd = defReg(inst.dst, R0);
        if (inst.relo) cores.push({ instruction: insns.length, relo: inst.relo });
        if (misalignedStack(inst.addr, off, inst.kind)) {
          // A member of a packed struct on the stack: the verifier wants aligned stack accesses,
          // so the value is assembled from its bytes (little-endian).
          for (let i = 0; i < memBytes(inst.kind); i++) {
            emit(asm.ldx("u8", i === 0 ? rd : R3, reg, off + i));
            if (i > 0) emit(asm.alu64Imm(AluOp.LSH, R3, 8 * i), asm.alu64Reg(AluOp.OR, rd, R3));
          }
        } else emit(asm.ldx(memSize(inst.kind), rd, reg, off));
        if (inst.kind === "i8" || inst.kind === "i16") {
          const shift = 32 - kindBits(inst.kind);
          emit(asm.alu32Imm(AluOp.LSH, rd, shift), asm.alu32Imm(AluOp.ARSH, rd, shift));
        }
        finishDef(inst.dst, rd);
        return;
      }
      case "store": {
        const { reg, off } = addressBase(inst.addr, R1);
        const size = memSize(inst.kind);
        if (misalignedStack(inst.addr, off, inst.kind)) {
          // A packed struct's member on the stack: stored byte by byte (see "load").
          const value = operandReg(inst.value, R2);
          for (let i = 0; i < memBytes(inst.kind); i++) {
            emit(asm.mov64Reg(R3, value));
            if (i > 0) emit(asm.alu64Imm(AluOp.RSH, R3, 8 * i));
            emit(asm.stx("u8", reg, R3, off + i));
          }
          return;
        }
        if (inst.value.tag === "imm") {
          const value = size === "u64" ? imm64(inst.value.value) : imm32(inst.value.value);
          if (value === 0 && zeroReg !== undefined) return emit(asm.stx(size, reg, zeroReg, off));
          if (value !== undefined) return emit(asm.st(size, reg, off, value));
        }
        emit(asm.stx(size, reg, operandReg(inst.value, R2), off));
        return;
      }
      case "atomicAdd": {
        // BPF atomics take a register source and only 32- or 64-bit operands.
        const { reg, off } = addressBase(inst.addr, R1);
        emit(asm.atomicAdd(memSize(inst.kind), reg, operandReg(inst.value, R2), off));
        return;
      }
      case "atomic": {
        // The source register receives the old value in the fetching forms, so the value is copied
        // into the scratch r2 first; cmpxchg compares with and returns in r0.
        const { reg, off } = addressBase(inst.addr, R1);
        const size = memSize(inst.kind);
        const fetch = inst.dst !== undefined || inst.aop === "xchg" || inst.aop === "cmpxchg";
        const src = fetch ? (operandInto(inst.value, R2), R2) : operandReg(inst.value, R2);
        if (inst.aop === "cmpxchg") operandInto(inst.expected!, R0);
        emit(asm.atomic(size, ATOMIC_OPS[inst.aop] | (fetch ? AtomicOp.FETCH : 0), reg, src, off));
        if (inst.dst) finishDef(inst.dst, inst.aop === "cmpxchg" ? R0 : R2);
        return;
      }
      case "copy": {
        const src = addressBase(inst.src, R1);
        const dst = addressBase(inst.dst, R2);
        for (let done = 0; done < inst.size; ) {
          const size = chunk(inst.size - done, Math.min(alignmentOf(src.off + done), alignmentOf(dst.off + done)));
          emit(asm.ldx(size.name, R0, src.reg, checkOff(src.off + done)), asm.stx(size.name, dst.reg, R0, checkOff(dst.off + done)));
          done += size.bytes;
        }
        return;
      }
      case "zero": {
        const dst = addressBase(inst.dst, R1);
        const chunks: { name: "u8" | "u16" | "u32" | "u64"; off: number }[] = [];
        for (let done = 0; done < inst.size; ) {
          const size = chunk(inst.size - done, alignmentOf(dst.off + done));
          chunks.push({ name: size.name, off: checkOff(dst.off + done) });
          done += size.bytes;
        }
        // One register zeroed, then register stores (what clang does), unless a single immediate
        // store is all it takes.
        if (zeroReg === undefined && chunks.length > 1) {
          emit(asm.mov64Imm(R0, 0));
          zeroReg = R0;
        }
        for (const c of chunks) emit(zeroReg !== undefined ? asm.stx(c.name, dst.reg, zeroReg, c.off) : asm.st(c.name, dst.reg, c.off, 0));
        return;
      }
      case "callsub": {
        if (inst.args.length > 5) throw new SelectionError("a subprogram takes at most five arguments");
        inst.args.forEach((arg, i) => operandInto(arg, R1 + i));
        calls.push({ instruction: insns.length, target: inst.target });
        argCounts.push({ instruction: insns.length, count: inst.args.length });
        emit({ code: CALL_CODE, dst: 0, src: CallSrc.PSEUDO_CALL, off: 0, imm: -1 });
        if (inst.dst) finishDef(inst.dst, R0);
        return;
      }
      case "call": {
        if (inst.args.length > 5) throw new SelectionError("a helper takes at most five arguments");
        inst.args.forEach((arg, i) => operandInto(arg, R1 + i));
        argCounts.push({ instruction: insns.length, count: inst.args.length });
        emit(asm.call(inst.helper));
        // Registers of 32-bit kinds hold zero-extended values: a helper's int result may be sign-extended.
        if (inst.dst && !is64(inst.dst.kind)) emit(asm.mov32Reg(R0, R0));
        if (inst.dst) finishDef(inst.dst, R0);
        return;
      }
    }
  };

  const selectBinary = (original: Extract<Inst, { op: "bin" }>): void => {
    // A constant first operand of a commutative operation goes second, where it is an immediate.
    const inst = original.a.tag === "imm" && original.b.tag !== "imm" && COMMUTATIVE.has(original.bop) ? { ...original, a: original.b, b: original.a } : original;
    const wide = is64(inst.kind);
    const signed = isSigned(inst.kind);
    const rd = defReg(inst.dst, R0);
    const bits = kindBits(inst.kind);
    const { bop } = inst;
    // BPF's own results for a division by a constant zero (the verifier rejects the instruction).
    if ((bop === "div" || bop === "mod") && inst.b.tag === "imm" && inst.b.value === 0n) {
      if (bop === "div") emit(asm.mov64Imm(rd, 0));
      else {
        const ra = operandReg(inst.a, R1);
        emit(wide ? asm.mov64Reg(rd, ra) : asm.mov32Reg(rd, ra));
      }
      return finishDef(inst.dst, rd);
    }
    const op = aluOpOf(bop, signed);
    const off = (bop === "div" || bop === "mod") && signed ? 1 : 0;
    const ra = operandReg(inst.a, R1);
    if (inst.b.tag === "imm") {
      let value = inst.b.value;
      if (bop === "shl" || bop === "shr") value = BigInt.asUintN(64, value) % BigInt(bits);
      const encoded = wide ? imm64(value) : imm32(value);
      if (encoded !== undefined) {
        if (ra !== rd) emit(asm.mov64Reg(rd, ra));
        emit(aluImm(wide, op, rd, encoded, off));
        return finishDef(inst.dst, rd);
      }
    }
    let rb = operandReg(inst.b, R2);
    if (bop === "shl" || bop === "shr") {
      // Shift amounts are taken modulo the width, as JavaScript does for numbers.
      if (rb !== R2) emit(asm.mov64Reg(R2, rb));
      rb = R2;
      emit(aluImm(wide, AluOp.AND, R2, bits - 1));
    }
    const target = rb === rd && ra !== rd ? R0 : rd;
    if (ra !== target) emit(asm.mov64Reg(target, ra));
    emit(aluReg(wide, op, target, rb, off));
    if (target !== rd) emit(asm.mov64Reg(rd, target));
    finishDef(inst.dst, rd);
  };

  const selectConversion = (dst: VReg, src: Operand, from: IntKind, to: IntKind): void => {
    const rs = operandReg(src, R1);
    const rd = defReg(dst, R0);
    const fromWide = kindBits(from) === 64;
    switch (to) {
      case "u8":
      case "u16":
        emit(asm.mov32Reg(rd, rs), asm.alu32Imm(AluOp.AND, rd, to === "u8" ? 0xff : 0xffff));
        break;
      case "i8":
      case "i16": {
        const shift = 32 - kindBits(to);
        emit(asm.mov32Reg(rd, rs), asm.alu32Imm(AluOp.LSH, rd, shift), asm.alu32Imm(AluOp.ARSH, rd, shift));
        break;
      }
      case "u32":
      case "i32":
        if (fromWide) emit(asm.mov32Reg(rd, rs));
        else if (rs !== rd) emit(asm.mov64Reg(rd, rs));
        break;
      case "u64":
      case "i64":
        if (fromWide) {
          if (rs !== rd) emit(asm.mov64Reg(rd, rs));
        } else if (!isSigned(from)) {
          // Already zero-extended (the IR invariant): a copy at most.
          if (rs !== rd) emit(asm.mov64Reg(rd, rs));
        } else {
          if (rs !== rd) emit(asm.mov64Reg(rd, rs));
          emit(asm.alu64Imm(AluOp.LSH, rd, 32), asm.alu64Imm(AluOp.ARSH, rd, 32));
        }
        break;
      case "bool": {
        const target = rd !== rs ? rd : R3;
        emit(asm.mov32Imm(target, 1), jmpImm(fromWide, JmpOp.JNE, rs, 0, 1), asm.mov32Imm(target, 0));
        if (target !== rd) emit(asm.mov64Reg(rd, target));
        break;
      }
    }
    finishDef(dst, rd);
  };

  type Rhs = { reg: number | undefined; imm: number | undefined };
  const comparisonOperands = (a: Operand, b: Operand, kind: IrKind): { a: number; b: Rhs; swapped: boolean } => {
    const encode = (o: Operand): number | undefined => (o.tag !== "imm" ? undefined : is64(kind) ? imm64(o.value) : imm32(o.value));
    if (a.tag === "imm" && b.tag !== "imm") {
      const rb = operandReg(b, R1);
      const value = encode(a);
      if (value !== undefined) return { a: rb, b: { reg: undefined, imm: value }, swapped: true };
      return { a: rb, b: { reg: operandReg(a, R2), imm: undefined }, swapped: true };
    }
    const ra = operandReg(a, R1);
    const value = encode(b);
    if (value !== undefined) return { a: ra, b: { reg: undefined, imm: value }, swapped: false };
    return { a: ra, b: { reg: operandReg(b, R2), imm: undefined }, swapped: false };
  };
  /** `if a <cmp> b goto +off` in the kind's width and signedness. */
  const emitJump = (cmp: CmpOp, kind: IrKind, a: number, b: Rhs, off: number): void => {
    const wide = is64(kind);
    const op = kind !== "ptr" && isSigned(kind) ? JUMP[cmp].signed : JUMP[cmp].unsigned;
    emit(b.imm !== undefined ? jmpImm(wide, op, a, b.imm, off) : jmpReg(wide, op, a, b.reg!, off));
  };

  const selectTerminator = (term: Terminator, next: Block | undefined): void => {
    switch (term.op) {
      case "ret": {
        const kind = term.value.tag === "imm" ? term.value.kind : term.value.tag === "reg" ? term.value.reg.kind : "u64";
        const r = operandReg(term.value, R0);
        if (is64(kind)) {
          if (r !== R0) emit(asm.mov64Reg(R0, r));
        } else if (r !== R0 || term.value.tag !== "imm") {
          emit(asm.mov32Reg(R0, r));
        }
        emit(asm.exit());
        return;
      }
      case "br":
        if (term.target !== next) {
          fixups.push({ at: insns.length, target: term.target });
          emit(asm.ja(0));
        }
        return;
      case "cbr": {
        const { a, b, swapped } = comparisonOperands(term.a, term.b, term.kind);
        let cmp = swapped ? MIRROR[term.cmp] : term.cmp;
        let then = term.then;
        let otherwise = term.else;
        if (then === next) {
          cmp = INVERSE[cmp];
          [then, otherwise] = [otherwise, then];
        }
        fixups.push({ at: insns.length, target: then });
        emitJump(cmp, term.kind, a, b, 0);
        if (otherwise !== next) {
          fixups.push({ at: insns.length, target: otherwise });
          emit(asm.ja(0));
        }
        return;
      }
    }
  };

  // A helper's result read once, by a store right after the call, is stored from r0 itself
  // (`*(u64 *)(r10 -16) = r0` rather than through its register home).
  const readers = new Map<VReg, number>();
  for (const block of order) {
    for (const inst of [...block.insts, ...(block.term ? [block.term] : [])]) for (const r of instUses(inst)) readers.set(r, (readers.get(r) ?? 0) + 1);
  }
  const storesResult = (call: Inst, next: Inst | undefined): next is Extract<Inst, { op: "store" }> =>
    call.op === "call" && call.dst !== undefined && next?.op === "store" && next.value.tag === "reg" && next.value.reg === call.dst &&
    readers.get(call.dst) === 1 && next.kind !== "ptr" && call.dst.kind !== "ptr" && kindSize(next.kind) <= kindSize(call.dst.kind) &&
    (next.addr.tag !== "reg" || next.addr.base !== call.dst);

  markLine(fn.loc);
  order.forEach((block, i) => {
    starts.set(block, insns.length);
    forgetKnown();
    for (let j = 0; j < block.insts.length; j++) {
      const inst = block.insts[j]!;
      markLine(inst.loc);
      const next = block.insts[j + 1];
      if (storesResult(inst, next) && inst.op === "call") {
        if (inst.args.length > 5) throw new SelectionError("a helper takes at most five arguments");
        inst.args.forEach((arg, k) => operandInto(arg, R1 + k));
        argCounts.push({ instruction: insns.length, count: inst.args.length });
        emit(asm.call(inst.helper));
        markLine(next.loc);
        const { reg, off } = addressBase(next.addr, R1);
        emit(asm.stx(memSize(next.kind), reg, R0, off));
        j++;
        continue;
      }
      selectInst(inst);
    }
    if (!block.term) throw new SelectionError(`internal: block b${block.id} has no terminator`);
    markLine(block.term.loc);
    selectTerminator(block.term, order[i + 1]);
  });
  for (const { at, target } of fixups) {
    const insn = insns[at]!;
    insn.off = checkOff(starts.get(target)! - (at + 1));
  }
  while (lines.length > 0 && lines[lines.length - 1]!.instruction >= insns.length) lines.pop();
  return { insns, mapRefs, calls, lines, cores, argCounts };
}

/** `ld_imm64 dst, <function>`: the offset is filled in when the functions are linked. */
function funcAddress(dst: number): Instruction[] {
  return [
    { code: LD_IMM64_CODE, dst, src: PseudoSrc.FUNC, off: 0, imm: 0 },
    { code: 0, dst: 0, src: 0, off: 0, imm: 0 },
  ];
}

const LD_IMM64_CODE = 0x18;
const CALL_CODE = 0x85;

function aluOpOf(bop: Extract<Inst, { op: "bin" }>["bop"], signed: boolean): number {
  switch (bop) {
    case "add": return AluOp.ADD;
    case "sub": return AluOp.SUB;
    case "mul": return AluOp.MUL;
    case "div": return AluOp.DIV;
    case "mod": return AluOp.MOD;
    case "and": return AluOp.AND;
    case "or": return AluOp.OR;
    case "xor": return AluOp.XOR;
    case "shl": return AluOp.LSH;
    case "shr": return signed ? AluOp.ARSH : AluOp.RSH;
  }
}

function chunk(left: number, align: number): { name: "u8" | "u16" | "u32" | "u64"; bytes: number } {
  if (left >= 8 && align >= 8) return { name: "u64", bytes: 8 };
  if (left >= 4 && align >= 4) return { name: "u32", bytes: 4 };
  if (left >= 2 && align >= 2) return { name: "u16", bytes: 2 };
  return { name: "u8", bytes: 1 };
}
