// Targets chosen at attach(): a `@tracepoint()` program attached to two system call tracepoints
// in turn (as "category/name" and as bcc's "category:name") counts exactly the calls this test
// makes there; object.attach() leaves it alone, and attach() without a target says what it needs.
// `@kprobe()`, `@kretprobe()`, `@ksyscall("openat")` and `@kretsyscall("openat")` compile to
// libbpf's sections and load through the verifier here; attaching them gives the kernel's reason
// (no kprobes here) as a NotSupportedError. They run on the VM's 6.1 and 6.12 kernels
// (test/other-kernel.test.ts, test/vm/cases/attach-targets.mjs): the ksyscall pair on
// __x64_sys_openat, the bare kprobes attached to do_sys_openat2, an openat's path, dfd, flags,
// mode and returned fd checked.
import { closeSync, openSync, readSync } from "node:fs";
import { expect, it } from "vitest";
import { load, NotSupportedError } from "tsbpf";
import { compileFile } from "@tsbpf/compiler";
import { AnyTracepoint, SyscallProbes } from "./fixtures/attach-targets.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { fixture } from "./support/paths.js";

const SYS_pread64 = 17n; // x86-64 system call numbers (the id field of sys_enter_*)
const SYS_openat = 257n;

it("compiles hooks without targets to libbpf's bare sections, and ksyscall's arguments through the wrapper's pt_regs", () => {
  const result = compileFile(fixture("attach-targets.bpf.ts"));
  expect(result.diagnostics.filter((d) => d.category === "error")).toEqual([]);
  const sections = result.probes.flatMap((p) => p.spec.programs.map((x) => x.section));
  expect(sections).toEqual(["tracepoint", "ksyscall/openat", "kretsyscall/openat", "kprobe", "kretprobe"]);
  // The ksyscall program reads each of its four arguments with bpf_probe_read_kernel (113).
  const openat = result.probes[1]!.spec.programs[0]!;
  expect(openat.instructions.filter((x) => x.code === 0x85 && x.src === 0 && x.imm === 113)).toHaveLength(4);
});

describeKernel("targets given at attach()", () => {
  it("a @tracepoint() program counts the calls made at the tracepoint attach() names", async () => {
    await using probe = await load(AnyTracepoint, { config: { targetPid: process.pid } });
    expect(probe.attach()).toEqual([]); // no target in the section: attach() skips it
    expect(() => probe.programs.count.attach()).toThrow(NotSupportedError);
    const link = probe.programs.count.attach({ tracepoint: "syscalls/sys_enter_openat" });
    const fds = [0, 1, 2].map(() => openSync("/proc/self/stat", "r"));
    link.close();
    const buffer = Buffer.alloc(16);
    for (const fd of fds) readSync(fd, buffer, 0, 16, 0); // pread64, before the second attach
    expect(probe.calls.get(SYS_openat)).toBe(3n);
    expect(probe.calls.get(SYS_pread64)).toBeUndefined();
    const reads = probe.programs.count.attach({ tracepoint: "syscalls:sys_enter_pread64" });
    for (const fd of fds) readSync(fd, buffer, 0, 16, 0); // pread64(fd, buffer, 16, 0)
    reads.close();
    for (const fd of fds) closeSync(fd);
    expect(probe.calls.get(SYS_pread64)).toBe(3n);
    expect(probe.calls.get(SYS_openat)).toBe(3n);
  });

  it("kprobes and system call probes without kprobes in the kernel: loaded, attach refused with the reason", async () => {
    await using probe = await load(SyscallProbes, { config: { targetPid: process.pid } });
    const attempts = [
      () => probe.programs.openat.attach(),
      () => probe.programs.openatDone.attach(),
      () => probe.programs.anyEntry.attach({ function: "do_sys_openat2" }),
      () => probe.programs.anyReturn.attach({ function: "do_sys_openat2" }),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(/kprobe/);
    for (const attempt of attempts) expect(attempt).toThrow(NotSupportedError);
    expect(() => probe.programs.anyEntry.attach()).toThrow(/function/);
  });
});
