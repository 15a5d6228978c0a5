/**
 * Context types of the tracing hooks that see registers (uprobes, USDT, kprobes, perf events)
 * and of iterators. x86-64 layouts.
 */
import type { u64 } from "./integers.js";
import type { FixedArray } from "./memory.js";

/**
 * `struct pt_regs` (x86-64): the registers at a uprobe, uretprobe, USDT or kprobe. Function
 * arguments are in `di, si, dx, cx, r8, r9` (read them with `PT_REGS_PARM1(ctx)`..`PARM6`), the
 * return value in `ax` (`PT_REGS_RC(ctx)`), at a uretprobe.
 */
export interface PtRegs {
  r15: u64;
  r14: u64;
  r13: u64;
  r12: u64;
  bp: u64;
  bx: u64;
  r11: u64;
  r10: u64;
  r9: u64;
  r8: u64;
  ax: u64;
  cx: u64;
  dx: u64;
  si: u64;
  di: u64;
  orig_ax: u64;
  ip: u64;
  cs: u64;
  flags: u64;
  sp: u64;
  ss: u64;
}

/** `struct bpf_perf_event_data`: a perf_event program's context. */
export interface PerfEventContext {
  /** The registers where the sample hit. */
  regs: PtRegs;
  sample_period: u64;
  addr: u64;
}

/**
 * The context of `fmod_ret`/`lsm` programs (and other BTF-typed tracing programs): the traced
 * function's arguments as raw 64-bit values.
 */
export interface TracingArgs {
  args: FixedArray<u64, 12>;
}

/**
 * `struct bpf_iter__task`: an `iter/task` program's context, once per task and once more at the
 * end with `task` 0. The members are kernel pointers (`struct bpf_iter_meta *`, `struct
 * task_struct *`), as u64 here: compare `task` with 0n before using it.
 */
export interface IterTaskContext {
  meta: u64;
  task: u64;
}

/** `struct bpf_iter__bpf_map_elem`: an `iter/bpf_map_elem` program's context (key and value 0 at the end). */
export interface IterMapElemContext {
  meta: u64;
  map: u64;
  key: u64;
  value: u64;
}
