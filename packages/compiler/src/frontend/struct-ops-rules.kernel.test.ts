// The struct_ops rules of checker/struct-ops-rules.ts against the running kernel: for each rule,
// the compiler's verdict on a source that breaks it, and the kernel's on an object that breaks
// it the same way (a valid probe compiled, then its `.struct_ops` variable changed, since the
// compiler writes no object for the broken source). A second struct_ops type, bpf_dummy_ops,
// is loaded and its program run through BPF_PROG_TEST_RUN.
import { describe, expect, it } from "vitest";
import type { ObjectSpec } from "@tsbpf/object";
import { Codes } from "../diagnostics/codes.js";
import { describeKernel } from "../testing/kernel.js";
import { compileText } from "../testing/probes.js";

const CC_HEAD = 'import { Probe, StructOps, structOps, type u32, type i32 } from "tsbpf";\nimport type { tcp_congestion_ops } from "tsbpf/vmlinux";\n';

/** A TCP congestion control: `values` is the field's values, `members` the function members implemented. */
function ccSource(values: string, members: string[]): string {
  const methods = members.map((m) => `  @structOps("cc", "${m}")\n  m_${m}(): u32 {\n    return 10;\n  }\n`).join("");
  return `${CC_HEAD}export class C extends Probe {\n  cc = new StructOps<tcp_congestion_ops>({ values: { ${values} } });\n${methods}}\n`;
}

const VALID = ["ssthresh", "undo_cwnd", "cong_avoid"];

function codesOf(text: string): number[] {
  return compileText(text).diagnostics.filter((d) => d.category === "error").map((d) => d.code);
}

function compiled(text: string): ObjectSpec {
  const result = compileText(text);
  if (!result.probes[0]) throw new Error(result.diagnostics.map((d) => `TSBPF${d.code}: ${d.message}`).join("\n"));
  return result.probes[0].spec;
}

/** Offset of a member of tcp_congestion_ops, from the running kernel's BTF. */
async function offsetOf(member: string): Promise<number> {
  const { structOpsLayout } = await import("@tsbpf/runtime");
  const m = structOpsLayout("tcp_congestion_ops").struct.members.find((x) => x.name === member)!;
  return m.bitOffset / 8;
}

/** Renames the object's member `from` (a function member it sets) to `to`, at `to`'s kernel offset (BTF wants members in offset order: pick neighbours). */
async function moveFunction(spec: ObjectSpec, from: string, to: string): Promise<void> {
  const struct = spec.btf.types.find((t) => t.kind === "struct" && t.name === "tcp_congestion_ops");
  if (struct?.kind !== "struct") throw new Error("no tcp_congestion_ops in the object's BTF");
  const member = struct.members.find((m) => m.name === from)!;
  const [was, now] = [await offsetOf(from), await offsetOf(to)];
  member.name = to;
  member.bitOffset = now * 8;
  spec.structOps![0]!.functions.find((f) => f.offset === was)!.offset = now;
}

