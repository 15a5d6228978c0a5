/**
 * Kernel arrays at a variable index (`task.comm[i]`, `ctx.args[i]`, `signal.rlim[i].rlim_cur`),
 * as clang compiles `task->comm[i]` under CO-RE: a FIELD_BYTE_OFFSET relocation covers the path
 * up to the array member (its access string stops before the index), and `i * sizeof(element)`
 * is added at run time. The index is checked against the array's length first, as for any
 * fixed array (lower/indexed.ts): out of range, a read gives 0. The length is the declared one
 * (the vmlinux the types come from): CO-RE has no relocation for an array's length. A flexible
 * array (length 0) is bounded by FLEXIBLE_LIMIT.
 *
 * The element is always read with bpf_probe_read_kernel, also through a pointer whose BTF type the
 * verifier knows (core/origin.ts): a load through PTR_TO_BTF_ID needs a constant offset, and
 * Linux 6.18 refuses one that varies ("R4 is ptr_task_struct invalid variable offset: off=4,
 * var_off=(0x0; 0x7)"), while adding a bounded scalar to the pointer and passing the sum to the
 * helper's "anything" argument is allowed (so is a context pointer plus a variable offset, which
 * a context load refuses too).
 *
 * An element that is a kernel struct starts a new access path rooted at that struct, so that a
 * member of it (`rlim[i].rlim_cur`) is relocated too; its size comes from a TYPE_SIZE relocation,
 * since a struct's size differs between kernels (and a probe may declare only the members it
 * reads). An element that is a scalar or an array of scalars has the same layout everywhere.
 */
import type { ts } from "ts-morph";
import { sizeOf } from "../checker/layout.js";
import type { Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Operand } from "../ir/ir.js";
import type { LowerContext } from "../lower/context.js";
import { toKind } from "../lower/convert.js";
import { fail } from "../lower/errors.js";
import { accessIndexed } from "../lower/indexed.js";
import type { IndexTerm, Place, RValue } from "../lower/values.js";
import { FIELD_BYTE_OFFSET, fieldAt, KERNEL_READONLY, PROBE_READ_KERNEL, type CorePath } from "./lower-access.js";

const TYPE_SIZE = 9;
/**
 * The bound of an index into a flexible array (`pid.numbers[level]`, declared with length 0),
 * whose length only the kernel knows (another member counts it): the verifier refuses a
 * pointer plus an unbounded offset, so the index is checked against 65536 instead.
 */
export const FLEXIBLE_LIMIT = 1 << 16;

/** `array[index]` for a kernel array (a place with a CO-RE path) and a non-constant index. */
export function coreIndexedPlace(L: LowerContext, array: Extract<Place, { tag: "mem" }>, index: RValue, node: ts.Node, proven = false): Place {
  const path = array.core!;
  if (array.type.tag !== "array" || array.addr.tag !== "reg") return fail(Codes.UnknownMember, node, "only fixed arrays can be indexed");
  if (index.type.tag !== "int") return fail(Codes.OperatorType, node, "an array index must be an integer");
  const element = array.type.element;
  if (containsKernelStructArray(element)) {
    return fail(Codes.NonConstantIndex, node, "an array of arrays of kernel structs cannot be indexed with a variable (the inner arrays' layout is not relocated)",
      "index the outer array with a constant");
  }
  const terms: IndexTerm[] = [...(array.index ?? [])];
  // Where the array starts, relocated (a local constant when the path is already local).
  const start = arrayStart(L, path, array.addr.offset);
  if (start) terms.push(start);
  const wide = toKind(L, index, index.type.kind.startsWith("i") ? "i64" : "u64", node);
  const term: IndexTerm = { index: wide, scale: sizeOf(element), length: array.type.length || FLEXIBLE_LIMIT, proven };
  if (element.tag === "struct" && element.kernel) {
    const size = L.b.newReg("u64", "core_size");
    L.b.emit({ op: "core", dst: size, value: BigInt(element.size), relo: { root: element, access: "0", kind: TYPE_SIZE } });
    term.scaleBy = { tag: "reg", reg: size };
  }
  terms.push(term);
  const core: CorePath = element.tag === "struct" && element.kernel
    ? { root: element, access: [0] }
    : { root: path.root, access: path.access, local: true };
  if (path.direct) core.direct = path.direct;
  // Past the relocated start, offsets are from the array (the element's own members are relocated again).
  const offset = path.local ? array.addr.offset : 0;
  return { tag: "mem", addr: { tag: "reg", base: array.addr.base, offset }, type: element, index: terms, core, readonly: array.readonly ?? KERNEL_READONLY };
}

