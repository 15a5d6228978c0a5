// Subprograms (undecorated methods and module functions, BPF-to-BPF calls) and bpf.loop callbacks,
// compiled and run in the kernel; results compared with the same code run as plain TypeScript.
import { describe, expect, it } from "vitest";
import { Codes } from "../diagnostics/codes.js";
import { bpftoolLoadAll, describeKernel } from "../testing/kernel.js";
import { kernelProbeSource, runKernelCase, type KernelCase } from "../testing/kernel-run.js";
import { compileText } from "../testing/probes.js";

const U32 = (x: bigint) => BigInt.asUintN(32, x);
const U64 = (x: bigint) => BigInt.asUintN(64, x);

const INPUTS: bigint[][] = [
  [3n, 2n, 1n],
  [7n, 50n, 8n],
  [0xffffffffn, 9n, 0n],
  [100n, 0n, 3000n],
];

interface Case extends KernelCase {
  name: string;
  model: (A: bigint, B: bigint, C: bigint) => Record<number, bigint>;
}

const PREAMBLE = `
interface Acc { total: u64; count: u32; k: u64 }
function mix(a: u32, b: u32): u32 { return a * 31 + b; }
function five(a: u8, b: u16, c: u32, d: u64, e: i32): i64 { return i64(a) + i64(b) * 2n + i64(c) * 3n + i64(d) * 4n + i64(e) * 5n; }
function twice(x: u32): u32 { return mix(x, x) + mix(1, x); }
`;

const cases: Case[] = [
  {
    name: "module functions, nested calls, five arguments",
    preamble: PREAMBLE,
    body: `
    out(0, u64(mix(u32(A), u32(B))));
    out(1, u64(twice(u32(C))));
    out(2, u64(five(u8(A), u16(B), u32(C), A, -7)));`,
    model: (A, B, C) => {
      const mix = (a: bigint, b: bigint) => U32(a * 31n + b);
      const five = BigInt.asIntN(64, (A & 0xffn) + (B & 0xffffn) * 2n + U32(C) * 3n + A * 4n - 35n);
      return { 0: mix(U32(A), U32(B)), 1: U32(mix(U32(C), U32(C)) + mix(1n, U32(C))), 2: U64(five) };
    },
  },
  {
    name: "methods take structs by reference and reach the probe's maps",
    preamble: PREAMBLE,
    members: `
  bump(s: Acc, by: u64): void { s.total += by; s.count++; }
  save(k: u32, v: u64): i64 { return this.out.update(k, v); }
  find(k: u32): Ptr<u64> | null { return this.inputs.lookup(k); }`,
    body: `
    const acc: Acc = zero();
    this.bump(acc, A);
    this.bump(acc, B);
    this.save(0, acc.total);
    this.save(1, u64(acc.count));
    const p = this.find(2);
    if (p) out(2, p.value + 1n);`,
    model: (A, B, C) => ({ 0: U64(A + B), 1: 2n, 2: U64(C + 1n) }),
  },
  {
    // Called twice and too large to copy: stays a BPF-to-BPF call (passes/inline.ts), which the
    // other cases' small or once-called functions no longer are.
    name: "a larger method called twice stays a call, its struct argument by reference",
    preamble: PREAMBLE,
    members: `
  blend(s: Acc, a: u64, b: u64): u32 {
    s.total += a * 3n + b;
    s.k = s.k ^ (a << 3n);
    s.total = s.total + (s.k >> 1n);
    if (a > b) s.count += 2;
    else s.count++;
    return s.count * 7 + u32(s.total & 0xffn);
  }`,
    body: `
    const acc: Acc = { total: 0n, count: 0, k: B };
    const x = this.blend(acc, A, B);
    const y = this.blend(acc, C, A);
    out(0, acc.total);
    out(1, u64(acc.count));
    out(2, acc.k);
    out(3, u64(x) + u64(y));`,
    model: (A, B, C) => {
      const acc = { total: 0n, count: 0n, k: B };
      const blend = (a: bigint, b: bigint) => {
        acc.total = U64(acc.total + U64(a * 3n) + b);
        acc.k = U64(acc.k ^ U64(a << 3n));
        acc.total = U64(acc.total + (acc.k >> 1n));
        acc.count = U32(acc.count + (a > b ? 2n : 1n));
        return U32(acc.count * 7n + (acc.total & 0xffn));
      };
      const x = blend(A, B);
      const y = blend(C, A);
      return { 0: acc.total, 1: acc.count, 2: acc.k, 3: x + y };
    },
  },
  {
    name: "bpf.loop runs a callback with state a non-constant number of times",
    preamble: PREAMBLE,
    members: `
  step(i: u32, s: Acc): i32 {
    s.total += u64(i) * s.k;
    s.count++;
    if (i >= 1000) return 1;
    return 0;
  }
  tick(i: u32): i64 { return 0n; }`,
    body: `
    const acc: Acc = { total: 0n, count: 0, k: A & 0xffn };
    const n = bpf.loop(u32(C), this.step, acc);
    out(0, acc.total);
    out(1, u64(acc.count));
    out(2, u64(n));
    out(3, u64(bpf.loop(u32(B), this.tick)));`,
    model: (A, B, C) => {
      let total = 0n;
      let count = 0n;
      let n = 0n;
      for (let i = 0n; i < C; i++) {
        total = U64(total + i * (A & 0xffn));
        count++;
        n++;
        if (i >= 1000n) break;
      }
      return { 0: total, 1: count, 2: n, 3: B };
    },
  },
  {
    name: "bpf.loop runs an arrow function that assigns and reads the enclosing function's locals",
    preamble: PREAMBLE,
    body: `
    let total: u64 = 0n;
    let last: u32 = 0;
    const acc: Acc = { total: 0n, count: 0, k: B };
    const limit = u32(A & 0xfffn);
    const n = bpf.loop(u32(C), (i) => {
      total += u64(i) * acc.k;
      acc.count++;
      last = i;
      if (i >= limit) return 1;
    });
    out(0, total);
    out(1, u64(acc.count));
    out(2, u64(last));
    out(3, u64(n));`,
    model: (A, B, C) => {
      let total = 0n;
      let count = 0n;
      let last = 0n;
      let n = 0n;
      for (let i = 0n; i < U32(C); i++) {
        total = U64(total + i * B);
        count++;
        last = i;
        n++;
        if (i >= (A & 0xfffn)) break;
      }
      return { 0: total, 1: count, 2: last, 3: n };
    },
  },
];

