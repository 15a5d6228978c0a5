/**
 * User memory through `UserPtr<T>`: the verifier forbids dereferencing user addresses, so each read
 * copies the bytes with `bpf_probe_read_user` (kernel 5.5) into a stack temporary and loads from
 * there; a whole struct is copied straight into its destination. A failed read (an unmapped
 * address) leaves zeros, as the helper zero-fills its destination on error. Writes are refused:
 * bpf_probe_write_user is for debugging and the kernel may forbid it (lockdown).
 */
import type { ts } from "ts-morph";
import { sizeOf } from "../checker/layout.js";
import { Codes } from "../diagnostics/codes.js";
import type { Address, Operand } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";
import type { Place, RValue } from "./values.js";

export const PROBE_READ_USER = 112;
export const USER_READONLY = "user memory is read with bpf_probe_read_user; a probe does not write it";

/** `bpf_probe_read_user(dst, size, place's address)`. */
export function userCopy(L: LowerContext, place: Extract<Place, { tag: "mem" }>, dst: Operand, node: ts.Node): void {
  if (place.index) fail(Codes.ProbeRead, node, "user memory is read at constant offsets only", "copy the array into a local first, then index the copy");
  if (place.addr.tag !== "reg") return fail(Codes.ProbeRead, node, "internal: user memory without a pointer");
  let source: Operand = { tag: "reg", reg: place.addr.base };
  if (place.addr.offset !== 0) {
    const sum = L.b.newReg("u64");
    L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: sum, a: source, b: { tag: "imm", value: BigInt(place.addr.offset), kind: "u64" } });
    source = { tag: "reg", reg: sum };
  }
  L.b.emit({ op: "call", helper: PROBE_READ_USER, args: [dst, { tag: "imm", value: BigInt(sizeOf(place.type)), kind: "u32" }, source] });
}

/** Reads a scalar in user memory. */
export function userRead(L: LowerContext, place: Extract<Place, { tag: "mem" }>, node: ts.Node): RValue {
  const type = place.type;
  if (type.tag !== "int" && type.tag !== "ptr") return fail(Codes.NotAValue, node, "a struct in user memory cannot be used as a scalar", "read one of its members");
  const size = sizeOf(type);
  const tmp = L.temps.acquire(size, 8, `user read (${size} bytes)`);
  userCopy(L, place, { tag: "stack", object: tmp, offset: 0 }, node);
  const kind = type.tag === "int" ? type.kind : "ptr";
  const dst = L.b.newReg(kind);
  const addr: Address = { tag: "stack", object: tmp, offset: 0 };
  L.b.emit({ op: "load", dst, addr, kind });
  L.temps.release([tmp]);
  // A pointer read from user memory points into user memory too.
  return { type: type.tag === "ptr" ? { ...type, user: true } : type, op: { tag: "reg", reg: dst } };
}
