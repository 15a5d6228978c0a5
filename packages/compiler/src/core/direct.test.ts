// Which pointers read their kernel members with direct loads (core/origin.ts): the compiled
// instructions, their CO-RE records and their count. test/kernel-direct.test.ts runs such
// programs in the kernel.
import { describe, expect, it } from "vitest";
import type { Instruction } from "@tsbpf/object";
import { formatDiagnostic } from "../diagnostics/format.js";
import { compileText } from "../testing/probes.js";

const PREAMBLE = `
import { Probe, bpf, iter, syscall, tp_btf, tracepoint, u32, type CharArray, type i32, type Ptr, type SysEnterContext } from "tsbpf";
/** @kernel */
interface task_struct { pid: i32; tgid: i32; real_parent: Ptr<task_struct>; }
/** @kernel */
interface bpf_iter__task { task: Ptr<task_struct>; }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }
`;

function programs(body: string) {
  const source = `${PREAMBLE}\nexport class T extends Probe {\n${body}\n}\n`;
  const result = compileText(source);
  const errors = result.diagnostics.filter((d) => d.category === "error");
  if (errors.length > 0 || !result.probes[0]) throw new Error(errors.map((d) => formatDiagnostic(d, source)).join("\n\n"));
  return result.probes[0].spec.programs;
}

const LDX = 0x61; // *(u32 *)
const LDX_DW = 0x79; // *(u64 *)
const CALL = 0x85;
const PROBE_READ_KERNEL = 113;

const helpers = (insns: Instruction[]) => insns.filter((i) => i.code === CALL && i.src === 0).map((i) => i.imm);
const relocated = (program: ReturnType<typeof programs>[number]) =>
  program.coreRelocations.map((r) => ({ access: r.accessString, code: program.instructions[r.instruction]!.code, off: program.instructions[r.instruction]!.off }));

it("a tp_btf argument's members, and the chain through them, are direct loads carrying the relocation", () => {
  const [program] = programs(`
  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>, child: Ptr<task_struct>): i32 { return child.real_parent.tgid + parent.pid; }`);
  expect(helpers(program!.instructions)).not.toContain(PROBE_READ_KERNEL);
  // child.real_parent (u64 at the local offset 8), then .tgid (u32 at 4), then parent.pid (u32 at 0).
  expect(relocated(program!)).toEqual([
    { access: "0:2", code: LDX_DW, off: 8 },
    { access: "0:1", code: LDX, off: 4 },
    { access: "0:0", code: LDX, off: 0 },
  ]);
});

it("a pointer loaded from kernel memory is null-checked before a load through it", () => {
  const [program] = programs(`
  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>, child: Ptr<task_struct>): i32 { return child.real_parent.tgid; }`);
  const insns = program!.instructions;
  const parentLoad = program!.coreRelocations[0]!.instruction;
  const tgidLoad = program!.coreRelocations[1]!.instruction;
  const parentReg = insns[parentLoad]!.dst;
  // if (real_parent == 0) skip the load: a JEQ/JNE against 0 on the loaded register in between.
  const guard = insns.slice(parentLoad + 1, tgidLoad).find((i) => (i.code === 0x15 || i.code === 0x55) && i.dst === parentReg && i.imm === 0);
  expect(guard).toBeDefined();
});

it("the current task is BTF-typed in tracing programs (bpf_get_current_task_btf), a number elsewhere", () => {
  const [traced] = programs(`
  @tracepoint("syscalls", "sys_enter_execve")
  onExec(ctx: SysEnterContext): i32 { const task = bpf.getCurrentTask(); return task.real_parent.tgid; }`);
  expect(helpers(traced!.instructions)).toEqual([158]);
  const [run] = programs(`
  @syscall
  run(ctx: SysEnterContext): i32 { const task = bpf.getCurrentTask(); return task.real_parent.tgid; }`);
  expect(helpers(run!.instructions)).toEqual([35, PROBE_READ_KERNEL, PROBE_READ_KERNEL]);
});

it("an iterator's context of a kernel struct is read with a relocated context load; its task is BTF-typed", () => {
  const [program] = programs(`
  @iter("task")
  eachTask(ctx: bpf_iter__task): i32 { const task = ctx.task; if (!task) return 0; return task.pid; }`);
  expect(helpers(program!.instructions)).toEqual([]);
  expect(relocated(program!)).toEqual([{ access: "0:0", code: LDX_DW, off: 0 }, { access: "0:0", code: LDX, off: 0 }]);
});

