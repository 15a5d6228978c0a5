// USDT: the target's .note.stapsdt probe tsbpf:step(i, sum) is parsed, its argument specs put
// in the object's __bpf_usdt_specs map, and a clang-built program using libbpf's usdt.bpf.h
// reads the arguments the target passed.
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { loadObject } from "../load/load-object.js";
import { compileOrSkip } from "../testing/clang.js";
import { describeKernel } from "../testing/kernel.js";
import { startTarget, targetBinary } from "../testing/target-process.js";
import { UserElf } from "./elf-symbols.js";
import { attachUsdt, encodeUsdtSpec, parseUsdtArg, readUsdtNotes, UsdtArgType, USDT_SPECS_MAP } from "./usdt.js";

const fixture = fileURLToPath(new URL("./__fixtures__/usdt.bpf.c", import.meta.url));

it("parses x86-64 USDT argument specs", () => {
  expect(parseUsdtArg("-4@%edi")).toEqual({ type: UsdtArgType.REG, valOff: 0n, regOff: 112, signed: true, bitshift: 32 });
  expect(parseUsdtArg("8@-16(%rbp)")).toEqual({ type: UsdtArgType.REG_DEREF, valOff: BigInt.asUintN(64, -16n), regOff: 32, signed: false, bitshift: 0 });
  expect(parseUsdtArg("2@$-5")).toMatchObject({ type: UsdtArgType.CONST, valOff: BigInt.asUintN(64, -5n), bitshift: 48 });
  expect(() => parseUsdtArg("4@8(%rsp,%rax,4)")).toThrow(/addressing form/);
  const spec = encodeUsdtSpec("-4@%edi 8@%rax", 7n);
  expect(spec.length).toBe(208);
  expect(new DataView(spec.buffer).getInt16(200, true)).toBe(2);
  expect(new DataView(spec.buffer).getBigUint64(192, true)).toBe(7n);
});

describeKernel("USDT probes on the kernel", () => {
  it("reads the probe's notes and its arguments in a libbpf program", async (context) => {
    const elf = compileOrSkip(fixture, context);
    const notes = readUsdtNotes(UserElf.open(targetBinary()));
    expect(notes).toEqual([expect.objectContaining({ provider: "tsbpf", name: "step", semaphoreOffset: 0n })]);
    expect(notes[0]!.args.split(" ")).toHaveLength(2);

    await using object = await loadObject(elf);
    const specs = object.map(USDT_SPECS_MAP);
    const target = startTarget(6);
    // Through the program's own attach(), which finds the object's spec map.
    using link = object.programs.get("on_step")!.attach({ binary: targetBinary(), provider: "tsbpf", name: "step", pid: target.pid, cookie: 42n });
    expect(() => attachUsdt("on_step", 0, specs, { binary: targetBinary(), provider: "tsbpf", name: "nothing" })).toThrow(/no USDT probe tsbpf:nothing/);
    expect(link.target).toContain("tsbpf:step");
    const sum = await target.run();
    expect(object.variable("calls")).toBe(6n);
    expect(object.variable("first_sum")).toBe(BigInt(0 + 1 + 2 + 3 + 4 + 5));
    expect(object.variable("last_second")).toBe(BigInt(sum));
    expect(object.variable("cookie")).toBe(42n);
    expect(object.variable("arg_count")).toBe(2n);
  });
});
