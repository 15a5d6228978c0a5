/**
 * Context types handed to programs by their hooks.
 */
import type { i32, i64, u8, u16, u64 } from "./integers.js";
import type { FixedArray } from "./memory.js";

/** `struct trace_entry`: the header every classic tracepoint record starts with. */
export interface TraceEntry {
  type: u16;
  flags: u8;
  preempt_count: u8;
  pid: i32;
}

/**
 * `struct trace_event_raw_sys_enter`: the context of every `syscalls/sys_enter_*` tracepoint.
 * `args[i]` is the syscall's i-th argument as a raw 64-bit value.
 */
export interface SysEnterContext {
  ent: TraceEntry;
  /** The syscall number. */
  id: i64;
  args: FixedArray<u64, 6>;
}

/** `struct trace_event_raw_sys_exit`: the context of every `syscalls/sys_exit_*` tracepoint. */
export interface SysExitContext {
  ent: TraceEntry;
  id: i64;
  ret: i64;
}

/**
 * `struct bpf_raw_tracepoint_args`: the context of a `@rawTracepoint` program, the tracepoint's
 * arguments as raw 64-bit values (the kernel allows up to 12). Read only those the tracepoint
 * has (and, in `testRun`, only those passed in).
 */
export interface RawTracepointArgs {
  args: FixedArray<u64, 12>;
}
