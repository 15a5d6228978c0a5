/**
 * Helpers whose result is a pointer to a kernel struct (`bpf.getCurrentTask()`: a
 * `Ptr<task_struct>`): the DSL types them through declaration merging (`KernelTypes`, which a
 * generated vmlinux.d.ts fills), so the compiler asks tsc which `@kernel` interface the call's
 * type is, and the value becomes a pointer to that kernel struct (reads through it are CO-RE).
 */
import type { ts } from "ts-morph";
import { ptrTo, type PtrType } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import type { LowerContext } from "../lower/context.js";
import { fail } from "../lower/errors.js";
import { kernelStruct } from "./kernel-struct.js";

/** The pointer type of a helper call typed `Ptr<KernelType<...>>`, or undefined for other helpers. */
export function kernelPointerResult(L: LowerContext, node: ts.CallExpression): PtrType | undefined {
  const text = L.oracle.typeText(node);
  if (!text.includes("KernelType") && !text.startsWith("Ptr<")) return undefined;
  const declaration = L.oracle.kernelInterfaceOf(node);
  if (declaration) return ptrTo(kernelStruct(L.resolver, declaration));
  if (text.includes("KernelType") || text.includes("__missingKernelType")) {
    return fail(Codes.UnsupportedType, node, `the kernel type of '${node.getText()}' is unknown`, 'import the kernel types: import type { task_struct } from "tsbpf/vmlinux" (or a vmlinux.d.ts from `tsbpf gen vmlinux`)');
  }
  return undefined;
}
