// 004 (bcc's reference guide, C side), "Events & Arguments" on kernel functions: kprobes,
// kretprobes, kfuncs and kretfuncs. bcc's `int kprobe__tcp_v4_connect(struct pt_regs *ctx,
// struct sock *sk)` is a program attached by its name's prefix with typed arguments after the
// context; tsbpf's decorator names the function and the method takes `ctx` and the arguments the
// same way. KFUNC_PROBE/KRETFUNC_PROBE are fentry/fexit (BPF trampolines). The guide leaves the
// bodies out ("// ..."): here the kprobe pair is bcc's tcpv4connect (the socket kept from entry to
// return by thread, the destination port printed when the connect succeeded), the kfunc pair
// counts vfs_read calls (`stats_try_increment(S_READ)`) and the bytes their returns report.
// Needs kprobes and trampolines without lockdown: test/other-kernel.test.ts runs them on the VM's
// kernels; here attaching (kprobes) or loading (fentry) is a NotSupportedError naming the cause.
// (`syscall__execve` with `get_syscall_fnname` is @ksyscall, not in tsbpf yet.)
//   tsbpf run examples/bcc/kprobes.bpf.ts --class TcpV4Connect
import {
  ArrayMap, HashMap, Probe, bpf, fentry, fexit, i64, kprobe, kretprobe, ntohs, u32, u64,
  type PtRegs, type Ptr, type TracingArgs, type i32,
} from "tsbpf";
import type { file, sock } from "tsbpf/vmlinux";

export class TcpV4Connect extends Probe {
  /** Thread id → the socket being connected. */
  currsock = new HashMap<u32, u64>({ maxEntries: 10240 });

  @kprobe("tcp_v4_connect")
  kprobe__tcp_v4_connect(ctx: PtRegs, sk: Ptr<sock>): i32 {
    // C stores `sk` itself: u64(sk) is its address, cast back at return with bpf.core.cast.
    this.currsock.update(u32(bpf.getCurrentPidTgid()), u64(sk));
    return 0;
  }

  @kretprobe("tcp_v4_connect")
  kretprobe__tcp_v4_connect(ctx: PtRegs, ret: i32): i32 {
    const tid = u32(bpf.getCurrentPidTgid());
    const skpp = this.currsock.lookup(tid);
    if (skpp === null) return 0; // missed entry
    if (ret === 0) {
      const sk = bpf.core.cast<sock>(skpp.value);
      bpf.printk("tcp_v4_connect: dport %d ret %d", ntohs(sk.__sk_common.skc_dport), ret);
    }
    this.currsock.delete(tid);
    return 0;
  }
}

const S_READ = 0;
const S_READ_RET = 1;
const S_READ_BYTES = 2;

export class VfsReadStats extends Probe {
  stats = new ArrayMap<u64>({ maxEntries: 3 });

  /** KFUNC_PROBE(vfs_read) { stats_try_increment(S_READ); return 0; } */
  @fentry("vfs_read")
  vfs_read(ctx: TracingArgs): i32 {
    this.stats.increment(S_READ);
    return 0;
  }

  /** KRETFUNC_PROBE(vfs_read): the calls that returned, and the bytes they read. */
  @fexit("vfs_read")
  vfs_read_ret(f: Ptr<file>, buf: u64, count: u64, pos: Ptr<i64>, ret: i64): i32 {
    this.stats.increment(S_READ_RET);
    if (ret > 0n) this.stats.increment(S_READ_BYTES, u64(ret));
    return 0;
  }
}
