// Event streams against the kernel: raw_tp programs run with BPF_PROG_TEST_RUN write records
// chosen by the test (args[0] the value, args[1] the ring buffer flags) into ring buffers and a
// perf event array; the readers must deliver exactly those, in order, and count what was lost.
import { asm, JmpOp, MapType, R10, type MapSpec, type ObjectSpec } from "@tsbpf/object";
import { expect, it } from "vitest";
import { loadObject } from "../load/load-object.js";
import type { RingBufReader } from "../maps/ring-buffer.js";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import type { PerfBufReader } from "./perf-buffer.js";
import { pollRings } from "./ring-poller.js";

const BPF_FUNC_perf_event_output = 25;
const BPF_FUNC_ringbuf_output = 130;
const BPF_RB_NO_WAKEUP = 1;
const BPF_RB_FORCE_WAKEUP = 2;

/** One raw_tp program per ring: output args[0] (8 bytes) with flags args[1]; count failures in __reserve_failed_<ring>. */
function ringObject(rings: string[], size = 4096): ObjectSpec {
  const b = new BtfBuilder();
  const u64 = b.int("u64", 8);
  const vars = rings.map((r, i) => [b.variable(`__reserve_failed_${r}`, u64), i * 8] as [number, number]);
  b.datasec(".bss", rings.length * 8, vars);
  const maps: MapSpec[] = [
    { name: ".bss", kind: "bss", type: MapType.Array, keySize: 4, valueSize: rings.length * 8, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: 0 },
    ...rings.map((name): MapSpec => ({ name, kind: "btf-map", type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: size, flags: 0, keyTypeId: 0, valueTypeId: 0 })),
  ];
  return {
    license: "GPL",
    btf: b.btf,
    maps,
    programs: rings.map((ring, i) => ({
      name: `emit_${ring}`,
      section: "raw_tp/sys_enter",
      instructions: [
        asm.ldx("u64", 2, 1, 0),
        asm.stx("u64", R10, 2, -8),
        asm.ldx("u64", 4, 1, 8), // flags
        ...asm.ldMapFd(1, 0),
        asm.mov64Reg(2, R10),
        asm.alu64Imm(0x00, 2, -8), // add
        asm.mov64Imm(3, 8),
        asm.call(BPF_FUNC_ringbuf_output),
        asm.jmpImm(JmpOp.JEQ, 0, 0, 4),
        ...asm.ldMapValue(1, 0, i * 8),
        asm.mov64Imm(2, 1),
        asm.atomicAdd("u64", 1, 2, 0),
        asm.mov64Imm(0, 0),
        asm.exit(),
      ],
      mapReferences: [
        { instruction: 3, map: ring, kind: "map", offset: 0 },
        { instruction: 10, map: ".bss", kind: "value", offset: i * 8 },
      ],
      funcInfo: [],
      lineInfo: [],
      coreRelocations: [],
    })),
  };
}

const u64Of = (r: unknown) => new DataView((r as Uint8Array).buffer, (r as Uint8Array).byteOffset, 8).getBigUint64(0, true);

