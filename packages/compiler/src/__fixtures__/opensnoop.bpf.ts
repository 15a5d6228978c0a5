// The brief's OpenSnoop: an event per openat(2) through a ring buffer.
import { Probe, tracepoint, bpf, RingBuf, u32, type SysEnterContext, type CharArray, type i32 } from "tsbpf";
interface OpenEvent { pid: u32; uid: u32; comm: CharArray<16>; filename: CharArray<256> }
export class OpenSnoop extends Probe {
  events = new RingBuf<OpenEvent>({ size: 256 * 1024 });
  @tracepoint("syscalls", "sys_enter_openat")
  onOpen(ctx: SysEnterContext): i32 {
    const event: OpenEvent = { pid: u32(bpf.getCurrentPidTgid() >> 32n), uid: u32(bpf.getCurrentUidGid()), comm: "", filename: "" };
    bpf.getCurrentComm(event.comm);
    bpf.probeReadUserStr(event.filename, ctx.args[1]);
    this.events.output(event);
    return 0;
  }
}
