import { AluOp, asm, JmpOp, MapType, R10, type Instruction, type LineInfo, type ObjectSpec } from "@tsbpf/object";
import { closeSync, openSync, readdirSync, readlinkSync, writeSync } from "node:fs";
import { expect, it } from "vitest";
import { MapError, VerifierError } from "../errors.js";
import type { HashMapHandle } from "../maps/hash-map.js";
import type { RingBufReader } from "../maps/ring-buffer.js";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import { loadObject } from "./load-object.js";

const BPF_FUNC_map_lookup_elem = 1;
const BPF_FUNC_get_current_pid_tgid = 14;
const BPF_FUNC_ringbuf_reserve = 131;
const BPF_FUNC_ringbuf_submit = 132;

function flat(...parts: (Instruction | Instruction[])[]): Instruction[] {
  return parts.flat();
}

/**
 * A `syscall` program that stores 42 in results[0] (through a map lookup) and 7 in the `.bss`
 * variable `flag` (through a direct value reference), and a raw_tp program that returns its
 * second argument.
 */
function syscallObject(): ObjectSpec {
  const b = new BtfBuilder();
  const u32 = b.int("u32", 4);
  const u64 = b.int("u64", 8);
  const int = b.int("int", 4, true);
  const counter = b.variable("counter", u64);
  const flag = b.variable("flag", u64);
  b.datasec(".bss", 16, [[counter, 0], [flag, 8]]);
  const ctxPtr = b.ptr(0);
  const run = b.func("run", int, [["ctx", ctxPtr]]);
  const second = b.func("second_arg", int, [["ctx", ctxPtr]]);
  const file = "probes/syscall.bpf.ts";
  const lines: LineInfo[] = [
    { instruction: 0, fileName: file, lineText: "const key: u32 = 0;", line: 5, column: 5 },
    { instruction: 3, fileName: file, lineText: "const slot = this.results.get(key);", line: 6, column: 5 },
    { instruction: 9, fileName: file, lineText: "this.flag = 7n;", line: 8, column: 5 },
    { instruction: 13, fileName: file, lineText: "return 0;", line: 9, column: 5 },
  ];
  return {
    license: "GPL",
    btf: b.btf,
    maps: [
      { name: "results", kind: "btf-map", type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 4, flags: 0, keyTypeId: u32, valueTypeId: u64 },
      { name: ".bss", kind: "bss", type: MapType.Array, keySize: 4, valueSize: 16, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: 0 },
    ],
    programs: [
      {
        name: "run",
        section: "syscall",
        instructions: flat(
          asm.st("u32", R10, -4, 0),
          asm.mov64Reg(2, R10),
          asm.alu64Imm(AluOp.ADD, 2, -4),
          asm.ldMapFd(1, 0),
          asm.call(BPF_FUNC_map_lookup_elem),
          asm.jmpImm(JmpOp.JEQ, 0, 0, 2),
          asm.mov64Imm(1, 42),
          asm.stx("u64", 0, 1, 0),
          asm.ldMapValue(1, 0, 0),
          asm.mov64Imm(2, 7),
          asm.stx("u64", 1, 2, 0),
          asm.mov64Imm(0, 0),
          asm.exit(),
        ),
        mapReferences: [
          { instruction: 3, map: "results", kind: "map", offset: 0 },
          { instruction: 9, map: ".bss", kind: "value", offset: 8 },
        ],
        funcInfo: [{ instruction: 0, typeId: run }],
        lineInfo: lines,
        coreRelocations: [],
      },
      {
        name: "second_arg",
        section: "raw_tp/sys_enter",
        instructions: [asm.ldx("u64", 0, 1, 8), asm.exit()],
        mapReferences: [],
        funcInfo: [{ instruction: 0, typeId: second }],
        lineInfo: [],
        coreRelocations: [],
      },
    ],
  };
}

