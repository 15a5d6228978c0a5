// map.forEach((key, value) => ...) compiled to bpf_for_each_map_elem (Linux 5.13) and run in the
// kernel by @syscall programs (BPF_PROG_TEST_RUN, 5.14) over maps filled from user space; what
// they report is compared with the same walk done in the test over what it inserted.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { BpfObject, HashMapHandle } from "@tsbpf/runtime";
import { describeKernel } from "../testing/kernel.js";
import { Codes } from "../diagnostics/codes.js";
import { compileText, compiledProbe } from "../testing/probes.js";
import { runKernelCase } from "../testing/kernel-run.js";

const SOURCE = `
import { Probe, syscall, config, bpf, HashMap, LruHash, ArrayMap, PerCpuHash, PerCpuArray, u64, type u32, type i32, type i64 } from "tsbpf";

interface Sum { sum: u64; keys: u64; visited: i64 }
interface Stop { threshold: u64; seen: u32; last: u32; visited: i64 }
interface Key { pid: u32; tag: u32 }
interface Stat { count: u64; bytes: u64 }
interface Tagged { scale: u64; count: u64; bytes: u64; visited: i64 }
interface PerCpu { cpu: u32; sum: u64; arraySum: u64; visited: i64 }
interface Nested { pairs: u64; visited: i64 }

export class Walks extends Probe {
  values = new HashMap<u32, u64>({ maxEntries: 64 });
  recent = new LruHash<u32, u64>({ maxEntries: 64 });
  order = new HashMap<u32, u32>({ maxEntries: 64 });
  slots = new ArrayMap<u64>({ maxEntries: 16 });
  stats = new HashMap<Key, Stat>({ maxEntries: 16 });
  scale = new ArrayMap<u64>({ maxEntries: 1 });
  copy = new HashMap<Key, Stat>({ maxEntries: 16 });
  shadow = new HashMap<Key, Stat>({ maxEntries: 16 });
  cpuValues = new PerCpuHash<u32, u64>({ maxEntries: 16 });
  cpuSlots = new PerCpuArray<u64>({ maxEntries: 4 });

  @syscall
  sumHash(ctx: Sum): i32 {
    let sum: u64 = 0n;
    let keys: u64 = 0n;
    ctx.visited = this.values.forEach((key, value) => {
      sum += value.value;
      keys += u64(key);
    });
    ctx.sum = sum;
    ctx.keys = keys;
    return 0;
  }

  @syscall
  sumLru(ctx: Sum): i32 {
    let sum: u64 = 0n;
    ctx.visited = this.recent.forEach((key, value) => {
      sum += value.value;
      return 0;
    });
    ctx.sum = sum;
    return 0;
  }

  @syscall
  stopEarly(ctx: Stop): i32 {
    const threshold = ctx.threshold;
    let seen: u32 = 0;
    let last: u32 = 0;
    ctx.visited = this.values.forEach((key, value) => {
      this.order.update(seen, key);
      seen++;
      last = key;
      if (value.value >= threshold) return 1;
      return 0;
    });
    ctx.seen = seen;
    ctx.last = last;
    return 0;
  }

  /** @noinline */
  sumValues(scale: u64): u64 {
    let sum: u64 = 0n;
    this.values.forEach((key, value) => { sum += value.value * scale; });
    return sum;
  }

  countRecent(out: Sum): void {
    out.visited = this.recent.forEach((key, value) => { out.keys += u64(key); });
  }

  @syscall
  viaMethods(ctx: Sum): i32 {
    ctx.sum = this.sumValues(1n) + this.sumValues(2n);
    const acc: Sum = { sum: 0n, keys: ctx.keys, visited: 0n };
    this.countRecent(acc);
    ctx.keys = acc.keys;
    ctx.visited = acc.visited;
    return 0;
  }

  @config limit: u64 = 1000n;
  bytes = new HashMap<u32, u64>({ maxEntries: 64 });

  // The example of docs/hooks-and-maps.md.
  @syscall
  drain(ctx: Sum): i32 {
    let total: u64 = 0n;
    const seen = this.bytes.forEach((pid, value) => {
      total += value.value;
      value.value = 0n;
      if (total > this.limit) return 1;
    });
    ctx.sum = total;
    ctx.visited = seen;
    return 0;
  }

  @syscall
  usesContext(ctx: Sum): i32 {
    ctx.visited = this.values.forEach((key, value) => {
      ctx.sum += value.value;
      if (ctx.sum >= ctx.keys) return 1;
    });
    return 0;
  }

  @syscall
  doubleArray(ctx: Sum): i32 {
    let sum: u64 = 0n;
    ctx.visited = this.slots.forEach((index, slot) => {
      slot.value = slot.value * 2n + u64(index);
      sum += slot.value;
    });
    ctx.sum = sum;
    return 0;
  }

  @syscall
  tagged(ctx: Tagged): i32 {
    const scale = this.scale.lookup(0);
    if (!scale) return 1;
    const acc: Stat = { count: 0n, bytes: 0n };
    ctx.visited = this.stats.forEach((key, stat) => {
      stat.count += 1n;
      if (key.tag !== 1) return 0;
      acc.count += stat.count;
      acc.bytes += stat.bytes * scale.value;
      return 0;
    });
    ctx.scale = scale.value;
    ctx.count = acc.count;
    ctx.bytes = acc.bytes;
    return 0;
  }

  @syscall
  copyStats(ctx: Sum): i32 {
    ctx.visited = this.stats.forEach((key, stat) => {
      this.copy.update(key, stat);
      const twin: Stat = { ...stat, bytes: stat.bytes + u64(key.pid) };
      const k: Key = key;
      this.shadow.update(k, twin);
    });
    // A lookup result passes as a value the same way.
    const found = this.stats.lookup({ pid: 200, tag: 0 });
    if (found) this.copy.update({ pid: 1, tag: 1 }, found);
    return 0;
  }

  @syscall
  perCpu(ctx: PerCpu): i32 {
    ctx.cpu = bpf.getSmpProcessorId();
    let sum: u64 = 0n;
    let arraySum: u64 = 0n;
    ctx.visited = this.cpuValues.forEach((key, value) => { sum += value.value; });
    this.cpuSlots.forEach((index, value) => { arraySum += value.value; });
    ctx.sum = sum;
    ctx.arraySum = arraySum;
    return 0;
  }

  @syscall
  nested(ctx: Nested): i32 {
    let pairs: u64 = 0n;
    ctx.visited = this.values.forEach((outerKey, outer) => {
      const limit = outer.value;
      this.recent.forEach((innerKey, inner) => {
        if (inner.value < limit) pairs++;
      });
    });
    ctx.pairs = pairs;
    return 0;
  }
}
`;

