/**
 * Control flow: conditions, short-circuit evaluation with side effects, ternaries, early returns,
 * and (waiting for the compiler) loops of every form, labelled break/continue and switch.
 */
import type { BatchProgram } from "../harness.js";

export function conditionPrograms(): BatchProgram[] {
  return [
    {
      name: "branches",
      body: `
    let a: u32 = 0;
    if (ctx.x_u8 > ctx.y_u8) { a = 1; } else if (ctx.x_u8 < ctx.y_u8) { a = 2; } else { a = 3; }
    ctx.r0 = u64(a);
    if (ctx.x_i32 < 0 && ctx.y_i32 < 0) ctx.r1 = 1n; else if (ctx.x_i32 < 0 || ctx.y_i32 < 0) ctx.r1 = 2n; else ctx.r1 = 3n;
    if (!(ctx.x_u64 > ctx.y_u64)) ctx.r2 = ctx.x_u64 - ctx.y_u64;
    let n: u32 = 0;
    if (ctx.x_u16 > 100 || n++ > 0) ctx.r3 = 1n;
    if (ctx.x_u16 > 100 && n++ > 0) ctx.r4 = 1n;
    if (ctx.y_i16 < 0 || ++n > 1) ctx.r5 = 1n;
    ctx.r6 = u64(n);
    const c1: bool = ctx.x_i8 > ctx.y_i8;
    const c2: bool = ctx.x_u32 !== ctx.y_u32;
    ctx.r7 = c1 && c2 ? 11n : c1 || c2 ? 22n : 33n;
    ctx.r8 = u64(ctx.x_i32 > ctx.y_i32 ? ctx.x_i32 : ctx.y_i32);
    ctx.r9 = u64(ctx.x_u8 > 5 ? ctx.x_u8 : ctx.y_i16);
    ctx.r10 = ctx.x_i64 < ctx.y_i64 ? u64(ctx.x_i64) : ctx.y_u64;
    ctx.r11 = (ctx.x_u32 & 1) === 0 ? (ctx.y_u32 & 2) === 0 ? 1n : 2n : 3n;
    if (ctx.x_u8 === ctx.y_u8) { if (ctx.x_i8 === ctx.y_i8) ctx.r12 = 1n; else ctx.r12 = 2n; }
    const b1: bool = ctx.x_u8 > 3;
    const b2: bool = ctx.y_i8 < 0;
    ctx.r13 = b1 === b2 ? 1n : 0n;
    ctx.r14 = b1 !== b2 ? 1n : 0n;
    ctx.r15 = u64(b1) + u64(b2) * 2n;
    ctx.r16 = u64(i32(b1) - i32(b2));
    let b3: bool = b1;
    b3 = !b3;
    ctx.r17 = b3 ? 5n : 6n;
    return 0;`,
    },
    {
      name: "returns",
      body: `
    if (ctx.x_i32 < ctx.y_i32) return ctx.x_i32 - ctx.y_i32;
    if (ctx.x_u8 === 0) return 77;
    ctx.r0 = 5n;
    if (ctx.x_i64 > 0n) { ctx.r1 = u64(ctx.x_i64); return i32(ctx.x_i64 & 0xffffn); }
    return -1;`,
    },
  ];
}

export const LOOP_DECLARATIONS = "interface Cell { v: u16; w: i32 }";

/** Loops, switch, for…of (in place for struct elements), variable indexes (out of range: 0, no write). */
export function loopPrograms(): BatchProgram[] {
  return [
    {
      name: "for_loops",
      body: `
    let s: u32 = 0;
    for (let i: u32 = 0; i < 16; i++) { s += i * ctx.x_u8; }
    ctx.r0 = u64(s);
    let t: u64 = 0n;
    for (let i: i32 = 10; i > -10; i -= 3) { if (i === 4) continue; t += u64(i); }
    ctx.r1 = t;
    let w: u32 = 0;
    let j: u32 = 0;
    while (j < 20) { j++; if ((j & 3) === 0) continue; if (w > 1000) break; w += j * u32(ctx.y_u8); }
    ctx.r2 = u64(w);
    ctx.r3 = u64(j);
    let d: u32 = 0;
    do { d += 7; if (d >= (ctx.x_u8 & 63)) break; } while (d < 70);
    ctx.r4 = u64(d);
    return 0;`,
    },
    {
      name: "labelled",
      body: `
    let s: u32 = 0;
    outer: for (let i: u32 = 0; i < 8; i++) {
      for (let j: u32 = 0; j < 8; j++) {
        if (j > i) continue outer;
        if (i * j > (ctx.x_u8 & 31)) break outer;
        s += i ^ j;
      }
    }
    ctx.r0 = u64(s);
    return 0;`,
    },
    {
      name: "continue_forms",
      body: `
    let d: u32 = 0;
    let n: u32 = 0;
    do {
      d += 3;
      if ((d & 1) === 0) continue;
      n += d ^ u32(ctx.x_u8);
    } while (d < 30);
    ctx.r0 = u64(n);
    ctx.r1 = u64(d);
    let s: i32 = 0;
    for (let i: u32 = 0; i < 12; i++) {
      switch (i % 4) {
        case 0: continue;
        case 1: s += ctx.x_i8; break;
        case 2: s -= i32(i); // falls through
        default: s ^= ctx.y_i16;
      }
      s += 1;
    }
    ctx.r2 = u64(s);
    let t: u32 = 0;
    blk: {
      t = 1;
      if (ctx.x_u8 > 100) break blk;
      t = 2;
    }
    ctx.r3 = u64(t);
    let w: i64 = 0n;
    let k: u32 = 0;
    while (k < 9 && w < 1000n) { k++; if (k === 4) continue; w += i64(ctx.x_i16) * i64(k); }
    ctx.r4 = u64(w);
    ctx.r5 = u64(k);
    return 0;`,
    },
    {
      name: "switches",
      body: `
    let s: u32 = 0;
    switch (ctx.x_u8 & 7) {
      case 0: s += 1;
      case 1: s += 10; break;
      case 2:
      case 3: s += 100; break;
      case 5: { s += 1000; break; }
      default: s += 5;
    }
    ctx.r0 = u64(s);
    switch (ctx.x_i32) { case -1: ctx.r1 = 1n; break; case 0: ctx.r1 = 2n; break; }
    return 0;`,
    },
    {
      name: "for_of",
      body: `
    const a: FixedArray<u32, 4> = zero();
    a[0] = ctx.x_u32; a[1] = ctx.y_u32; a[2] = u32(ctx.x_u8); a[3] = 9;
    let s: u64 = 0n;
    for (const v of a) s += u64(v);
    ctx.r0 = s;
    const ps: FixedArray<Cell, 3> = zero();
    for (const p of ps) { p.v = ctx.x_u16; p.w = ctx.y_i32; }
    ps[1].v = 5;
    let t: i64 = 0n;
    for (const p of ps) t += i64(p.v) + i64(p.w);
    ctx.r1 = u64(t);
    let i: u32 = ctx.x_u32 & 7;
    ctx.r2 = u64(a[i]);
    a[ctx.y_u8 & 7] = 100;
    ctx.r3 = u64(a[0]) + u64(a[1]) + u64(a[2]) + u64(a[3]);
    ctx.r4 = u64(ps[ctx.y_u32 & 3].w);
    return 0;`,
    },
  ];
}
