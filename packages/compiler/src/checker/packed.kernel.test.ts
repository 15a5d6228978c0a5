// `/** @packed */` structs (C's __attribute__((packed))): the layout against clang's for the same
// C struct (member offsets and size read from the BTF of a clang -target bpf object), and in the
// kernel a packed struct built on the stack (whose misaligned members the compiler reads and
// writes byte by byte: the verifier refuses misaligned stack accesses), updated in place, stored
// in a map and read back, each member equal to the value the test put in.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readElf, type Btf, type BtfType } from "@tsbpf/object";
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { runKernelCase } from "../testing/kernel-run.js";
import { compiledProbe, IMPORTS } from "../testing/probes.js";

const TS = `/** @packed */
interface sys_ctx { ts: u64; pid: u32; kind: u8; argnum: u32; x: u16; retval: i64; comm: CharArray<5>; tail: u8 }
interface Outer { a: u8; inner: sys_ctx; b: u32 }`;
const C = `typedef unsigned long long u64; typedef long long i64; typedef unsigned int u32; typedef unsigned short u16; typedef unsigned char u8;
struct sys_ctx { u64 ts; u32 pid; u8 kind; u32 argnum; u16 x; i64 retval; char comm[5]; u8 tail; } __attribute__((packed));
struct Outer { u8 a; struct sys_ctx inner; u32 b; };
struct Outer g;`;

function layout(btf: Btf, name: string): { size: number; members: [string, number][] } {
  const struct = btf.types.find((t): t is Extract<BtfType, { kind: "struct" }> => t.kind === "struct" && t.name === name)!;
  return { size: struct.size, members: struct.members.map((m) => [m.name, m.bitOffset / 8]) };
}

it("lays a packed struct out as clang does, also nested in a natural one", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-packed-"));
  try {
    writeFileSync(join(dir, "p.c"), C);
    execFileSync("clang", ["-g", "-O2", "-target", "bpf", "-c", join(dir, "p.c"), "-o", join(dir, "p.o")]);
    const clang = readElf(new Uint8Array(readFileSync(join(dir, "p.o")))).btf;
    const probe = compiledProbe(`${IMPORTS}\n${TS}\nexport class T extends Probe {\n  m = new HashMap<u32, Outer>({ maxEntries: 1 });\n}\n`);
    for (const name of ["sys_ctx", "Outer"]) expect([name, layout(probe.spec.btf, name)]).toEqual([name, layout(clang, name)]);
    expect(layout(probe.spec.btf, "sys_ctx").size).toBe(33); // 8+4+1+4+2+8+5+1: no padding
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describeKernel("packed structs in the kernel", () => {
  it("builds, updates, stores and reads back every member", async () => {
    const inputs = [[0x1122334455667788n, 0xdeadbeefn, 3n], [1n, 2n, 0xffffffffffffffffn]];
    const results = await runKernelCase({
      preamble: TS,
      members: "  recs = new HashMap<u32, sys_ctx>({ maxEntries: 4 });",
      body: `
    const r: sys_ctx = { ts: A, pid: u32(B), kind: 7, argnum: u32(C), x: u16(B), retval: i64(C), comm: "abcd", tail: 9 };
    r.argnum = r.argnum + 1;
    out(0, r.ts); out(1, u64(r.pid)); out(2, u64(r.argnum)); out(3, u64(r.x)); out(4, u64(r.retval)); out(5, u64(r.tail));
    this.recs.update(0, r);
    const p = this.recs.lookup(0);
    if (!p) return 0;
    out(6, p.ts); out(7, u64(p.pid)); out(8, u64(p.kind)); out(9, u64(p.argnum)); out(10, u64(p.x)); out(11, u64(p.retval));
    out(12, u64(u8(p.comm[3]))); out(13, u64(p.tail));`,
    }, inputs);
    inputs.forEach(([A, B, C], i) => {
      const argnum = BigInt.asUintN(32, BigInt.asUintN(32, C!) + 1n);
      const retval = BigInt.asUintN(64, C!);
      const x = BigInt.asUintN(16, B!);
      expect(Object.fromEntries(results[i]!)).toEqual({
        0: A, 1: BigInt.asUintN(32, B!), 2: argnum, 3: x, 4: retval, 5: 9n,
        6: A, 7: BigInt.asUintN(32, B!), 8: 7n, 9: argnum, 10: x, 11: retval, 12: BigInt("d".charCodeAt(0)), 13: 9n,
      });
    });
  });
});
