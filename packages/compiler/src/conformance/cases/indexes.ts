/**
 * Indexes whose value the compiler knows (issue 9): a cast literal (`a[i32(-2)]`), a local that
 * constant propagation carries into the index, a sum that folding makes negative, far negative
 * offsets and the boundary values -1, 0, len-1, len and large ones. Out of range, a read gives 0
 * and a write does nothing; the arrays either side of the one indexed (`lo`, `hi`) and the result
 * slots show a write that went astray, and a read returns the evaluator's 0, not a neighbour's
 * bytes. Each index appears both as a read and as a write, for element sizes 1, 2, 4 and 8.
 */
import type { BatchProgram } from "../harness.js";

export const INDEX_DECLARATIONS = `
interface Cell { v: u16; w: i32 }
const K_NEG: i32 = -2;
const K_BIG: u32 = 4000000000;
const K_ONE: u8 = 1;
const K_TWO: u8 = 2;
`;

/** Three adjacent arrays of `kind`, filled with distinct non-zero values; `a` is the one indexed. */
function arrays(kind: string, length: number): string {
  const lit = kind.endsWith("64") ? "n" : "";
  const fill = (name: string, base: number) =>
    Array.from({ length }, (_, i) => `${name}[${i}] = ${kind}(${base + i}${lit});`).join(" ");
  return [
    `    const lo: FixedArray<${kind}, ${length}> = zero();`,
    `    const a: FixedArray<${kind}, ${length}> = zero();`,
    `    const hi: FixedArray<${kind}, ${length}> = zero();`,
    `    ${fill("lo", 11)} ${fill("a", 21)} ${fill("hi", 31)}`,
  ].join("\n");
}

/** Every element of the three arrays into result slots from `first` on (3 × length slots). */
function dump(length: number, first: number): string {
  const out: string[] = [];
  ["lo", "a", "hi"].forEach((name, k) => {
    for (let i = 0; i < length; i++) out.push(`ctx.r${first + k * length + i} = u64(${name}[${i}]);`);
  });
  return "    " + out.join(" ");
}

/** Index expressions whose value is known at compile time, with what each means. */
const KNOWN_INDEXES: { label: string; pre: string; index: string }[] = [
  { label: "cast_literal", pre: "", index: "i32(-2)" },
  { label: "minus_one", pre: "", index: "i32(-1)" },
  { label: "zero", pre: "", index: "i32(0)" },
  { label: "last", pre: "", index: "i32(3)" },
  { label: "length", pre: "", index: "i32(4)" },
  { label: "let_i32", pre: "let i: i32 = -2;", index: "i" },
  { label: "let_i16", pre: "let i: i16 = -1;", index: "i" },
  { label: "let_i8_assigned", pre: "let i: i8 = 1; i = -3;", index: "i" },
  { label: "let_i64_truncated", pre: "let i: i64 = -1099511627779n;", index: "i32(i)" },
  { label: "far_negative", pre: "", index: "i32(-100)" },
  { label: "int_min", pre: "", index: "i32(-2147483648)" },
  { label: "u64_far", pre: "let i: u64 = 0xffffff0000000000n;", index: "u32(i >> 8n)" },
  { label: "large_u32", pre: "", index: "u32(4294967295)" },
  { label: "large_i32", pre: "", index: "i32(2147483647)" },
  { label: "folded_negative", pre: "", index: "(i32(ctx.x_u8) * 0 - 1)" },
  { label: "folded_sum", pre: "let i: i32 = 3; i = i - 5;", index: "i" },
  { label: "ternary_of_constants", pre: "const i: i32 = 1 > 2 ? 1 : -1;", index: "i" },
  { label: "u8_wraps", pre: "let i: u8 = 0; i--;", index: "i" },
];

export function knownIndexPrograms(): BatchProgram[] {
  const programs: BatchProgram[] = [];
  for (const [kind, length] of [["u32", 4], ["u8", 4], ["i16", 4], ["u64", 4]] as const) {
    for (const k of KNOWN_INDEXES) {
      const lit = kind.endsWith("64") ? "n" : "";
      programs.push({
        name: `write_${k.label}_${kind}`,
        body: `${arrays(kind, length)}\n    ${k.pre}\n    a[${k.index}] = ${kind}(99${lit});\n${dump(length, 0)}\n    return 0;`,
      });
      programs.push({
        name: `read_${k.label}_${kind}`,
        body: `${arrays(kind, length)}\n    ${k.pre}\n    ctx.r0 = u64(a[${k.index}]);\n    return 0;`,
      });
    }
  }
  return programs;
}

