// Compiles, but the verifier must reject it: the lookup's result is asserted non-null (`!`)
// instead of being checked, and the kernel does not take the assertion's word for it.
import { Probe, tracepoint, bpf, HashMap, u32, u64, type SysEnterContext, type i32 } from "tsbpf";

interface Stats { calls: u64; lastFd: u32; bytes: u64 }

export class NullDeref extends Probe {
  stats = new HashMap<u32, Stats>({ maxEntries: 1024 });

  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    const s = this.stats.lookup(pid)!;
    s.calls += 1n;
    return 0;
  }
}
