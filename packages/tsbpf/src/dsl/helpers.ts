/**
 * BPF helper functions, callable in probes as `bpf.<name>(...)`.
 *
 * Each declaration carries `@bpfHelper <id>`: the helper's number in the kernel's
 * `enum bpf_func_id`, which the compiler emits as the `call` immediate. In user space every one of
 * them throws `KernelOnlyError`.
 */
import type { i64, u32, u64 } from "./integers.js";
import type { CharArray } from "./memory.js";
import { kernelOnly } from "./kernel-only.js";

/** An integer argument accepted by `printk` (any kind). */
export type PrintkArg = number | bigint | boolean;

export interface BpfHelpers {
  /**
   * `bpf_ktime_get_ns`: nanoseconds since boot (CLOCK_MONOTONIC, not counting suspend).
   * @bpfHelper 5
   */
  ktimeGetNs(): u64;

  /**
   * `bpf_trace_printk`: writes a line to the kernel's trace buffer
   * (`/sys/kernel/tracing/trace_pipe`). The format is a string literal with at most three
   * conversions (`%d %i %u %x %ld %lu %lx %lld %llu %llx %s %p %c`); `%s` takes a `CharArray`.
   * @bpfHelper 6
   */
  printk(format: string, ...args: [] | [PrintkArg | CharArray<number>] | [PrintkArg | CharArray<number>, PrintkArg | CharArray<number>] | [PrintkArg | CharArray<number>, PrintkArg | CharArray<number>, PrintkArg | CharArray<number>]): i64;

  /**
   * `bpf_get_current_pid_tgid`: `tgid << 32 | pid` of the current task (user space's process id
   * in the upper half, thread id in the lower).
   * @bpfHelper 14
   */
  getCurrentPidTgid(): u64;

  /**
   * `bpf_get_current_uid_gid`: `gid << 32 | uid` of the current task.
   * @bpfHelper 15
   */
  getCurrentUidGid(): u64;

  /**
   * `bpf_get_current_comm`: copies the current task's name (NUL-terminated) into `buffer`.
   * @bpfHelper 16
   */
  getCurrentComm(buffer: CharArray<number>): i64;

  /**
   * `bpf_probe_read_user_str`: copies a NUL-terminated string from user memory into `buffer`;
   * returns the length including the NUL, or a negative error.
   * @bpfHelper 114
   */
  probeReadUserStr(buffer: CharArray<number>, source: u64): i64;

  /**
   * `bpf_probe_read_kernel_str`: copies a NUL-terminated string from kernel memory into `buffer`.
   * @bpfHelper 115
   */
  probeReadKernelStr(buffer: CharArray<number>, source: u64): i64;

  /**
   * `bpf_get_smp_processor_id`: the CPU this program runs on.
   * @bpfHelper 8
   */
  getSmpProcessorId(): u32;
}

/** The helper functions. Calling one in user space throws `KernelOnlyError`. */
export const bpf: BpfHelpers = kernelOnly<BpfHelpers>("bpf");
