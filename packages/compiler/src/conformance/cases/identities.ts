/**
 * Identities that hold for every value under BPF's rules, which the compiler folds (issue 9, as
 * clang does): `x - x`, `x ^ x`, `x % x` (x % 0 = x = 0) are 0, `x & x`, `x | x` are x, `x cmp x`
 * is decided; with operands read twice from a struct local, a global or the context (the second
 * read reuses the first). Each program's results must equal the evaluator's on every input,
 * zero and all-ones included.
 */
import type { BatchProgram } from "../harness.js";

export const IDENTITY_DECLARATIONS = "interface Sd { a: u8; b: i16; c: u32; d: i64; e: u64 }";
export const IDENTITY_FIELDS = "  g32: u32 = 5;\n  g64: i64 = -9n;";

export function identityPrograms(): BatchProgram[] {
  const s = "    const s: Sd = { a: ctx.x_u8, b: ctx.x_i16, c: ctx.x_u32, d: ctx.x_i64, e: ctx.x_u64 };";
  return [
    {
      name: "struct_member_twice",
      body: `${s}
    ctx.r0 = s.d % s.d >= (s.d ^ s.d) ? 1n : 2n;
    ctx.r1 = u64(s.d % s.d) + u64(s.d - s.d) + u64(s.d ^ s.d);
    ctx.r2 = u64(s.d & s.d) ^ u64(s.d | s.d);
    ctx.r3 = s.e % s.e;
    ctx.r4 = u64(s.c % s.c) + u64(s.a % s.a) + u64(s.b % s.b);
    ctx.r5 = s.c < s.c ? 1n : s.c <= s.c ? 2n : 3n;
    ctx.r6 = s.e / s.e;
    ctx.r7 = u64(s.d / s.d);
    ctx.r8 = s.b !== s.b ? 1n : 0n;
    return 0;`,
    },
    {
      name: "globals_and_context_twice",
      body: `
    ctx.r0 = u64(this.g64 % this.g64) + u64(this.g32 % this.g32);
    ctx.r1 = this.g64 >= this.g64 ? 4n : 5n;
    ctx.r2 = u64(ctx.x_i32 % ctx.x_i32) + u64(ctx.y_u16 - ctx.y_u16) + u64(ctx.x_i8 ^ ctx.x_i8);
    ctx.r3 = (ctx.x_u64 | ctx.x_u64) & ctx.x_u64;
    ctx.r4 = ctx.x_i64 > ctx.x_i64 ? 1n : 0n;
    this.g32 = this.g32 + 1;
    ctx.r5 = u64(this.g32 - this.g32);
    return 0;`,
    },
    {
      name: "locals_and_stores_between",
      body: `${s}
    let x: i64 = s.d;
    const before = x % x;
    s.d = s.d + 1n;
    ctx.r0 = u64(before) + u64(s.d % s.d);
    const t: u32 = s.c;
    s.c = 7;
    ctx.r1 = u64(t - s.c);
    ctx.r2 = u64(s.c % t);
    x = x ^ x;
    ctx.r3 = u64(x);
    return 0;`,
    },
  ];
}
