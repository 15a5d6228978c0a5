// The seed programs on kernel functions, on THIS kernel: 002's kprobe-link and fentry-link
// (examples/eunomia/) and 004's kprobe/kretprobe and kfunc/kretfunc examples (examples/bcc/
// kprobes.bpf.ts). Each compiles and, here (no kprobes; lockdown refuses BPF trampolines), fails
// to attach or load with a NotSupportedError naming the cause; where the kernel has them, each
// runs. Their events are checked on the VM's kernels by test/other-kernel.test.ts.
import { expect, it } from "vitest";
import { NotSupportedError, load } from "tsbpf";
import { FentryLink } from "../examples/eunomia/fentry-link.bpf.ts";
import { KprobeLink } from "../examples/eunomia/kprobe-link.bpf.ts";
import { TcpV4Connect, VfsReadStats } from "../examples/bcc/kprobes.bpf.ts";
import { describeKernel } from "./support/kernel.js";

/** Loads and attaches `probeClass`; returns the NotSupportedError the kernel gave, or undefined when it ran. */
async function loadAndAttach(probeClass: Parameters<typeof load>[0]): Promise<NotSupportedError | undefined> {
  try {
    await using probe = await load(probeClass);
    probe.attach();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(NotSupportedError);
    return error as NotSupportedError;
  }
}

describeKernel("seed programs on kernel functions, on this kernel", () => {
  for (const [name, probeClass] of [["002 kprobe-link", KprobeLink], ["004 kprobe/kretprobe tcp_v4_connect", TcpV4Connect]] as const) {
    it(`${name}: passes the verifier; attaching runs it or names the missing kprobes`, async () => {
      const refused = await loadAndAttach(probeClass);
      if (refused) {
        expect(refused.message).toMatch(/kprobe/i);
        console.warn(`${name} not run here: ${refused.message}`);
      }
    });
  }

  for (const [name, probeClass] of [["002 fentry-link", FentryLink], ["004 KFUNC_PROBE/KRETFUNC_PROBE vfs_read", VfsReadStats]] as const) {
    it(`${name}: loads where the kernel allows BPF trampolines, else the cause is named`, async () => {
      const refused = await loadAndAttach(probeClass);
      if (refused) {
        expect(refused.reason).toMatch(/locked down|refused/);
        console.warn(`${name} not run here: ${refused.message}`);
      }
    });
  }
});
