// kprobes where the kernel has them (e.g. under ../shared/vm/run-in-vm.sh); elsewhere the attach
// must fail with a NotSupportedError that names the cause.
import { asm, MapType, type ObjectSpec } from "@tsbpf/object";
import { closeSync, openSync } from "node:fs";
import { expect, it } from "vitest";
import { NotSupportedError } from "../errors.js";
import { loadObject } from "../load/load-object.js";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import { counterObject } from "../testing/programs.js";
import { kprobesUnavailableReason } from "./kprobe.js";

function counter(section: string): ObjectSpec {
  const b = new BtfBuilder();
  const u64 = b.int("u64", 8);
  const hits = b.variable("hits", u64);
  b.datasec(".bss", 8, [[hits, 0]]);
  return {
    license: "GPL",
    btf: b.btf,
    maps: [{ name: ".bss", kind: "bss", type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: 0 }],
    programs: [
      {
        name: "count",
        section,
        instructions: [...asm.ldMapValue(1, 0, 0), asm.mov64Imm(2, 1), asm.atomicAdd("u64", 1, 2, 0), asm.mov64Imm(0, 0), asm.exit()],
        mapReferences: [{ instruction: 0, map: ".bss", kind: "value", offset: 0 }],
        funcInfo: [],
        lineInfo: [],
        coreRelocations: [],
      },
    ],
  };
}

describeKernel("kprobes on the kernel", () => {
  for (const kind of ["kprobe", "kretprobe"]) {
    it(`attaches a ${kind} where kprobes exist, else says why not`, async () => {
      await using object = await loadObject(counter(`${kind}/do_sys_openat2`));
      const reason = kprobesUnavailableReason();
      if (reason) {
        expect(() => object.attach()).toThrow(NotSupportedError);
        expect(() => object.attach()).toThrow(/no kprobes/);
        return;
      }
      const [link] = object.attach();
      expect(link!.target).toBe(`${kind}/do_sys_openat2`);
      for (let i = 0; i < 3; i++) closeSync(openSync("/dev/null", "r"));
      expect(object.variable("hits")).toBeGreaterThanOrEqual(3n);
    });
  }
});

describeKernel("kprobe.multi on the kernel", () => {
  // A glob (functions listed from tracefs) and a plain name (passed through).
  for (const [kind, target] of [["kprobe.multi", "do_sys_opena?2"], ["kretprobe.multi", "do_sys_openat2"]] as const) {
    it(`attaches ${kind}/${target} with a cookie per function where the kernel has it, else says why not`, async () => {
      await using object = await loadObject(counterObject(`${kind}/${target}`, { cookie: true }));
      let link;
      try {
        link = object.programs.get("count")!.attach({ cookies: [0x7e57n] });
      } catch (error) {
        expect(error).toBeInstanceOf(NotSupportedError);
        expect((error as Error).message).toMatch(/KPROBE_MULTI|available_filter_functions/);
        console.warn(`${kind} not run here: ${(error as Error).message}`);
        return;
      }
      object.adopt(link);
      expect(link.target).toBe(`${kind}/${target}`);
      for (let i = 0; i < 3; i++) closeSync(openSync("/dev/null", "r"));
      expect(object.variable("hits")).toBeGreaterThanOrEqual(3n);
      expect(object.variable("cookie")).toBe(0x7e57n);
    });
  }
});
