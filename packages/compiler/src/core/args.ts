/**
 * Hooks whose program parameters are the hooked function's (or tracepoint's) typed arguments:
 * `@tp_btf("sched_switch") onSwitch(preempt: bool, prev: Ptr<task_struct>, next: Ptr<task_struct>)`,
 * `@fentry("do_unlinkat") enter(dfd: i32, name: Ptr<filename>)`, `@kprobe(...)` likewise. Each
 * parameter is read from the context where the kernel puts it: tp_btf, fentry and fexit get a u64
 * array (argument i at 8·i; fexit's return value after the arguments), kprobes the registers of
 * `struct pt_regs` (x86_64: rdi, rsi, rdx, rcx, r8, r9; kretprobe: rax).
 *
 * Pointer arguments to kernel structs read through CO-RE like any kernel pointer
 * (compiler/src/core/lower-access.ts); those of tp_btf, fentry and fexit are BTF-typed, read
 * with direct loads (core/origin.ts). The types are the user's annotations, checked against the
 * kernel's declarations (`KernelFunctions`, `KernelTracepoints` of tsbpf/vmlinux) by
 * core/kernel-args.ts when the program imports tsbpf/vmlinux.
 */
import { ts } from "ts-morph";
import type { StructType } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import type { HookDef } from "../frontend/hooks.js";
import type { FrontendContext } from "../frontend/probe-class.js";
import type { ProgramModel } from "../frontend/probe-model.js";
import { spanOf } from "../frontend/span.js";
import type { LowerContext } from "../lower/context.js";
import { kernelSignature, mismatch, tooMany, unannotated, unannotatedUnloaded } from "./kernel-args.js";
import { btfTyped } from "./origin.js";

export type ArgsLayout = "u64-array" | "pt_regs" | "pt_regs-return";

/** x86_64 `struct pt_regs` offsets of the argument registers (di, si, dx, cx, r8, r9) and of ax. */
const PT_REGS_ARGS = [112, 104, 96, 88, 72, 64];
const PT_REGS_AX = 80;

const READONLY = "a hook's arguments are read-only";

/** The hook table rows of the typed-argument hooks. */
export function argsHooks(identArgs: (args: readonly ts.Expression[], count: number) => string[] | undefined): HookDef[] {
  const row = (decorator: string, prefix: string, args: ArgsLayout, example: string, what: string): HookDef => ({
    decorator,
    example,
    section: (a) => {
      const s = identArgs(a, 1);
      return s && `${prefix}/${s[0]}`;
    },
    context: { readonly: READONLY, hint: `declare the ${what} as parameters, typed as tsbpf/vmlinux declares them` },
    args,
  });
  return [
    row("tp_btf", "tp_btf", "u64-array", '@tp_btf("sched_switch")', "tracepoint's arguments (btf_trace_<name>)"),
    row("fentry", "fentry", "u64-array", '@fentry("do_unlinkat")', "function's arguments"),
    row("fexit", "fexit", "u64-array", '@fexit("do_unlinkat")', "function's arguments, then its return value,"),
    row("kprobe", "kprobe", "pt_regs", '@kprobe("do_unlinkat")', "function's arguments (up to six)"),
    row("kretprobe", "kretprobe", "pt_regs-return", '@kretprobe("do_unlinkat")', "function's return value"),
  ];
}

/** The context struct a typed-argument hook may take first, beside its arguments. */
const CONTEXT_STRUCTS: Record<ArgsLayout, { names: string[]; annotation: string }> = {
  "u64-array": { names: ["TracingArgs"], annotation: "TracingArgs" },
  pt_regs: { names: ["pt_regs"], annotation: "PtRegs" },
  "pt_regs-return": { names: ["pt_regs"], annotation: "PtRegs" },
};

/**
 * The program's context, when the first parameter is one: a parameter typed as a struct (the
 * arguments are integers and pointers only), as libbpf's BPF_PROG/BPF_KPROBE macros hand a
 * program `ctx` beside the typed arguments. `(ctx: TracingArgs, prev: Ptr<task_struct>, ...)`.
 */
