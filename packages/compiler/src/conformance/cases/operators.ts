/**
 * Every operator over every kind pair: for each operator one program whose result slots hold
 * `x OP y` for every pair of operand kinds of one family (up-to-32-bit kinds are numbers, 64-bit
 * kinds bigints: TypeScript does not mix them without a cast), stored as `u64(...)` so that the
 * result's kind (its width and sign) shows in the slot.
 */
import type { Kind } from "../evaluator/c-ints.js";
import { operand } from "../io.js";
import type { BatchProgram } from "../harness.js";

export const NUMBER_KINDS: readonly Kind[] = ["u8", "i8", "u16", "i16", "u32", "i32"];
export const BIGINT_KINDS: readonly Kind[] = ["u64", "i64"];

const ARITHMETIC = ["+", "-", "*", "/", "%", "&", "|", "^"] as const;
const SHIFTS = ["<<", ">>", ">>>"] as const;
const COMPARISONS = ["<", "<=", ">", ">=", "===", "!==", "==", "!="] as const;

const opName: Record<string, string> = {
  "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "&": "and", "|": "or", "^": "xor",
  "<<": "shl", ">>": "shr", ">>>": "ushr", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
  "===": "eq", "!==": "ne", "==": "eq2", "!=": "ne2",
};

function program(name: string, exprs: string[]): BatchProgram {
  const body = exprs.map((e, i) => `    ctx.r${i} = ${e};`);
  return { name, body: [...body, "    return 0;"].join("\n"), labels: exprs };
}

function pairs(kinds: readonly Kind[]): [Kind, Kind][] {
  return kinds.flatMap((a) => kinds.map((b) => [a, b] as [Kind, Kind]));
}

/** One program per (operator, family). */
export function operatorPrograms(): BatchProgram[] {
  const out: BatchProgram[] = [];
  for (const [family, kinds] of [["n", NUMBER_KINDS], ["b", BIGINT_KINDS]] as const) {
    const big = family === "b";
    const x = (k: Kind) => `ctx.${operand("x", k)}`;
    const y = (k: Kind) => `ctx.${operand("y", k)}`;
    for (const op of ARITHMETIC) out.push(program(`${opName[op]}_${family}`, pairs(kinds).map(([a, b]) => `u64(${x(a)} ${op} ${y(b)})`)));
    for (const op of SHIFTS) {
      if (big && op === ">>>") continue; // bigints have no unsigned shift in TypeScript
      // Counts stay below the width: larger ones are undefined in C.
      const mask = big ? "63n" : "31";
      out.push(program(`${opName[op]}_${family}`, pairs(kinds).map(([a, b]) => `u64(${x(a)} ${op} (${y(b)} & ${mask}))`)));
    }
    for (const op of COMPARISONS) {
      out.push(program(`${opName[op]}_${family}`, pairs(kinds).map(([a, b]) => `${x(a)} ${op} ${y(b)} ? 1n : 0n`)));
    }
  }
  return out;
}

/** Operations with a constant zero operand, which the optimiser folds to 0 or to the other operand. */
export function zeroOperandPrograms(): BatchProgram[] {
  const out: BatchProgram[] = [];
  for (const [family, kinds] of [["n", NUMBER_KINDS], ["b", BIGINT_KINDS]] as const) {
    const zero = family === "b" ? "0n" : "0";
    const x = (k: Kind) => `ctx.${operand("x", k)}`;
    const exprs = (k: Kind) => [
      ...(["*", "&", "+", "-", "|", "^", "<<", ">>"] as const).map((op) => `u64(${x(k)} ${op} ${zero})`),
      ...(["*", "&", "/", "%", "<<", ">>", "-"] as const).map((op) => `u64(${zero} ${op} ${x(k)}${op === "<<" || op === ">>" ? ` & ${family === "b" ? "63n" : "31"}` : ""})`),
    ];
    // Three kinds a program: 45 results, within the batch's 48 slots.
    for (let i = 0; i < kinds.length; i += 3) out.push(program(`zero_operand_${family}${i / 3}`, kinds.slice(i, i + 3).flatMap(exprs)));
  }
  return out;
}