/** What the kernel says about the object: "registered", or the error that load or attach threw. */
async function kernelVerdict(spec: ObjectSpec): Promise<string> {
  const { loadObject } = await import("@tsbpf/runtime");
  try {
    await using object = await loadObject(spec);
    object.attach();
    return "registered";
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

const unique = (tag: string) => `ts${tag}${process.pid % 100_000}`;

describe("the compiler's verdicts", () => {
  // The first compile of the file loads tsbpf/vmlinux's declarations: generous on a busy machine.
  it("a complete congestion control compiles without a diagnostic", () => {
    expect(codesOf(ccSource('name: "x"', VALID))).toEqual([]);
  }, 120_000);
  it("no name: TSBPF3017", () => expect(codesOf(ccSource("", VALID))).toEqual([Codes.StructOpsRequired]), 60_000);
  it("no undo_cwnd: TSBPF3017", () => expect(codesOf(ccSource('name: "x"', ["ssthresh", "cong_avoid"]))).toEqual([Codes.StructOpsRequired]), 60_000);
  it("a program for get_info: TSBPF3018", () => expect(codesOf(ccSource('name: "x"', [...VALID, "get_info"]))).toEqual([Codes.StructOpsRefused]), 60_000);
  it("a non-zero key: TSBPF3018", () => expect(codesOf(ccSource('name: "x", key: 7', VALID))).toEqual([Codes.StructOpsRefused]), 60_000);
  it("flags, which the kernel takes, is accepted", () => expect(codesOf(ccSource('name: "x", flags: 1', VALID))).toEqual([]), 60_000);
});

describeKernel("the kernel's verdicts on the same values", () => {
  it("registers the complete one", async () => {
    expect(await kernelVerdict(compiled(ccSource(`name: "${unique("ok")}"`, VALID)))).toBe("registered");
  }, 60_000);

  it("refuses an empty name (EINVAL at the update)", async () => {
    const spec = compiled(ccSource(`name: "${unique("nm")}"`, VALID));
    const at = await offsetOf("name");
    spec.structOps![0]!.data.fill(0, at, at + 16);
    expect(await kernelVerdict(spec)).toMatch(/EINVAL/);
  }, 60_000);

  it("refuses a value without undo_cwnd (EINVAL)", async () => {
    const spec = compiled(ccSource(`name: "${unique("uc")}"`, VALID));
    const ops = spec.structOps![0]!;
    const at = await offsetOf("undo_cwnd");
    ops.functions = ops.functions.filter((f) => f.offset !== at);
    spec.programs = spec.programs.filter((p) => p.name !== "m_undo_cwnd");
    expect(await kernelVerdict(spec)).toMatch(/EINVAL/);
  }, 60_000);

  it("refuses a program for get_info (at load)", async () => {
    const spec = compiled(ccSource(`name: "${unique("gi")}"`, [...VALID, "sndbuf_expand"]));
    await moveFunction(spec, "sndbuf_expand", "get_info");
    expect(await kernelVerdict(spec)).toMatch(/unsupported member get_info/);
  }, 60_000);

  it("refuses a non-zero key (EINVAL) and takes flags", async () => {
    // key: 0 puts the member in the object's BTF; the kernel then reads the byte set here.
    const spec = compiled(ccSource(`name: "${unique("ky")}", key: 0`, VALID));
    spec.structOps![0]!.data[await offsetOf("key")] = 7;
    expect(await kernelVerdict(spec)).toMatch(/EINVAL/);
    expect(await kernelVerdict(compiled(ccSource(`name: "${unique("fl")}", flags: 1`, VALID)))).toBe("registered");
  }, 60_000);
});

const DUMMY = `import { Probe, StructOps, structOps, type TracingArgs, type i32, type u64 } from "tsbpf";
import type { bpf_dummy_ops } from "tsbpf/vmlinux";
export class D extends Probe {
  ops = new StructOps<bpf_dummy_ops>();
  calls: u64 = 0n;
  a1: u64 = 0n;
  a4: u64 = 0n;
  /** test_1(state): 99 for a NULL state, else 1. */
  @structOps("ops", "test_1")
  test1(ctx: TracingArgs): i32 {
    this.calls += 1n;
    if (ctx.args[0] === 0n) return 99;
    return 1;
  }
  @structOps("ops", "test_2")
  test2(ctx: TracingArgs): i32 {
    this.a1 = ctx.args[1];
    this.a4 = ctx.args[4];
    return 7;
  }
}
`;

describe("bpf_dummy_ops: the compiler's verdict", () => {
  it("compiles, with a warning that the kernel never registers it", () => {
    const result = compileText(DUMMY);
    expect(result.diagnostics.map((d) => [d.category, d.code])).toEqual([["warning", Codes.StructOpsRefused]]);
    expect(result.diagnostics[0]!.message).toMatch(/registers no bpf_dummy_ops value/);
  }, 120_000);
});

describeKernel("bpf_dummy_ops, a second struct_ops type, in the kernel", () => {
  it("loads, runs test_1 and test_2 through BPF_PROG_TEST_RUN, and attach() is a NotSupportedError", async () => {
    const { loadObject, NotSupportedError } = await import("@tsbpf/runtime");
    await using object = await loadObject(compiled(DUMMY));
    const test1 = object.programs.get("test1")!;
    // args[0] is the state pointer: 0 passes NULL, a buffer passes its address.
    expect(test1.testRun({ args: [0] }).retval).toBe(99);
    const state = new Uint8Array(4);
    expect(test1.testRun({ args: [state] }).retval).toBe(1);
    expect(object.variable("calls")).toBe(2n);
    // test_2(state, int, unsigned short, char, unsigned long): its state is not nullable, so a
    // 0 there is refused (a typed error saying so); with a buffer the arguments arrive.
    const test2 = object.programs.get("test2")!;
    expect(() => test2.testRun({ args: [0, 5, 6, 7, 8] })).toThrow(/a buffer \(not 0\) for each pointer argument/);
    expect(test2.testRun({ args: [state, 5, 6, 7, 0x1_0000_0001n] }).retval).toBe(7);
    expect(object.variable("a1")).toBe(5n);
    expect(object.variable("a4")).toBe(0x1_0000_0001n);
    expect(() => object.attach()).toThrow(NotSupportedError);
    expect(() => object.attach()).toThrow(/registers no bpf_dummy_ops value/);
  }, 60_000);
});
