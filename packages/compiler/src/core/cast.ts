/**
 * Pointer casts to kernel structs: `bpf.core.cast<task_struct>(ctx.args[0])` (libbpf's
 * bpf_core_cast) and `p as Ptr<task_struct___old>`. The value is the same address; what changes
 * is the struct its members are relocated against, and how they are read (core/origin.ts): a
 * BTF-typed pointer cast to a flavour of its own struct is still the kernel object the verifier
 * knows, so its members stay direct loads; an address (a raw tracepoint's u64 argument) or a
 * pointer to another struct is a number to the verifier, read with bpf_probe_read_kernel.
 */
import type { ts } from "ts-morph";
import { isSigned, kindSize } from "../checker/kinds.js";
import { ptrTo, typeName, type StructType, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import type { LowerContext } from "../lower/context.js";
import { fail } from "../lower/errors.js";
import { lowerExpr } from "../lower/lower-expr.js";
import type { RValue } from "../lower/values.js";
import { directAccess, directPointer } from "./origin.js";

/** `task_struct___old` is a flavour of `task_struct`. */
function baseName(name: string): string {
  const flavour = name.indexOf("___");
  return flavour > 0 ? name.slice(0, flavour) : name;
}

/** The pointee a cast names, when it is a kernel struct; fails otherwise. */
export function castTarget(type: Type, node: ts.Node): StructType {
  if (type.tag !== "struct" || !type.kernel) {
    return fail(Codes.UnsupportedType, node, `a pointer cast names a kernel struct (a @kernel interface, from tsbpf/vmlinux or the probe's own), not '${typeName(type)}'`,
      "e.g. bpf.core.cast<task_struct>(ctx.args[0])");
  }
  return type;
}

/** `source` viewed as a pointer to `target`. */
export function lowerPointerCast(L: LowerContext, source: ts.Expression, target: StructType): RValue {
  const value = lowerExpr(L, source);
  if (value.type.tag === "int") {
    if (kindSize(value.type.kind) !== 8 || isSigned(value.type.kind)) {
      fail(Codes.NotAssignable, source, `an address is a u64, not '${typeName(value.type)}'`, "kernel addresses are 64-bit: cast the u64 itself");
    }
    const dst = L.b.newReg("ptr");
    L.b.emit({ op: "mov", dst, src: value.op });
    return { type: ptrTo(target), op: { tag: "reg", reg: dst } };
  }
  if (value.type.tag !== "ptr" || value.type.user) {
    return fail(Codes.NotAssignable, source, `'${typeName(value.type)}' cannot be cast to a kernel pointer`, "cast a kernel pointer or a u64 address");
  }
  const access = directAccess(value.type);
  const pointee = value.type.pointee;
  const sameStruct = pointee.tag === "struct" && pointee.kernel !== undefined && baseName(pointee.name) === baseName(target.name);
  return { type: access && sameStruct ? directPointer(target, access) : ptrTo(target), op: value.op };
}
