// One process compiles many probes (a bundler, a watch mode, the editor): a probe that imports
// tsbpf/vmlinux must not leave the kernel's declarations to the next probe, which may declare its
// own kernel types (a second task_struct in KernelTypes is tsc's TS2717).
import { describe, expect, it } from "vitest";
import { compileText } from "../testing/probes.js";

const importsVmlinux = `
import { Probe, tracepoint, bpf, i32, type Ptr } from "tsbpf";
import type { task_struct } from "tsbpf/vmlinux";
export class A extends Probe {
  @tracepoint("syscalls", "sys_enter_getpid")
  on(): i32 { const task: Ptr<task_struct> = bpf.getCurrentTask(); bpf.printk("%d", task.tgid); return 0; }
}
`;

const declaresItsOwn = `
import { Probe, tracepoint, bpf, i32 } from "tsbpf";
/** @kernel */
interface task_struct { pid: i32; tgid: i32 }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }
export class B extends Probe {
  @tracepoint("syscalls", "sys_enter_getpid")
  on(): i32 { bpf.printk("%d", bpf.getCurrentTask().tgid); return 0; }
}
`;

describe("vmlinux slices in a long-lived process", () => {
  it("drops an earlier probe's vmlinux declarations from a probe that declares its own kernel types", () => {
    const codes = (text: string) => compileText(text).diagnostics.filter((d) => d.category === "error").map((d) => `${d.code} ${d.message}`);
    expect(codes(importsVmlinux)).toEqual([]);
    expect(codes(declaresItsOwn)).toEqual([]);
    expect(codes(importsVmlinux)).toEqual([]);
  });
});
