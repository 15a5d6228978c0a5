// @preamble
import { fentry } from "tsbpf";
/** @kernel */
interface filename { name: u64 }
declare module "tsbpf" {
  interface KernelFunctions { do_unlinkat(dfd: i32, name: Ptr<filename>): i32 }
}
// @members
  @fentry("do_unlinkat")
  enter(dfd: i32, name: Ptr<filename>, flags: u32): i32 {
    return 0;
  }
