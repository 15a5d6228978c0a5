// @preamble
/** @kernel */
interface task_struct { pid: i32; comm: FixedArray<u8, 16> }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }
// @body
const size = bpf.core.fieldSize(bpf.getCurrentTask().comm[pid & 15]);
