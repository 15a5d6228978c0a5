// Programs computed in the kernel give C's results: integer arithmetic over every kind (promotions,
// usual arithmetic conversions, wrap-around, signed/unsigned division, shifts, comparisons,
// casts, compound assignment) checked against an independent BigInt model of C, and the brief's
// WriteStats example keeping its per-process statistics in a hash map.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { beforeAll, expect, it } from "vitest";
import type { BpfObject, HashMapHandle, RingBufReader } from "@tsbpf/runtime";
import { compileFile } from "./compile.js";
import { describeKernel } from "./testing/kernel.js";
import { compileText, fixtureDir, fixturePath, IMPORTS } from "./testing/probes.js";

const U8 = (x: bigint) => BigInt.asUintN(8, x);
const I8 = (x: bigint) => BigInt.asIntN(8, x);
const U16 = (x: bigint) => BigInt.asUintN(16, x);
const I16 = (x: bigint) => BigInt.asIntN(16, x);
const U32 = (x: bigint) => BigInt.asUintN(32, x);
const I32 = (x: bigint) => BigInt.asIntN(32, x);
const U64 = (x: bigint) => BigInt.asUintN(64, x);
const I64 = (x: bigint) => BigInt.asIntN(64, x);
/** Truncating division with BPF's x/0 = 0 and x%0 = x. */
const div = (a: bigint, b: bigint) => (b === 0n ? 0n : a / b);
const mod = (a: bigint, b: bigint) => (b === 0n ? a : a % b);
const flag = (c: boolean) => (c ? 1n : 0n);

type Vars = Record<string, bigint>;

function vars(A: bigint, B: bigint): Vars {
  return {
    A, B,
    a8: U8(A), b8: U8(B), s8: I8(A), t8: I8(B),
    a16: U16(A), b16: U16(B), s16: I16(A), t16: I16(B),
    a32: U32(A), b32: U32(B), s32: I32(A), t32: I32(B),
    sA: I64(A), sB: I64(B),
  };
}

