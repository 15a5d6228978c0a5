/**
 * `bpf.findVma(task, addr, (task, vma) => ...)`: the `bpf_find_vma` helper (id 180, kernel 5.17).
 * The kernel calls the callback with (task, vma, callback_ctx); both pointers are BTF-typed, so
 * their members are read with direct loads (core/origin.ts), and what the arrow captures comes
 * through callback_ctx (lower/callbacks.ts).
 */
import { ts } from "ts-morph";
import { intType, ptrTo, typeName, VOID, type Type } from "../checker/types.js";
import { directAccess, directPointer } from "../core/origin.js";
import { kernelStruct } from "../core/kernel-struct.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type VReg } from "../ir/ir.js";
import { bindCaptures, callbackParam, captureLocals, checkCallbackParams, finishClosure } from "./callbacks.js";
import type { LowerContext } from "./context.js";
import { convertTo } from "./convert.js";
import { fail } from "./errors.js";
import { lowerExpr } from "./lower-expr.js";
import type { Subprogram } from "./subprograms.js";
import type { RValue } from "./values.js";

const FIND_VMA = 180;

export function lowerFindVma(L: LowerContext, node: ts.CallExpression): RValue {
  const [taskArg, addrArg, arrow] = node.arguments;
  if (!taskArg || !addrArg || !arrow || node.arguments.length > 3) {
    return fail(Codes.HelperArguments, node, "bpf.findVma takes (task, addr, callback)");
  }
  const task = lowerExpr(L, taskArg);
  if (task.type.tag !== "ptr" || directAccess(task.type)?.members !== "btf" || directAccess(task.type)?.nullable) {
    fail(Codes.HelperArguments, taskArg, `bpf.findVma takes a task the verifier knows, not '${typeName(task.type)}' read as a number`,
      "pass bpf.getCurrentTask() in a tracing program (kprobe, tracepoint, raw_tp, perf_event, fentry, iter), where it is BTF-typed");
  }
  const addr = convertTo(L, lowerExpr(L, addrArg, intType("u64")), intType("u64"), addrArg);
  if (!ts.isArrowFunction(arrow)) {
    return fail(Codes.Callback, arrow, "bpf.findVma takes an arrow function, written in the call", "write bpf.findVma(task, addr, (task, vma) => { ... })");
  }
  checkCallbackParams(arrow, "findVma", ["task", "vma"]);
  const [taskParam, vmaParam] = arrow.parameters;
  const vma = vmaParam ? vmaType(L, vmaParam) : ptrTo(VOID);
  const closure = captureLocals(L, arrow, "bpf.findVma");
  const taskType = task.type;
  const sub = L.subprograms.requestCallback(L, arrow, arrow, (): Subprogram => ({
    name: "find_vma_callback",
    node: arrow,
    params: [
      { name: "task", type: taskType, byReference: false },
      { name: "vma", type: vma, byReference: false },
      { name: "ctx", type: ptrTo(VOID), byReference: false },
    ],
    returnType: intType("i64"),
    enter: (C) => {
      const param = (index: number, name: string): VReg => callbackParam(C, index, name);
      const context = closure.captures.length > 0 ? param(2, "ctx") : undefined;
      if (vmaParam) C.locals.set(vmaParam, { tag: "reg", reg: param(1, vmaParam.name.getText()), type: vma, name: vmaParam.name.getText() });
      if (taskParam) C.locals.set(taskParam, { tag: "reg", reg: param(0, taskParam.name.getText()), type: taskType, name: taskParam.name.getText() });
      if (context) bindCaptures(C, closure, context);
    },
  }));
  const dst = L.b.newReg("i64");
  L.b.emit({ op: "call", helper: FIND_VMA, args: [task.op, addr, { tag: "func", name: sub.name }, closure.context, imm(0n, "u64")], dst });
  finishClosure(L, closure);
  return { type: intType("i64"), op: { tag: "reg", reg: dst } };
}

/** The vma parameter: a trusted pointer to the kernel's `vm_area_struct` (its members load directly). */
function vmaType(L: LowerContext, param: ts.ParameterDeclaration): Type {
  const declaration = L.oracle.kernelInterfaceOf(param.name);
  if (!declaration) {
    return fail(Codes.UnsupportedType, param, "the kernel type vm_area_struct is unknown",
      'import the kernel types: import type { vm_area_struct } from "tsbpf/vmlinux" (or declare a @kernel interface vm_area_struct)');
  }
  return directPointer(kernelStruct(L.resolver, declaration), { nullable: false, members: "btf" });
}
