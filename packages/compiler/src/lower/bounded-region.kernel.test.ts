// Variable-length records assembled in a per-CPU 32 KiB scratch buffer at offsets known only at run
// time (003's save_to_buffer / events_perf_submit): a type byte, 8 bytes and a string of the
// triggering write(2)'s buffer copied to b.buf[off], then the used slice sent through a perf event
// array (from the buffer's start, its size clamped) and a slot through a ring buffer (from a
// variable start). The test
// chooses the start offset, writes a payload it knows, and checks the helpers' results and the
// exact bytes user space receives against what it wrote: near the end of the buffer the bounds the
// compiler generates refuse what does not fit (-E2BIG), and the clamp cuts the perf record at 32 KiB.
import { closeSync, openSync, writeSync } from "node:fs";
import { expect, it } from "vitest";
import type { BpfObject, HashMapHandle, PerfBufReader, RingBufReader } from "@tsbpf/runtime";
import { formatDiagnostic } from "../diagnostics/format.js";
import { compileText } from "../testing/probes.js";
import { describeKernel } from "../testing/kernel.js";

const SIZE = 32768;
const E2BIG = -7n;

const source = `
import { Probe, tracepoint, config, bpf, HashMap, ArrayMap, PerCpuArray, PerfEventArray, RingBuf, u8, u32, u64, i64,
  i32, type Ptr, type FixedArray, type SysEnterContext } from "tsbpf";
interface Scratch { buf: FixedArray<u8, ${SIZE}> }
interface Small { x: u64 }
const MAX_STRING = 64;
export class K extends Probe {
  @config targetPid: u32 = 0;
  @config targetFd: u64 = 0n;
  bufs = new PerCpuArray<Scratch>({ maxEntries: 1 });
  start = new ArrayMap<u32>({ maxEntries: 1 });
  results = new HashMap<u32, i64>({ maxEntries: 8 });
  events = new PerfEventArray<FixedArray<u8, ${SIZE}>>();
  ring = new RingBuf<Small>({ size: 256 * 1024 });

  /** 003's save_to_buffer: the type byte, then \`size\` bytes from \`src\`; the new offset. */
  save(b: Ptr<Scratch>, off: u32, type: u8, size: u32, src: u64): u32 {
    b.buf[off] = type;
    const r = bpf.probeReadUser(b.buf[off + 1], size, src);
    this.results.update(1, r);
    return r === 0n ? off + 1 + size : off;
  }

  @tracepoint("syscalls", "sys_enter_write")
  run(ctx: SysEnterContext): i32 {
    if (u32(bpf.getCurrentPidTgid() >> 32n) !== this.targetPid || ctx.args[0] !== this.targetFd) return 0;
    const b = this.bufs.lookup(0);
    const s = this.start.lookup(0);
    if (!b || !s) return 0;
    const start = s.value;
    let off = this.save(b, start, 7, 8, ctx.args[1]);
    const n = bpf.probeReadUserStr(b.buf[off], MAX_STRING, ctx.args[1]);
    this.results.update(2, n);
    if (n > 0n) off += u32(n);
    this.results.update(3, this.events.perfOutput(ctx, b.buf, off));
    this.results.update(4, this.ring.output(b.buf[start], 9));
    return 0;
  }
}
`;

describeKernel("variable-length output of a bounded slice", () => {
  it("assembles typed slots at run-time offsets in a 32 KiB per-CPU buffer and sends exactly the used bytes", async () => {
    const result = compileText(source);
    const errors = result.diagnostics.filter((d) => d.category === "error");
    if (errors.length > 0 || !result.probes[0]) throw new Error(errors.map((d) => formatDiagnostic(d, source)).join("\n\n"));
    const runtime = await import("@tsbpf/runtime");
    // Only writes to this descriptor count (the test runner's own output goes through write(2) too).
    const fd = openSync("/dev/null", "w");
    const object: BpfObject = await runtime.loadObject(result.probes[0].spec, { config: { targetPid: process.pid, targetFd: BigInt(fd) } });
    try {
      const perf = object.map("events") as unknown as PerfBufReader<unknown>;
      const ring = object.map("ring") as unknown as RingBufReader<unknown>;
      const perfRecords: Uint8Array[] = [];
      const ringRecords: Uint8Array[] = [];
      const drain = (): void => {
        perf.consumeRaw((bytes) => perfRecords.push(Uint8Array.from(bytes)));
        ring.consumeRaw((bytes) => ringRecords.push(Uint8Array.from(bytes)));
      };
      drain(); // opens the perf rings before anything fires
      object.attach();
      const startMap = object.map("start") as unknown as HashMapHandle<number, number>;
      const results = object.map("results") as unknown as HashMapHandle<number, bigint>;
      const text = "ABCDEFGHijklmnop-tsbpf";
      const payload = Buffer.from(`${text}\0`);
      const fire = (start: number): Map<number, bigint> => {
        for (let k = 0; k < 8; k++) results.delete(k);
        perfRecords.length = 0;
        ringRecords.length = 0;
        startMap.set(0, start);
        writeSync(fd, payload);
        drain();
        const got = new Map<number, bigint>();
        for (let k = 0; k < 8; k++) {
          const v = results.get(k);
          if (v !== undefined) got.set(k, v);
        }
        return got;
      };
      const slot = [7, ...payload.subarray(0, 8)];
      const str = [...payload]; // the string and its NUL, as bpf_probe_read_user_str copies it
      // A perf sample's raw data is padded by the kernel so that it and its u32 size fill 8-byte
      // units (the reader hands out the whole sample, padding included, as libbpf does).
      const perfBytes = (record: Uint8Array, used: number): number[] => {
        expect(record.length).toBe(Math.ceil((used + 4) / 8) * 8 - 4);
        expect([...record.subarray(used)].every((x) => x === 0)).toBe(true);
        return [...record.subarray(0, used)];
      };
      const zeros = (n: number): number[] => new Array<number>(n).fill(0);

      // From offset 100: both slots fit; the perf record is the buffer up to the used offset (the
      // first 100 bytes are never written), the ring record the 9-byte slot from offset 100.
      let got = fire(100);
      expect(Object.fromEntries(got)).toEqual({ 1: 0n, 2: BigInt(payload.length), 3: 0n, 4: 0n });
      expect(perfRecords.map((r) => perfBytes(r, 100 + slot.length + str.length))).toEqual([[...zeros(100), ...slot, ...str]]);
      expect(ringRecords.map((r) => [...r])).toEqual([slot]);

      // 20 bytes before the end: the 9-byte slot fits, the 64-byte string read does not (not made).
      const near = SIZE - 20;
      got = fire(near);
      expect(Object.fromEntries(got)).toEqual({ 1: 0n, 2: E2BIG, 3: 0n, 4: 0n });
      expect(perfRecords.map((r) => perfBytes(r, near + slot.length).slice(near))).toEqual([slot]);
      expect(ringRecords.map((r) => [...r])).toEqual([slot]);

      // Past the end: nothing is written or sent from there; the perf record's size is clamped to 32 KiB
      // (and padded by the kernel: 32 KiB + 4 bytes of zeros).
      got = fire(SIZE + 1000);
      expect(Object.fromEntries(got)).toEqual({ 1: E2BIG, 2: E2BIG, 3: 0n, 4: E2BIG });
      expect(perfRecords.map((r) => r.length)).toEqual([SIZE + 4]);
      expect(ringRecords).toEqual([]);
    } finally {
      object.close();
      closeSync(fd);
    }
  });
});
