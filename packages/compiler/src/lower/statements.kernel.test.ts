// Loops, switch, break/continue (labelled too) and variable array indexes, compiled and run in the
// kernel at sys_enter_write; each result is compared with the same algorithm written in plain
// TypeScript over BigInt.
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { runKernelCase, type KernelCase } from "../testing/kernel-run.js";

const U32 = (x: bigint) => BigInt.asUintN(32, x);
const U64 = (x: bigint) => BigInt.asUintN(64, x);

const INPUTS: bigint[][] = [
  [3n, 2n, 1n],
  [7n, 5n, 8n],
  [0xffffffffn, 9n, 0n],
  [100n, 0n, U64(-1n)],
  [12345n, 3n, 7n],
];

interface Case extends KernelCase {
  name: string;
  model: (A: bigint, B: bigint, C: bigint) => Record<number, bigint>;
}

const cases: Case[] = [
  {
    name: "for with a constant bound",
    body: `
    let s: u64 = 0n;
    for (let i: u32 = 0; i < 10; i++) { s += A * u64(i); }
    out(0, s);
    let d: u32 = 0;
    for (let j = 20; j > 0; j -= 3) { d = d * 3 + u32(j); }
    out(1, u64(d));`,
    model: (A) => {
      let d = 0n;
      for (let j = 20n; j > 0n; j -= 3n) d = U32(d * 3n + j);
      return { 0: U64(A * 45n), 1: d };
    },
  },
  {
    name: "while with break and continue",
    body: `
    let i: u32 = 0;
    let s: u32 = 0;
    while (i < 20) {
      i++;
      if (i % 3 === 0) continue;
      if (u64(i) > B + 6n) break;
      s += i;
    }
    out(0, u64(s));
    out(1, u64(i));`,
    model: (_A, B) => {
      let i = 0n;
      let s = 0n;
      while (i < 20n) {
        i++;
        if (i % 3n === 0n) continue;
        if (i > U64(B + 6n)) break;
        s += i;
      }
      return { 0: s, 1: i };
    },
  },
  {
    name: "do…while runs its body at least once",
    body: `
    let n: u32 = 0;
    let x: u32 = u32(A & 0xffffn);
    do { x = x / 2; n++; } while (n < 40 && x !== 0);
    out(0, u64(n));
    out(1, u64(x));`,
    model: (A) => {
      let n = 0n;
      let x = A & 0xffffn;
      do {
        x = x / 2n;
        n++;
      } while (n < 40n && x !== 0n);
      return { 0: n, 1: x };
    },
  },
  {
    name: "labelled break and continue leave the outer loop",
    body: `
    let c: u32 = 0;
    let last: u32 = 0;
    outer: for (let i: u32 = 0; i < 6; i++) {
      for (let j: u32 = 0; j < 6; j++) {
        if (j > i) continue outer;
        if (i + j === u32(B & 7n) + 3) break outer;
        c += 1;
        last = i * 10 + j;
      }
    }
    out(0, u64(c));
    out(1, u64(last));
    block: {
      if (A > 50n) break block;
      out(2, 1n);
    }`,
    model: (A, B) => {
      let c = 0n;
      let last = 0n;
      outer: for (let i = 0n; i < 6n; i++) {
        for (let j = 0n; j < 6n; j++) {
          if (j > i) continue outer;
          if (i + j === (B & 7n) + 3n) break outer;
          c += 1n;
          last = i * 10n + j;
        }
      }
      const r: Record<number, bigint> = { 0: c, 1: last };
      if (!(A > 50n)) r[2] = 1n;
      return r;
    },
  },
  {
    name: "switch with fall-through and default",
    body: `
    let r: u32 = 0;
    switch (u32(A % 6n)) {
      case 0:
        r += 1;
      case 1:
        r += 10;
        break;
      case 3: {
        r = 300;
        break;
      }
      default:
        r += 1000;
      case 5:
        r += 5;
    }
    out(0, u64(r));
    switch (i32(B)) {
      case -1: out(1, 1n); break;
      case 2: out(1, 2n); break;
    }`,
    model: (A, B) => {
      let r = 0n;
      switch (A % 6n) {
        case 0n:
          r += 1n;
        // falls through
        case 1n:
          r += 10n;
          break;
        case 3n:
          r = 300n;
          break;
        default:
          r += 1000n;
        // falls through
        case 5n:
          r += 5n;
      }
      const out: Record<number, bigint> = { 0: r };
      const b = BigInt.asIntN(32, B);
      if (b === -1n) out[1] = 1n;
      else if (b === 2n) out[1] = 2n;
      return out;
    },
  },
  {
    name: "variable indexes: in range, out of range (reads 0, writes nothing), for…of",
    preamble: "interface Bag { v: FixedArray<u32, 8>; n: u32; w: FixedArray<i16, 3> }",
    body: `
    const bag: Bag = zero();
    for (let i: u32 = 0; i < 8; i++) bag.v[i] = i * 3 + 1;
    out(0, u64(bag.v[u32(B)]));
    bag.v[i32(C)] = 99;
    bag.v[u32(C)] += 1;
    out(1, u64(bag.n));
    let sum: u32 = 0;
    for (const x of bag.v) sum += x;
    out(2, u64(sum));
    bag.w[u8(A) % 3] = -5;
    let t: i32 = 0;
    for (const y of bag.w) t = t * 10 + y;
    out(3, u64(t));`,
    model: (A, B, C) => {
      const v = Array.from({ length: 8 }, (_, i) => BigInt(i * 3 + 1));
      const ci = BigInt.asIntN(32, C);
      const cu = U32(C);
      if (ci >= 0n && ci < 8n) v[Number(ci)] = 99n;
      if (cu < 8n) v[Number(cu)]! += 1n;
      const w = [0n, 0n, 0n];
      w[Number((A & 0xffn) % 3n)] = -5n;
      let t = 0n;
      for (const y of w) t = BigInt.asIntN(32, t * 10n + y);
      const b = U32(B);
      return { 0: b < 8n ? v[Number(b)]! : 0n, 1: 0n, 2: v.reduce((a, x) => a + x, 0n), 3: U64(t) };
    },
  },
  {
    name: "enums and module constants fold, also as case labels",
    preamble: "enum Color { Red = 1, Green, Blue = 10 }\nconst enum Flag { A = 1 << 3 }\nconst LIMIT = Color.Blue * 2;",
    body: `
    out(0, u64(Color.Green + LIMIT));
    const c: u32 = u32(A % 3n) + 1;
    switch (c) {
      case Color.Red: out(1, 1n); break;
      case Color.Green: out(1, 2n); break;
      default: out(1, u64(Flag.A));
    }
    let n: u32 = 0;
    for (let i: u32 = 0; i < LIMIT; i += Color.Green) n++;
    out(2, u64(n));`,
    model: (A) => ({ 0: 22n, 1: [1n, 2n, 8n][Number(A % 3n)]!, 2: 10n }),
  },
];

describeKernel("statements run in the kernel", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const results = await runKernelCase(c, INPUTS);
      const got = results.map((r) => Object.fromEntries(r));
      const expected = INPUTS.map(([A, B, C]) => Object.fromEntries(Object.entries(c.model(A!, B!, C!)).map(([k, v]) => [Number(k), v])));
      expect(got).toEqual(expected);
    });
  }
});
