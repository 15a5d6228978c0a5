// UserPtr<T>: a system call's buffer argument read member by member and as a whole struct through
// bpf_probe_read_user, in the kernel; the buffer is the one this process passes to write(2).
import { describe, expect, it } from "vitest";
import { Codes } from "../diagnostics/codes.js";
import { describeKernel } from "../testing/kernel.js";
import { kernelProbeSource, runKernelCase } from "../testing/kernel-run.js";
import { compileText } from "../testing/probes.js";

const payload = Buffer.alloc(32);
payload.writeUInt32LE(0x11223344, 0);
payload.writeBigUInt64LE(0x0102030405060708n, 8);
payload.write("tsbpf!", 16, "latin1");

const CASE = {
  preamble: "interface Msg { a: u32; b: u64; name: CharArray<8>; tail: u64 }",
  payload,
  body: `
    const m = userPtr<Msg>(ctx.args[1]);
    out(0, u64(m.a));
    out(1, m.b);
    const copy: Msg = m;
    out(2, copy.b + u64(copy.a));
    const s: Msg = zero();
    const n = bpf.probeReadUserStr(s.name, ctx.args[1] + 16n);
    out(3, u64(n));
    this.names.update(0, s);`,
  members: "  names = new HashMap<u32, Msg>({ maxEntries: 1 });",
};

describeKernel("user memory in the kernel", () => {
  it("reads members and whole structs through bpf_probe_read_user", async () => {
    const [got] = await runKernelCase(CASE, [[0n, 0n, 0n]]);
    expect(Object.fromEntries(got!)).toEqual({
      0: 0x11223344n,
      1: 0x0102030405060708n,
      2: 0x0102030405060708n + 0x11223344n,
      3: 7n, // "tsbpf!" and its NUL
    });
  });
});

describe("user memory diagnostics", () => {
  it("refuses writes through a UserPtr", () => {
    const text = kernelProbeSource({ preamble: CASE.preamble, body: "const m = userPtr<Msg>(ctx.args[1]);\nm.a = 1;" });
    expect(compileText(text).diagnostics.map((d) => d.code)).toEqual([Codes.ReadOnly]);
  });
});
