// @preamble
/** @kernel */
interface flags_word {
  /** @bits 3:1 */
  dirty: u32;
}
/** @kernel */
interface task_struct { pid: i32; words: FixedArray<flags_word, 4> }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }
// @body
const dirty = bpf.getCurrentTask().words[pid & 3].dirty;
