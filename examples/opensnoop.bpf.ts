// opensnoop: every openat(2), with who opened what, through a ring buffer.
//   tsbpf run examples/opensnoop.bpf.ts        (or: npx tsx examples/opensnoop.ts)
import { Probe, RingBuf, bpf, tracepoint, u32, type CharArray, type i32, type SysEnterContext } from "tsbpf";

export interface OpenEvent {
  pid: u32;
  uid: u32;
  comm: CharArray<16>;
  filename: CharArray<256>;
}

export class OpenSnoop extends Probe {
  events = new RingBuf<OpenEvent>({ size: 256 * 1024 });

  @tracepoint("syscalls", "sys_enter_openat")
  onOpenat(ctx: SysEnterContext): i32 {
    const event: OpenEvent = {
      pid: u32(bpf.getCurrentPidTgid() >> 32n),
      uid: u32(bpf.getCurrentUidGid()),
      comm: "",
      filename: "",
    };
    bpf.getCurrentComm(event.comm);
    bpf.probeReadUserStr(event.filename, ctx.args[1]);
    this.events.output(event);
    return 0;
  }
}
