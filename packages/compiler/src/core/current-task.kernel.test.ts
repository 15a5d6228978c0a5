// bpf.getCurrentTask() is bpf_get_current_task_btf, read with direct loads, in every tracing
// program type core/origin.ts lists: each program here loads through the kernel's verifier (the
// classic tracepoint one runs in test/execsnoop.test.ts, with its values checked; fentry and
// LSM loads are refused by this kernel's lockdown, so they run on the VM: test/other-kernel.test.ts).
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { compiledProbe } from "../testing/probes.js";

const SOURCE = `
import { Probe, bpf, iter, kprobe, kprobeMulti, perfEvent, rawTracepoint, tp_btf, tracepoint, uprobe, type i32, type Ptr, type PerfEventContext, type PtRegs, type RawTracepointArgs, type SysEnterContext, type IterTaskContext } from "tsbpf";

/** @kernel */
interface task_struct { pid: i32; tgid: i32; real_parent: Ptr<task_struct>; }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }

export class Current extends Probe {
  @tracepoint("syscalls", "sys_enter_getpid")
  tp(ctx: SysEnterContext): i32 { return bpf.getCurrentTask().real_parent.tgid; }

  @rawTracepoint("sys_enter")
  raw(ctx: RawTracepointArgs): i32 { return bpf.getCurrentTask().real_parent.tgid; }

  @tp_btf("sys_enter")
  btf(): i32 { return bpf.getCurrentTask().real_parent.tgid; }

  @kprobe("do_unlinkat")
  kp(): i32 { return bpf.getCurrentTask().real_parent.tgid; }

  @kprobeMulti("do_unlink*")
  kpm(ctx: PtRegs): i32 { return bpf.getCurrentTask().real_parent.tgid; }

  @uprobe("/bin/true", "main")
  up(ctx: PtRegs): i32 { return bpf.getCurrentTask().real_parent.tgid; }

  @perfEvent
  perf(ctx: PerfEventContext): i32 { return bpf.getCurrentTask().real_parent.tgid; }

  @iter("task")
  tasks(ctx: IterTaskContext): i32 { return bpf.getCurrentTask().real_parent.tgid === 0 ? 1 : 0; } // an iterator returns 0 or 1
}
`;

describeKernel("bpf.getCurrentTask() in tracing program types", () => {
  it("compiles to bpf_get_current_task_btf with direct loads, and each program loads", async () => {
    const probe = compiledProbe(SOURCE);
    const spec = probe.spec;
    for (const program of spec.programs) {
      const calls = program.instructions.filter((i) => i.code === 0x85 && i.src === 0).map((i) => i.imm);
      expect([program.name, calls]).toEqual([program.name, [158]]);
    }
    const { loadObject } = await import("@tsbpf/runtime");
    await using object = await loadObject(spec);
    expect([...object.programs.keys()].sort()).toEqual(["btf", "kp", "kpm", "perf", "raw", "tasks", "tp", "up"]);
  });
});
