/**
 * `bpf.findVma`: the `bpf_find_vma` helper (kernel 5.17), declared apart from the generated helper
 * list because its callback is a function: an arrow function written in the call, which the
 * compiler turns into a static subprogram (a closure over the enclosing function's locals, as
 * `map.forEach`'s callback is).
 */
import type { i64, u64 } from "./integers.js";
import type { KernelType } from "./kernel-types.js";
import type { Ptr } from "./memory.js";

declare module "./helpers.js" {
  interface BpfHelpers {
    /**
     * `bpf_find_vma`: finds the memory area of `task` that contains the user address `addr` and
     * calls `callback(task, vma)` with it (`vma.vm_start`, `vma.vm_end`, `vma.vm_file`, ... read
     * directly), under the task's mmap lock. Returns 0 when the callback ran, -ENOENT (-2) when
     * the task has no memory or no area contains `addr`, -EBUSY (-16) when the lock was busy (try
     * again later). `task` is a task the verifier knows (`bpf.getCurrentTask()` in a tracing
     * program). The callback may use the enclosing function's locals as a closure does; what it
     * returns is ignored (0 or nothing). Tracing programs (kprobe, tracepoint, raw_tp, perf_event,
     * fentry, iter, ...). Needs kernel types (`import type { vm_area_struct } from "tsbpf/vmlinux"`).
     * Kernel 5.17.
     * Minimum kernel: Linux 5.17.
     * @bpfHelper 180
     */
    findVma(
      task: Ptr<KernelType<"task_struct">>,
      addr: u64,
      callback: (task: Ptr<KernelType<"task_struct">>, vma: Ptr<KernelType<"vm_area_struct">>) => 0 | void,
    ): i64;
  }
}

export {};