function contextParameter(ctx: FrontendContext, hook: HookDef, param: ts.ParameterDeclaration | undefined): { param: ts.ParameterDeclaration; type: StructType } | undefined {
  if (!param?.type || !ts.isIdentifier(param.name)) return undefined;
  let type;
  try {
    type = ctx.resolver.resolve(param.type);
  } catch {
    return undefined; // reported where the parameter is read as an argument
  }
  if (type.tag !== "struct") return undefined;
  const expected = CONTEXT_STRUCTS[hook.args!];
  if (!expected.names.includes(type.name)) {
    throw new CompileError(Codes.ProgramSignature, spanOf(param.type), `the context of a @${hook.decorator} program is '${expected.annotation}', not '${param.type.getText()}'`,
      `declare it as '${param.name.text}: ${expected.annotation}' before the arguments, or leave it out`);
  }
  if (param.dotDotDotToken || param.initializer || param.questionToken) {
    throw new CompileError(Codes.ProgramSignature, spanOf(param), `the context parameter must be a plain '${param.name.text}: ${expected.annotation}'`);
  }
  return { param, type };
}

/**
 * Reads the method's parameters as the hook's arguments into `program.args`, after the context
 * when the first parameter is one (`program.context`; otherwise a context is made up for the
 * arguments, which are read from it).
 */
export function bindArgs(ctx: FrontendContext, program: ProgramModel, hook: HookDef, member: ts.MethodDeclaration, decorator: ts.Decorator): void {
  const layout = hook.args!;
  const context = contextParameter(ctx, hook, member.parameters[0]);
  const params = context ? member.parameters.slice(1) : member.parameters;
  const declared = kernelSignature(ctx, hook, program.section, decorator);
  const kernel = declared === "unloaded" ? undefined : declared;
  const extra = kernel && tooMany(kernel, params);
  if (extra) throw extra;
  const limit = layout === "pt_regs" ? PT_REGS_ARGS.length : layout === "pt_regs-return" ? 1 : 12;
  if (params.length > limit) {
    throw new CompileError(Codes.ProgramSignature, spanOf(params[limit]!), `a @${hook.decorator} program takes at most ${limit} parameter${limit === 1 ? "" : "s"}${context ? " after its context" : ""}`, hook.context.hint);
  }
  program.args = params.map((param, i) => {
    const plain = ts.isIdentifier(param.name) && !param.dotDotDotToken && !param.initializer && !param.questionToken;
    if (plain && !param.type && kernel) throw unannotated(kernel, param, i);
    if (plain && !param.type && declared === "unloaded") throw unannotatedUnloaded(hook, param);
    if (!plain || !param.type) {
      throw new CompileError(Codes.ProgramSignature, spanOf(param), "each argument must be a plain typed parameter ('name: u32', 'task: Ptr<task_struct>')", hook.context.hint);
    }
    const type = ctx.resolver.resolve(param.type);
    if (type.tag !== "int" && type.tag !== "ptr") {
      const annotation = CONTEXT_STRUCTS[layout].annotation;
      throw new CompileError(Codes.ProgramSignature, spanOf(param.type), "an argument is an integer kind or a Ptr<T>",
        `structs are passed by pointer: Ptr<T>; the program's context ('ctx: ${annotation}') may stand first, before the arguments`);
    }
    const wrong = kernel && mismatch(kernel, param, i, type);
    if (wrong) throw wrong;
    const offset = layout === "u64-array" ? 8 * i : layout === "pt_regs" ? PT_REGS_ARGS[i]! : PT_REGS_AX;
    // tp_btf/fentry/fexit arguments are BTF-typed (PTR_TO_BTF_ID): their members load directly.
    // A kprobe's registers are plain numbers to the verifier.
    return { node: param, name: param.name.text, type: layout === "u64-array" ? btfTyped(type) : type, offset };
  });
  if (context) {
    program.context = { name: (context.param.name as ts.Identifier).text, node: context.param, type: context.type, readonly: READONLY };
  } else if (params[0]) {
    const size = layout === "u64-array" ? 8 * params.length : 168; // sizeof(struct pt_regs) on x86_64
    const synthetic: StructType = { tag: "struct", name: "", fields: [], size, align: 8 };
    program.context = { name: "ctx", node: params[0], type: synthetic, readonly: READONLY };
  }
}

/** Binds each argument parameter to its slot of the context (after the context pointer is bound). */
export function bindArgLocals(L: LowerContext, args: NonNullable<ProgramModel["args"]>): void {
  const ctx = L.contextReg;
  if (!ctx) return;
  for (const arg of args) {
    L.locals.set(arg.node, { tag: "stack", addr: { tag: "reg", base: ctx, offset: arg.offset }, type: arg.type, name: arg.name });
  }
}
