// 002's fentry example (fentry-link.bpf.c), written as the tutorial writes it: fentry and fexit
// on do_unlinkat with typed arguments (BPF_PROG), printing the pid, `name->name` and, at exit, the
// result with bpf_printk. The name is copied into a char array for printk's %s (C's %s reads the
// kernel string itself). Needs BPF trampolines without lockdown: test/other-kernel.test.ts runs
// it on the VM's kernels; here loading is a NotSupportedError naming the lockdown.
// The tutorial declares the result `long ret`; the kernel's do_unlinkat returns an int, which
// tsbpf checks a fexit's argument against: it is taken as an i32 and widened for %ld.
//   tsbpf run examples/eunomia/fentry-link.bpf.ts
import { Probe, bpf, fentry, fexit, i32, i64, type CharArray, type Ptr } from "tsbpf";
import type { filename } from "tsbpf/vmlinux";

export class FentryLink extends Probe {
  @fentry("do_unlinkat")
  do_unlinkat(dfd: i32, name: Ptr<filename>): i32 {
    const pid = i32(bpf.getCurrentPidTgid() >> 32n);
    const file: CharArray<256> = "";
    bpf.probeReadKernelStr(file, name.name);
    bpf.printk("fentry: pid = %d, filename = %s", pid, file);
    return 0;
  }

  @fexit("do_unlinkat")
  do_unlinkat_exit(dfd: i32, name: Ptr<filename>, ret: i32): i32 {
    const pid = i32(bpf.getCurrentPidTgid() >> 32n);
    const file: CharArray<256> = "";
    bpf.probeReadKernelStr(file, name.name);
    bpf.printk("fexit: pid = %d, filename = %s, ret = %ld", pid, file, i64(ret));
    return 0;
  }
}
