/**
 * CO-RE reads: a member access through a pointer to a kernel struct (`task.real_parent.tgid`)
 * reads `bpf_probe_read_kernel(&tmp, size, ptr + off)` where `off` is a CO-RE relocated
 * constant (FIELD_BYTE_OFFSET, libbpf's BPF_CORE_READ): the object records one core_relo per
 * access, with the access string of the member path from the pointer ("0:12:3"), so the runtime
 * (or libbpf) puts the running kernel's offset there. Embedded structs and constant array indices
 * extend the path; each pointer dereference starts a new one.
 *
 * Through a pointer whose BTF type the verifier knows (core/origin.ts) the read is a plain load
 * whose offset carries the relocation, as clang emits for `task->pid` in a tp_btf program.
 */
import type { ts } from "ts-morph";
import { sizeOf } from "../checker/layout.js";
import type { StructField, StructType, Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import type { LowerContext } from "../lower/context.js";
import { fail } from "../lower/errors.js";
import type { Place, RValue } from "../lower/values.js";
import { imm, type Address, type CoreRelocRequest, type VReg } from "../ir/ir.js";
import { bitfieldRead } from "./bitfield.js";
import { markUsed } from "./local-btf.js";
import { btfTyped, directAccess, loadedMemberType, type DirectAccess } from "./origin.js";

/** libbpf's BPF_CORE_FIELD_BYTE_OFFSET. */
export const FIELD_BYTE_OFFSET = 0;
export const PROBE_READ_KERNEL = 113;
/**
 * Whether a context read is inside the record's common header, `struct trace_entry ent` (type,
 * flags, preempt_count, pid: the first 8 bytes of every tracepoint record). Judged by the member's
 * name, not its local offset: a probe may declare its record without `ent`, and CO-RE then moves
 * its first member past the header.
 */
function readsTraceHeader(path: CorePath): boolean {
  const first = path.access[1];
  return first !== undefined && path.root.fields[first]?.name === "ent";
}

/** The access path of a place inside a kernel struct reached through a pointer. */
export interface CorePath {
  root: StructType;
  /** Access string indices: 0 (the pointer itself), then member and array indices. */
  access: number[];
  /** Set when the pointer's BTF type is known to the verifier: members are loaded directly. */
  direct?: DirectAccess;
  /**
   * Past a variable index into an array of scalars (core/indexed.ts): the place's offset from
   * the element's address is a constant, the same in every kernel; nothing more is relocated.
   */
  local?: true;
}

export const KERNEL_READONLY = "a probe reads kernel structs (and contexts typed as kernel structs) through CO-RE; it cannot write them";

/** The start of a path when `pointer` points to a kernel struct. */
export function coreRoot(pointer: Type): CorePath | undefined {
  if (pointer.tag !== "ptr") return undefined;
  const pointee = pointer.pointee;
  if (pointee.tag !== "struct" || !pointee.kernel) return undefined;
  const direct = directAccess(pointer);
  return direct ? { root: pointee, access: [0], direct } : { root: pointee, access: [0] };
}

/** Extends `place` (a member of a kernel struct at `path`) with the member's index. */
export function coreMember(place: Place, path: CorePath, struct: StructType, field: StructField): Place {
  if (place.tag !== "mem") return place;
  const index = struct.fields.indexOf(field);
  markUsed(struct, index);
  place.core = { ...path, access: [...path.access, index] };
  place.readonly = KERNEL_READONLY;
  return place;
}

/** Extends `place` (an element of a kernel array at `path`) with its constant index. */
export function coreElement(place: Place, path: CorePath, index: number): Place {
  if (place.tag !== "mem") return place;
  place.core = { ...path, access: [...path.access, index] };
  place.readonly = KERNEL_READONLY;
  return place;
}

/** Reads a scalar (integer or pointer) member of a kernel struct through its relocated offset. */
export function coreRead(L: LowerContext, place: Extract<Place, { tag: "mem" }>, node: ts.Node): RValue {
  const path = place.core!;
  const type = place.type;
  if (type.tag !== "int" && type.tag !== "ptr") {
    return fail(Codes.NotAValue, node, `a kernel ${type.tag === "struct" ? "struct" : "array"} cannot be read as a whole here`, "read one of its members");
  }
  const field = fieldAt(path);
  if (place.addr.tag !== "reg") return fail(Codes.UnsupportedExpression, node, "internal: a kernel member read without a pointer");
  if (field?.bits && type.tag === "int") return bitfieldRead(L, place.addr, path, field, type);
  const relo = { root: path.root, access: path.access.join(":"), kind: FIELD_BYTE_OFFSET };
  if (path.direct && place.addr.base === L.contextReg && readsTraceHeader(path) && /^(tracepoint|tp)\//.test(L.program.section)) {
    return fail(Codes.UnsupportedExpression, node, "a tracepoint program cannot read its record's common header (the kernel refuses context reads of its first 8 bytes)",
      "the header's pid is the current task's: bpf.getCurrentPidTgid()");
  }
  if (path.direct) return directRead(L, place.addr, type, relo, path.direct, isIterMeta(L, place.addr, field));
  const offset = L.b.newReg("u64", "core_off");
  L.b.emit({ op: "core", dst: offset, value: BigInt(place.addr.offset), relo });
  const address = L.b.newReg("u64", "core_addr");
  L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: address, a: { tag: "reg", reg: offset }, b: { tag: "reg", reg: place.addr.base } });
  const size = sizeOf(type);
  const tmp = L.temps.acquire(size, 8, `kernel read (${size} bytes)`);
  L.b.emit({ op: "call", helper: PROBE_READ_KERNEL, args: [{ tag: "stack", object: tmp, offset: 0 }, { tag: "imm", value: BigInt(size), kind: "u32" }, { tag: "reg", reg: address }] });
  const kind = type.tag === "int" ? type.kind : "ptr";
  const dst = L.b.newReg(kind);
  L.b.emit({ op: "load", dst, addr: { tag: "stack", object: tmp, offset: 0 }, kind });
  L.temps.release([tmp]);
  return { type, op: { tag: "reg", reg: dst } };
}

