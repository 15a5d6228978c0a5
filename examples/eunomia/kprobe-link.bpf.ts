// 002's kprobe example (kprobe-link.bpf.c), written as the tutorial writes it: kprobe and
// kretprobe on do_unlinkat, printing the pid, the file name and the result with bpf_printk.
// C's `bpf_printk("... %s", BPF_CORE_READ(name, name))` lets %s read the kernel string; tsbpf's
// printk %s takes a char array, so the name is first copied into one (bpf_probe_read_kernel_str):
// the same line is printed. Needs kprobes (CONFIG_KPROBES): test/other-kernel.test.ts runs it on
// the VM's kernels; here attaching is a NotSupportedError naming the cause.
// The tutorial declares the result `long ret`; the kernel's do_unlinkat returns an int, which
// tsbpf checks a kretprobe's argument against: it is taken as an i32 and widened for %ld.
//   tsbpf run examples/eunomia/kprobe-link.bpf.ts
import { Probe, bpf, i32, kprobe, kretprobe, i64, type CharArray, type Ptr } from "tsbpf";
import type { filename } from "tsbpf/vmlinux";

export class KprobeLink extends Probe {
  @kprobe("do_unlinkat")
  do_unlinkat(dfd: i32, name: Ptr<filename>): i32 {
    const pid = i32(bpf.getCurrentPidTgid() >> 32n);
    const file: CharArray<256> = "";
    bpf.probeReadKernelStr(file, name.name); // BPF_CORE_READ(name, name)
    bpf.printk("KPROBE ENTRY pid = %d, filename = %s", pid, file);
    return 0;
  }

  @kretprobe("do_unlinkat")
  do_unlinkat_exit(ret: i32): i32 {
    const pid = i32(bpf.getCurrentPidTgid() >> 32n);
    bpf.printk("KPROBE EXIT: pid = %d, ret = %ld", pid, i64(ret));
    return 0;
  }
}
