// A task iterator: the program runs once per task and writes the task's pid; reading the link
// returns them all, this process's among them.
import { AluOp, asm, decodeBtf, findTypeByName, JmpOp, R10, type BtfStruct, type ObjectSpec } from "@tsbpf/object";
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
