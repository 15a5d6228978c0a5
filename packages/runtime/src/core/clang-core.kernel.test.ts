// The runtime relocates a clang-built libbpf CO-RE object itself (no libbpf involved) and the
// program runs: BPF_CORE_READ chains through task_struct, field/type existence and size, a
// flavoured type, and a poisoned access clang guarded with bpf_core_field_exists.
import { LazyBtf, type BtfStruct } from "@tsbpf/object";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { loadObject } from "../load/load-object.js";
import { buildWithClang } from "../testing/clang.js";
import { describeKernel } from "../testing/kernel.js";
import type { CoreRelocationReport } from "./relocate.js";

const source = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__", "core-read.bpf.c");

describeKernel("clang-built CO-RE objects", () => {
  it("are relocated by tsbpf's runtime against the kernel's BTF and run", async (context) => {
    const elf = buildWithClang(source);
    if (typeof elf === "string") {
      if (process.env.TSBPF_REQUIRE_KERNEL === "1") throw new Error(elf);
      console.warn(`skipping: ${elf}`);
      return context.skip();
    }
    let report: CoreRelocationReport | undefined;
    await using object = await loadObject(elf, { onCoreRelocations: (_name, r) => (report = r) });
    expect(report!.applied.length).toBeGreaterThanOrEqual(8);
    expect(report!.poisoned.map((p) => p.field)).toContain("task_struct.tsbpf_absent");

    const out = object.programs.get("read_task")!.testRun({ ctx: new Uint8Array(48) }).ctxOut as Uint8Array;
    const view = new DataView(out.buffer, out.byteOffset);
    const vmlinux = LazyBtf.parse(new Uint8Array(readFileSync("/sys/kernel/btf/vmlinux")));
    const task = vmlinux.findByName("task_struct", "struct")!.type as BtfStruct;
    const comm = new TextDecoder().decode(out.subarray(32, 48)).replace(/\0.*$/s, "");
    expect({
      pid: view.getInt32(0, true),
      tgid: view.getInt32(4, true),
      ppid: view.getInt32(8, true),
      commExists: view.getInt32(12, true),
      absentExists: view.getInt32(16, true),
      flavourTgid: view.getInt32(20, true),
      taskSize: view.getInt32(24, true),
      pad: view.getInt32(28, true),
      comm,
    }).toEqual({
      pid: process.pid, // tests run in forked processes, on their main thread
      tgid: process.pid,
      ppid: process.ppid,
      commExists: 1,
      absentExists: 0,
      flavourTgid: process.pid,
      taskSize: task.size,
      pad: 0,
      comm: readFileSync("/proc/self/comm", "utf8").trim(),
    });
  });
});