/** Unary operators, increments and compound assignment, for every kind. */
export function unaryPrograms(): BatchProgram[] {
  const all = [...NUMBER_KINDS, ...BIGINT_KINDS];
  const x = (k: Kind) => `ctx.${operand("x", k)}`;
  const y = (k: Kind) => `ctx.${operand("y", k)}`;
  const unary = all.flatMap((k) => [`u64(-${x(k)})`, `u64(~${x(k)})`, `!${x(k)} ? 1n : 0n`]);
  const incs = all.map((k, i) => ({
    k,
    code: `{ let v: ${k} = ${x(k)}; const a = v++; const b = ++v; const c = v--; const d = --v; ctx.r${i * 4} = u64(a); ctx.r${i * 4 + 1} = u64(b); ctx.r${i * 4 + 2} = u64(c); ctx.r${i * 4 + 3} = u64(d); }`,
  }));
  const out: BatchProgram[] = [program("unary", unary)];
  out.push({
    name: "increments",
    body: [...incs.map((c) => `    ${c.code}`), "    return 0;"].join("\n"),
    labels: all.flatMap((k) => [`${k}++ (old)`, `++${k}`, `${k}-- (old)`, `--${k}`]),
  });
  const compounds = ["+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="] as const;
  for (const [family, kinds] of [["n", NUMBER_KINDS], ["b", BIGINT_KINDS]] as const) {
    const big = family === "b";
    const ps = pairs(kinds);
    for (let chunk = 0; chunk * 4 < compounds.length; chunk++) {
      const ops = compounds.slice(chunk * 4, chunk * 4 + 4);
      const lines: string[] = [];
      const labels: string[] = [];
      for (const op of ops) {
        for (const [a, b] of ps) {
          if (labels.length >= 48) break;
          const rhs = op === "<<=" || op === ">>=" ? `(${y(b)} & ${big ? "63n" : "31"})` : y(b);
          lines.push(`    { let v: ${a} = ${x(a)}; v ${op} ${rhs}; ctx.r${labels.length} = u64(v); }`);
          labels.push(`${a} ${op} ${b}`);
        }
      }
      out.push({ name: `compound${chunk}_${family}`, body: [...lines, "    return 0;"].join("\n"), labels });
    }
  }
  return out;
}

/** Every cast between kinds, and mixed-width arithmetic through casts. */
export function castPrograms(): BatchProgram[] {
  const all = [...NUMBER_KINDS, ...BIGINT_KINDS];
  const exprs = all.flatMap((from) => all.map((to) => `u64(${to}(ctx.${operand("x", from)}))`));
  const mixed = [
    "u64(i64(ctx.x_u32) + ctx.y_i64)", "u64(u64(ctx.x_i32) + ctx.y_u64)", "u64(i64(ctx.x_i8) * ctx.y_i64)",
    "u64(u32(ctx.x_i64) + ctx.y_u32)", "u64(i32(ctx.x_u64) - ctx.y_i32)", "u64(u64(ctx.x_u16) << (ctx.y_u64 & 63n))",
    "u64(i64(ctx.x_i16) >> (ctx.y_u64 & 63n))", "u64(i64(ctx.x_u32) / ctx.y_i64)", "u64(u64(ctx.x_i8) % ctx.y_u64)",
    "i64(ctx.x_i32) < ctx.y_i64 ? 1n : 0n", "u64(ctx.x_i32) < ctx.y_u64 ? 1n : 0n", "u64(u8(ctx.x_u64 >> 3n) + u8(ctx.y_u64))",
  ];
  return [
    program("casts0", exprs.slice(0, 32)),
    program("casts1", exprs.slice(32)),
    program("mixed", mixed),
  ];
}
