// Maps as programs use them: a tail call through a prog array set from user space, and stack
// traces taken by bpf_get_stackid in the kernel, symbolised in user space (kernel frames from
// kallsyms, user frames from this process's mappings).
import { asm, MapType, type ObjectSpec } from "@tsbpf/object";
import { expect, it } from "vitest";
import { loadObject } from "../load/load-object.js";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import type { ProgArrayHandle } from "./fd-maps.js";
import type { StackTraceHandle } from "./stack-trace.js";
import { formatFrame } from "./symbolize.js";

const BPF_FUNC_tail_call = 12;
const BPF_FUNC_get_stackid = 27;
const BPF_F_USER_STACK = 1 << 8;

describeKernel("maps used by programs on the kernel", () => {
  it("tail-calls the program a prog array holds", async () => {
    const spec: ObjectSpec = {
      license: "GPL",
      btf: new BtfBuilder().btf,
      maps: [{ name: "jumps", kind: "btf-map", type: MapType.ProgArray, keySize: 4, valueSize: 4, maxEntries: 2, flags: 0, keyTypeId: 0, valueTypeId: 0 }],
      programs: [
        {
          name: "caller",
          section: "socket",
          instructions: [...asm.ldMapFd(2, 0), asm.mov64Imm(3, 1), asm.call(BPF_FUNC_tail_call), asm.mov64Imm(0, 1), asm.exit()],
          mapReferences: [{ instruction: 0, map: "jumps", kind: "map", offset: 0 }],
          funcInfo: [],
          lineInfo: [],
          coreRelocations: [],
        },
        { name: "callee", section: "socket", instructions: [asm.mov64Imm(0, 42), asm.exit()], mapReferences: [], funcInfo: [], lineInfo: [], coreRelocations: [] },
      ],
    };
    await using o = await loadObject(spec);
    const jumps = o.map("jumps") as ProgArrayHandle;
    const packet = new Uint8Array(64);
    const run = () => o.programs.get("caller")!.testRun({ data: packet }).retval;
    expect(run()).toBe(1); // empty slot: the tail call falls through
    jumps.set(1, o.programs.get("callee")!);
    expect(jumps.programId(1)).toBe(o.programs.get("callee")!.info().id);
    expect(run()).toBe(42);
    jumps.delete(1);
    expect(run()).toBe(1);
  });

  it("symbolises kernel and user stacks taken by bpf_get_stackid", async () => {
    const b = new BtfBuilder();
    const u64 = b.int("u64", 8);
    b.datasec(".bss", 16, [
      [b.variable("kernel_id", u64), 0],
      [b.variable("user_id", u64), 8],
    ]);
    const take = (flags: number, slot: number) => [
      asm.mov64Reg(6, 1),
      ...asm.ldMapFd(2, 0),
      asm.mov64Imm(3, flags),
      asm.call(BPF_FUNC_get_stackid),
      ...asm.ldMapValue(1, 0, slot),
      asm.stx("u64", 1, 0, 0),
      asm.mov64Imm(0, 0),
      asm.exit(),
    ];
    const program = (name: string, flags: number, slot: number) => ({
      name,
      section: "raw_tp/sys_enter",
      instructions: take(flags, slot),
      mapReferences: [
        { instruction: 1, map: "stacks", kind: "map" as const, offset: 0 },
        { instruction: 5, map: ".bss", kind: "value" as const, offset: slot },
      ],
      funcInfo: [],
      lineInfo: [],
      coreRelocations: [],
    });
    const spec: ObjectSpec = {
      license: "GPL",
      btf: b.btf,
      maps: [
        { name: ".bss", kind: "bss", type: MapType.Array, keySize: 4, valueSize: 16, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: 0 },
        { name: "stacks", kind: "btf-map", type: MapType.StackTrace, keySize: 4, valueSize: 8 * 32, maxEntries: 64, flags: 0, keyTypeId: 0, valueTypeId: 0 },
      ],
      programs: [program("kstack", 0, 0), program("ustack", BPF_F_USER_STACK, 8)],
    };
    await using o = await loadObject(spec);
    o.programs.get("kstack")!.testRun({ args: [0] });
    o.programs.get("ustack")!.testRun({ args: [0] });
    const stacks = o.map("stacks") as StackTraceHandle;
    const kernelId = Number(o.variable("kernel_id"));
    const userId = Number(o.variable("user_id"));
    expect(kernelId).toBeGreaterThanOrEqual(0);
    const kernel = stacks.symbolize(kernelId)!;
    expect(kernel.length).toBeGreaterThan(2);
    // The program ran under BPF_PROG_TEST_RUN, called from the bpf() system call.
    expect(kernel.map(formatFrame).join(" ")).toMatch(/bpf_prog_test_run|__sys_bpf|bpf_raw_tp/);
    const user = stacks.symbolize(userId, { pid: process.pid })!;
    expect(user.length).toBeGreaterThan(1);
    // The innermost user frame is libc's syscall wrapper; some frame belongs to node or its libraries.
    expect(user.some((f) => f.module !== undefined && f.symbol !== undefined)).toBe(true);
    expect(user.map((f) => f.module ?? "").join(" ")).toMatch(/libc|node/);
    const ids: number[] = [];
    for await (const id of stacks.ids()) ids.push(id);
    expect(ids.sort()).toEqual([kernelId, userId].sort());
  });
});
