// Helpers that take pointers (generated declarations typed `Ptr<unknown>`): a struct or array the
// program holds goes by its address, a pointer value as it is; run in the kernel and checked
// against what the test process knows about itself.
import { statSync } from "node:fs";
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { runKernelCase } from "../testing/kernel-run.js";
import { compileText } from "../testing/probes.js";
import { kernelProbeSource } from "../testing/kernel-run.js";

describeKernel("helpers with pointer arguments", () => {
  it("bpf_get_ns_current_pid_tgid fills a local struct passed by address", async () => {
    const ns = statSync("/proc/self/ns/pid", { bigint: true });
    const [result] = await runKernelCase(
      {
        preamble: "interface PidNsInfo { pid: u32; tgid: u32 }",
        body: `
    const info: PidNsInfo = { pid: 0, tgid: 0 };
    out(0, u64(bpf.getNsCurrentPidTgid(A, B, info, 8) + 100n));
    out(1, u64(info.pid));
    out(2, u64(info.tgid));`,
      },
      [[ns.dev, ns.ino, 0n]],
    );
    expect(result!.get(0)).toBe(100n); // returned 0
    expect(result!.get(2)).toBe(BigInt(process.pid));
    expect(result!.get(1)).toBe(BigInt(process.pid)); // the main thread wrote
  });

  it("bpf_get_stack takes the context and a FixedArray buffer", async () => {
    const [result] = await runKernelCase(
      {
        body: `
    const frames: FixedArray<u64, 8> = zero();
    const bytes = bpf.getStack(ctx, frames, 64, 0n);
    out(0, u64(bytes));
    out(1, frames[0]);`,
      },
      [[0n, 0n, 0n]],
    );
    const bytes = result!.get(0)!;
    expect(bytes % 8n).toBe(0n);
    expect(bytes).toBeGreaterThanOrEqual(8n);
    // A kernel text address: the upper half of the x86_64 address space.
    expect(result!.get(1)!).toBeGreaterThanOrEqual(0xffff800000000000n);
  });
});

it("a non-pointer value for a pointer parameter is a diagnostic", () => {
  // (An integer local would pass by its address, as C's &A: helper-addresses.kernel.test.ts.)
  const text = kernelProbeSource({ body: "    out(0, u64(bpf.getNsCurrentPidTgid(A, B, A + 1n, 8)));" });
  const result = compileText(text);
  const messages = result.diagnostics.filter((d) => d.category === "error").map((d) => d.message);
  expect(messages.join("\n")).toMatch(/Ptr|pointer/);
});
