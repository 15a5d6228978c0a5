// profile: a sampling profiler. On every tick of a perf event (cpu-clock at --frequency Hz on
// every CPU) it records the kernel and user stacks of whatever runs, counted per
// (process, kernel stack, user stack). `tsbpf run` prints the stacks as frames (the fields named
// *Stack are stack ids) and writes them folded or as a flame graph; examples/profile.ts does the
// folding itself from user space. The bpftrace line it stands for:
//   bpftrace -e 'profile:hz:99 /pid/ { @[kstack, ustack, comm] = count(); }'
//   tsbpf run examples/profile.bpf.ts --event cpu-clock --frequency 99 --duration 5 \
//     --folded profile.folded --flamegraph profile.svg [--config targetPid=<pid>]
//   npx tsx examples/profile.ts [seconds] [pid]
import {
  HashMap, Probe, StackFlags, StackTrace, bpf, config, i32, perfEvent, u32,
  type CharArray, type PerfEventContext, type u64,
} from "tsbpf";

export interface SampleKey {
  pid: u32;
  /** Stack ids in `stacks`, or a negative errno (-EFAULT: no stack of that kind, e.g. a user-mode tick's kernel stack). */
  kernelStack: i32;
  userStack: i32;
  comm: CharArray<16>;
}

export class Profile extends Probe {
  stacks = new StackTrace({ maxEntries: 16384 });
  counts = new HashMap<SampleKey, u64>({ maxEntries: 16384 });
  /** Only this process; 0: every process but the idle task. */
  @config targetPid: u32 = 0;

  @perfEvent
  sample(ctx: PerfEventContext): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    if (pid === 0 || (this.targetPid !== 0 && pid !== this.targetPid)) return 0;
    const key: SampleKey = {
      pid,
      kernelStack: i32(this.stacks.getStackId(ctx, 0n)),
      userStack: i32(this.stacks.getStackId(ctx, StackFlags.UserStack)),
      comm: "",
    };
    bpf.getCurrentComm(key.comm);
    this.counts.increment(key);
    return 0;
  }
}