/** Compound assignment, increments and struct members at known negative indexes, and 2-D arrays. */
export function otherKnownIndexPrograms(): BatchProgram[] {
  return [
    {
      name: "compound_at_negative",
      body: `${arrays("u32", 4)}
    let i: i32 = -1;
    a[i] += 5; a[i]++; --a[i32(-3)]; a[i32(-2)] |= 0xff00;
    ctx.r12 = u64(a[i]);
${dump(4, 0)}
    return 0;`,
    },
    {
      name: "struct_member_at_negative",
      body: `
    const lo: FixedArray<Cell, 2> = zero();
    const a: FixedArray<Cell, 2> = zero();
    const hi: FixedArray<Cell, 2> = zero();
    lo[0].v = 1; lo[1].w = 2; a[0].v = 3; a[1].w = 4; hi[0].v = 5; hi[1].w = 6;
    let i: i32 = -1;
    a[i].w = -7; a[i32(-2)].v = 8; a[i32(2)].w = 9;
    ctx.r0 = u64(a[i].w); ctx.r1 = u64(a[i32(-2)].v);
    ctx.r2 = u64(lo[0].v); ctx.r3 = u64(lo[1].w); ctx.r4 = u64(a[0].v); ctx.r5 = u64(a[1].w); ctx.r6 = u64(hi[0].v); ctx.r7 = u64(hi[1].w);
    ctx.r8 = u64(lo[1].v); ctx.r9 = u64(hi[0].w);
    return 0;`,
    },
    {
      name: "two_dimensional",
      body: `
    const lo: FixedArray<u32, 4> = zero();
    const m: FixedArray<FixedArray<u32, 2>, 2> = zero();
    const hi: FixedArray<u32, 4> = zero();
    lo[3] = 1; hi[0] = 2; m[0][0] = 3; m[0][1] = 4; m[1][0] = 5; m[1][1] = 6;
    let i: i32 = -1;
    m[i][0] = 70; m[0][i] = 71; m[1][i32(2)] = 72; m[i32(2)][1] = 73;
    ctx.r0 = u64(m[i][1]); ctx.r1 = u64(m[1][i]);
    ctx.r2 = u64(m[0][0]) + u64(m[0][1]) * 10n + u64(m[1][0]) * 100n + u64(m[1][1]) * 1000n;
    ctx.r3 = u64(lo[0]) + u64(lo[1]) + u64(lo[2]) + u64(lo[3]) + u64(hi[0]) + u64(hi[1]) + u64(hi[2]) + u64(hi[3]);
    return 0;`,
    },
    {
      // Indexes computed from module constants have C's values, not mathematical ones: -2 converts
      // to u32 before the division (4294967294 / 4000000000 = 1), a u32 sum wraps, u8 operands are
      // promoted to i32 before the subtraction. In range they are constant; out of range they read
      // 0 and write nothing (issue 9, regression case constant-index-evaluated-without-c-types).
      name: "indexes_of_module_constants",
      body: `${arrays("u32", 4)}
    a[(K_NEG / K_BIG) + 2] = 90;
    a[K_BIG + 294967297] = 91;
    a[(K_NEG / K_BIG) + 3] = 92;
    a[K_BIG * 2] = 93;
    a[K_ONE - K_TWO] = 94;
    ctx.r12 = u64(a[(K_NEG / K_BIG) + 3]);
    ctx.r13 = u64(a[K_ONE - K_TWO]);
    ctx.r14 = u64(a[(K_NEG >> 1) & 3]);
    let n: u32 = 0;
    for (let i: u32 = 0; i < K_BIG + 294967299; i++) n += 1;
    ctx.r15 = u64(n);
${dump(4, 0)}
    return 0;`,
    },
    {
      name: "boundaries_at_run_time",
      // The same values, unknown to the compiler: the documented results either way.
      body: `${arrays("u32", 4)}
    const n: i32 = i32(ctx.x_i8);
    a[n] = 99;
    ctx.r12 = u64(a[n]);
    ctx.r13 = u64(a[n - 4]);
    ctx.r14 = u64(a[u32(ctx.x_u32)]);
    ctx.r15 = u64(a[i32(ctx.x_i64)]);
${dump(4, 0)}
    return 0;`,
    },
  ];
}
