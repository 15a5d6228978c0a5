// The event-path stress source, written as ref-c's rbflood.bpf.c is: one record per syscall entry
// of the target process (raw_syscalls/sys_enter), so a getpid() loop produces records as fast as the
// kernel takes them. The same compiled object feeds tsbpf's consumer and libbpf's (bench/events).
//   method: 0 reserve/submit, 1 output;  wake: 0 default, 1 NoWakeup, 2 adaptive (wakeupAbove)
import { PerfEventArray, Probe, RingBuf, bpf, config, tracepoint, u32, type CharArray, type i32, type i64, type u64, type SysEnterContext } from "tsbpf";

export interface Event64 {
  pid: u32;
  cpu: u32;
  id: i64;
  ts: u64;
  seq: u64;
  comm: CharArray<16>;
  pad: u64;
}

export interface Event512 {
  pid: u32;
  cpu: u32;
  id: i64;
  ts: u64;
  seq: u64;
  comm: CharArray<16>;
  pad: CharArray<456>;
}

export class RingFlood64 extends Probe {
  events = new RingBuf<Event64>({ size: 1 << 20 });
  @config targ_pid: u32 = 0;
  @config method: u32 = 0;
  @config wake: u32 = 0;
  @config wakeup_above: u64 = 0n;
  seq: u64 = 0n;

  @tracepoint("raw_syscalls", "sys_enter")
  flood(ctx: SysEnterContext): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    if (this.targ_pid !== 0 && pid !== this.targ_pid) return 0;
    const flags: u64 = this.wake === 1 ? 1n : 0n;
    if (this.method === 1) {
      const e: Event64 = { pid, cpu: bpf.getSmpProcessorId(), id: ctx.id, ts: bpf.ktimeGetNs(), seq: this.seq, comm: "", pad: 0n };
      this.seq += 1n;
      bpf.getCurrentComm(e.comm);
      if (this.wake === 2) this.events.output(e, { wakeupAbove: this.wakeup_above });
      else this.events.output(e, flags);
      return 0;
    }
    const e = this.events.reserve();
    if (e === null) return 0;
    e.pid = pid;
    e.cpu = bpf.getSmpProcessorId();
    e.id = ctx.id;
    e.ts = bpf.ktimeGetNs();
    e.seq = this.seq;
    this.seq += 1n;
    bpf.getCurrentComm(e.comm);
    e.pad = 0n;
    if (this.wake === 2) this.events.submit(e, { wakeupAbove: this.wakeup_above });
    else this.events.submit(e, flags);
    return 0;
  }
}
