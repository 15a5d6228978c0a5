// CO-RE reads compiled from TypeScript: member chains through `Ptr<KernelStruct>` become
// relocated bpf_probe_read_kernel calls. The probe declares its own minimal task_struct with
// natural (wrong) offsets, as a libbpf program's preserve_access_index struct would: only
// relocation can make it read the right fields. Run by tsbpf's runtime and loaded by libbpf.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { bpftoolLoadAll, describeKernel } from "../testing/kernel.js";
import { compiledProbe } from "../testing/probes.js";

const SOURCE = `
import { Probe, syscall, bpf, type i32, type Ptr } from "tsbpf";

/** @kernel */
interface task_struct {
  pid: i32;
  tgid: i32;
  real_parent: Ptr<task_struct>;
}
declare module "tsbpf" {
  interface KernelTypes { task_struct: task_struct }
}

interface Out { pid: i32; tgid: i32; ppid: i32; grandparent: i32 }

export class Family extends Probe {
  @syscall
  run(ctx: Out): i32 {
    const task = bpf.getCurrentTask();
    ctx.pid = task.pid;
    ctx.tgid = task.tgid;
    ctx.ppid = task.real_parent.tgid;
    ctx.grandparent = task.real_parent.real_parent.tgid;
    return 0;
  }
}
`;

const compile = () => compiledProbe(SOURCE);

it("emits a core_relo record per member access, on the probe's own task_struct", () => {
  const probe = compile();
  const program = probe.spec.programs[0]!;
  const task = probe.spec.btf.types.findIndex((t) => t.kind === "struct" && t.name === "task_struct") + 1;
  expect(task).toBeGreaterThan(0);
  expect(program.coreRelocations.map((r) => [r.typeId, r.accessString, r.kind])).toEqual([
    [task, "0:0", 0],
    [task, "0:1", 0],
    [task, "0:2", 0],
    [task, "0:1", 0],
    [task, "0:2", 0],
    [task, "0:2", 0],
    [task, "0:1", 0],
  ]);
  // Each relocated instruction holds the local offset (what libbpf checks before patching).
  const local = [0, 4, 8, 4, 8, 8, 4];
  expect(program.coreRelocations.map((r) => program.instructions[r.instruction]!.imm)).toEqual(local);
});

describeKernel("CO-RE reads in the kernel", () => {
  it("reads the current task's pid, tgid, parent and grandparent through relocated offsets", async () => {
    const probe = compile();
    const { loadObject } = await import("@tsbpf/runtime");
    await using object = await loadObject(probe.spec);
    const out = object.programs.get("run")!.testRun({ ctx: new Uint8Array(16) }).ctxOut as Uint8Array;
    const view = new DataView(out.buffer, out.byteOffset);
    const grandparent = Number(readFileSync(`/proc/${process.ppid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[1]);
    expect([0, 4, 8, 12].map((at) => view.getInt32(at, true))).toEqual([process.pid, process.pid, process.ppid, grandparent]);
  });

  it("is relocated and loaded by libbpf (bpftool prog loadall)", () => {
    const probe = compile();
    const loaded = bpftoolLoadAll(probe.elf);
    expect(loaded.stderr).not.toMatch(/error|failed/i);
    expect(loaded.status).toBe(0);
    expect(loaded.programs).toContain("run");
  }, 60_000);
}, { bpftool: true });
