// @preamble
import { syscall, PerfEventArray } from "tsbpf";
interface Io { x: u32; y: u32 }
// @members
  ev = new PerfEventArray<Io>();
  @syscall
  send(ctx: Io): i32 {
    this.ev.perfOutput(ctx, { x: ctx.x, y: 1 });
    return 0;
  }