/** A tracepoint program that dereferences a lookup result without checking it for null. */
function nullDerefObject(): ObjectSpec {
  const b = new BtfBuilder();
  const u32 = b.int("u32", 4);
  const u64 = b.int("u64", 8);
  const int = b.int("int", 4, true);
  const fn = b.func("count_getpid", int, [["ctx", b.ptr(0)]]);
  const file = "probes/counter.bpf.ts";
  return {
    license: "GPL",
    btf: b.btf,
    maps: [{ name: "counts", kind: "btf-map", type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 16, flags: 0, keyTypeId: u32, valueTypeId: u64 }],
    programs: [
      {
        name: "count_getpid",
        section: "tracepoint/syscalls/sys_enter_getpid",
        instructions: flat(
          asm.st("u32", R10, -4, 0),
          asm.mov64Reg(2, R10),
          asm.alu64Imm(AluOp.ADD, 2, -4),
          asm.ldMapFd(1, 0),
          asm.call(BPF_FUNC_map_lookup_elem),
          asm.mov64Imm(1, 1),
          asm.stx("u64", 0, 1, 0),
          asm.mov64Imm(0, 0),
          asm.exit(),
        ),
        mapReferences: [{ instruction: 3, map: "counts", kind: "map", offset: 0 }],
        funcInfo: [{ instruction: 0, typeId: fn }],
        lineInfo: [
          { instruction: 0, fileName: file, lineText: "    const key: u32 = 0;", line: 10, column: 5 },
          { instruction: 3, fileName: file, lineText: "    const v = this.counts.get(key)!;", line: 11, column: 5 },
          { instruction: 6, fileName: file, lineText: "    v.hits += 1n;", line: 12, column: 5 },
          { instruction: 8, fileName: file, lineText: "    return 0;", line: 13, column: 5 },
        ],
        coreRelocations: [],
      },
    ],
  };
}

/**
 * A tracepoint program on sys_enter_write that, for writes of this test's process only,
 * reserves a ring buffer record { u32 pid; u32 fd; u64 count } and submits it.
 */
function writeEventsObject(pid: number): ObjectSpec {
  const b = new BtfBuilder();
  const u32 = b.int("u32", 4);
  const u64 = b.int("u64", 8);
  const int = b.int("int", 4, true);
  const event = b.struct("write_event", [["pid", u32], ["fd", u32], ["count", u64]]);
  const fn = b.func("on_write", int, [["ctx", b.ptr(0)]]);
  return {
    license: "GPL",
    btf: b.btf,
    maps: [{ name: "events", kind: "btf-map", type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: 64 * 1024, flags: 0, keyTypeId: 0, valueTypeId: event }],
    programs: [
      {
        name: "on_write",
        section: "tracepoint/syscalls/sys_enter_write",
        instructions: flat(
          asm.mov64Reg(6, 1), // ctx: struct trace_event_raw_sys_enter { 8 bytes of header; long id; unsigned long args[6]; }
          asm.call(BPF_FUNC_get_current_pid_tgid),
          asm.alu64Imm(AluOp.RSH, 0, 32),
          asm.jmpImm(JmpOp.JNE, 0, pid, 15), // not ours: to the exit
          asm.mov64Reg(7, 0),
          asm.ldMapFd(1, 0),
          asm.mov64Imm(2, 16),
          asm.mov64Imm(3, 0),
          asm.call(BPF_FUNC_ringbuf_reserve),
          asm.jmpImm(JmpOp.JEQ, 0, 0, 8), // no room: to the exit
          asm.stx("u32", 0, 7, 0),
          asm.ldx("u64", 1, 6, 16), // args[0]: fd
          asm.stx("u32", 0, 1, 4),
          asm.ldx("u64", 1, 6, 32), // args[2]: count
          asm.stx("u64", 0, 1, 8),
          asm.mov64Reg(1, 0),
          asm.mov64Imm(2, 0),
          asm.call(BPF_FUNC_ringbuf_submit),
          asm.mov64Imm(0, 0),
          asm.exit(),
        ),
        mapReferences: [{ instruction: 5, map: "events", kind: "map", offset: 0 }],
        funcInfo: [{ instruction: 0, typeId: fn }],
        lineInfo: [],
        coreRelocations: [],
      },
    ],
  };
}

/** This process's descriptors that refer to BPF objects, perf events or anything else, by number. */
function fdTable(): Map<number, string> {
  const table = new Map<number, string>();
  for (const name of readdirSync("/proc/self/fd")) {
    try {
      table.set(Number(name), readlinkSync(`/proc/self/fd/${name}`));
    } catch {
      // closed while listing (the directory's own fd)
    }
  }
  return table;
}

