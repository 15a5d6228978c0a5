// @preamble
import { tp_btf } from "tsbpf";
/** @kernel */
interface task_struct { pid: i32; comm: CharArray<16> }
// @members
  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>): i32 {
    if (parent.comm === "bash") return 1;
    return 0;
  }
