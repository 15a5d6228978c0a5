// One probe per aggregation, each the twin of one bpftrace line (bench/aggregations.bench.mjs runs
// both on the same writes): the writer's writes to descriptors 50 to 59, filtered by pid.
import {
  AvgMap, CountMap, LinearHistogram, Log2Histogram, MaxMap, MinMap, Probe, StatsMap, SumMap, bpf, config, tracepoint, u32,
  type CharArray, type SysEnterContext, type i32,
} from "tsbpf";

/** `tracepoint:syscalls:sys_enter_write /pid == $1 && args->fd >= 50 && args->fd < 60/` */
function watched(ctx: SysEnterContext, targetPid: u32): boolean {
  const fd = u32(ctx.args[0]);
  return u32(bpf.getCurrentPidTgid() >> 32n) === targetPid && fd >= 50 && fd < 60;
}

export class CountByComm extends Probe {
  @config targetPid: u32 = 0;
  calls = new CountMap<CharArray<16>>();
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    if (!watched(ctx, this.targetPid)) return 0;
    const comm: CharArray<16> = "";
    bpf.getCurrentComm(comm);
    this.calls.count(comm); // @[comm] = count()
    return 0;
  }
}

export class SumByFd extends Probe {
  @config targetPid: u32 = 0;
  bytes = new SumMap<u32>();
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    if (!watched(ctx, this.targetPid)) return 0;
    this.bytes.record(u32(ctx.args[0]), ctx.args[2]); // @[args->fd] = sum(args->count)
    return 0;
  }
}

export class MinByFd extends Probe {
  @config targetPid: u32 = 0;
  smallest = new MinMap<u32>();
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    if (!watched(ctx, this.targetPid)) return 0;
    this.smallest.record(u32(ctx.args[0]), ctx.args[2]); // @[args->fd] = min(args->count)
    return 0;
  }
}

export class MaxByFd extends Probe {
  @config targetPid: u32 = 0;
  largest = new MaxMap<u32>();
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    if (!watched(ctx, this.targetPid)) return 0;
    this.largest.record(u32(ctx.args[0]), ctx.args[2]); // @[args->fd] = max(args->count)
    return 0;
  }
}

export class AvgByFd extends Probe {
  @config targetPid: u32 = 0;
  mean = new AvgMap<u32>();
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    if (!watched(ctx, this.targetPid)) return 0;
    this.mean.record(u32(ctx.args[0]), ctx.args[2]); // @[args->fd] = avg(args->count)
    return 0;
  }
}

export class StatsByFd extends Probe {
  @config targetPid: u32 = 0;
  stats = new StatsMap<u32>();
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    if (!watched(ctx, this.targetPid)) return 0;
    this.stats.record(u32(ctx.args[0]), ctx.args[2]); // @[args->fd] = stats(args->count)
    return 0;
  }
}

export class Hist extends Probe {
  @config targetPid: u32 = 0;
  sizes = new Log2Histogram();
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    if (!watched(ctx, this.targetPid)) return 0;
    this.sizes.record(ctx.args[2]); // @ = hist(args->count)
    return 0;
  }
}

export class HistByFd extends Probe {
  @config targetPid: u32 = 0;
  sizes = new Log2Histogram<u32>();
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    if (!watched(ctx, this.targetPid)) return 0;
    this.sizes.record(u32(ctx.args[0]), ctx.args[2]); // @[args->fd] = hist(args->count)
    return 0;
  }
}

export class Linear extends Probe {
  @config targetPid: u32 = 0;
  sizes = new LinearHistogram({ min: 0, max: 10000, step: 100 });
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    if (!watched(ctx, this.targetPid)) return 0;
    this.sizes.record(ctx.args[2]); // @ = lhist(args->count, 0, 10000, 100)
    return 0;
  }
}
