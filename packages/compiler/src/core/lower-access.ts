/**
 * CO-RE reads: a member access through a pointer to a kernel struct (`task.real_parent.tgid`)
 * reads `bpf_probe_read_kernel(&tmp, size, ptr + off)` where `off` is a CO-RE relocated
 * constant (FIELD_BYTE_OFFSET, libbpf's BPF_CORE_READ): the object records one core_relo per
 * access, with the access string of the member path from the pointer ("0:12:3"), so the runtime
 * (or libbpf) puts the running kernel's offset there. Embedded structs and constant array indices
 * extend the path; each pointer dereference starts a new one.
 */
import type { ts } from "ts-morph";
import { sizeOf } from "../checker/layout.js";
import type { StructField, StructType, Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import type { LowerContext } from "../lower/context.js";
import { fail } from "../lower/errors.js";
import type { Place, RValue } from "../lower/values.js";
import { markUsed } from "./local-btf.js";

/** libbpf's BPF_CORE_FIELD_BYTE_OFFSET. */
const FIELD_BYTE_OFFSET = 0;
const PROBE_READ_KERNEL = 113;

/** The access path of a place inside a kernel struct reached through a pointer. */
export interface CorePath {
  root: StructType;
  /** Access string indices: 0 (the pointer itself), then member and array indices. */
  access: number[];
}

export const KERNEL_READONLY = "kernel memory is read through bpf_probe_read_kernel in a probe; it cannot be written";

/** The start of a path when `pointee` (what a pointer points to) is a kernel struct. */
export function coreRoot(pointee: Type): CorePath | undefined {
  return pointee.tag === "struct" && pointee.kernel ? { root: pointee, access: [0] } : undefined;
}

/** Extends `place` (a member of a kernel struct at `path`) with the member's index. */
export function coreMember(place: Place, path: CorePath, struct: StructType, field: StructField): Place {
  if (place.tag !== "mem") return place;
  const index = struct.fields.indexOf(field);
  markUsed(struct, index);
  place.core = { root: path.root, access: [...path.access, index] };
  place.readonly = KERNEL_READONLY;
  return place;
}

/** Extends `place` (an element of a kernel array at `path`) with its constant index. */
export function coreElement(place: Place, path: CorePath, index: number): Place {
  if (place.tag !== "mem") return place;
  place.core = { root: path.root, access: [...path.access, index] };
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
  if (field?.bits) return fail(Codes.UnsupportedExpression, node, `'${field.name}' is a bitfield; reading kernel bitfields is not supported yet`);
  if (place.addr.tag !== "reg") return fail(Codes.UnsupportedExpression, node, "internal: a kernel member read without a pointer");
  const offset = L.b.newReg("u64", "core_off");
  L.b.emit({ op: "core", dst: offset, value: BigInt(place.addr.offset), relo: { root: path.root, access: path.access.join(":"), kind: FIELD_BYTE_OFFSET } });
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

/** The struct field a path ends at (undefined when it ends at an array element). */
function fieldAt(path: CorePath): StructField | undefined {
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
