// Hooks beyond classic tracepoints on the real kernel: tp_btf (with kfunc calls resolved against
// vmlinux BTF), and fentry, which a locked-down kernel refuses with a NotSupportedError.
import { asm, MapType, type ObjectSpec } from "@tsbpf/object";
import { closeSync, openSync, writeSync } from "node:fs";
import { expect, it } from "vitest";
import { NotSupportedError } from "../errors.js";
import { vmlinuxTypeId } from "../btf/vmlinux.js";
import { lockdownMode } from "../sys/lockdown.js";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import { loadObject } from "./load-object.js";

/** A program counting its runs in the .bss variable `hits` (atomic add), calling two kfuncs. */
function counter(section: string, kfuncs: boolean): ObjectSpec {
  const b = new BtfBuilder();
  const u64 = b.int("u64", 8);
  const int = b.int("int", 4, true);
  const hits = b.variable("hits", u64);
  b.datasec(".bss", 8, [[hits, 0]]);
  const fn = b.func("count", int, [["ctx", b.ptr(u64)]]);
  const insns = [
    ...(kfuncs ? [asm.callKfunc(0)] : []),
    ...asm.ldMapValue(1, 0, 0),
    asm.mov64Imm(2, 1),
    asm.atomicAdd("u64", 1, 2, 0),
    ...(kfuncs ? [asm.callKfunc(0)] : []),
    asm.mov64Imm(0, 0),
    asm.exit(),
  ];
  return {
    license: "GPL",
    btf: b.btf,
    maps: [{ name: ".bss", kind: "bss", type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: 0 }],
    programs: [
      {
        name: "count",
        section,
        instructions: insns,
        mapReferences: [{ instruction: kfuncs ? 1 : 0, map: ".bss", kind: "value", offset: 0 }],
        externReferences: kfuncs
          ? [
              { instruction: 0, name: "bpf_rcu_read_lock", kind: "call" },
              { instruction: 5, name: "bpf_rcu_read_unlock", kind: "call" },
            ]
          : undefined,
        funcInfo: [{ instruction: 0, typeId: fn }],
        lineInfo: [],
        coreRelocations: [],
      },
    ],
  };
}


describeKernel("hooks on the kernel", () => {
  it("attaches a tp_btf program that calls kfuncs, and counts syscalls", async () => {
    // bpf_rcu_read_lock/unlock are kfuncs since Linux 6.2; on older kernels count without them.
    const kfuncs = vmlinuxTypeId("func", "bpf_rcu_read_lock") !== undefined;
    await using object = await loadObject(counter("tp_btf/sys_enter", kfuncs));
    const [link] = object.attach();
    expect(link!.target).toBe("tp_btf/sys_enter");
    const fd = openSync("/dev/null", "w");
    for (let i = 0; i < 5; i++) writeSync(fd, "x");
    closeSync(fd);
    const hits = object.variable("hits") as bigint;
    expect(hits).toBeGreaterThanOrEqual(7n); // open, 5 writes, close (every task's syscalls count)
    link!.close();
    const after = object.variable("hits") as bigint;
    await new Promise((r) => setTimeout(r, 20));
    expect(object.variable("hits")).toBe(after);
  });

  it("loads fentry where the kernel allows it, else says why not", async () => {
    const result = await loadObject(counter("fentry/do_unlinkat", false)).catch((e: unknown) => e);
    const mode = lockdownMode(); // after the load, which mounted securityfs if it had to
    if (mode === "none") {
      expect(result).not.toBeInstanceOf(Error);
      (result as { close(): void }).close();
    } else {
      expect(result).toBeInstanceOf(NotSupportedError);
      expect((result as NotSupportedError).reason).toContain(`locked down (${mode} mode)`);
    }
  });
});
