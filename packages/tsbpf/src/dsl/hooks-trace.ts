/**
 * Hook decorators of the tracing program types that attach to user code, perf events, iterators
 * and BTF-typed kernel functions. The compiler reads the arguments from the source: literals.
 */
import { hook, recordSource, type MethodDecorator } from "./probe.js";

/**
 * `SEC("uprobe/<binary>:<symbol>[+offset]")`, or `SEC("uprobe")` with the target given to
 * `attach({ binary, symbol })`: runs when a user-space function is entered. `binary` is a path or
 * a library name; the symbol is resolved from its ELF symbol table. Takes `PtRegs` (arguments
 * with `PT_REGS_PARM1(ctx)`...), returns 0. Kernel 4.3 (BPF links 5.15).
 */
export function uprobe(binary?: string, symbol?: string): MethodDecorator {
  void binary;
  void symbol;
  return hook();
}

/**
 * `SEC("uretprobe/<binary>:<symbol>")` or `SEC("uretprobe")`: runs when the function returns;
 * `PT_REGS_RC(ctx)` is its return value. Kernel 4.3.
 */
export function uretprobe(binary?: string, symbol?: string): MethodDecorator {
  void binary;
  void symbol;
  return hook();
}

/**
 * `SEC("usdt/<binary>:<provider>:<name>")` or `SEC("usdt")` (target at attach): a statically
 * defined tracepoint of a user program (`.note.stapsdt`). Takes `PtRegs`; returns 0. Kernel 4.3.
 */
export function usdt(binary?: string, provider?: string, name?: string): MethodDecorator {
  void binary;
  void provider;
  void name;
  return hook();
}

/**
 * `SEC("kprobe.multi/<pattern>")`: one program on the entry of every kernel function matching a
 * glob (`*`, `?`: "do_unlink*") or named exactly, in one BPF_TRACE_KPROBE_MULTI link. The
 * functions differ, so the program takes `PtRegs` (`PT_REGS_PARM1(ctx)`...) rather than typed
 * arguments; `bpf.getFuncIp()` says which function fired, `bpf.getAttachCookie()` the cookie
 * given to `attach({ cookies })`. Returns 0. Kernel 5.18 with CONFIG_FPROBE; elsewhere attaching
 * is a NotSupportedError.
 */
export function kprobeMulti(pattern: string): MethodDecorator {
  void pattern;
  return hook();
}

/**
 * `SEC("kretprobe.multi/<pattern>")`: as `kprobeMulti`, at the functions' return;
 * `PT_REGS_RC(ctx)` is the return value. Kernel 5.18 with CONFIG_FPROBE.
 */
export function kretprobeMulti(pattern: string): MethodDecorator {
  void pattern;
  return hook();
}

/**
 * `SEC("perf_event")`: runs on every sample of a perf event (a timer, a hardware counter
 * overflow) chosen at `attach({ event, frequency })`. Takes `PerfEventContext`, returns 0.
 * Kernel 4.9.
 */
export function perfEvent(_method: Function, context: ClassMethodDecoratorContext): void {
  recordSource(context);
}

/**
 * `SEC("iter/<target>")`: a BPF iterator (`task`, `task_file`, `bpf_map`, `bpf_map_elem`, ...),
 * run once per object when user space reads the iterator. Takes the target's context
 * (`IterTaskContext`, `IterMapElemContext`), returns 0. Kernel 5.8.
 */
export function iter(target: string): MethodDecorator {
  void target;
  return hook();
}

/**
 * `SEC("lsm/<hook>")`: a BPF LSM program on a security hook (`file_open`, `bprm_check_security`,
 * ...); returns 0 to allow or a negative errno to deny. Takes `TracingArgs`. Kernel 5.7 with
 * `lsm=bpf`; refused on locked-down kernels.
 */
export function lsm(hook_: string): MethodDecorator {
  void hook_;
  return hook();
}

/**
 * `SEC("fmod_ret/<function>")`: runs before a kernel function marked for error injection and may
 * override its return value (non-zero skips the function). Takes `TracingArgs`. Kernel 5.7;
 * refused on locked-down kernels.
 */
export function fmodRet(fn: string): MethodDecorator {
  void fn;
  return hook();
}