/** Each expression is stored as u64(expression): the model gives the value before that cast. */
const cases: [string, (v: Vars) => bigint][] = [
  ["a8 + b8", (v) => I32(v.a8! + v.b8!)],
  ["a8 * b8", (v) => I32(v.a8! * v.b8!)],
  ["s8 - b8", (v) => I32(v.s8! - v.b8!)],
  ["s8 * t8", (v) => I32(v.s8! * v.t8!)],
  ["a16 * b16", (v) => I32(v.a16! * v.b16!)],
  ["s16 + t16", (v) => I32(v.s16! + v.t16!)],
  ["a32 + b32", (v) => U32(v.a32! + v.b32!)],
  ["a32 - b32", (v) => U32(v.a32! - v.b32!)],
  ["a32 * b32", (v) => U32(v.a32! * v.b32!)],
  ["a32 / b32", (v) => div(v.a32!, v.b32!)],
  ["a32 % b32", (v) => mod(v.a32!, v.b32!)],
  ["s32 / t32", (v) => I32(div(v.s32!, v.t32!))],
  ["s32 % t32", (v) => I32(mod(v.s32!, v.t32!))],
  ["s32 / -1", (v) => I32(-v.s32!)],
  ["s16 / t8", (v) => I32(div(v.s16!, v.t8!))],
  ["s32 >> 3", (v) => v.s32! >> 3n],
  ["a32 >> 3", (v) => v.a32! >> 3n],
  ["s32 >>> 4", (v) => U32(v.s32!) >> 4n],
  ["s8 << 3", (v) => I32(v.s8! << 3n)],
  ["a32 << 31", (v) => U32(v.a32! << 31n)],
  ["a32 << (b32 & 7)", (v) => U32(v.a32! << (v.b32! & 7n))],
  ["s32 >> (b8 & 15)", (v) => v.s32! >> (v.b8! & 15n)],
  ["~a32", (v) => U32(~v.a32!)],
  ["~s8", (v) => I32(~v.s8!)],
  ["-a32", (v) => U32(-v.a32!)],
  ["-s16", (v) => I32(-v.s16!)],
  ["(a32 ^ b32) & 0xff00", (v) => (v.a32! ^ v.b32!) & 0xff00n],
  ["s32 | t8", (v) => I32(v.s32! | v.t8!)],
  ["A + B", (v) => U64(v.A! + v.B!)],
  ["A - B", (v) => U64(v.A! - v.B!)],
  ["A * B", (v) => U64(v.A! * v.B!)],
  ["A / B", (v) => div(v.A!, v.B!)],
  ["A % B", (v) => mod(v.A!, v.B!)],
  ["sA / sB", (v) => I64(div(v.sA!, v.sB!))],
  ["sA % sB", (v) => I64(mod(v.sA!, v.sB!))],
  ["sA >> 5n", (v) => v.sA! >> 5n],
  ["A >> 5n", (v) => v.A! >> 5n],
  ["A << 7n", (v) => U64(v.A! << 7n)],
  ["A ^ (B >> 3n)", (v) => v.A! ^ (v.B! >> 3n)],
  ["s32 < a32 ? 1 : 0", (v) => flag(U32(v.s32!) < v.a32!)],
  ["s32 < t32 ? 1 : 0", (v) => flag(v.s32! < v.t32!)],
  ["sA < sB ? 1 : 0", (v) => flag(v.sA! < v.sB!)],
  ["A < B ? 1 : 0", (v) => flag(v.A! < v.B!)],
  ["s8 <= t8 ? 1 : 0", (v) => flag(v.s8! <= v.t8!)],
  ["a8 > b8 && a32 !== b32 ? 1 : 0", (v) => flag(v.a8! > v.b8! && v.a32 !== v.b32)],
  ["a32 === b32 || s16 < 0 ? 1 : 0", (v) => flag(v.a32 === v.b32 || v.s16! < 0n)],
  ["!(a16 >= b16) ? 7 : 9", (v) => (!(v.a16! >= v.b16!) ? 7n : 9n)],
  ["u8(s32)", (v) => U8(v.s32!)],
  ["i8(a32)", (v) => I8(v.a32!)],
  ["i16(A)", (v) => I16(v.A!)],
  ["u16(s32)", (v) => U16(v.s32!)],
  ["i64(s32)", (v) => v.s32!],
  ["u64(s8)", (v) => U64(v.s8!)],
  ["i64(a32)", (v) => v.a32!],
  ["u32(sA)", (v) => U32(v.sA!)],
  ["i64(a32) + sA", (v) => I64(v.a32! + v.sA!)],
  ["u64(s32) + A", (v) => U64(v.s32! + v.A!)],
  ["b32 / (b32 - b32)", () => 0n],
  ["a32 % (b32 - b32)", (v) => v.a32!],
  ["sA / (sB - sB)", () => 0n],
  ["sA % (sB - sB)", (v) => v.sA!],
];

/** Statements that leave their result in `r`, stored as u64(r). */
const statements: [string, (v: Vars) => bigint][] = [
  ["let x: u8 = a8; x += 200; x *= 3; r = u64(x);", (v) => U8(U8(v.a8! + 200n) * 3n)],
  ["let y: i16 = s16; y -= 30000; y <<= 2; r = u64(y);", (v) => U64(I16(I16(v.s16! - 30000n) << 2n))],
  ["let z: u32 = a32; z++; z--; z--; r = u64(z);", (v) => U32(v.a32! - 1n)],
  ["let w: i64 = sA; w /= 3n; w %= 1000n; r = u64(w);", (v) => U64(mod(div(v.sA!, 3n), 1000n))],
  ["let q: u64 = A; q >>= 60n; q |= 0x100n; r = q;", (v) => (v.A! >> 60n) | 0x100n],
  ["let c: i8 = s8; const old = c++; r = u64(old) + u64(c);", (v) => U64(v.s8! + I8(v.s8! + 1n))],
  ["let d: u16 = a16; r = u64(--d);", (v) => U16(v.a16! - 1n)],
  ["let e: u32 = 0; if (a8 > b8) { e = 1; } else if (a8 < b8) { e = 2; } else { e = 3; } r = u64(e);", (v) => (v.a8! > v.b8! ? 1n : v.a8! < v.b8! ? 2n : 3n)],
];

