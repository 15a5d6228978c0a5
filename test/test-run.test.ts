// Programs run with chosen inputs (BPF_PROG_TEST_RUN): a @syscall program computes into the
// context struct it is handed and the kernel copies it back; a @rawTracepoint program reads its
// arguments. Syscall programs need Linux 5.14, raw_tp test runs 5.10.
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { describeKernel } from "@tsbpf/runtime/testing";
import { Compute } from "./fixtures/test-run.bpf.ts";

describeKernel("testRun: syscall and raw_tp programs on chosen input", () => {
  it("a syscall program returns a computed value and writes its context back", async () => {
    await using probe = await load(Compute);
    const run = probe.programs.compute;
    expect(run.section).toBe("syscall");
    for (const [a, b] of [[7, 5], [3, 10], [0xffffffff, 0xfffffffe]] as const) {
      const { retval, ctxOut } = run.testRun({ ctx: { a, b, sum: 0n, product: 0n, flags: 0 } });
      expect(retval).toBe((a - b) >>> 0);
      expect(ctxOut).toEqual({ a, b, sum: BigInt(a) + BigInt(b), product: BigInt(a) * BigInt(b), flags: a > b ? 1 : 2 });
    }
  });

  it("a syscall program takes its context as bytes too, and gives bytes back", async () => {
    await using probe = await load(Compute);
    const bytes = new Uint8Array(32);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 40, true);
    view.setUint32(4, 2, true);
    const { retval, ctxOut } = probe.programs.compute.testRun({ ctx: bytes });
    expect(retval).toBe(38);
    expect(ctxOut).toBeInstanceOf(Uint8Array);
    const out = new DataView(ctxOut!.buffer, ctxOut!.byteOffset);
    expect(out.getBigUint64(8, true)).toBe(42n);
    expect(out.getBigUint64(16, true)).toBe(80n);
    expect(out.getUint32(24, true)).toBe(1);
    expect(view.getBigUint64(8, true)).toBe(0n); // the caller's buffer is left alone
  });

  it("a raw_tp program reads its arguments", async () => {
    await using probe = await load(Compute);
    const run = probe.programs.args;
    expect(run.section).toBe("raw_tp/sys_enter");
    expect(run.testRun({ args: [5n, 123n] }).retval).toBe(138);
    expect(run.testRun({ args: [0x100000001n, 1n] }).retval).toBe(4);
  });
});