describeKernel("subprograms in a libbpf object", () => {
  it("load with bpftool prog loadall (subprograms in .text, callbacks by relocation)", () => {
    const result = compileText(kernelProbeSource({ ...cases[2]!, preamble: PREAMBLE, body: cases[0]!.body + cases[2]!.body.replace(/const n = /, "const m = ").replace(/u64\(n\)/, "u64(m)").replace(/const acc/, "const acc2").replace(/acc\b/g, "acc2") }));
    expect(result.diagnostics.filter((d) => d.category === "error")).toEqual([]);
    const loaded = bpftoolLoadAll(result.probes[0]!.elf);
    expect(loaded.stderr).not.toMatch(/error|fail/i);
    expect(loaded.status).toBe(0);
  });
}, { bpftool: true });

describeKernel("functions run in the kernel", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const results = await runKernelCase(c, INPUTS);
      const got = results.map((r) => Object.fromEntries(r));
      const expected = INPUTS.map(([A, B, C]) => Object.fromEntries(Object.entries(c.model(A!, B!, C!)).map(([k, v]) => [Number(k), v])));
      expect(got).toEqual(expected);
    });
  }
});

describe("function diagnostics", () => {
  it("rejects recursion, direct and through another function", () => {
    const text = kernelProbeSource({
      preamble: "function down(n: u32): u32 { if (n === 0) return 0; return up(n - 1); }\nfunction up(n: u32): u32 { return down(n); }",
      members: "  self(n: u32): u32 { return n === 0 ? 0 : this.self(n - 1); }",
      body: "out(0, u64(down(3)) + u64(this.self(2)));",
    });
    const codes = compileText(text).diagnostics.map((d) => d.code);
    expect(codes.filter((c) => c === Codes.Recursion)).toHaveLength(2);
  });
});
