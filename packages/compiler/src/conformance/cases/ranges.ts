/**
 * What folding by value ranges (passes/value-ranges.ts, issue 9 item 3) decides, run against the
 * evaluator: conditions the operands' intervals settle (`i32(u8(x)) < 256`, `x % 8 <= 7`, a
 * quotient never above its dividend under BPF's x / 0 = 0), identities with a constant under
 * BPF's rules (`x % 0` is x, `x / 0` is 0, `x % 1` is 0), and conditions that look alike but
 * are not settled (a signed remainder can be negative; a sum can wrap). Indexes whose interval
 * is inside the array need no check; those whose interval reaches outside (negative values or past
 * the end) must keep it: a read out of range gives 0 and a write does nothing, which the arrays
 * either side (`lo`, `hi`) would show.
 */
import type { BatchProgram } from "../harness.js";

function arrays(kind: string): string {
  return [
    `    const lo: FixedArray<${kind}, 4> = zero();`,
    `    const a: FixedArray<${kind}, 4> = zero();`,
    `    const hi: FixedArray<${kind}, 4> = zero();`,
    `    lo[0] = 11; lo[1] = 12; lo[2] = 13; lo[3] = 14; a[0] = 21; a[1] = 22; a[2] = 23; a[3] = 24; hi[0] = 31; hi[1] = 32; hi[2] = 33; hi[3] = 34;`,
  ].join("\n");
}

/** The three arrays into r20..r31. */
const DUMP = "    " + ["lo", "a", "hi"].flatMap((n, k) => [0, 1, 2, 3].map((i) => `ctx.r${20 + 4 * k + i} = u64(${n}[${i}]);`)).join(" ");

/** Index expressions over the inputs: the interval the pass finds, in range or not. */
const RANGE_INDEXES: { label: string; pre: string; index: string }[] = [
  { label: "mod_in_range", pre: "", index: "ctx.x_u8 % 4" },
  { label: "mask_in_range", pre: "", index: "ctx.x_u32 & 3" },
  { label: "mod_past_end", pre: "", index: "ctx.x_u8 % 5" },
  { label: "mask_past_end", pre: "", index: "ctx.x_u32 & 7" },
  { label: "shifted_in_range", pre: "", index: "u32(ctx.x_u64 >> 62n)" },
  { label: "shifted_past_end", pre: "", index: "u32(ctx.x_u64 >> 61n)" },
  { label: "minus_one_reachable", pre: "", index: "i32(ctx.x_u8 & 3) - 1" },
  { label: "propagated_let", pre: "let i: i32 = i32(ctx.x_u16 % 3); i = i + 1;", index: "i" },
  { label: "propagated_let_past_end", pre: "let i: i32 = i32(ctx.x_u16 % 3); i = i + 2;", index: "i" },
  { label: "narrowed_signed", pre: "const i: i8 = i8(ctx.x_i8 % 4);", index: "i" },
  { label: "quotient", pre: "", index: "u32(ctx.x_u8 & 3) / ctx.y_u32" },
  { label: "remainder_of_zero_divisor", pre: "", index: "ctx.x_u32 % (ctx.y_u32 ^ ctx.y_u32)" },
  // Constants only after this pass's identities (x % 1 = 0, x / 0 = 0): negative, in range, past the end, far.
  { label: "folded_constant_negative", pre: "", index: "i32(ctx.x_u32 % 1) - 2" },
  { label: "folded_constant_last", pre: "const z: u32 = ctx.y_u32 - ctx.y_u32;", index: "i32(ctx.x_u32 / z) + 3" },
  { label: "folded_constant_length", pre: "const z: u32 = ctx.y_u32 - ctx.y_u32;", index: "i32(ctx.x_u32 / z) + 4" },
  { label: "folded_constant_far", pre: "let i: u32 = ctx.x_u32 % 1; i = i + 4000000000;", index: "i" },
  { label: "folded_constant_int_min", pre: "let i: i32 = i32(ctx.x_u16 % 1); i = i - 2147483647 - 1;", index: "i" },
];

export function rangeIndexPrograms(): BatchProgram[] {
  const out: BatchProgram[] = [];
  for (const kind of ["u8", "i32", "u64"]) {
    const lit = kind === "u64" ? "n" : "";
    const fix = (s: string) => (lit ? s.replace(/= (\d+);/g, "= $1n;") : s);
    for (const k of RANGE_INDEXES) {
      out.push({
        name: `range_index_${kind}_${k.label}`,
        body: `${fix(arrays(kind))}
    ${k.pre}
    ctx.r0 = u64(a[${k.index}]);
    a[${k.index}] = ${kind}(99${lit});
${DUMP}
    return 0;`,
      });
    }
  }
  return out;
}

