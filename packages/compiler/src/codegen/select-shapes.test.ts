// The shapes code generation promises for common code (what the side-by-side with clang asked
// for): returns of one constant share an exit, a zero-filled struct is stored from one zeroed
// register, a global read and written again loads its address once. (Whether the code means what
// the source says is the conformance suite's job, in the kernel.)
import { disassemble } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { compiledProbe, probeSource } from "../testing/probes.js";

function listing(body: string, options: Parameters<typeof probeSource>[1] = {}): string[] {
  const probe = compiledProbe(probeSource(body, options));
  return disassemble(probe.spec.programs[0]!.instructions).map((l) => l.replace(/^\s*\d+: /, ""));
}

describe("selected code", () => {
  it("has one exit for every `return 0`", () => {
    const code = listing(`
      const pid = u32(bpf.getCurrentPidTgid() >> 32n);
      if (this.target !== 0 && pid !== this.target) return 0;
      bpf.printk("pid %d", pid);
      return 0;`, { fields: "@config target: u32 = 0;" });
    expect(code.filter((l) => l === "exit")).toHaveLength(1);
  });

  it("zero-fills a struct through one zeroed register, not immediate stores", () => {
    const code = listing(`
      const e: Big = { a: 0n, b: 0n, c: 0n, name: "" };
      bpf.getCurrentComm(e.name);
      this.events.output(e);
      return 0;`, { preamble: "interface Big { a: u64; b: u64; c: u64; name: CharArray<16> }", fields: "events = new RingBuf<Big>({ size: 4096 });" });
    const stores = code.filter((l) => /^\*\(u64 \*\)\(r10 /.test(l));
    expect(stores.length).toBeGreaterThanOrEqual(5);
    expect(stores.every((l) => /= r\d+$/.test(l))).toBe(true);
  });

  it("loads a global's address once to read and write it", () => {
    const code = listing(`
      this.calls += 1n;
      return 0;`, { fields: "calls: u64 = 0n;" });
    expect(code.filter((l) => l.includes(" ll"))).toHaveLength(1);
  });
});
