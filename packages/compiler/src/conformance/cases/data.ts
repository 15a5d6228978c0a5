/**
 * Structs and arrays: C layout of a context with odd member order (checked byte for byte against
 * the evaluator's layout), struct locals, nested structs, object literals with spread, copies.
 */
import type { BatchProgram } from "../harness.js";

/** A second context type whose layout has holes everywhere. */
export const LAYOUT_DECLARATIONS = `
export interface Inner { c: u8; w: u32; h: i16 }
export interface Odd {
  a: u8; b: u64; c: u16; d: u32; e: i8; f: i64; g: FixedArray<u16, 3>; inner: Inner; h: u8; arr: FixedArray<Inner, 2>; z: u32;
  o0: u64; o1: u64; o2: u64; o3: u64; o4: u64; o5: u64;
}
export interface Pair { lo: u32; hi: u32 }
export interface Outer { tag: u8; p: Pair; q: Pair; big: u64 }
`;

export function layoutPrograms(): BatchProgram[] {
  return [
    {
      name: "odd_layout",
      body: `
    ctx.o0 = u64(ctx.a) + ctx.b;
    ctx.o1 = u64(ctx.c) * u64(ctx.d);
    ctx.o2 = u64(i64(ctx.e) + ctx.f);
    ctx.o3 = u64(ctx.g[0]) + u64(ctx.g[1]) * 3n + u64(ctx.g[2]) * 5n;
    ctx.o4 = u64(ctx.inner.c) + u64(ctx.inner.w) + u64(ctx.inner.h) + u64(ctx.h);
    ctx.o5 = u64(ctx.arr[0].w) - u64(ctx.arr[1].h) + u64(ctx.z);
    ctx.arr[1].c = ctx.a;
    ctx.inner.h = ctx.inner.h + 1;
    ctx.g[2] = ctx.c;
    return 0;`,
    },
    {
      name: "struct_values",
      body: `
    const p: Pair = { lo: ctx.d, hi: ctx.z };
    const o: Outer = { tag: ctx.a, p, q: { lo: u32(ctx.b), hi: u32(ctx.b >> 32n) }, big: ctx.b };
    const copy: Outer = { tag: 9, p: o.p, q: o.q, big: o.big };
    copy.p.lo = copy.p.lo + 1;
    ctx.o0 = u64(o.p.lo) + u64(copy.p.lo);
    ctx.o1 = u64(copy.tag) + u64(o.tag);
    ctx.o2 = (u64(o.q.hi) << 32n) | u64(o.q.lo);
    const q = o.q;
    ctx.o3 = u64(q.lo ^ q.hi);
    const arr: FixedArray<u16, 3> = ctx.g;
    arr[0] = 7;
    ctx.o4 = u64(arr[0]) + u64(ctx.g[0]);
    const inner: Inner = ctx.arr[1];
    ctx.o5 = u64(inner.w) + u64(inner.c);
    return 0;`,
    },
  ];
}

/** Object spread for struct values. */
export function spreadPrograms(): BatchProgram[] {
  return [
    {
      name: "spread",
      body: `
    const o: Outer = { tag: ctx.a, p: { lo: ctx.d, hi: ctx.z }, q: { lo: 1, hi: 2 }, big: ctx.b };
    const copy: Outer = { ...o, tag: 9 };
    const p2: Pair = { ...o.p, hi: 5 };
    ctx.o0 = u64(copy.tag) + u64(copy.p.lo) + copy.big;
    ctx.o1 = u64(p2.lo) + u64(p2.hi);
    return 0;`,
    },
  ];
}