/** The relocated offset of the array from the place's base register, as an always-in-range index term. */
function arrayStart(L: LowerContext, path: CorePath, offset: number): IndexTerm | undefined {
  if (path.local) return undefined;
  const dst = L.b.newReg("u64", "core_off");
  L.b.emit({ op: "core", dst, value: BigInt(offset), relo: { root: path.root, access: path.access.join(":"), kind: FIELD_BYTE_OFFSET } });
  return { index: { tag: "reg", reg: dst }, scale: 1, length: 0, proven: true, fresh: true };
}

function containsKernelStructArray(type: Type): boolean {
  if (type.tag !== "array") return false;
  const inner = type.element;
  return (inner.tag === "struct" && inner.kernel !== undefined) || containsKernelStructArray(inner);
}

/**
 * Reads a scalar at a variable index in kernel memory: the index checks, then
 * bpf_probe_read_kernel at base + Σ offsets and scaled indexes (+ the member's relocated offset
 * inside a struct element). Behind a null check when the base pointer may be null (the verifier
 * refuses arithmetic on a maybe-null pointer); null reads 0, like an index out of range.
 */
export function coreIndexedRead(L: LowerContext, place: Extract<Place, { tag: "mem" }>, node: ts.Node): RValue {
  const path = place.core!;
  const type = place.type;
  if (type.tag !== "int" && type.tag !== "ptr") {
    return fail(Codes.NotAValue, node, `a kernel ${type.tag === "struct" ? "struct" : "array"} cannot be read as a whole here`, "read one of its members");
  }
  const base = place.addr.tag === "reg" ? place.addr.base : fail(Codes.UnsupportedExpression, node, "internal: a kernel element read without a pointer");
  if (!path.local && fieldAt(path)?.bits) {
    return fail(Codes.UnsupportedExpression, node, "a bitfield of a kernel struct at a variable index cannot be read", "index the array with a constant");
  }
  const kind = type.tag === "int" ? type.kind : "ptr";
  const dst = L.b.newReg(kind);
  const size = sizeOf(type);
  const tmp = L.temps.acquire(size, 8, `kernel read (${size} bytes)`);
  // dst = 0 first, overwritten in range (and when the pointer is not null): one instruction less
  // than out-of-range and null branches that each set it.
  L.b.emit({ op: "mov", dst, src: imm(0n, kind) });
  const join = L.b.newBlock();
  if (path.direct?.nullable) {
    const present = L.b.newBlock();
    L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: { tag: "reg", reg: base }, b: imm(0n, "ptr"), then: present, else: join });
    L.b.setBlock(present);
  }
  accessIndexed(L, place, (addr) => {
    let pointer: Operand = { tag: "reg", reg: addr.base };
    const offset = offsetOperand(L, path, addr.offset);
    if (offset) {
      const sum = L.b.newReg("u64", "core_addr");
      L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: sum, a: offset, b: pointer });
      pointer = { tag: "reg", reg: sum };
    }
    L.b.emit({ op: "call", helper: PROBE_READ_KERNEL, args: [{ tag: "stack", object: tmp, offset: 0 }, imm(BigInt(size), "u32"), pointer] });
    L.b.emit({ op: "load", dst, addr: { tag: "stack", object: tmp, offset: 0 }, kind });
  });
  L.b.jumpTo(join);
  L.b.setBlock(join);
  L.temps.release([tmp]);
  // Read with bpf_probe_read_kernel: a pointer element is a plain address, never BTF-typed.
  return { type, op: { tag: "reg", reg: dst } };
}

/** The element member's offset from the element: relocated inside a kernel struct element, else a constant (none when 0). */
function offsetOperand(L: LowerContext, path: CorePath, offset: number): Operand | undefined {
  if (path.local || path.access.length === 1) return offset === 0 ? undefined : imm(BigInt(offset), "u64");
  const dst = L.b.newReg("u64", "core_off");
  L.b.emit({ op: "core", dst, value: BigInt(offset), relo: { root: path.root, access: path.access.join(":"), kind: FIELD_BYTE_OFFSET } });
  return { tag: "reg", reg: dst };
}
