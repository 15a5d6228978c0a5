/**
 * BPF helper functions, callable in probes as `bpf.<name>(...)`.
 *
 * Each declaration carries `@bpfHelper <id>`: the helper's number in the kernel's
 * `enum bpf_func_id`, which the compiler emits as the `call` immediate. In user space every one of
 * them throws `KernelOnlyError`.
 */
import type { i64, u32, u64 } from "./integers.js";
import type { BpfHelpers as GeneratedHelpers } from "./helpers.generated.js";

export { helperNames, overriddenHelpers } from "./helpers.generated.js";
import type { AnyPtr, CharArray } from "./memory.js";
import { kernelOnly } from "./kernel-only.js";

/** printk's values: up to twelve (the kernel's MAX_BPRINTF_VARARGS). */
type PrintkValue = PrintkArg | CharArray<number>;
type UpTo<T, N extends number, Acc extends T[] = []> = Acc["length"] extends N ? Acc : Acc | UpTo<T, N, [...Acc, T]>;
export type PrintkArgs = UpTo<PrintkValue, 12>;

/** An integer argument accepted by `printk` (any kind). */
export type PrintkArg = number | bigint | boolean;

/**
 * The helpers: every helper of the kernel's `enum bpf_func_id` (generated into
 * helpers.generated.ts by scripts/gen-helpers.mjs), plus those declared here by hand because the
 * compiler gives them special forms (format strings, char buffers passed as pointer and size).
 */
export interface BpfHelpers extends GeneratedHelpers {
  /**
   * `bpf_trace_printk`: writes a line to the kernel's trace buffer
   * (`/sys/kernel/tracing/trace_pipe`). The format is a string literal with at most twelve
   * conversions (`%d %i %u %x %ld %lu %lx %lld %llu %llx %s %p %c`); `%s` takes a `CharArray`.
   * Up to three values go in registers (Linux 4.1); more go through `bpf_trace_vprintk`
   * (Linux 5.16) as an array, as libbpf's `bpf_printk` does.
   * Minimum kernel: Linux 4.1.
   * @bpfHelper 6
   */
  printk(format: string, ...args: PrintkArgs): i64;

  /**
   * `bpf_get_current_comm`: copies the current task's name (NUL-terminated) into `buffer`.
   * Minimum kernel: Linux 4.2.
   * @bpfHelper 16
   */
  getCurrentComm(buffer: CharArray<number>): i64;

  /**
   * `bpf_probe_read_str`: copies a NUL-terminated string from kernel or user memory into
   * `buffer` (use the _user/_kernel variants on kernels that have them: 5.5).
   * Minimum kernel: Linux 4.11.
   * @bpfHelper 45
   */
  probeReadStr(buffer: CharArray<number>, source: u64 | CharArray<number>): i64;
  /**
   * `bpf_probe_read_str` into `size` bytes at `dst` (C's `bpf_probe_read_str(&b->buf[off], size, src)`): a string into a
   * larger buffer at an offset; an element at a variable index is bounded by the compiler (the call
   * is made only when `size` bytes fit from there, otherwise the result is -E2BIG).
   * Minimum kernel: Linux 4.11.
   * @bpfHelper 45
   */
  probeReadStr(dst: AnyPtr, size: u32, source: u64 | CharArray<number>): i64;

  /**
   * `bpf_probe_read_user_str`: copies a NUL-terminated string from user memory into `buffer`;
   * returns the length including the NUL, or a negative error.
   * Minimum kernel: Linux 5.5.
   * @bpfHelper 114
   */
  probeReadUserStr(buffer: CharArray<number>, source: u64 | CharArray<number>): i64;
  /**
   * `bpf_probe_read_user_str` into `size` bytes at `dst` (C's `bpf_probe_read_user_str(&b->buf[off], size, src)`): a string into a
   * larger buffer at an offset; an element at a variable index is bounded by the compiler (the call
   * is made only when `size` bytes fit from there, otherwise the result is -E2BIG).
   * Minimum kernel: Linux 5.5.
   * @bpfHelper 114
   */
  probeReadUserStr(dst: AnyPtr, size: u32, source: u64 | CharArray<number>): i64;

  /**
   * `bpf_probe_read_kernel_str`: copies a NUL-terminated string from kernel memory into `buffer`.
   * `source` is an address or a kernel struct's char array (`task.comm`: its address, as C's
   * `task->comm` decays to a pointer).
   * Minimum kernel: Linux 5.5.
   * @bpfHelper 115
   */
  probeReadKernelStr(buffer: CharArray<number>, source: u64 | CharArray<number>): i64;
  /**
   * `bpf_probe_read_kernel_str` into `size` bytes at `dst` (C's `bpf_probe_read_kernel_str(&b->buf[off], size, src)`): a string into a
   * larger buffer at an offset; an element at a variable index is bounded by the compiler (the call
   * is made only when `size` bytes fit from there, otherwise the result is -E2BIG).
   * Minimum kernel: Linux 5.5.
   * @bpfHelper 115
   */
  probeReadKernelStr(dst: AnyPtr, size: u32, source: u64 | CharArray<number>): i64;

  /**
   * `bpf_get_func_ip`: the address of the traced function (kprobe, kprobe.multi, fentry/fexit);
   * 0 for a kprobe inside a function. `ctx` is the program's context parameter itself.
   * Kernel 5.15 (kprobes), 5.18 (kprobe.multi).
   * Minimum kernel: Linux 5.15.
   * @bpfHelper 173
   */
  getFuncIp(ctx: object): u64;

  /**
   * `bpf_get_attach_cookie`: the cookie given when the program was attached (kprobe.multi:
   * the one of the function that fired, `attach({ cookies })`), 0 when none was. `ctx` is the
   * program's context parameter itself. Kernel 5.15.
   * Minimum kernel: Linux 5.15.
   * @bpfHelper 174
   */
  getAttachCookie(ctx: object): u64;
}

/** The helper functions. Calling one in user space throws `KernelOnlyError`. */
export const bpf: BpfHelpers = kernelOnly<BpfHelpers>("bpf");
