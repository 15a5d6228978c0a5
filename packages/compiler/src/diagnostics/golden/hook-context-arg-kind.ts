// @preamble
import { tp_btf, type TracingArgs } from "tsbpf";
/** @kernel */
interface task_struct { pid: i32 }
declare module "tsbpf" {
  interface KernelTracepoints { sched_switch(arg0: bool, arg1: Ptr<task_struct>, arg2: Ptr<task_struct>, arg3: u32): void }
}
// @members
  @tp_btf("sched_switch")
  onSwitch(ctx: TracingArgs, preempt: bool, prev: u32): i32 {
    return 0;
  }
