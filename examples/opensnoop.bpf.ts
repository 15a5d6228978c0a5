// opensnoop: every open(2) and openat(2), with who opened what, through a ring buffer. Each event is reserved
// in the ring and written in place (no copy on the stack), as libbpf's opensnoop does; a full ring
// is counted by the compiler's own counter (the reader's `failedReservations`: libbpf's `dropped`).
// It sends the uid where libbpf's sends the tid and flags.
//   tsbpf run examples/opensnoop.bpf.ts [--config targetPid=<pid>]   (or: npx tsx examples/opensnoop.ts)
import { Probe, RingBuf, bpf, config, tracepoint, u32, type CharArray, type i32, type SysEnterContext, type u64 } from "tsbpf";

export interface OpenEvent {
  pid: u32;
  uid: u32;
  comm: CharArray<16>;
  filename: CharArray<256>;
}

export class OpenSnoop extends Probe {
  events = new RingBuf<OpenEvent>({ size: 256 * 1024 });
  /** Only this process's opens; 0: every process's. */
  @config targetPid: u32 = 0;

  @tracepoint("syscalls", "sys_enter_openat")
  onOpenat(ctx: SysEnterContext): i32 {
    return this.report(ctx.args[1]);
  }

  /** open(2) (glibc's open() calls openat, but programs may make the system call itself). */
  @tracepoint("syscalls", "sys_enter_open")
  onOpen(ctx: SysEnterContext): i32 {
    return this.report(ctx.args[0]);
  }

  report(filename: u64): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    if (this.targetPid !== 0 && pid !== this.targetPid) return 0;
    const event = this.events.reserve();
    if (event === null) return 0; // counted by the reader's failedReservations
    event.pid = pid;
    event.uid = u32(bpf.getCurrentUidGid());
    // Both helpers end the string with a NUL; bytes past it are not read by user space.
    bpf.getCurrentComm(event.comm);
    bpf.probeReadUserStr(event.filename, filename);
    this.events.submit(event);
    return 0;
  }
}

