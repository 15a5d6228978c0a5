// atomics.* (JavaScript's Atomics shape: the old value back), lookupOrInit and bpf.log2/log2l, run
// in the kernel on chosen inputs and checked against a model of the same steps in BigInt
// arithmetic: every fetched value and every final value of a map value's 64-, 32-bit and signed
// members, an array's elements (constant and variable indexes, in and out of range) and a global.
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { kernelProbeSource, runKernelCase } from "../testing/kernel-run.js";
import { irOf } from "../testing/probes.js";

const preamble = `import { atomics } from "tsbpf";
interface Slots { a: u64; b: u32; c: i32; d: i64; arr: FixedArray<u64, 4> }`;
const members = `  vals = new HashMap<u32, Slots>({ maxEntries: 4 });
  g: u64 = 0n;`;
const body = `
    this.vals.delete(0);
    const init: Slots = zero();
    init.a = A; init.b = u32(B); init.c = i32(B); init.d = i64(A);
    init.arr[1] = C;
    const p = this.vals.lookupOrInit(0, init);
    if (!p) return 0;
    out(0, atomics.add(p.a, B));
    atomics.sub(p.a, C);
    out(1, u64(atomics.or(p.b, u32(C))));
    atomics.and(p.b, 0xff00ff00);
    out(2, u64(atomics.xor(p.c, i32(C))));
    atomics.xor(p.c, -1);
    out(3, u64(atomics.exchange(p.d, i64(C))));
    out(4, u64(atomics.compareExchange(p.d, i64(C), i64(B))));
    out(5, u64(atomics.compareExchange(p.d, i64(C), 7n)));
    out(6, atomics.add(p.arr, 1, A));
    out(7, atomics.add(p.arr, C, 1n));
    atomics.sub(p.arr, 3, 1n);
    atomics.or(p.arr[0], B);
    out(8, p.a);
    out(9, u64(p.b));
    out(10, u64(p.c));
    out(11, u64(p.d));
    out(12, p.arr[0]);
    out(13, p.arr[1]);
    out(14, p.arr[2]);
    out(15, p.arr[3]);
    init.a = 99n;
    const q = this.vals.lookupOrInit(0, init);
    if (q) out(16, q.a);
    this.g = A;
    atomics.add(this.g, B);
    out(17, atomics.load(this.g));
    out(18, atomics.exchange(this.g, C));
    out(19, this.g);
    out(20, u64(bpf.log2l(A)));
    out(21, u64(bpf.log2(u32(B))));`;

const U64 = (v: bigint) => BigInt.asUintN(64, v);
const U32 = (v: bigint) => BigInt.asUintN(32, v);
const I32 = (v: bigint) => BigInt.asIntN(32, v);
const log2 = (v: bigint) => (v <= 1n ? 0n : BigInt(v.toString(2).length - 1));

/** The same steps in BigInt arithmetic (C's conversions: an i32 widened to u64 sign-extends). */
function model([A, B, C]: bigint[]): Map<number, bigint> {
  const out = new Map<number, bigint>();
  let a = A, b = U32(B), c = I32(B), d = A;
  const arr = [0n, C, 0n, 0n];
  out.set(0, a); a = U64(a + B); a = U64(a - C);
  out.set(1, b); b = U32(b | U32(C)); b &= 0xff00ff00n;
  out.set(2, U64(c)); c = I32(c ^ I32(C)); c = I32(c ^ -1n);
  out.set(3, U64(d)); d = C;
  out.set(4, U64(d)); if (d === C) d = B;
  out.set(5, U64(d)); if (d === C) d = 7n;
  out.set(6, arr[1]!); arr[1] = U64(arr[1]! + A);
  if (C < 4n) { out.set(7, arr[Number(C)]!); arr[Number(C)] = U64(arr[Number(C)]! + 1n); } else out.set(7, 0n);
  arr[3] = U64(arr[3]! - 1n);
  arr[0] = U64(arr[0]! | B);
  out.set(8, a); out.set(9, b); out.set(10, U64(c)); out.set(11, U64(d));
  arr.forEach((v, i) => out.set(12 + i, v));
  out.set(16, a);
  out.set(17, U64(A + B)); out.set(18, U64(A + B)); out.set(19, C);
  out.set(20, log2(A)); out.set(21, log2(U32(B)));
  return out;
}

const inputs: bigint[][] = [
  [5n, 3n, 1n],
  [0n, 0n, 0n],
  [0xffffffffffffffffn, 0x80000000n, 2n],
  [0x123456789n, 0xdeadbeefn, 0x123456789n],
  [1n << 63n, 1n, 3n],
  [12345n, 0x7fffffffn, 17n],
];

describeKernel("atomics, lookupOrInit, log2", () => {
  it("every operation's old value and the memory after it equal the model's", async () => {
    const results = await runKernelCase({ preamble, members, body }, inputs);
    inputs.forEach((set, i) => expect(Object.fromEntries(results[i]!), `inputs ${set.join(", ")}`).toEqual(Object.fromEntries(model(set))));
  });
});

it("emits the fetching form only where the old value is used", () => {
  const { printed, diagnostics } = irOf(kernelProbeSource({ preamble, members, body }));
  expect(diagnostics.items.filter((d) => d.category === "error")).toEqual([]);
  expect(printed).toMatch(/= atomic_add\.u64 .*\n/); // out(0, atomics.add(p.a, B))
  expect(printed).toMatch(/\n\s*atomic_add\.u64 /); // atomics.sub(p.a, C): no destination
  expect(printed).toMatch(/= atomic_cmpxchg\.i64 /);
  expect(printed).toMatch(/\n\s*atomic_and\.u32 /);
});
