// A probe file that also holds its user-space code, as the guide allows: Node's globals
// (console, process) type-check from the project's tsconfig ("types": ["node"]).
import { Probe, tracepoint, load, bpf, u32, u64, type SysEnterContext, type i32 } from "tsbpf";

export class Mixed extends Probe {
  writes: u64 = 0n;
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(_ctx: SysEnterContext): i32 {
    if (u32(bpf.getCurrentPidTgid() >> 32n) !== 0) this.writes += 1n;
    return 0;
  }
}

export async function main(): Promise<void> {
  const probe = await load(Mixed);
  probe.attach();
  setTimeout(() => {
    console.log(`pid ${process.pid}: ${String(probe.object.variable("writes"))} writes`);
    probe.close();
  }, 100);
}
