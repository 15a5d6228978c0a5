// The reference evaluator on its own: C's typing and BPF's arithmetic on known answers, struct
// layout, control flow, maps and subprograms.
import { describe, expect, it } from "vitest";
import { Evaluator } from "./interpreter.js";
import { sizeOf } from "./types.js";

const HEAD = 'import { Probe, syscall, HashMap, u8, i8, u16, i16, u32, i32, u64, i64, type FixedArray } from "tsbpf";\n';

function run(body: string, options: { preamble?: string; fields?: string; ctx?: Uint8Array } = {}) {
  const src = `${HEAD}${options.preamble ?? ""}\ninterface Io { a: u32; b: i32; r: u64 }\nexport class T extends Probe {\n${options.fields ?? ""}\n  @syscall\n  p(ctx: Io): i32 {\n${body}\n  }\n}\n`;
  const e = new Evaluator(src);
  return e.run("T", "p", options.ctx ?? new Uint8Array(16));
}

describe("reference evaluator", () => {
  it("types operators as C does", () => {
    expect(run("const x: u8 = 200; const y: u8 = 100; return i32(x + y);").retval.v).toBe(300n); // u8 + u8 is an int
    expect(run("const x: u32 = 1; const y: i32 = -2; ctx.r = u64(x + y); return 0;").ctx.subarray(8)).toEqual(
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
    ); // u32 + i32 is a u32
    expect(run("const x: i32 = -7; return x / 2;").retval.v).toBe(-3n);
    expect(run("const x: i32 = -7; return x % 2;").retval.v).toBe(-1n);
    expect(run("const x: u32 = 7; const z: u32 = 0; return i32(x / z);").retval.v).toBe(0n);
    expect(run("const x: u32 = 7; const z: u32 = 0; return i32(x % z);").retval.v).toBe(7n);
    expect(run("const x: i8 = -128; return x >> 1;").retval.v).toBe(-64n);
    expect(run("const x: i32 = -1; return i32(x >>> 28);").retval.v).toBe(15n);
    expect(run("const x: i32 = -1; const y: u32 = 1; return x < y ? 1 : 0;").retval.v).toBe(0n); // -1 converts to u32
    expect(run("const x: i64 = -9223372036854775808n; return i32(x / -1n === x ? 1 : 0);").retval.v).toBe(1n);
    expect(run("let x: u8 = 250; x += 10; return x;").retval.v).toBe(4n);
    expect(run("let x: i16 = 32767; x++; return x;").retval.v).toBe(-32768n);
  });

  it("lays structs out with natural alignment", () => {
    const e = new Evaluator(`${HEAD}interface S { a: u8; b: u64; c: u16; d: FixedArray<u8, 3> }\ninterface N { x: u8; s: S; y: u32 }`);
    expect(sizeOf(e.types.named("S"))).toBe(24);
    expect(e.types.named("N")).toMatchObject({ size: 40, align: 8, fields: [{ offset: 0 }, { offset: 8 }, { offset: 32 }] });
  });

  it("runs loops, switch, labelled break and subprograms", () => {
    const preamble = "function sq(x: u32): u32 { return x * x; }\n";
    const body = [
      "let s: u32 = 0;",
      "outer: for (let i: u32 = 0; i < 10; i++) { for (let j: u32 = 0; j < 10; j++) { if (j > i) continue outer; if (i * j > 20) break outer; s += sq(j); } }",
      "switch (s % 3) { case 0: s += 100; case 1: s += 1000; break; default: s += 5; }",
      "return i32(s);",
    ].join("\n");
    let s = 0;
    outer: for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) { if (j > i) continue outer; if (i * j > 20) break outer; s += j * j; }
    const m = s % 3;
    if (m === 0) s += 1100; else if (m === 1) s += 1000; else s += 5;
    expect(run(body, { preamble }).retval.v).toBe(BigInt(s));
  });

  it("keeps map state across runs and writes through lookup pointers", () => {
    const src = `${HEAD}interface Io { a: u32; b: i32; r: u64 }\nexport class T extends Probe {\n  m = new HashMap<u32, u64>({ maxEntries: 2 });\n  @syscall\n  p(ctx: Io): i32 {\n    const v = this.m.lookup(ctx.a);\n    if (v) { v.value += 1n; ctx.r = v.value; return 1; }\n    return i32(this.m.update(ctx.a, 10n, 1n));\n  }\n}\n`;
    const e = new Evaluator(src);
    const state = e.newState("T");
    const ctx = (a: number) => new Uint8Array([a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(e.run("T", "p", ctx(1), state).retval.v).toBe(0n);
    const second = e.run("T", "p", ctx(1), state);
    expect(second.retval.v).toBe(1n);
    expect(second.ctx[8]).toBe(11);
    expect(e.run("T", "p", ctx(2), state).retval.v).toBe(0n);
    expect(e.run("T", "p", ctx(3), state).retval.v).toBe(-7n); // -E2BIG: the map is full
  });
});
