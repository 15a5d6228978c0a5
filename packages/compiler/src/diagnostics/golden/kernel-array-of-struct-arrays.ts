// @preamble
/** @kernel */
interface pid_link { next: u64 }
/** @kernel */
interface task_struct { pid: i32; links: FixedArray<FixedArray<pid_link, 2>, 4> }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }
// @body
const first = bpf.getCurrentTask().links[pid & 3][0].next;
