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
import { directPointer, GET_CURRENT_TASK, GET_CURRENT_TASK_BTF, hasTaskBtf } from "./origin.js";

/**
 * The pointer type of a helper call typed `Ptr<KernelType<...>>` (undefined for other helpers),
 * and the helper to call: `bpf.getCurrentTask()` calls bpf_get_current_task_btf where the program
 * type has it, whose result the verifier knows as a trusted `task_struct` pointer (its members
 * then load directly, core/origin.ts); elsewhere bpf_get_current_task, a plain address.
 */
export function kernelPointerResult(L: LowerContext, node: ts.CallExpression, helper: number): { type: PtrType; helper: number } | undefined {
  const text = L.oracle.typeText(node);
  if (!text.includes("KernelType") && !text.startsWith("Ptr<")) return undefined;
  const declaration = L.oracle.kernelInterfaceOf(node);
  if (declaration) {
    const pointee = kernelStruct(L.resolver, declaration);
    if (helper === GET_CURRENT_TASK && hasTaskBtf(L.program.section)) {
      return { type: directPointer(pointee, { nullable: false, members: "btf" }), helper: GET_CURRENT_TASK_BTF };
    }
    return { type: ptrTo(pointee), helper };
  }
  if (text.includes("KernelType") || text.includes("__missingKernelType")) {
    return fail(Codes.UnsupportedType, node, `the kernel type of '${node.getText()}' is unknown`, 'import the kernel types: import type { task_struct } from "tsbpf/vmlinux" (or a vmlinux.d.ts from `tsbpf gen vmlinux`)');
  }
  return undefined;
}
