// Struct values: nested structs, data-only classes, object literals with spread, zero(), struct map
// values read and written in place, arrays inside structs; run in the kernel and compared with the
// same operations in plain TypeScript.
import { describe, expect, it } from "vitest";
import { Codes } from "../diagnostics/codes.js";
import { describeKernel } from "../testing/kernel.js";
import { kernelProbeSource, runKernelCase, type KernelCase } from "../testing/kernel-run.js";
import { compileText } from "../testing/probes.js";

const U16 = (x: bigint) => BigInt.asUintN(16, x);
const U32 = (x: bigint) => BigInt.asUintN(32, x);
const U64 = (x: bigint) => BigInt.asUintN(64, x);
const I8 = (x: bigint) => BigInt.asIntN(8, x);

const INPUTS: bigint[][] = [
  [3n, 2n, 1n],
  [0x1234567890n, 0xffffn, 0x80n],
  [U64(-1n), 7n, 0n],
];

interface Case extends KernelCase {
  name: string;
  model: (A: bigint, B: bigint, C: bigint) => Record<number, bigint>;
}

const PREAMBLE = `
interface Inner { a: u8; b: u64; c: i8 }
class Point { x: u32 = 0; y: u16 = 0 }
interface Outer { tag: u16; inner: Inner; p: Point; list: FixedArray<Point, 3>; last: i8 }
`;

const cases: Case[] = [
  {
    name: "nested structs, classes as structs, spread and zero()",
    preamble: PREAMBLE,
    body: `
    const base: Outer = zero();
    base.tag = u16(B);
    base.inner.b = A;
    base.inner.c = i8(C);
    base.list[2].y = 9;
    const copy: Outer = { ...base, p: { x: 5, y: u16(A) }, last: -3 };
    copy.inner.a = 200;
    out(0, u64(copy.tag));
    out(1, copy.inner.b);
    out(2, u64(copy.inner.c));
    out(3, u64(copy.p.x) + u64(copy.p.y));
    out(4, u64(copy.list[2].y) + u64(base.inner.a));
    out(5, u64(copy.last));
    out(6, u64(copy.inner.a));
    const pt: Point = { x: u32(A), y: 1 };
    const q: Point = { ...pt };
    q.x += 1;
    out(7, u64(pt.x) + u64(q.x));`,
    model: (A, B, C) => ({
      0: U16(B),
      1: A,
      2: U64(I8(C)),
      3: 5n + U16(A),
      4: 9n,
      5: U64(-3n),
      6: 200n,
      7: U32(A) + U32(U32(A) + 1n),
    }),
  },
  {
    name: "struct map values read and written in place",
    preamble: PREAMBLE,
    members: "  store = new HashMap<u32, Outer>({ maxEntries: 4 });",
    body: `
    const init: Outer = zero();
    init.inner.b = A;
    init.list[1].x = u32(B);
    this.store.update(1, init);
    const v = this.store.lookup(1);
    if (!v) return 1;
    v.inner.b += 1n;
    v.list[1].x *= 3;
    v.list[u32(C) % 3].y = 77;
    const again = this.store.lookup(1);
    if (!again) return 1;
    out(0, again.inner.b);
    out(1, u64(again.list[1].x));
    out(2, u64(again.list[0].y) * 100n + u64(again.list[1].y) * 10n + u64(again.list[2].y));`,
    model: (A, B, C) => {
      const ys = [0n, 0n, 0n];
      ys[Number(U32(C) % 3n)] = 77n;
      return { 0: U64(A + 1n), 1: U32(U32(B) * 3n), 2: ys[0]! * 100n + ys[1]! * 10n + ys[2]! };
    },
  },
];

describeKernel("struct values run in the kernel", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const results = await runKernelCase(c, INPUTS);
      const got = results.map((r) => Object.fromEntries(r));
      const expected = INPUTS.map(([A, B, C]) => Object.fromEntries(Object.entries(c.model(A!, B!, C!)).map(([k, v]) => [Number(k), v])));
      expect(got).toEqual(expected);
    });
  }
});

describe("data diagnostics", () => {
  it("rejects a constant zero divisor", () => {
    const text = kernelProbeSource({ body: "const z = 0; out(0, A / 0n); out(1, u64(u32(B) % z));" });
    const codes = compileText(text).diagnostics.map((d) => d.code);
    expect(codes).toEqual([Codes.ConstantZeroDivisor, Codes.ConstantZeroDivisor]);
  });
});
