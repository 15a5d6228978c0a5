// A probe in a project whose tsconfig turns on legacy decorators (as NestJS and TypeORM apps do).
import { Probe, tracepoint, HashMap, bpf, u32, u64, type SysEnterContext, type i32 } from "tsbpf";
export class Counter extends Probe {
  counts = new HashMap<u32, u64>({ maxEntries: 16 });
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(_ctx: SysEnterContext): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    this.counts.increment(pid);
    return 0;
  }
}
