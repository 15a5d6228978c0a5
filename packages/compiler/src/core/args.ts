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
import { imm, type VReg } from "../ir/ir.js";

/**
 * Where the arguments are: a u64 array; the registers of `struct pt_regs`; its return register;
 * or (`syscall`, ksyscall) the registers of the user's `struct pt_regs` that the architecture's
 * system call wrapper (`__x64_sys_openat(const struct pt_regs *regs)`, x86-64 since 4.17) takes
 * in its first argument register, read with bpf_probe_read_kernel as libbpf's BPF_KSYSCALL does.
 */
export type ArgsLayout = "u64-array" | "pt_regs" | "pt_regs-return" | "syscall";

/** x86_64 `struct pt_regs` offsets of the argument registers (di, si, dx, cx, r8, r9) and of ax. */
const PT_REGS_ARGS = [112, 104, 96, 88, 72, 64];
const PT_REGS_AX = 80;
/** The system call ABI's argument registers in x86_64 `struct pt_regs`: di, si, dx, r10, r8, r9. */
const PT_REGS_SYSCALL_ARGS = [112, 104, 96, 56, 72, 64];

const READONLY = "a hook's arguments are read-only";

/** The hook table rows of the typed-argument hooks. */
export function argsHooks(identArgs: (args: readonly ts.Expression[], count: number) => string[] | undefined): HookDef[] {
  const row = (decorator: string, prefix: string, args: ArgsLayout, example: string, what: string, bare = false): HookDef => ({
    decorator,
    example,
    section: (a) => {
      // A kprobe without its function (`@kprobe()`) is attached where attach({ function }) says.
      if (bare && a.length === 0) return prefix;
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
    row("kprobe", "kprobe", "pt_regs", '@kprobe("do_unlinkat")', "function's arguments (up to six)", true),
    row("kretprobe", "kretprobe", "pt_regs-return", '@kretprobe("do_unlinkat")', "function's return value", true),
    row("ksyscall", "ksyscall", "syscall", '@ksyscall("openat")', "system call's arguments (up to six)", true),
    row("kretsyscall", "kretsyscall", "pt_regs-return", '@kretsyscall("openat")', "system call's return value", true),
  ];
}

/** The context struct a typed-argument hook may take first, beside its arguments. */
const CONTEXT_STRUCTS: Record<ArgsLayout, { names: string[]; annotation: string }> = {
  "u64-array": { names: ["TracingArgs"], annotation: "TracingArgs" },
  pt_regs: { names: ["pt_regs"], annotation: "PtRegs" },
  "pt_regs-return": { names: ["pt_regs"], annotation: "PtRegs" },
  syscall: { names: ["pt_regs"], annotation: "PtRegs" },
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
  // A hook without its target (`@kprobe()`) has no declaration to check the arguments against.
  const declared = program.section.includes("/") ? kernelSignature(ctx, hook, program.section, decorator) : undefined;
  const kernel = declared === "unloaded" ? undefined : declared;
  const extra = kernel && tooMany(kernel, params);
  if (extra) throw extra;
  const limit = layout === "pt_regs" || layout === "syscall" ? PT_REGS_ARGS.length : layout === "pt_regs-return" ? 1 : 12;
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
    if (layout === "syscall") return { node: param, name: param.name.text, type, offset: PT_REGS_SYSCALL_ARGS[i]!, indirect: true as const };
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
  if (args.some((a) => a.indirect)) return bindSyscallArgs(L, ctx, args);
  for (const arg of args) {
    L.locals.set(arg.node, { tag: "stack", addr: { tag: "reg", base: ctx, offset: arg.offset }, type: arg.type, name: arg.name });
  }
}

const BPF_FUNC_probe_read_kernel = 113;

/**
 * ksyscall arguments: the wrapper's first argument (di) is the user's `struct pt_regs *`; each
 * argument is copied from its register there into a stack slot of its own at the program's start
 * (bpf_probe_read_kernel zero-fills the slot if the read fails), and read from that slot.
 */
function bindSyscallArgs(L: LowerContext, ctx: VReg, args: NonNullable<ProgramModel["args"]>): void {
  const b = L.b;
  const regs = b.newReg("u64");
  b.emit({ op: "load", dst: regs, addr: { tag: "reg", base: ctx, offset: PT_REGS_ARGS[0]! }, kind: "u64" });
  for (const arg of args) {
    const slot = b.stackObject(8, 8, `${arg.name} (system call argument)`);
    const source = b.newReg("u64");
    b.emit({ op: "bin", bop: "add", kind: "u64", dst: source, a: { tag: "reg", reg: regs }, b: imm(BigInt(arg.offset), "u64") });
    b.emit({ op: "call", helper: BPF_FUNC_probe_read_kernel, args: [{ tag: "stack", object: slot, offset: 0 }, imm(8n, "u64"), { tag: "reg", reg: source }], dst: b.newReg("i64") });
    L.locals.set(arg.node, { tag: "stack", addr: { tag: "stack", object: slot, offset: 0 }, type: arg.type, name: arg.name });
  }
}