/**
 * `*(size *)(ptr + off)` with the relocation on the load's offset. Through a pointer that may
 * be null the load is guarded (the verifier refuses a load through PTR_TO_BTF_ID_OR_NULL) and
 * a null pointer reads 0, as bpf_probe_read_kernel's zero-filled result would.
 */
function directRead(L: LowerContext, addr: Extract<Address, { tag: "reg" }>, type: Type & { tag: "int" | "ptr" }, relo: CoreRelocRequest, direct: DirectAccess, neverNull = false): RValue {
  const kind = type.tag === "int" ? type.kind : "ptr";
  const dst = L.b.newReg(kind);
  nullGuarded(L, addr.base, direct, dst, () => L.b.emit({ op: "load", dst, addr, kind, relo }));
  if (type.tag !== "ptr") return { type, op: { tag: "reg", reg: dst } };
  return { type: neverNull ? btfTyped(type, false) : loadedMemberType(type, direct), op: { tag: "reg", reg: dst } };
}

/**
 * An iterator context's `meta`, which is never null: the kernel always passes it, and marks only
 * the object members (task, map, sk, ...) PTR_TO_BTF_ID_OR_NULL. Read as possibly null, its
 * `meta.seq` would be guarded, and a guard that passes 0 to bpf_seq_write is a path verifiers
 * before trusted pointers (6.1) explore and refuse (R1 type=scalar).
 */
function isIterMeta(L: LowerContext, addr: Address, field: StructField | undefined): boolean {
  return addr.tag === "reg" && addr.base === L.contextReg && L.program.section.startsWith("iter/") && field?.name === "meta";
}

/** Emits `read` (which sets `dst`), behind `if (base != 0)` when the pointer may be null (else `dst = 0`). */
export function nullGuarded(L: LowerContext, base: VReg, direct: DirectAccess, dst: VReg, read: () => void): void {
  if (!direct.nullable) return read();
  const present = L.b.newBlock();
  const absent = L.b.newBlock();
  const join = L.b.newBlock();
  L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: { tag: "reg", reg: base }, b: imm(0n, "ptr"), then: present, else: absent });
  L.b.setBlock(present);
  read();
  L.b.jumpTo(join);
  L.b.setBlock(absent);
  L.b.emit({ op: "mov", dst, src: imm(0n, dst.kind) });
  L.b.jumpTo(join);
  L.b.setBlock(join);
}

/** The struct field a path ends at (undefined when it ends at an array element). */
export function fieldAt(path: CorePath): StructField | undefined {
  let type: Type = path.root;
  let field: StructField | undefined;
  for (const index of path.access.slice(1)) {
    if (type.tag === "struct") {
      field = type.fields[index];
      type = field!.type;
    } else if (type.tag === "array") {
      field = undefined;
      type = type.element;
    }
  }
  return field;
}

/**
 * The address of a member in kernel memory (C's `&task->comm`, `task->comm` decaying to a
 * pointer), its offset relocated as a read's would be: for helpers that take a kernel address,
 * such as `bpf.probeReadKernelStr(buf, task.comm)`. Through a pointer that may be null the
 * address is 0 (the helper then fails, as a read gives 0).
 */
export function coreAddress(L: LowerContext, place: Extract<Place, { tag: "mem" }>, node: ts.Node): VReg {
  const path = place.core!;
  if (place.index || path.local || place.addr.tag !== "reg") {
    return fail(Codes.HelperArguments, node, "the address of a kernel array element at a variable index cannot be taken", "pass a member at constant indexes (task.comm)");
  }
  const base = place.addr.base;
  const relo = { root: path.root, access: path.access.join(":"), kind: FIELD_BYTE_OFFSET };
  const address = L.b.newReg("u64", "core_addr");
  const compute = (): void => {
    const offset = L.b.newReg("u64", "core_off");
    L.b.emit({ op: "core", dst: offset, value: BigInt((place.addr as { offset: number }).offset), relo });
    L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: address, a: { tag: "reg", reg: offset }, b: { tag: "reg", reg: base } });
  };
  if (path.direct) nullGuarded(L, base, path.direct, address, compute);
  else compute();
  return address;
}
