/**
 * The typed IR: a function is a list of basic blocks of instructions over virtual registers.
 *
 * Virtual registers are not SSA: a local variable is one register assigned as often as the source
 * assigns it. Each register has a kind (an integer kind, or `ptr`); the value invariant, which
 * every instruction keeps, is the one of BPF's 32-bit ALU: a register of a kind up to 32 bits holds
 * its value correctly extended to 32 bits (zero- or sign-), and its upper 32 bits are zero (every
 * ALU32 operation, load and 32-bit move clears them; helper results are cleared after the call);
 * 64-bit kinds and pointers use the whole register.
 *
 * Memory is explicit: loads and stores name an address (a pointer register, a stack object or a
 * global variable, plus a constant offset), and stack objects (struct locals, map keys, temporaries)
 * are declared on the function with their size and alignment.
 */
import type { IntKind } from "../checker/kinds.js";
import type { Type } from "../checker/types.js";

/**
 * A CO-RE relocation an instruction carries (a `.BTF.ext` core_relo record): `kind` is libbpf's
 * `enum bpf_core_relo_kind`, `root` the local type whose BTF id the record names, `access` the
 * access string ("0:1:2"). See compiler/src/core.
 */
export interface CoreRelocRequest {
  root: Type;
  access: string;
  kind: number;
  /** Enum value relocations: the local enum (one enumerator) the record names instead of `root`. */
  enum?: { name: string; size: number; member: string; value: bigint };
}

export type IrKind = IntKind | "ptr";

export interface VReg {
  readonly id: number;
  readonly kind: IrKind;
  /** The source name of the local it holds, for dumps and messages. */
  readonly name?: string;
  /** A pointer that is never null wherever it is defined (a packet pointer `data + offset`). */
  nonNull?: boolean;
}

/** A stack object: lives in the program's 512-byte frame. */
export interface StackObject {
  readonly id: number;
  readonly size: number;
  readonly align: number;
  /** What it holds, for the stack-overflow diagnostic ("event (OpenEvent, 280 bytes)"). */
  readonly name: string;
  /** Stack objects that share an id-space but never live at once may share memory. */
  readonly temp: boolean;
}

export type Operand =
  | { tag: "reg"; reg: VReg }
  | { tag: "imm"; value: bigint; kind: IrKind }
  /** The address of a stack object (plus an offset): r10 - frame offset + offset. */
  | { tag: "stack"; object: StackObject; offset: number }
  /** An `ld_imm64` of a map: its fd ("map") or the address of a global variable in it ("value"). */
  | { tag: "map"; map: string; ref: "map" | "value"; offset: number }
  /** The address of a BPF function of the same program (an `ld_imm64` BPF_PSEUDO_FUNC), e.g. a bpf_loop callback. */
  | { tag: "func"; name: string };

export type Address =
  | { tag: "reg"; base: VReg; offset: number }
  | { tag: "stack"; object: StackObject; offset: number }
  | { tag: "global"; map: string; offset: number };

/**
 * Atomic read-modify-write operations (BPF_ATOMIC): `add` since 3.x (XADD), the others and every
 * fetching form since 5.12. There is no atomic subtraction: `sub` is an `add` of the negation.
 */
export type AtomicOp = "add" | "and" | "or" | "xor" | "xchg" | "cmpxchg";

export type BinOp = "add" | "sub" | "mul" | "div" | "mod" | "and" | "or" | "xor" | "shl" | "shr";
/** `be16`/`be32`: network byte order of the low 16/32 bits (a byte swap on little-endian hosts), zero-extended. */
export type UnOp = "neg" | "not" | "be16" | "be32";
/** Comparisons; the kind operand says whether they are signed. */
export type CmpOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge";

/** A source position attached to instructions, turned into line_info. */
export interface SourceLoc {
  line: number;
  column: number;
}

interface InstBase {
  loc?: SourceLoc;
}

export type Inst = InstBase &
  (
    | { op: "param"; dst: VReg; index: number }
    | { op: "mov"; dst: VReg; src: Operand }
    /** `kind` is the operation's kind (i32/u32/i64/u64): its width and its signedness for div/mod/shr. */
    | { op: "bin"; bop: BinOp; kind: IntKind; dst: VReg; a: Operand; b: Operand }
    | { op: "un"; uop: UnOp; kind: IntKind; dst: VReg; a: Operand }
    /** C conversion of an integer from one kind to another. */
    | { op: "conv"; dst: VReg; src: Operand; from: IntKind; to: IntKind }
    /** dst = (a cmp b) ? 1 : 0, compared as `kind`. */
    | { op: "cmp"; cmp: CmpOp; kind: IrKind; dst: VReg; a: Operand; b: Operand }
    /** `relo`: the load's offset is a kernel field's, relocated by CO-RE (a read through a BTF-typed pointer, compiler/src/core). */
    | { op: "load"; dst: VReg; addr: Address; kind: IrKind; relo?: CoreRelocRequest }
    | { op: "store"; addr: Address; value: Operand; kind: IrKind }
    /** Copies `size` bytes between two memory areas (struct assignment, struct arguments). */
    | { op: "copy"; dst: Address; src: Address; size: number }
    /** Zero-fills `size` bytes (struct literals: padding and unset bytes are initialised). */
    | { op: "zero"; dst: Address; size: number }
    /** `lock *(kind *)addr += value`: an atomic add (32 or 64 bits), as map `increment` needs. */
    | { op: "atomicAdd"; addr: Address; value: Operand; kind: IntKind }
    /**
     * `*(kind *)addr op= value` done atomically (kind: 32 or 64 bits). With `dst`, the fetching form:
     * `dst` receives the old value. `cmpxchg` stores `value` only where memory equals `expected`,
     * and always fetches.
     */
    | { op: "atomic"; aop: AtomicOp; addr: Address; value: Operand; kind: IntKind; dst?: VReg; expected?: Operand }
    /** A BPF helper call; arguments go to r1–r5 as 64-bit values, the result comes in r0. */
    | { op: "call"; helper: number; args: Operand[]; dst?: VReg }
    /** `dst = value`, where `value` is relocated by CO-RE at load (a kernel field's offset, a type's size, ...). */
    | { op: "core"; dst: VReg; value: bigint; relo: CoreRelocRequest }
    /** A BPF-to-BPF call of a subprogram of the same program, by its symbol name (r1–r5 in, r0 out). */
    | { op: "callsub"; target: string; args: Operand[]; dst?: VReg }
  );

