// bpf.core.* checks compiled from TypeScript and answered for the running kernel: field
// existence and size, type existence and size, enumerator existence and value; a read of a
// missing field guarded by fieldExists loads (the poisoned instruction is dead code).
import { LazyBtf, type BtfEnum, type BtfStruct } from "@tsbpf/object";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { compiledProbe } from "../testing/probes.js";

const SOURCE = `
import { Probe, syscall, bpf, i32, type u32, type Ptr, type CharArray } from "tsbpf";

/** @kernel */
interface task_struct { pid: i32; comm: CharArray<16>; tsbpf_absent: u32; }
/** @kernel */
interface tsbpf_no_such_struct { x: u32; }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }
export type pid_type = u32;
export declare namespace pid_type { const PIDTYPE_TGID: 1; const PIDTYPE_TSBPF: 42; }

interface Out { hasPid: i32; hasAbsent: i32; commSize: i32; hasTask: i32; hasNoSuch: i32; taskSize: i32; hasTgid: i32; tgid: i32; hasTsbpf: i32; absent: i32 }

export class Checks extends Probe {
  @syscall
  run(ctx: Out): i32 {
    const task = bpf.getCurrentTask();
    ctx.hasPid = i32(bpf.core.fieldExists(task.pid));
    ctx.hasAbsent = i32(bpf.core.fieldExists(task.tsbpf_absent));
    ctx.commSize = i32(bpf.core.fieldSize(task.comm));
    ctx.hasTask = i32(bpf.core.typeExists<task_struct>());
    ctx.hasNoSuch = i32(bpf.core.typeExists<tsbpf_no_such_struct>());
    ctx.taskSize = i32(bpf.core.typeSize<task_struct>());
    ctx.hasTgid = i32(bpf.core.enumValueExists(pid_type.PIDTYPE_TGID));
    ctx.tgid = i32(bpf.core.enumValue(pid_type.PIDTYPE_TGID));
    ctx.hasTsbpf = i32(bpf.core.enumValueExists(pid_type.PIDTYPE_TSBPF));
    ctx.absent = 7;
    if (bpf.core.fieldExists(task.tsbpf_absent)) ctx.absent = i32(task.tsbpf_absent);
    return 0;
  }
}
`;

describeKernel("bpf.core checks in the kernel", () => {
  it("are answered for the running kernel at load", async () => {
    const probe = compiledProbe(SOURCE);
    const { loadObject } = await import("@tsbpf/runtime");
    await using object = await loadObject(probe.spec);
    const out = object.programs.get("run")!.testRun({ ctx: new Uint8Array(40) }).ctxOut as Uint8Array;
    const view = new DataView(out.buffer, out.byteOffset);
    const got = Array.from({ length: 10 }, (_, i) => view.getInt32(i * 4, true));
    const vmlinux = LazyBtf.parse(new Uint8Array(readFileSync("/sys/kernel/btf/vmlinux")));
    const task = vmlinux.findByName("task_struct", "struct")!.type as BtfStruct;
    const pidType = vmlinux.findByName("pid_type", "enum")!.type as BtfEnum;
    const tgid = pidType.values.find((v) => v.name === "PIDTYPE_TGID")!.value;
    expect(got).toEqual([1, 0, 16, 1, 0, task.size, 1, tgid, 0, 7]);
  });
});