describeKernel("event streams on the kernel", () => {
  it("reads several ring buffers in one poll", async () => {
    await using o = await loadObject(ringObject(["a", "b"]));
    const a = o.map("a") as RingBufReader;
    const b = o.map("b") as RingBufReader;
    const emit = (ring: string, value: number) => o.programs.get(`emit_${ring}`)!.testRun({ args: [value, 0] });
    const controller = new AbortController();
    const seen: [string, bigint][] = [];
    const reading = (async () => {
      for await (const { map, record } of pollRings([a, b], { signal: controller.signal })) {
        seen.push([map, u64Of(record)]);
        if (seen.length === 4) controller.abort();
      }
    })();
    emit("a", 1);
    emit("b", 2);
    await new Promise((r) => setTimeout(r, 10));
    emit("a", 3);
    emit("b", 4);
    await reading;
    expect(seen.filter(([m]) => m === "a").map(([, v]) => v)).toEqual([1n, 3n]);
    expect(seen.filter(([m]) => m === "b").map(([, v]) => v)).toEqual([2n, 4n]);
  });

  it("delivers records submitted without wake-up, with the next wake-up or on the poll timer", async () => {
    await using o = await loadObject(ringObject(["r"]));
    const ring = o.map("r") as RingBufReader;
    const emit = (value: number, flags: number) => o.programs.get("emit_r")!.testRun({ args: [value, flags] });
    const got: bigint[] = [];
    const controller = new AbortController();
    const reading = (async () => {
      for await (const record of ring.events({ signal: controller.signal })) {
        got.push(u64Of(record));
        if (got.length === 4) controller.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 5)); // the reader is waiting now
    emit(1, BPF_RB_NO_WAKEUP);
    emit(2, BPF_RB_NO_WAKEUP);
    emit(3, BPF_RB_NO_WAKEUP);
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toEqual([]); // no wake-up yet: the records wait in the ring
    emit(4, BPF_RB_FORCE_WAKEUP);
    await reading;
    expect(got).toEqual([1n, 2n, 3n, 4n]);

    const late: bigint[] = [];
    const c2 = new AbortController();
    const polling = (async () => {
      for await (const { record } of pollRings([ring], { signal: c2.signal, pollIntervalMs: 10 })) {
        late.push(u64Of(record));
        if (late.length === 2) c2.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 5));
    emit(5, BPF_RB_NO_WAKEUP);
    emit(6, BPF_RB_NO_WAKEUP);
    await polling;
    expect(late).toEqual([5n, 6n]);
  });

  it("counts reservations that failed on a full ring and loses nothing it delivered", async () => {
    await using o = await loadObject(ringObject(["full"], 4096));
    const ring = o.map("full") as RingBufReader;
    const emit = (value: number) => o.programs.get("emit_full")!.testRun({ args: [value, 0] });
    for (let i = 0; i < 300; i++) emit(i);
    const got: bigint[] = [];
    ring.consume((r) => got.push(u64Of(r)));
    // 16 bytes a record (8-byte header): a 4 KiB ring holds about 255 of them.
    expect(got.length).toBeGreaterThan(200);
    expect(ring.failedReservations).toBe(BigInt(300 - got.length));
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => BigInt(i)));
  });

  it("reads a perf event array per CPU and counts lost samples", async () => {
    const b = new BtfBuilder();
    b.int("u64", 8);
    const spec: ObjectSpec = {
      license: "GPL",
      btf: b.btf,
      maps: [{ name: "perf", kind: "btf-map", type: MapType.PerfEventArray, keySize: 4, valueSize: 4, maxEntries: 0, flags: 0, keyTypeId: 0, valueTypeId: 0 }],
      programs: [
        {
          name: "emit",
          section: "raw_tp/sys_enter",
          instructions: [
            asm.ldx("u64", 2, 1, 0),
            asm.stx("u64", R10, 2, -8),
            ...asm.ldMapFd(2, 0),
            ...asm.ldImm64(3, 0xffffffffn), // BPF_F_CURRENT_CPU
            asm.mov64Reg(4, R10),
            asm.alu64Imm(0x00, 4, -8),
            asm.mov64Imm(5, 8),
            asm.call(BPF_FUNC_perf_event_output),
            asm.mov64Imm(0, 0),
            asm.exit(),
          ],
          mapReferences: [{ instruction: 2, map: "perf", kind: "map", offset: 0 }],
          funcInfo: [],
          lineInfo: [],
          coreRelocations: [],
        },
      ],
    };
    await using o = await loadObject(spec);
    const perf = (o.map("perf") as PerfBufReader).configure({ pages: 1 });
    const emit = (value: number) => o.programs.get("emit")!.testRun({ args: [value], flags: 1 /* BPF_F_TEST_RUN_ON_CPU */, cpu: 0 });
    const controller = new AbortController();
    const got: { cpu: number; value: bigint }[] = [];
    const reading = (async () => {
      for await (const s of perf.samples({ signal: controller.signal })) {
        got.push({ cpu: s.cpu, value: u64Of(s.record) });
        if (got.length === 5) controller.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 5; i++) emit(i);
    await reading;
    expect(got).toEqual([0, 1, 2, 3, 4].map((v) => ({ cpu: 0, value: BigInt(v) })));
    // One page holds ~170 samples of 24 bytes: 600 without reading overflow it.
    for (let i = 0; i < 600; i++) emit(i);
    const kept: bigint[] = [];
    perf.consume((r) => kept.push(u64Of(r)));
    expect(kept).toEqual(kept.map((_, i) => BigInt(i))); // the first ones, in order
    // The kernel reports the loss (PERF_RECORD_LOST) with the next sample that finds room.
    emit(1000);
    const after: bigint[] = [];
    perf.consume((r) => after.push(u64Of(r)));
    expect(after).toEqual([1000n]);
    expect(perf.lost).toBeGreaterThan(0n);
    expect(BigInt(kept.length) + perf.lost).toBe(600n);
  });
});
