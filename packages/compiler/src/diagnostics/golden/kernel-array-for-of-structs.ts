// @preamble
/** @kernel */
interface rlimit { rlim_cur: u64; rlim_max: u64 }
/** @kernel */
interface signal_struct { rlim: FixedArray<rlimit, 16> }
/** @kernel */
interface task_struct { pid: i32; signal: Ptr<signal_struct> }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }
// @body
let total = 0n;
for (const limit of bpf.getCurrentTask().signal.rlim) total += limit.rlim_cur;
