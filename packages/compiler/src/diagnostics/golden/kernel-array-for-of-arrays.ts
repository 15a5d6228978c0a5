// @preamble
/** @kernel */
interface task_struct { pid: i32; matrix: FixedArray<FixedArray<u8, 4>, 4> }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }
// @body
let total = 0;
for (const row of bpf.getCurrentTask().matrix) total += row[0];
