// @preamble
import { syscall, Queue } from "tsbpf";
interface Io { x: u32; y: u32 }
// @members
  pending = new Queue<u32>({ maxEntries: 16 });
  @syscall
  send(ctx: Io): i32 {
    this.helper(ctx.x);
    return 0;
  }
  helper(x: u32): void {
    this.pending.push(x);
  }