export function rangeConditionPrograms(): BatchProgram[] {
  return [
    {
      name: "conditions_settled",
      body: `
    ctx.r0 = i32(u8(ctx.x_u32)) < 256 ? 1n : 2n;
    ctx.r1 = ctx.x_u32 % 8 <= 7 ? 3n : 4n;
    ctx.r2 = (ctx.x_u32 & 3) !== 4 ? 5n : 6n;
    ctx.r3 = (ctx.x_u64 >> 60n) < 16n ? 7n : 8n;
    ctx.r4 = ctx.x_u16 / ctx.y_u16 <= ctx.x_u16 ? 9n : 10n;
    ctx.r5 = i32(ctx.x_i8) >= -128 ? 11n : 12n;
    ctx.r6 = i32(ctx.x_i8) > 127 ? 13n : 14n;
    ctx.r7 = u32(ctx.x_u8) + u32(ctx.y_u8) < 511 ? 15n : 16n;
    ctx.r8 = ctx.x_u32 % ctx.y_u32 <= ctx.x_u32 ? 17n : 18n;
    ctx.r9 = ctx.x_u32 >= 0 ? 19n : 20n;
    ctx.r10 = i64(ctx.x_u16) * i64(ctx.y_u16) <= 4294836225n ? 21n : 22n;
    ctx.r11 = (ctx.x_u32 | 1) === 0 ? 23n : 24n;
    return 0;`,
    },
    {
      name: "conditions_not_settled",
      body: `
    ctx.r0 = ctx.x_i32 % 5 >= 0 ? 1n : 2n;
    ctx.r1 = u8(ctx.x_u8 + ctx.y_u8) >= ctx.x_u8 ? 3n : 4n;
    ctx.r2 = ctx.x_i8 >>> 1 > 0 ? 5n : 6n;
    ctx.r3 = (ctx.x_u32 & 7) < 7 ? 7n : 8n;
    ctx.r4 = ctx.x_u32 % ctx.y_u32 < ctx.y_u32 ? 9n : 10n;
    ctx.r5 = ctx.x_u32 / ctx.y_u32 === 0 ? 11n : 12n;
    ctx.r6 = i32(ctx.x_i16) * i32(ctx.y_i16) < 0 ? 13n : 14n;
    ctx.r7 = u32(ctx.x_u16) << 16 < 65536 ? 15n : 16n;
    ctx.r8 = (ctx.x_u64 | ctx.y_u64) >= ctx.x_u64 ? 17n : 18n;
    ctx.r9 = i64(ctx.x_i32) - i64(ctx.y_i32) < 0n ? 19n : 20n;
    return 0;`,
    },
    {
      name: "identities_with_constants",
      body: `
    const z: u32 = ctx.y_u32 ^ ctx.y_u32;
    const zz: u64 = ctx.y_u64 - ctx.y_u64;
    ctx.r0 = u64(ctx.x_u32 % z);
    ctx.r1 = u64(ctx.x_u32 / z);
    ctx.r2 = ctx.x_u64 % zz;
    ctx.r3 = u64(ctx.x_i64 / i64(zz));
    ctx.r4 = u64(i64(ctx.x_i32) % i64(zz));
    ctx.r5 = u64(ctx.x_u32 % 1) + u64(ctx.x_i32 % 1);
    ctx.r6 = u64(ctx.x_i32 / 1) ^ u64(ctx.x_u32 * 1);
    ctx.r7 = u64(ctx.x_u32 & 0xffffffff) + (ctx.x_u64 & 0xffffffffffffffffn);
    ctx.r8 = u64(ctx.x_u32 | 0xffffffff) ^ (ctx.y_u64 | 0xffffffffffffffffn);
    ctx.r9 = u64(i8(ctx.x_i8 % z));
    ctx.r11 = ctx.x_u32 % z >= ctx.x_u32 ? 1n : 2n;
    return 0;`,
    },
    {
      name: "copies_of_unchanged_values",
      body: `
    const m: u32 = ctx.x_u32 & 0xff;
    ctx.r0 = u64(m & 0xff) + u64(m % 256) + u64(u8(m)) + u64(i8(m));
    const s: i32 = i32(ctx.x_u16 >> 4);
    ctx.r1 = u64(u16(s)) + u64(s & 0xfff) + u64(i16(s)) + u64(s % 4096);
    let t: i64 = i64(ctx.x_u8);
    for (let k: i32 = 0; k < 3; k++) t = t % 200n + 1n;
    ctx.r2 = u64(t) + u64(u8(t));
    return 0;`,
    },
  ];
}