/** Distinct pseudo-random values (a fixed LCG: the test is reproducible). */
function values(n: number, seed: bigint): bigint[] {
  const out: bigint[] = [];
  let x = seed;
  while (out.length < n) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    const v = x >> 40n;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

function possibleCpus(): number {
  const text = readFileSync("/sys/devices/system/cpu/possible", "utf8").trim();
  return Math.max(...text.split(",").map((r) => Number(r.split("-").at(-1)))) + 1;
}

async function loadWalks(): Promise<BpfObject> {
  const probe = compiledProbe(SOURCE);
  const { loadObject } = await import("@tsbpf/runtime");
  return loadObject(probe.spec);
}

function run(object: BpfObject, program: string, ctx: object): Record<string, unknown> {
  const { retval, ctxOut } = object.programs.get(program)!.testRun({ ctx });
  expect(retval).toBe(0);
  return ctxOut as Record<string, unknown>;
}

describeKernel("map.forEach (bpf_for_each_map_elem) in the kernel", () => {
  it("sums a hash map and an LRU hash filled from user space, capturing locals", async () => {
    await using object = await loadWalks();
    expect(run(object, "sumHash", { sum: 0n, keys: 0n, visited: 0n })).toEqual({ sum: 0n, keys: 0n, visited: 0n });
    const map = object.map("values") as HashMapHandle<number, bigint>;
    const lru = object.map("recent") as HashMapHandle<number, bigint>;
    const vs = values(40, 7n);
    vs.forEach((v, i) => map.set(1000 + i * 7, v));
    vs.slice(0, 25).forEach((v, i) => lru.set(i, v * 3n));
    const sum = vs.reduce((a, b) => a + b, 0n);
    const keys = vs.reduce((a, _, i) => a + BigInt(1000 + i * 7), 0n);
    expect(run(object, "sumHash", { sum: 0n, keys: 0n, visited: 0n })).toEqual({ sum, keys, visited: 40n });
    const lruSum = vs.slice(0, 25).reduce((a, b) => a + b * 3n, 0n);
    expect(run(object, "sumLru", { sum: 0n, keys: 0n, visited: 0n })).toEqual({ sum: lruSum, keys: 0n, visited: 25n });
    // Walks in subprograms (a call kept by @noinline, one inlined), capturing their parameters.
    expect(run(object, "viaMethods", { sum: 0n, keys: 5n, visited: 0n })).toEqual({ sum: sum * 3n, keys: 5n + 300n, visited: 25n });
  });

  it("stops at the first element whose callback returns 1, and counts it", async () => {
    await using object = await loadWalks();
    const map = object.map("values") as HashMapHandle<number, bigint>;
    const order = object.map("order") as HashMapHandle<number, number>;
    const vs = values(30, 11n);
    const byKey = new Map(vs.map((v, i) => [i + 1, v]));
    for (const [k, v] of byKey) map.set(k, v);
    const sorted = [...vs].sort((a, b) => (a < b ? -1 : 1));
    for (const threshold of [sorted[29]!, sorted[20]!, sorted[0]!, sorted[29]! + 1n]) {
      const out = run(object, "stopEarly", { threshold, seen: 0, last: 0, visited: 0n });
      const seen = out.seen as number;
      const walked = Array.from({ length: seen }, (_, i) => order.get(i)!);
      // Every key once, in the kernel's order; the walk ends at the first value >= threshold.
      expect(new Set(walked).size).toBe(seen);
      const stop = walked.findIndex((k) => byKey.get(k)! >= threshold);
      expect(seen).toBe(stop === -1 ? 30 : stop + 1);
      expect(out.visited).toBe(BigInt(seen));
      expect(out.last).toBe(walked.at(-1));
    }
  });

  it("drains a map until a configured total is passed (the documented example)", async () => {
    const probe = compiledProbe(SOURCE);
    const { loadObject } = await import("@tsbpf/runtime");
    await using object = await loadObject(probe.spec, { config: { limit: 500n } });
    const bytes = object.map("bytes") as HashMapHandle<number, bigint>;
    const vs = values(20, 13n).map((v) => v % 100n + 1n);
    vs.forEach((v, pid) => bytes.set(pid, v));
    const out = run(object, "drain", { sum: 0n, keys: 0n, visited: 0n });
    const drained = vs.flatMap((v, pid) => (bytes.get(pid) === 0n ? [v] : []));
    const total = drained.reduce((a, b) => a + b, 0n);
    expect(out.sum).toBe(total);
    expect(out.visited).toBe(BigInt(drained.length));
    expect(total).toBeGreaterThan(500n); // the whole map holds more than the limit: the walk stopped
    expect(drained.length).toBeLessThan(20);
    expect(vs.filter((v, pid) => bytes.get(pid) !== 0n && bytes.get(pid) !== v)).toEqual([]);
  });

  it("writes array elements in place through the value pointer", async () => {
    await using object = await loadWalks();
    const slots = object.map("slots") as HashMapHandle<number, bigint>;
    const vs = values(16, 5n);
    vs.forEach((v, i) => slots.set(i, v));
    const doubled = vs.map((v, i) => (v * 2n + BigInt(i)) & 0xffffffffffffffffn);
    const out = run(object, "doubleArray", { sum: 0n, keys: 0n, visited: 0n });
    expect(out).toEqual({ sum: doubled.reduce((a, b) => a + b, 0n), keys: 0n, visited: 16n });
    expect(Array.from({ length: 16 }, (_, i) => slots.get(i))).toEqual(doubled);
  });

  it("reads struct keys, updates struct values, shares a struct local and reads a captured pointer", async () => {
    await using object = await loadWalks();
    const stats = object.map("stats") as HashMapHandle<{ pid: number; tag: number }, { count: bigint; bytes: bigint }>;
    (object.map("scale") as HashMapHandle<number, bigint>).set(0, 3n);
    const entries = Array.from({ length: 10 }, (_, i) => ({ key: { pid: 100 + i, tag: i % 3 }, value: { count: BigInt(i), bytes: BigInt(i * 1000 + 17) } }));
    for (const e of entries) stats.set(e.key, e.value);
    const ones = entries.filter((e) => e.key.tag === 1);
    const out = run(object, "tagged", { scale: 0n, count: 0n, bytes: 0n, visited: 0n });
    expect(out).toEqual({
      scale: 3n,
      count: ones.reduce((a, e) => a + e.value.count + 1n, 0n),
      bytes: ones.reduce((a, e) => a + e.value.bytes * 3n, 0n),
      visited: 10n,
    });
    for (const e of entries) expect(stats.get(e.key)).toEqual({ count: e.value.count + 1n, bytes: e.value.bytes });
  });

  it("passes a struct key and a value pointer on to other maps, and copies them", async () => {
    await using object = await loadWalks();
    type Stats = HashMapHandle<{ pid: number; tag: number }, { count: bigint; bytes: bigint }>;
    const [stats, copy, shadow] = ["stats", "copy", "shadow"].map((name) => object.map(name) as Stats) as [Stats, Stats, Stats];
    const entries = Array.from({ length: 7 }, (_, i) => ({ key: { pid: 200 + i, tag: i }, value: { count: BigInt(i * 3), bytes: BigInt(i * 77 + 1) } }));
    for (const e of entries) stats.set(e.key, e.value);
    expect(run(object, "copyStats", { sum: 0n, keys: 0n, visited: 0n }).visited).toBe(7n);
    expect(copy.get({ pid: 1, tag: 1 })).toEqual(entries[0]!.value);
    for (const e of entries) {
      expect(copy.get(e.key)).toEqual(e.value);
      expect(shadow.get(e.key)).toEqual({ count: e.value.count, bytes: e.value.bytes + BigInt(e.key.pid) });
    }
  });

  it("walks per-CPU maps, seeing the running CPU's values", async () => {
    await using object = await loadWalks();
    const cpus = possibleCpus();
    const hash = object.map("cpuValues") as HashMapHandle<number, bigint[]>;
    const array = object.map("cpuSlots") as HashMapHandle<number, bigint[]>;
    for (let k = 0; k < 5; k++) hash.set(k, Array.from({ length: cpus }, (_, c) => BigInt(k * 100 + c * 10_000 + 1)));
    for (let k = 0; k < 4; k++) array.set(k, Array.from({ length: cpus }, (_, c) => BigInt(k + c * 1000 + 7)));
    const out = run(object, "perCpu", { cpu: 0, sum: 0n, arraySum: 0n, visited: 0n });
    const cpu = out.cpu as number;
    expect(out).toEqual({
      cpu,
      sum: [0, 1, 2, 3, 4].reduce((a, k) => a + BigInt(k * 100 + cpu * 10_000 + 1), 0n),
      arraySum: [0, 1, 2, 3].reduce((a, k) => a + BigInt(k + cpu * 1000 + 7), 0n),
      visited: 5n,
    });
  });

  it("nests walks: the inner callback uses the outer callback's locals and the program's", async () => {
    await using object = await loadWalks();
    const map = object.map("values") as HashMapHandle<number, bigint>;
    const lru = object.map("recent") as HashMapHandle<number, bigint>;
    const outer = values(6, 3n);
    const inner = values(9, 4n);
    outer.forEach((v, i) => map.set(i, v));
    inner.forEach((v, i) => lru.set(i, v));
    const pairs = outer.reduce((a, o) => a + BigInt(inner.filter((v) => v < o).length), 0n);
    expect(run(object, "nested", { pairs: 0n, visited: 0n })).toEqual({ pairs, visited: 6n });
  });
});

describeKernel("map.forEach callbacks and the program's context", () => {
  it("a tracepoint program's callback reads the tracepoint's record", async () => {
    // The harness's inputs map holds A, B, C under keys 0, 1, 2; the write(2) passes 3 bytes.
    const body = `
    let sum: u64 = 0n;
    const n = this.inputs.forEach((key, value) => { sum += value.value * ctx.args[2] + u64(key); });
    out(0, sum);
    out(1, u64(n));`;
    const inputs = [[1n, 2n, 3n], [100n, 0n, 7n]];
    const results = await runKernelCase({ body, payload: Buffer.from("abc") }, inputs);
    expect(results.map((r) => Object.fromEntries(r))).toEqual(inputs.map(([a, b, c]) => ({ 0: (a! + b! + c!) * 3n + 3n, 1: 3n })));
  });

  it("reads and writes the context through the captured pointer", async () => {
    await using object = await loadWalks();
    const map = object.map("values") as HashMapHandle<number, bigint>;
    const vs = values(12, 9n);
    vs.forEach((v, i) => map.set(i, v));
    const out = run(object, "usesContext", { sum: 5n, keys: 1n << 62n, visited: 0n });
    expect(out).toEqual({ sum: 5n + vs.reduce((a, b) => a + b, 0n), keys: 1n << 62n, visited: 12n });
  });
});

const HOOK_ARGS = `
import { Probe, tp_btf, config, bpf, HashMap, u64, u32, type i32, type i64 } from "tsbpf";
export class Args extends Probe {
  @config targetPid: u32 = 0;
  @config writeNr: i64 = 0n;
  values = new HashMap<u32, u64>({ maxEntries: 8 });
  out = new HashMap<u32, u64>({ maxEntries: 8 });

  @tp_btf("sys_enter")
  enter(regs: u64, id: i64): i32 {
    if (u32(bpf.getCurrentPidTgid() >> 32n) !== this.targetPid || id !== this.writeNr) return 0;
    this.values.forEach((key, value) => { this.out.update(key, value.value * 1000n + u64(id)); });
    return 0;
  }
}
`;

const WRITE_NR: Record<string, bigint> = { x64: 1n, arm64: 64n };

describeKernel("map.forEach callbacks and hook arguments", () => {
  it("a tp_btf program's callback reads its arguments (copied in from the context)", async () => {
    const nr = WRITE_NR[process.arch];
    if (nr === undefined) throw new Error(`no write(2) number for ${process.arch}`);
    const probe = compiledProbe(HOOK_ARGS);
    const { loadObject } = await import("@tsbpf/runtime");
    await using object = await loadObject(probe.spec, { config: { targetPid: process.pid, writeNr: nr } });
    const values = object.map("values") as HashMapHandle<number, bigint>;
    const out = object.map("out") as HashMapHandle<number, bigint>;
    for (let k = 0; k < 5; k++) values.set(k, BigInt(k * 7 + 1));
    object.attach();
    const fd = openSync("/dev/null", "w");
    try {
      writeSync(fd, "x");
    } finally {
      closeSync(fd);
    }
    expect([0, 1, 2, 3, 4].map((k) => out.get(k))).toEqual([0, 1, 2, 3, 4].map((k) => BigInt(k * 7 + 1) * 1000n + nr));
  });
});

describe("map.forEach diagnostics", () => {
  it("refuses assigning a hook argument in the callback, at the assignment, with a hint", () => {
    const source = `
import { Probe, tp_btf, HashMap, i32, type u32, type i64, type u64 } from "tsbpf";
export class T extends Probe {
  values = new HashMap<u32, u64>({ maxEntries: 4 });
  @tp_btf("sys_enter")
  enter(regs: u64, id: i64): i32 {
    let n: i64 = 0n;
    this.values.forEach((key, value) => { id = 5n; });
    return i32(n);
  }
}
`;
    const errors = compileText(source).diagnostics.filter((d) => d.category === "error");
    expect(errors.map((d) => [d.code, d.line, source.split("\n")[d.line - 1]!.slice(d.column - 1, d.column + 1)])).toEqual([[Codes.Callback, 8, "id"]]);
    expect(errors[0]!.message).toMatch(/cannot assign the hook argument 'id', which lives in the program's context/);
    expect(errors[0]!.hint).toMatch(/into a local before the call/);
  });
});
