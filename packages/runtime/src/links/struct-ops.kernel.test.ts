// struct_ops: a TCP congestion control whose ssthresh/undo_cwnd/cong_avoid are counting BPF
// programs, pointed at by a `.struct_ops` variable of the ELF (read back by readElf), registered by object.attach(), used by a TCP transfer on loopback (a Python child sets
// TCP_CONGESTION on its socket), and gone again once the link closes.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { writeElf, type ObjectSpec } from "@tsbpf/object";
import { ObjectError } from "../errors.js";
import { loadObject } from "../load/load-object.js";
import { StructOpsMap } from "../maps/struct-ops.js";
import { compileOrSkip } from "../testing/clang.js";
import { describeKernel } from "../testing/kernel.js";
import { counterObject } from "../testing/programs.js";
import { withStructOps } from "../testing/struct-ops.js";
import { tcpTransfer } from "../testing/tcp-transfer.js";

const FUNCTIONS = { ssthresh: "ssthresh", undo_cwnd: "undo_cwnd", cong_avoid: "cong_avoid" };

/** Three counting programs and the `.struct_ops` variable `cc` that points tcp_congestion_ops at them. */
function congestionControl(name: string, options: { functions?: Record<string, string>; nameLength?: number } = {}) {
  const spec = counterObject("struct_ops/ssthresh", { name: "ssthresh", returns: 10 });
  spec.programs.push(counterObject("struct_ops/undo_cwnd", { name: "undo_cwnd", returns: 10 }).programs[0]!);
  spec.programs.push(counterObject("struct_ops/cong_avoid", { name: "cong_avoid" }).programs[0]!);
  return withStructOps(spec, { name: "cc", type: "tcp_congestion_ops", functions: options.functions ?? FUNCTIONS, strings: { name: { value: name, length: options.nameLength ?? 16 } } });
}

const available = () => readFileSync("/proc/sys/net/ipv4/tcp_available_congestion_control", "utf8");


describeKernel("struct_ops on the kernel", () => {
  it("registers a TCP congestion control made of BPF programs", async () => {
    const name = `tsbpf_${process.pid % 1_000_000}`;
    await using object = await loadObject(writeElf(congestionControl(name)));
    expect(object.map("cc")).toBeInstanceOf(StructOpsMap);
    expect(available()).not.toContain(name);
    const [link] = object.attach();
    expect(link!.target).toBe("struct_ops tcp_congestion_ops cc");
    expect(available().split(/\s+/)).toContain(name);
    const used = tcpTransfer(name, 4 << 20);
    expect(used).toBe(name);
    expect(object.variable("hits")).toBeGreaterThan(0n);
    link!.close();
    expect(available()).not.toContain(name);
  });

  it("reads .struct_ops.link (libbpf 1.2's name) the same way: registered through a link", async () => {
    const name = `tsbpf_l${process.pid % 1_000_000}`;
    const spec = congestionControl(name);
    const [ops] = spec.structOps!;
    const datasec = spec.btf.types.find((t) => t.kind === "datasec" && t.name === ".struct_ops")!;
    if (datasec.kind === "datasec") datasec.name = ".struct_ops.link";
    ops!.section = ".struct_ops.link";
    await using object = await loadObject(writeElf(spec));
    const [link] = object.attach();
    expect(available().split(/\s+/)).toContain(name);
    link!.close();
    expect(available()).not.toContain(name);
  });

  it("registers a clang-built congestion control from its .struct_ops section", async (context) => {
    const elf = compileOrSkip(join(dirname(fileURLToPath(import.meta.url)), "..", "load", "__fixtures__", "struct-ops.bpf.c"), context);
    const name = "tsbpf_clang_cc";
    await using object = await loadObject(elf);
    expect(object.map("clang_cc")).toBeInstanceOf(StructOpsMap);
    const [link] = object.attach();
    expect(link!.target).toBe("struct_ops tcp_congestion_ops clang_cc");
    expect(available().split(/\s+/)).toContain(name);
    expect(tcpTransfer(name, 4 << 20)).toBe(name);
    expect(object.variable("calls")).toBeGreaterThan(0n);
    link!.close();
    expect(available()).not.toContain(name);
  });

  it("names the section when a member does not exist, a program is left over or a member's size differs", async () => {
    const fail = async (spec: ObjectSpec, message: RegExp) => {
      const error = await loadObject(spec).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ObjectError);
      expect((error as ObjectError).message).toMatch(message);
      expect((error as ObjectError).section).toBe(".struct_ops");
    };
    await fail(congestionControl("x", { functions: { ...FUNCTIONS, no_such: "undo_cwnd" } }), /has no member no_such/);
    // undo_cwnd and cong_avoid implement nothing: the kernel would not know what to check them against.
    const lonely = await loadObject(congestionControl("x", { functions: { ssthresh: "ssthresh" } })).then(() => undefined, (e: unknown) => e);
    expect(lonely).toBeInstanceOf(ObjectError);
    expect((lonely as ObjectError).message).toMatch(/implements no member/);
    await fail(congestionControl("x", { nameLength: 32 }), /name has 32 bytes in the object but 16 in the kernel/);
  });
});