describeKernel("loadObject on the kernel", () => {
  it("runs a syscall program that writes a map value and a .bss variable", async () => {
    await using object = await loadObject(syscallObject());
    const run = object.programs.get("run")!;
    expect(run.info().name).toBe("run");
    const results = object.maps.get("results") as HashMapHandle<number, bigint>;
    expect(results.get(0)).toBe(0n);
    expect(object.variable("flag")).toBe(0n);
    const { retval } = run.testRun({ ctx: new Uint8Array(8) });
    expect(retval).toBe(0);
    expect(results.get(0)).toBe(42n);
    expect(results.get(1)).toBe(0n);
    expect(object.variable("flag")).toBe(7n);
    expect(object.variable("counter")).toBe(0n);
    object.setVariable("counter", 99n);
    expect(object.variable("counter")).toBe(99n);
  });

  it("runs a raw_tp program with chosen arguments", async () => {
    await using object = await loadObject(syscallObject());
    const program = object.programs.get("second_arg")!;
    expect(program.testRun({ args: [5n, 123n] }).retval).toBe(123);
    expect(program.testRun({ args: [0n, 0xdeadn] }).retval).toBe(0xdead);
  });

  it("applies config to .bss variables before load and rejects unknown names", async () => {
    await using object = await loadObject(syscallObject(), { config: { counter: 5n } });
    expect(object.variable("counter")).toBe(5n);
    await expect(loadObject(syscallObject(), { config: { countr: 1n } })).rejects.toThrow(/unknown config name "countr".*counter, flag/);
    await expect(loadObject(syscallObject(), { config: { counter: 1 } })).rejects.toThrow(MapError);
  });

  it("maps a verifier rejection to the TypeScript line with a hint", async () => {
    const error = await loadObject(nullDerefObject()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VerifierError);
    const v = error as VerifierError;
    expect(v.programName).toBe("count_getpid");
    expect(v.instruction).toBe(7);
    expect(v.source).toEqual({ file: "probes/counter.bpf.ts", line: 12, column: 5, text: "    v.hits += 1n;" });
    expect(v.reason).toMatch(/invalid mem access 'map_value_or_null'/);
    expect(v.hint).toMatch(/check the lookup result for null/);
    expect(v.hint).toContain("if (v === null) return 0;"); // lookup returns null, not undefined
    expect(v.message).toContain("probes/counter.bpf.ts:12:5");
    expect(v.message).toContain("> 12 |     v.hits += 1n;");
    expect(v.message).toContain("  11 |     const v = this.counts.get(key)!;");
    expect(v.log).toMatch(/processed \d+ insns/);
    expect(v.code).toBe("EACCES");
  });

  it("streams ring buffer records from a tracepoint program, decoded with the record type", async () => {
    await using object = await loadObject(writeEventsObject(process.pid));
    const events = object.maps.get("events") as RingBufReader<{ pid: number; fd: number; count: bigint }>;
    const links = object.attach();
    expect(links.map((l) => l.target)).toEqual(["tracepoint/syscalls/sys_enter_write"]);
    const fd = openSync("/dev/null", "w");
    const stop = AbortSignal.timeout(10_000);
    try {
      const received: { pid: number; fd: number; count: bigint }[] = [];
      const reading = (async () => {
        for await (const event of events.events({ signal: stop })) {
          if (event.fd !== fd) continue; // the test runner writes too
          received.push(event);
          if (received.length === 3) break;
        }
      })();
      for (const size of [1234, 1, 65536]) writeSync(fd, Buffer.alloc(size));
      await reading;
      expect(received).toEqual([
        { pid: process.pid, fd, count: 1234n },
        { pid: process.pid, fd, count: 1n },
        { pid: process.pid, fd, count: 65536n },
      ]);
    } finally {
      closeSync(fd);
    }
    object.links[0]!.close();
    expect(object.links).toEqual([]);
  });

  it("leaves no descriptor behind after close", async () => {
    // Warm up: lazily opened process-wide state (the shim, tracefs lookups) is not a leak.
    (await loadObject(writeEventsObject(process.pid))).close();
    const before = fdTable();
    const object = await loadObject(writeEventsObject(process.pid));
    object.attach();
    const during = fdTable();
    const bpfFds = [...during.values()].filter((target) => /anon_inode:(bpf|\[perf_event\])/.test(target));
    expect(bpfFds.length).toBeGreaterThanOrEqual(4); // btf, map, prog, link, perf event
    for await (const _ of (object.maps.get("events") as RingBufReader).events({ signal: AbortSignal.timeout(50) })) break;
    object.close();
    expect(object.closed).toBe(true);
    expect(fdTable()).toEqual(before);
    expect(() => object.close()).not.toThrow();
  });
});
