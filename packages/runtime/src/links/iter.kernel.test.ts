// A task iterator: the program runs once per task and writes the task's pid; reading the link
// returns them all, this process's among them.
import { AluOp, asm, decodeBtf, findTypeByName, JmpOp, MapType, R10, type BtfStruct, type ObjectSpec } from "@tsbpf/object";
import type { HashMapHandle } from "../maps/hash-map.js";
import { NotSupportedError } from "../errors.js";
import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { loadObject } from "../load/load-object.js";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import { IterLink } from "./iter.js";

const BPF_FUNC_seq_write = 127;

function taskPids(pidOffset: number): ObjectSpec {
  const b = new BtfBuilder();
  const int = b.int("int", 4, true);
  const fn = b.func("dump_task", int, [["ctx", b.ptr(0)]]);
  return {
    license: "GPL",
    btf: b.btf,
    maps: [],
    programs: [
      {
        name: "dump_task",
        section: "iter/task",
        instructions: [
          asm.ldx("u64", 6, 1, 0), // ctx->meta
          asm.ldx("u64", 7, 1, 8), // ctx->task
          asm.jmpImm(JmpOp.JEQ, 7, 0, 7), // the final call has no task
          asm.ldx("u32", 1, 7, pidOffset),
          asm.stx("u32", R10, 1, -4),
          asm.ldx("u64", 1, 6, 0), // meta->seq
          asm.mov64Reg(2, R10),
          asm.alu64Imm(AluOp.ADD, 2, -4),
          asm.mov64Imm(3, 4),
          asm.call(BPF_FUNC_seq_write),
          asm.mov64Imm(0, 0),
          asm.exit(),
        ],
        mapReferences: [],
        funcInfo: [{ instruction: 0, typeId: fn }],
        lineInfo: [],
        coreRelocations: [],
      },
    ],
  };
}

describeKernel("iterators on the kernel", () => {
  it("runs a task iterator and reads what it wrote", async () => {
    const vmlinux = decodeBtf(new Uint8Array(readFileSync("/sys/kernel/btf/vmlinux")));
    const task = findTypeByName(vmlinux, "task_struct", "struct")!.type as BtfStruct;
    const pidOffset = task.members.find((m) => m.name === "pid")!.bitOffset / 8;
    await using object = await loadObject(taskPids(pidOffset));
    const [link] = object.attach();
    expect(link).toBeInstanceOf(IterLink);
    // Every thread of this process is a task the iterator visits.
    const threads = readdirSync("/proc/self/task").map(Number);
    const bytes = (link as IterLink).read();
    expect(bytes.length % 4).toBe(0);
    const pids = new Set(Array.from({ length: bytes.length / 4 }, (_, i) => new DataView(bytes.buffer).getUint32(i * 4, true)));
    expect(threads).toContain(process.pid);
    for (const tid of threads) expect(pids.has(tid)).toBe(true);
    // A second read runs the iterator again.
    expect((link as IterLink).read().length).toBeGreaterThan(0);
  });
});

describeKernel("map element iterators on the kernel", () => {
  it("visits every element of a hash map", async () => {
    // bpf_iter__bpf_map_elem: { meta, map, key, value } — write key (u32) and value (u64) per element.
    const b = new BtfBuilder();
    const int = b.int("int", 4, true);
    const u32 = b.int("u32", 4);
    const u64 = b.int("u64", 8);
    const fn = b.func("dump_elem", int, [["ctx", b.ptr(0)]]);
    const spec: ObjectSpec = {
      license: "GPL",
      btf: b.btf,
      maps: [{ name: "counts", kind: "btf-map", type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 16, flags: 0, keyTypeId: u32, valueTypeId: u64 }],
      programs: [
        {
          name: "dump_elem",
          section: "iter/bpf_map_elem",
          instructions: [
            asm.ldx("u64", 6, 1, 0), // meta
            asm.ldx("u64", 7, 1, 16), // key
            asm.ldx("u64", 8, 1, 24), // value
            asm.jmpImm(JmpOp.JEQ, 7, 0, 11),
            asm.jmpImm(JmpOp.JEQ, 8, 0, 10),
            asm.ldx("u32", 1, 7, 0),
            asm.stx("u64", R10, 1, -16),
            asm.ldx("u64", 1, 8, 0),
            asm.stx("u64", R10, 1, -8),
            asm.ldx("u64", 1, 6, 0), // meta->seq
            asm.mov64Reg(2, R10),
            asm.alu64Imm(AluOp.ADD, 2, -16),
            asm.mov64Imm(3, 16),
            asm.call(BPF_FUNC_seq_write),
            asm.mov64Imm(0, 0),
            asm.exit(),
          ],
          mapReferences: [],
          funcInfo: [{ instruction: 0, typeId: fn }],
          lineInfo: [],
          coreRelocations: [],
        },
      ],
    };
    let loaded;
    try {
      loaded = await loadObject(spec);
    } catch (error) {
      // This machine's locked-down kernel refuses map element iterators (EPERM before the
      // verifier runs) while it loads task iterators: the error must say so. They load on the VM.
      expect(error).toBeInstanceOf(NotSupportedError);
      expect((error as Error).message).toMatch(/locked down/);
      console.warn(`map element iterator not loadable here: ${(error as Error).message}`);
      return;
    }
    await using object = loaded;
    const counts = object.map("counts") as HashMapHandle<number, bigint>;
    for (const [k, v] of [[1, 10n], [2, 20n], [7, 70n]] as const) counts.set(k, v);
    using link = object.programs.get("dump_elem")!.attach({ map: counts.fd }) as IterLink;
    const seen = new Map<number, bigint>();
    for await (const record of link.records(16)) {
      const v = new DataView(record.buffer, record.byteOffset, 16);
      seen.set(Number(v.getBigUint64(0, true)), v.getBigUint64(8, true));
    }
    expect(seen).toEqual(new Map([[1, 10n], [2, 20n], [7, 70n]]));
  });
});