export type Terminator = InstBase &
  (
    | { op: "ret"; value: Operand }
    | { op: "br"; target: Block }
    /** `source`: a condition the program wrote (not a check added for the verifier), which folding may decide on facts the verifier lacks (passes/value-ranges.ts). */
    | { op: "cbr"; cmp: CmpOp; kind: IrKind; a: Operand; b: Operand; then: Block; else: Block; source?: true }
  );

export interface Block {
  readonly id: number;
  insts: Inst[];
  term: Terminator | undefined;
}

export interface IrFunction {
  name: string;
  blocks: Block[];
  /** The entry block is blocks[0]. */
  regs: VReg[];
  stack: StackObject[];
  /** Where the function starts in the source (the prologue's line_info). */
  loc: SourceLoc;
}

export function reg(r: VReg): Operand {
  return { tag: "reg", reg: r };
}

export function imm(value: bigint, kind: IrKind): Operand {
  return { tag: "imm", value, kind };
}

/** Registers an instruction reads. */
export function instUses(inst: Inst | Terminator): VReg[] {
  const out: VReg[] = [];
  const operand = (o: Operand): void => {
    if (o.tag === "reg") out.push(o.reg);
  };
  const address = (a: Address): void => {
    if (a.tag === "reg") out.push(a.base);
  };
  switch (inst.op) {
    case "param": break;
    case "core": break;
    case "mov": operand(inst.src); break;
    case "bin": operand(inst.a); operand(inst.b); break;
    case "un": operand(inst.a); break;
    case "conv": operand(inst.src); break;
    case "cmp": operand(inst.a); operand(inst.b); break;
    case "load": address(inst.addr); break;
    case "store": address(inst.addr); operand(inst.value); break;
    case "atomicAdd": address(inst.addr); operand(inst.value); break;
    case "atomic": address(inst.addr); operand(inst.value); if (inst.expected) operand(inst.expected); break;
    case "copy": address(inst.dst); address(inst.src); break;
    case "zero": address(inst.dst); break;
    case "call": inst.args.forEach(operand); break;
    case "callsub": inst.args.forEach(operand); break;
    case "ret": operand(inst.value); break;
    case "br": break;
    case "cbr": operand(inst.a); operand(inst.b); break;
  }
  return out;
}

/** The register an instruction writes, if any. */
export function instDef(inst: Inst | Terminator): VReg | undefined {
  switch (inst.op) {
    case "param":
    case "core":
    case "mov":
    case "bin":
    case "un":
    case "conv":
    case "cmp":
    case "load":
      return inst.dst;
    case "call":
    case "callsub":
    case "atomic":
      return inst.dst;
    default:
      return undefined;
  }
}

/** Whether removing the instruction (when its result is unused) changes nothing. */
export function isPure(inst: Inst): boolean {
  return inst.op !== "store" && inst.op !== "atomicAdd" && inst.op !== "atomic" && inst.op !== "copy" && inst.op !== "zero" && inst.op !== "call" && inst.op !== "callsub";
}

export function successors(block: Block): Block[] {
  const term = block.term;
  if (!term) return [];
  if (term.op === "br") return [term.target];
  if (term.op === "cbr") return term.then === term.else ? [term.then] : [term.then, term.else];
  return [];
}

/** Stack objects an instruction refers to (by address or as an operand). */
export function instObjects(inst: Inst | Terminator): StackObject[] {
  const out: StackObject[] = [];
  const operand = (o: Operand): void => {
    if (o.tag === "stack") out.push(o.object);
  };
  const address = (a: Address): void => {
    if (a.tag === "stack") out.push(a.object);
  };
  switch (inst.op) {
    case "mov": operand(inst.src); break;
    case "bin": operand(inst.a); operand(inst.b); break;
    case "un": operand(inst.a); break;
    case "conv": operand(inst.src); break;
    case "cmp": operand(inst.a); operand(inst.b); break;
    case "load": address(inst.addr); break;
    case "store": address(inst.addr); operand(inst.value); break;
    case "atomicAdd": address(inst.addr); operand(inst.value); break;
    case "atomic": address(inst.addr); operand(inst.value); if (inst.expected) operand(inst.expected); break;
    case "copy": address(inst.dst); address(inst.src); break;
    case "zero": address(inst.dst); break;
    case "call": inst.args.forEach(operand); break;
    case "callsub": inst.args.forEach(operand); break;
    case "ret": operand(inst.value); break;
    case "cbr": operand(inst.a); operand(inst.b); break;
    default: break;
  }
  return out;
}
