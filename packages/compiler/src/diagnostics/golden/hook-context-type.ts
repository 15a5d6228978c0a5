// @preamble
import { tp_btf, type PtRegs } from "tsbpf";
/** @kernel */
interface task_struct { pid: i32 }
declare module "tsbpf" {
  interface KernelTracepoints { sched_switch(arg0: bool, arg1: Ptr<task_struct>, arg2: Ptr<task_struct>, arg3: u32): void }
}
// @members
  @tp_btf("sched_switch")
  onSwitch(ctx: PtRegs, preempt: bool, prev: Ptr<task_struct>): i32 {
    return 0;
  }
