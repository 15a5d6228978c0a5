// The brief's WriteStats example: per-process write counts in a hash map, scaled by a factor
// that user space may set in a second map.
import { Probe, tracepoint, bpf, HashMap, u32, u64, type SysEnterContext, type i32 } from "tsbpf";

interface Stats { calls: u64; lastFd: u32; bytes: u64 }

export class WriteStats extends Probe {
  stats = new HashMap<u32, Stats>({ maxEntries: 1024 });
  settings = new HashMap<u32, u64>({ maxEntries: 4 });

  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    const scale = this.settings.lookup(0);
    const factor = scale ? scale.value : 1n;
    const s = this.stats.lookup(pid);
    if (s === null) {
      this.stats.update(pid, { calls: 1n, lastFd: u32(ctx.args[0]), bytes: ctx.args[2] * factor });
      return 0;
    }
    s.calls += 1n;
    s.lastFd = u32(ctx.args[0]);
    s.bytes += ctx.args[2] * factor;
    return 0;
  }
}
