// 004 (bcc's reference guide, C side), "Events & Arguments": each way bcc attaches a function,
// as tsbpf writes it. bcc compiles the C at run time and attaches by function-name prefix
// (`kprobe__…`, `TRACEPOINT_PROBE`, `RAW_TRACEPOINT_PROBE`) or by `attach_*()`; in tsbpf the
// decorator names the hook, and `probe.programs.<name>.attach({...})` takes what `attach_*()` did.
// The kprobe, kretprobe, kfunc and kretfunc examples are in examples/bcc/kprobes.bpf.ts (they need
// kprobes and BPF trampolines: the VM's kernels).
import {
  HashMap, PT_REGS_PARM1, Probe, bpf, i32, rawTracepoint, tracepoint, u64, uprobe, usdt, usdtArg, zero,
  type CharArray, type PtRegs, type RawTracepointArgs, type i64, type u16, type u8,
} from "tsbpf";
import type { task_struct } from "tsbpf/vmlinux";

/**
 * `TRACEPOINT_PROBE(random, urandom_read) { bpf_trace_printk("%d\n", args->got_bits); }`: the
 * random:urandom_read tracepoint left the kernel in Linux 5.18 (its callers went with the
 * random.c rewrite), so this prints the bits that getrandom(2) returned, from the record of
 * syscalls:sys_exit_getrandom (`args`, laid out as its format file says): `ret * 8`, the same
 * quantity for the same kind of read. bcc's `args` is that record; the second form of the
 * guide (`int handle(struct urandom_read_args *args)` + attach_tracepoint) is the same program.
 */
export interface SysExitGetrandomArgs {
  common_type: u16;
  common_flags: u8;
  common_preempt_count: u8;
  common_pid: i32;
  __syscall_nr: i32;
  ret: i64;
}

export class RandomRead extends Probe {
  @tracepoint("syscalls", "sys_exit_getrandom")
  handle(args: SysExitGetrandomArgs): i32 {
    if (args.ret < 0n) return 0;
    bpf.printk("%d", args.ret * 8n); // got_bits
    return 0;
  }
}

/**
 * `RAW_TRACEPOINT_PROBE(sched_switch)`: the arguments are `ctx->args[i]`, cast to tasks; each
 * tgid is copied with bpf_probe_read_kernel as the guide does (a read through the cast pointer is
 * exactly that), and the switch printed as "prev -> next".
 */
export class SwitchTgids extends Probe {
  @rawTracepoint("sched_switch")
  sched_switch(ctx: RawTracepointArgs): i32 {
    const prev = bpf.core.cast<task_struct>(ctx.args[1]);
    const next = bpf.core.cast<task_struct>(ctx.args[2]);
    const prev_tgid = i32(prev.tgid);
    const next_tgid = i32(next.tgid);
    bpf.printk("%d -> %d", prev_tgid, next_tgid);
    return 0;
  }
}

/** `struct key_t { char c[80]; }` */
export interface StrlenKey {
  c: CharArray<80>;
}

/**
 * The uprobe example: count the strings passed to libc's strlen, keyed by their first 80 bytes
 * (`BPF_HASH(counts, struct key_t)`, `lookup_or_init(&key, &zero)`, `(*val)++`), attached as
 * `attach_uprobe(name="c", sym="strlen")`. The guide reads PT_REGS_PARM2, but strlen has one
 * argument, the string: its first (PARM1) is what it means. bcc's `bpf_probe_read` of a user
 * pointer is bpf_probe_read_user_str here (the string and its NUL, not 80 bytes past it).
 * glibc's `strlen` symbol is an IFUNC: its address is the resolver, which runs once when libc is
 * relocated; the calls go to the implementation the resolver picked (__strlen_avx2, ...). As bcc
 * does, the runtime attaches at that implementation (read from libc's IRELATIVE slot in a process
 * that maps it: the `pid` given to attach(), else tsbpf's own).
 */
export class StrlenCount extends Probe {
  counts = new HashMap<StrlenKey, u64>({ maxEntries: 10240 });

  @uprobe("c", "strlen")
  count(ctx: PtRegs): i32 {
    if (PT_REGS_PARM1(ctx) === 0n) return 0;
    const key: StrlenKey = zero();
    bpf.probeReadUserStr(key.c, PT_REGS_PARM1(ctx));
    const val = this.counts.lookupOrInit(key, 0n);
    if (val !== null) val.value++;
    return 0;
  }
}

/**
 * The USDT example: at node's `http__server__request` probe, read its sixth argument (the URL)
 * and print it. bcc's `bpf_usdt_readarg(6, ctx, &addr)` counts from 1; libbpf's
 * `bpf_usdt_arg(ctx, 5, &addr)` and tsbpf's `usdtArg(ctx, 5)` from 0: the same argument. The
 * path is copied with bpf_probe_read_user, 128 bytes as the guide does (a string shorter than
 * that is followed by whatever the target's memory holds; printk's %s stops at its NUL).
 * `USDT(pid=...)` + `enable_probe(...)` is `attach({ binary, provider, name, pid })`.
 */
export class HttpRequests extends Probe {
  @usdt()
  do_trace(ctx: PtRegs): i32 {
    const addr = usdtArg(ctx, 5);
    const path: CharArray<128> = "";
    bpf.probeReadUser(path, 128, u64(addr));
    bpf.printk("path:%s", path);
    return 0;
  }
}