function probe(): string {
  const updates = cases.map(([expr], i) => `    this.out.update(${i}, u64(${expr}));`);
  const blocks = statements.map(([code], i) => `    { let r: u64 = 0n; ${code} this.out.update(${cases.length + i}, r); }`);
  return [
    IMPORTS,
    "export class Arith extends Probe {",
    "  @config targetPid: u32 = 0;",
    "  inputs = new HashMap<u32, u64>({ maxEntries: 4 });",
    "  out = new HashMap<u32, u64>({ maxEntries: 256 });",
    '  @tracepoint("syscalls", "sys_enter_write")',
    "  run(ctx: SysEnterContext): i32 {",
    "    if (u32(bpf.getCurrentPidTgid() >> 32n) !== this.targetPid) return 0;",
    "    const pa = this.inputs.lookup(0);",
    "    const pb = this.inputs.lookup(1);",
    "    if (!pa || !pb) return 0;",
    "    const A = pa.value;",
    "    const B = pb.value;",
    "    const a8: u8 = u8(A); const b8: u8 = u8(B); const s8: i8 = i8(A); const t8: i8 = i8(B);",
    "    const a16: u16 = u16(A); const b16: u16 = u16(B); const s16: i16 = i16(A); const t16: i16 = i16(B);",
    "    const a32: u32 = u32(A); const b32: u32 = u32(B); const s32: i32 = i32(A); const t32: i32 = i32(B);",
    "    const sA: i64 = i64(A); const sB: i64 = i64(B);",
    ...updates,
    ...blocks,
    "    return 0;",
    "  }",
    "}",
  ].join("\n");
}

const inputs: [bigint, bigint][] = [
  [5n, 3n],
  [0xdeadbeefcafebaben, 0x1234567890abcdefn],
  [U64(-7n), 2n],
  [0x80000000n, 0xffffffffn],
  [200n, 0n],
  [0xffffffffffffffffn, 1n],
  [0x8000000000000000n, U64(-1n)],
  [0x7fn, 0x80n],
];

/** Runs `act` with a fd of /dev/null open (writes to it fire sys_enter_write). */
function withDevNull<T>(act: (fd: number) => T): T {
  const fd = openSync("/dev/null", "w");
  try {
    return act(fd);
  } finally {
    closeSync(fd);
  }
}

interface Sample {
  cpu: number;
  pad: number;
  time: bigint;
  comm: string;
  name: string;
}

const HELPERS = [
  IMPORTS,
  "interface Sample { cpu: u32; pad: u32; time: u64; comm: CharArray<16>; name: CharArray<8> }",
  "export class Helpers extends Probe {",
  "  @config targetPid: u32 = 0;",
  "  hits: u64 = 0n;",
  "  base: u32 = 40;",
  "  samples = new HashMap<u32, Sample>({ maxEntries: 4 });",
  "  events = new RingBuf<Sample>({ size: 4096 });",
  '  @tracepoint("syscalls", "sys_enter_write")',
  "  run(ctx: SysEnterContext): i32 {",
  "    const pid = u32(bpf.getCurrentPidTgid() >> 32n);",
  "    if (pid !== this.targetPid) return 0;",
  "    this.hits += 1n;",
  "    this.base = this.base + 2;",
  '    const s: Sample = { cpu: bpf.getSmpProcessorId(), pad: 0, time: bpf.ktimeGetNs(), comm: "", name: "tsbpf" };',
  "    bpf.getCurrentComm(s.comm);",
  '    bpf.printk("tsbpf compiler test: comm %s cpu %u", s.comm, s.cpu);',
  "    this.samples.update(0, s);",
  "    const stored = this.samples.lookup(0);",
  "    if (!stored) return 1;",
  "    stored.pad = 7;",
  "    bpf.probeReadUserStr(stored.name, ctx.args[1]);",
  "    this.events.output(s);",
  "    return 0;",
  "  }",
  "}",
].join("\n");

