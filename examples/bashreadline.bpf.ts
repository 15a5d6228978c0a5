// bashreadline: every line typed into an interactive bash, read when bash's readline() returns
// (a uretprobe on /bin/bash's readline symbol, resolved from its ELF symbol table).
//   tsbpf run examples/bashreadline.bpf.ts --duration 30
import { PT_REGS_RC, Probe, RingBuf, bpf, u32, uretprobe, type CharArray, type PtRegs, type i32 } from "tsbpf";

export interface ReadlineEvent {
  pid: u32;
  line: CharArray<80>;
}

export class BashReadline extends Probe {
  events = new RingBuf<ReadlineEvent>({ size: 64 * 1024 });

  @uretprobe("/bin/bash", "readline")
  onReadline(ctx: PtRegs): i32 {
    // readline() returns the line it read (a malloc'ed string in bash's memory), or NULL at EOF.
    const line = PT_REGS_RC(ctx);
    if (line === 0n) return 0;
    // Reserved in the ring and written in place (no copy on the stack), as libbpf's bashreadline does.
    const event = this.events.reserve();
    if (event === null) return 0; // counted by the reader's failedReservations
    event.pid = u32(bpf.getCurrentPidTgid() >> 32n);
    bpf.probeReadUserStr(event.line, line);
    this.events.submit(event);
    return 0;
  }
}
