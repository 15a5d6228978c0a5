// A typed-argument program's parameters are checked against the kernel's declaration of its hook
// (KernelTracepoints / KernelFunctions). The fixtures declare those members themselves, as
// tsbpf/vmlinux does by declaration merging (loading the real one here would stay in the shared
// project and clash with other tests' own kernel declarations: test/hook-args.test.ts uses it).
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../diagnostics/format.js";
import { compileText } from "../testing/probes.js";

const PREAMBLE = `
import { Probe, fentry, fexit, kprobe, kretprobe, tp_btf, type bool, type i32, type i64, type u32, type u64, type Ptr } from "tsbpf";
/** @kernel */
interface task_struct { pid: i32; }
/** @kernel */
interface task_struct___old { pid: i32; }
/** @kernel */
interface filename { name: u64; }
declare module "tsbpf" {
  interface KernelTracepoints { sched_switch(arg0: bool, arg1: Ptr<task_struct>, arg2: Ptr<task_struct>, arg3: u32): void; }
  interface KernelFunctions { do_unlinkat(dfd: i32, name: Ptr<filename>): i32; vfs_thing(buf: u64): void; }
}
`;

function compile(body: string, preamble = PREAMBLE) {
  const source = `${preamble}\nexport class T extends Probe {\n${body}\n}\n`;
  const result = compileText(source);
  const tsbpf = result.diagnostics.filter((d) => d.source !== "tsc");
  return { result, rendered: tsbpf.map((d) => formatDiagnostic(d, source)).join("\n\n"), tsbpf };
}

function accepted(body: string, preamble?: string) {
  const { result, rendered } = compile(body, preamble);
  expect(result.diagnostics.filter((d) => d.category === "error"), rendered).toEqual([]);
  expect(result.probes).toHaveLength(1);
  return compile(body, preamble);
}

function rejected(body: string): string {
  const { result, rendered, tsbpf } = compile(body);
  expect(tsbpf.some((d) => d.category === "error" && d.code === 3002), rendered).toBe(true);
  expect(result.probes).toEqual([]);
  return rendered;
}

describe("hook arguments against the kernel's declarations", () => {
  it("accepts the declared kinds, a prefix of the arguments, a flavour, and fexit's return value", () => {
    const { tsbpf } = accepted(`
  @tp_btf("sched_switch") a(preempt: bool, prev: Ptr<task_struct>, next: Ptr<task_struct___old>): i32 { return prev.pid + next.pid; }
  @tp_btf("sched_switch") b(preempt: bool): i32 { return 0; }
  @fentry("do_unlinkat") c(dfd: i32, name: Ptr<filename>): i32 { return dfd; }
  @fexit("do_unlinkat") d(dfd: i32, name: Ptr<filename>, ret: i32): i32 { return ret; }
  @kretprobe("do_unlinkat") e(ret: i32): i32 { return ret; }
  @kprobe("vfs_thing") f(buf: Ptr<filename>): i32 { return 0; }`);
    expect(tsbpf).toEqual([]);
  });

  it("rejects an integer where the kernel passes a pointer, and says what to write", () => {
    const out = rejected(`  @tp_btf("sched_switch") run(preempt: bool, prev: u32): i32 { return 0; }`);
    expect(out).toContain("'u32' is not the type of argument 2 of the tracepoint sched_switch: tsbpf/vmlinux declares it 'Ptr<task_struct>'");
    expect(out).toContain("hint: declare it as 'prev: Ptr<task_struct>'");
  });

  it("rejects an integer of another size or signedness", () => {
    expect(rejected(`  @fentry("do_unlinkat") run(dfd: u32): i32 { return 0; }`)).toContain("declare it as 'dfd: i32'");
    expect(rejected(`  @fentry("do_unlinkat") run(dfd: i64): i32 { return 0; }`)).toContain("declare it as 'dfd: i32'");
    expect(rejected(`  @kretprobe("do_unlinkat") run(ret: u64): i32 { return 0; }`)).toContain("argument 1 of the kernel function do_unlinkat");
  });

  it("rejects a pointer to another struct", () => {
    const out = rejected(`  @fentry("do_unlinkat") run(dfd: i32, name: Ptr<task_struct>): i32 { return 0; }`);
    expect(out).toContain("'Ptr<task_struct>' is not the type of argument 2 of the kernel function do_unlinkat: tsbpf/vmlinux declares it 'Ptr<filename>'");
  });

  it("rejects more parameters than the kernel passes", () => {
    expect(rejected(`  @fentry("do_unlinkat") run(dfd: i32, name: Ptr<filename>, extra: u64): i32 { return 0; }`))
      .toContain("the kernel function do_unlinkat passes 2 arguments: the parameter 'extra' has no argument");
    expect(rejected(`  @fexit("do_unlinkat") run(dfd: i32, name: Ptr<filename>, ret: i32, more: u64): i32 { return 0; }`))
      .toContain("passes 2 arguments and a return value");
    expect(rejected(`  @kretprobe("vfs_thing") run(ret: u64): i32 { return 0; }`)).toContain("passes no return value");
  });

  it("says the exact annotation of an unannotated parameter", () => {
    const out = rejected(`  @tp_btf("sched_switch") run(preempt, prev, next): i32 { return 0; }`);
    expect(out).toContain("the parameter 'preempt' needs the type of argument 1 of the tracepoint sched_switch");
    expect(out).toContain("hint: declare it as 'preempt: bool'");
    expect(rejected(`  @tp_btf("sched_switch") run(preempt: bool, prev): i32 { return 0; }`)).toContain("declare it as 'prev: Ptr<task_struct>'");
  });

  it("accepts a name the declarations lack as annotated, with a warning", () => {
    const { tsbpf } = accepted(`  @fentry("not_in_this_kernel") run(a: u32, b: Ptr<task_struct>): i32 { return 0; }`);
    expect(tsbpf.map((d) => [d.category, d.message])).toEqual([
      ["warning", "tsbpf/vmlinux does not declare the kernel function not_in_this_kernel: its arguments are taken as annotated, unchecked"],
    ]);
  });

  it("without tsbpf/vmlinux, an unannotated parameter's error says how to get its type named", () => {
    const { rendered } = compile(`  @tp_btf("sched_switch") run(preempt, prev): i32 { return 0; }`,
      'import { Probe, tp_btf, type i32 } from "tsbpf";\n');
    expect(rendered).toContain("error TSBPF3002: the parameter 'preempt' needs its type");
    expect(rendered).toContain('hint: import the kernel\'s types (import type { task_struct } from "tsbpf/vmlinux") and the compiler names the type of each of the tracepoint\'s arguments');
  });
});
