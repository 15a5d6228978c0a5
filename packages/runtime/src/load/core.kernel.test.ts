// CO-RE relocations applied by the kernel against its own BTF: a local `struct task_struct` that
// only knows `pid` at offset 0 gets the real offset of task_struct.pid in the running kernel.
import { AluOp, asm, decodeBtf, findTypeByName, type BtfStruct, type ObjectSpec } from "@tsbpf/object";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import { loadObject } from "./load-object.js";

const FIELD_BYTE_OFFSET = 0;
const FIELD_EXISTS = 2;

function coreObject(): ObjectSpec {
  const b = new BtfBuilder();
  const int = b.int("int", 4, true);
  const task = b.struct("task_struct", [["pid", int]]);
  const fn = b.func("pid_offset", int, [["ctx", b.ptr(0)]]);
  return {
    license: "GPL",
    btf: b.btf,
    maps: [],
    programs: [
      {
        name: "pid_offset",
        section: "syscall",
        // r0 = offsetof(struct task_struct, pid), relocated; r0 += task_struct has pid ? 1000 : 0
        instructions: [asm.mov64Imm(0, 0), asm.mov64Imm(1, 1), asm.alu64Imm(AluOp.MUL, 1, 1000), asm.alu64Reg(AluOp.ADD, 0, 1), asm.exit()],
        mapReferences: [],
        funcInfo: [{ instruction: 0, typeId: fn }],
        lineInfo: [],
        coreRelocations: [
          { instruction: 0, typeId: task, accessString: "0:0", kind: FIELD_BYTE_OFFSET },
          { instruction: 1, typeId: task, accessString: "0:0", kind: FIELD_EXISTS },
        ],
      },
    ],
  };
}

describeKernel("CO-RE on the kernel", () => {
  it("relocates a field offset and existence against vmlinux BTF", async () => {
    const vmlinux = decodeBtf(new Uint8Array(readFileSync("/sys/kernel/btf/vmlinux")));
    const task = findTypeByName(vmlinux, "task_struct", "struct")!.type as BtfStruct;
    const pid = task.members.find((m) => m.name === "pid")!;
    const expected = pid.bitOffset / 8;
    expect(expected).toBeGreaterThan(0);
    await using object = await loadObject(coreObject());
    expect(object.programs.get("pid_offset")!.testRun().retval).toBe(expected + 1000);
  });
});