it("pointers of other origins keep bpf_probe_read_kernel: a let local, a subprogram's parameter", () => {
  const [viaLet] = programs(`
  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>, child: Ptr<task_struct>): i32 { let p = child; p = parent; return p.pid; }`);
  expect(helpers(viaLet!.instructions)).toEqual([PROBE_READ_KERNEL]);
  const [viaSub] = programs(`
  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>, child: Ptr<task_struct>): i32 { return this.pidOf(child); }
  pidOf(task: Ptr<task_struct>): i32 { return task.pid; }`);
  expect(helpers(viaSub!.instructions)).toContain(PROBE_READ_KERNEL);
});

it("direct loads take fewer instructions than bpf_probe_read_kernel", () => {
  const body = "return child.real_parent.real_parent.tgid + child.pid + child.tgid;";
  const [direct] = programs(`
  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>, child: Ptr<task_struct>): i32 { ${body} }`);
  const [probed] = programs(`
  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>, c: Ptr<task_struct>): i32 { let child = c; ${body} }`);
  expect(helpers(probed!.instructions).filter((h) => h === PROBE_READ_KERNEL)).toHaveLength(5);
  // 5 reads: each probe_read is ~6 instructions (offset, address, three arguments, call, reload),
  // a direct load 1 (plus a null check for each pointer loaded from the kernel).
  expect(direct!.instructions.length).toBeLessThan(probed!.instructions.length / 2);
});

describe("classic tracepoint records typed from BTF", () => {
  const record = `
/** @kernel */
interface trace_entry { type: u16; flags: u8; preempt_count: u8; pid: i32; }
/** @kernel */
interface trace_event_raw_sched_process_exec { ent: trace_entry; __data_loc_filename: u32; pid: i32; old_pid: i32; }
`;
  const compile = (body: string) => {
    const source = `${PREAMBLE.replace("type SysEnterContext", "type SysEnterContext, type u8, type u16")}${record}
export class T extends Probe {
  @tracepoint("sched", "sched_process_exec")
  onExec(ctx: trace_event_raw_sched_process_exec): i32 { ${body} }
}
`;
    return { source, result: compileText(source) };
  };

  it("reads members with relocated context loads and __data_loc addresses from the context", () => {
    const { source, result } = compile("const buf: CharArray<64> = \"\"; bpf.probeReadKernelStr(buf, bpf.core.dataLoc(ctx.__data_loc_filename)); return ctx.pid;");
    const errors = result.diagnostics.filter((d) => d.category === "error");
    expect(errors.map((d) => formatDiagnostic(d, source))).toEqual([]);
    const program = result.probes[0]!.spec.programs[0]!;
    // Access strings count the members the object's BTF holds: the two read.
    expect(relocated(program)).toEqual([{ access: "0:0", code: LDX, off: 8 }, { access: "0:1", code: LDX, off: 12 }]);
    expect(helpers(program.instructions)).toEqual([115]);
  });

  it("refuses the record's common header, which the kernel does not let a program read", () => {
    const { result } = compile("return ctx.ent.pid;");
    expect(result.diagnostics.map((d) => d.message)).toContain("a tracepoint program cannot read its record's common header (the kernel refuses context reads of its first 8 bytes)");
  });
});

it("a conditional of a BTF-typed pointer and a plain one (or null) is not loaded through unchecked", () => {
  const [mixed] = programs(`
  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>, child: Ptr<task_struct>): i32 { let other = parent; const p = child.pid > 0 ? child : other; return p.pid; }`);
  expect(helpers(mixed!.instructions)).toEqual([PROBE_READ_KERNEL]);
  const [orNull] = programs(`
  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>, child: Ptr<task_struct>): i32 { const p = child.pid > 0 ? child : null; return p ? 1 : 0; }`);
  expect(helpers(orNull!.instructions)).toEqual([]);
  const [guarded] = programs(`
  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>, child: Ptr<task_struct>): i32 { const p: Ptr<task_struct> | null = child.pid > 0 ? child : null; return p!.tgid; }`);
  const insns = guarded!.instructions;
  const load = guarded!.coreRelocations.at(-1)!.instruction;
  expect(insns.slice(0, load).some((i) => (i.code === 0x15 || i.code === 0x55) && i.dst === insns[load]!.src && i.imm === 0)).toBe(true);
});
