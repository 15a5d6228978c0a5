/**
 * Hooks whose program parameters are typed arguments, as the kernel's BTF declares them (see
 * `KernelFunctions` and `KernelTracepoints` in tsbpf/vmlinux): the method declares them
 * (`onSwitch(preempt: bool, prev: Ptr<task_struct>, next: Ptr<task_struct>)`) and the compiler
 * reads each from where the kernel passes it. tsc does not check the parameters against those
 * declarations (a decorator typed from a 60k-member interface costs tsc minutes); the compiler
 * does, looking up only the hooked name, and names the annotation to write for a missing one
 * (compiler/src/core/kernel-args.ts). Pointers to kernel structs read through CO-RE.
 */
import { hook } from "./probe.js";

type MethodDecorator = (method: Function, context: ClassMethodDecoratorContext) => void;


/**
 * `SEC("tp_btf/<name>")`: a BTF-enabled raw tracepoint; the parameters are the tracepoint's
 * arguments (those of `btf_trace_<name>` after its `void *`), e.g. sched_switch's
 * `(preempt: bool, prev: Ptr<task_struct>, next: Ptr<task_struct>, prevState: u32)`.
 * Kernel 5.5.
 */
export function tp_btf(name: string): MethodDecorator {
  void name;
  return hook();
}

/**
 * `SEC("fentry/<function>")`: runs at the entry of a kernel function; the parameters are its
 * arguments. Kernel 5.5 (x86_64); refused under lockdown (integrity), which the runtime reports
 * as a NotSupportedError.
 */
export function fentry(fn: string): MethodDecorator {
  void fn;
  return hook();
}

/**
 * `SEC("fexit/<function>")`: runs when a kernel function returns; the parameters are its
 * arguments followed by its return value. Kernel 5.5.
 */
export function fexit(fn: string): MethodDecorator {
  void fn;
  return hook();
}

/**
 * `SEC("kprobe/<function>")`: a kprobe at a kernel function's entry; the parameters are its first
 * arguments (up to six, read from the x86_64 argument registers). Needs CONFIG_KPROBES.
 * `@kprobe()` without a function is `SEC("kprobe")`: attach it with
 * `probe.programs.x.attach({ function: "do_unlinkat" })` (bcc's `attach_kprobe(event=…)`).
 */
export function kprobe(fn?: string): MethodDecorator {
  void fn;
  return hook();
}

/**
 * `SEC("kretprobe/<function>")`: a kprobe at a kernel function's return; the one parameter is
 * its return value. Needs CONFIG_KPROBES. `@kretprobe()`: the function is given at `attach({ function })`.
 */
export function kretprobe(fn?: string): MethodDecorator {
  void fn;
  return hook();
}

/**
 * `SEC("ksyscall/<syscall>")` (libbpf's BPF_KSYSCALL): a kprobe on the function that implements
 * system call `name` on the running kernel (`__x64_sys_openat` on x86-64, found at attach as bcc's
 * `get_syscall_fnname` finds it); the parameters are the system call's arguments (up to six, typed
 * as the user declares them: `@ksyscall("openat") enter(ctx: PtRegs, dfd: i32, path: u64, flags: i32)`),
 * read from the user registers the x86-64 wrapper's `struct pt_regs *` points to. `@ksyscall()`: the
 * system call is given at `attach({ syscall: "openat" })`. Needs CONFIG_KPROBES.
 */
export function ksyscall(name?: string): MethodDecorator {
  void name;
  return hook();
}

/**
 * `SEC("kretsyscall/<syscall>")`: at the return of system call `name`'s function; the one
 * parameter is its return value (`ret: i64`). Needs CONFIG_KPROBES.
 */
export function kretsyscall(name?: string): MethodDecorator {
  void name;
  return hook();
}
