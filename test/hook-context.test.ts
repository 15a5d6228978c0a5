// A typed-argument hook's context beside its arguments: `onFork(ctx: TracingArgs, parent, child)`
// passes ctx to perfOutput and getStackId. The test forks a child and checks the records the
// programs sent against the pids it knows, and the stack ids against the kernel's fork path.
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { compileFile } from "@tsbpf/compiler";
import { ForkContext, type ForkRecord } from "./fixtures/hook-context.bpf.ts";
import { PointerAddress } from "./fixtures/pointer-address.bpf.ts";
import { UnlinkContext } from "./fixtures/hook-context-kprobe.bpf.ts";
import { start, until } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { fixture } from "./support/paths.js";

it("binds the first parameter as the context and the rest as the hook's arguments", () => {
  const result = compileFile(fixture("hook-context.bpf.ts"));
  expect(result.diagnostics.filter((d) => d.category === "error")).toEqual([]);
  const programs = result.probes[0]!.spec.programs;
  expect(programs.map((p) => p.section)).toEqual(["tp_btf/sched_process_fork", "raw_tp/sched_process_fork"]);
  // Helper calls: the flavour cast keeps tp_btf's direct loads; the raw_tp cast reads with bpf_probe_read_kernel (113).
  const helpers = (i: number) => programs[i]!.instructions.filter((x) => x.code === 0x85 && x.src === 0).map((x) => x.imm);
  expect(helpers(0)).not.toContain(113);
  expect(helpers(1)).toContain(113);
});

it("passes a kprobe's and an fentry's context to getFuncIp and perfOutput", () => {
  const result = compileFile(fixture("hook-context-kprobe.bpf.ts"));
  expect(result.diagnostics.filter((d) => d.category === "error")).toEqual([]);
  for (const probe of result.probes) {
    for (const program of probe.spec.programs) {
      const helpers = program.instructions.filter((x) => x.code === 0x85 && x.src === 0).map((x) => x.imm);
      expect([program.section, helpers]).toEqual([program.section, [173, 25]]); // bpf_get_func_ip, bpf_perf_event_output
    }
  }
});

describeKernel("kprobes with a context", () => {
  it("load: the verifier accepts the context passed to bpf_get_func_ip and bpf_perf_event_output", async () => {
    // Loading needs no kprobe support; attaching would (test/other-kernel.test.ts runs kprobes on the VM).
    await using probe = await load(UnlinkContext);
    expect(Object.keys(probe.programs).sort()).toEqual(["enter", "leave"]);
  });
});

describeKernel("tp_btf and raw_tp programs with a context", () => {
  it("send perf records and stack ids for a fork this test causes", async () => {
    await using probe = await load(ForkContext, { config: { targetTgid: process.pid } });
    const records: ForkRecord[] = [];
    probe.forks.consume((r) => records.push(r)); // opens the per-CPU rings before anything fires
    probe.attach();
    const child = start("/bin/true", []);
    await child.finished;
    const pid = child.child.pid!;
    await until(() => { probe.forks.consume((r) => records.push(r)); return records.filter((r) => r.childPid === pid).length >= 2; }, 5000, "both programs' records");
    const forChild = (source: number) => records.filter((r) => r.source === source && r.childPid === pid);
    // The child is a process of its own: its tgid is its pid, read through the casts.
    expect(forChild(1)).toEqual([{ source: 1, parentPid: process.pid, childPid: pid, childTgid: pid, stackId: expect.any(BigInt) }]);
    expect(forChild(2)).toEqual([{ source: 2, parentPid: process.pid, childPid: pid, childTgid: pid, stackId: expect.any(BigInt) }]);
    for (const r of [forChild(1)[0]!, forChild(2)[0]!]) {
      expect(r.stackId).toBeGreaterThanOrEqual(0n);
      const frames = probe.stacks.symbolize(Number(r.stackId))!;
      // The tracepoint fires in copy_process, called from kernel_clone on every fork path.
      expect(frames.map((f) => f.symbol ?? "").join(" ")).toMatch(/copy_process|kernel_clone/);
    }
    expect(probe.forks.lost).toBe(0n);
  });
});

describeKernel("a kernel pointer kept as an integer (u64(ptr)) and cast back", () => {
  it("stores the forked child's task address in a map and reads the child's tgid through it", async () => {
    await using probe = await load(PointerAddress, { config: { targetTgid: process.pid } });
    probe.attach();
    const child = start("/bin/true", []);
    await child.finished;
    const pid = child.child.pid!;
    const address = await probe.addresses.get(pid);
    // A kernel address (the upper half of x86-64's address space).
    expect(address).toBeGreaterThanOrEqual(0xffff800000000000n);
    expect(await probe.tgids.get(pid)).toBe(pid);
  });
});
