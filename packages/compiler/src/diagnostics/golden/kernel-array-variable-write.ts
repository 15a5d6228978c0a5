// @preamble
/** @kernel */
interface task_struct { pid: i32; comm: FixedArray<u8, 16> }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }
// @body
const task = bpf.getCurrentTask();
task.comm[pid & 15] = 0;