describeKernel("programs run in the kernel", () => {
  let runtime: typeof import("@tsbpf/runtime");
  beforeAll(async () => {
    runtime = await import("@tsbpf/runtime");
  });

  it("compute C's integer results for every kind", async () => {
    const result = compileText(probe(), "arith.bpf.ts");
    expect(result.diagnostics).toEqual([]);
    const object: BpfObject = await runtime.loadObject(result.probes[0]!.elf, { config: { targetPid: process.pid } });
    try {
      object.attach();
      const inputMap = object.map("inputs") as HashMapHandle<number, bigint>;
      const out = object.map("out") as HashMapHandle<number, bigint>;
      for (const [A, B] of inputs) {
        inputMap.set(0, A);
        inputMap.set(1, B);
        withDevNull((fd) => writeSync(fd, "x"));
        const v = vars(A, B);
        const all = [...cases, ...statements];
        const got = all.map(([expr], i) => ({ expr, value: out.get(i) }));
        const expected = all.map(([expr, model]) => ({ expr, value: U64(model(v)) }));
        expect({ A, B, got }).toEqual({ A, B, got: expected });
      }
    } finally {
      object.close();
    }
  });

  it("calls helpers, writes globals, map values through pointers and ring buffer records", async () => {
    const result = compileText(HELPERS, "helpers.bpf.ts");
    expect(result.diagnostics).toEqual([]);
    // Loaded from the spec: a ring buffer's record type (MapSpec.valueTypeId) has no place in the
    // libbpf map definition, so the ELF bytes alone do not carry it.
    const object: BpfObject = await runtime.loadObject(result.probes[0]!.spec, { config: { targetPid: process.pid } });
    try {
      object.attach();
      withDevNull((fd) => writeSync(fd, "hello-buffer"));
      const comm = readFileSync("/proc/self/comm", "utf8").trim();
      expect(object.variable("hits")).toBe(1n);
      expect(object.variable("base")).toBe(42);
      const sample = (object.map("samples") as HashMapHandle<number, Sample>).get(0)!;
      expect(sample).toMatchObject({ pad: 7, comm, name: "hello-b" });
      expect(sample.cpu).toBeLessThan(availableParallelism() * 4);
      expect(sample.time).toBeGreaterThan(0n);
      const records: Sample[] = [];
      (object.map("events") as RingBufReader<Sample>).consume((r) => records.push(r));
      expect(records).toEqual([{ ...sample, pad: 0, name: "tsbpf" }]);
    } finally {
      object.close();
    }
  });

  it("keeps the brief's WriteStats statistics", async () => {
    const result = compileFile(fixturePath("write-stats.bpf.ts"), { sourceRoot: fixtureDir });
    expect(result.diagnostics).toEqual([]);
    const object: BpfObject = await runtime.loadObject(result.probes[0]!.elf);
    try {
      const stats = object.map("stats") as HashMapHandle<number, { calls: bigint; lastFd: number; bytes: bigint }>;
      const settings = object.map("settings") as HashMapHandle<number, bigint>;
      object.attach();
      const fd = withDevNull((fd) => {
        for (const size of [3, 10, 100]) writeSync(fd, Buffer.alloc(size));
        return fd;
      });
      expect(stats.get(process.pid)).toEqual({ calls: 3n, lastFd: fd, bytes: 113n });
      settings.set(0, 4n);
      stats.delete(process.pid);
      const fd2 = withDevNull((fd) => {
        writeSync(fd, Buffer.alloc(5));
        writeSync(fd, Buffer.alloc(7));
        return fd;
      });
      expect(stats.get(process.pid)).toEqual({ calls: 2n, lastFd: fd2, bytes: 48n });
    } finally {
      object.close();
    }
  });
});

