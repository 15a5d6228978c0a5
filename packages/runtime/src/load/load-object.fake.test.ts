// The loader against the fake kernel: what reaches the kernel (attrs, patched instructions,
// func/line info, map shapes) without needing root.
import { asm, MapType, PseudoSrc, type ObjectSpec } from "@tsbpf/object";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MapError, ObjectError, PermissionError, VerifierError } from "../errors.js";
import { Cmd } from "../sys/bpf.js";
import { useDoor } from "../sys/door.js";
import { Errno } from "../sys/errno.js";
import { FakeKernel } from "../sys/fake.js";
import { resetFeatureCache } from "../features.js";
import { BtfBuilder } from "../testing/btf.js";
import { loadObject } from "./load-object.js";
import { GlobalDataHandle } from "../maps/global-data.js";
import { RingBufReader } from "../maps/ring-buffer.js";
import { HashMapHandle } from "../maps/hash-map.js";

let kernel: FakeKernel;
let restore: () => void;

beforeEach(() => {
  kernel = new FakeKernel();
  restore = useDoor(kernel);
  resetFeatureCache();
});

// The probes cached meanwhile were the fake's: forget them before the next file (isolate: false).
afterEach(() => {
  restore();
  resetFeatureCache();
});

function spec(): ObjectSpec {
  const b = new BtfBuilder();
  const u32 = b.int("u32", 4);
  const u64 = b.int("u64", 8);
  const int = b.int("int", 4, true);
  const event = b.struct("event", [["pid", u32], ["ts", u64]]);
  const target = b.variable("target_pid", u32);
  const verbose = b.variable("verbose", u32);
  b.datasec(".rodata", 16, [[target, 0], [verbose, 4]]);
  const seen = b.variable("seen", u64);
  b.datasec(".data", 8, [[seen, 0]]);
  const fn = b.func("a_very_long_program_name", int, [["ctx", b.ptr(0)]]);
  const rodata = new Uint8Array(16);
  rodata.set([1, 0, 0, 0, 2, 0, 0, 0]);
  rodata.set(new TextEncoder().encode("hi\0"), 8); // a string literal after the variables
  return {
    license: "Dual BSD/GPL",
    btf: b.btf,
    maps: [
      { name: "events", kind: "btf-map", type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: 5000, flags: 0, keyTypeId: 0, valueTypeId: event },
      { name: "counts", kind: "btf-map", type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 8, flags: 0, keyTypeId: u32, valueTypeId: u64 },
      { name: ".rodata", kind: "rodata", type: MapType.Array, keySize: 4, valueSize: 16, maxEntries: 1, flags: 0x80, keyTypeId: 0, valueTypeId: 0, contents: rodata },
      { name: ".data", kind: "data", type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: 0, contents: new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0]) },
    ],
    programs: [
      {
        name: "a_very_long_program_name",
        section: "tracepoint/syscalls/sys_enter_write",
        instructions: [...asm.ldMapFd(1, 0), ...asm.ldMapValue(2, 0, 0), ...asm.ldMapFd(3, 0), asm.mov64Imm(0, 0), asm.exit()],
        mapReferences: [
          { instruction: 0, map: "events", kind: "map", offset: 0 },
          { instruction: 2, map: ".rodata", kind: "value", offset: 4 },
          { instruction: 4, map: "counts", kind: "map", offset: 0 },
        ],
        funcInfo: [{ instruction: 0, typeId: fn }],
        lineInfo: [
          { instruction: 0, fileName: "p.bpf.ts", lineText: "const e = this.events;", line: 3, column: 5 },
          { instruction: 1, fileName: "p.bpf.ts", lineText: "second slot: dropped", line: 3, column: 9 },
          { instruction: 2, fileName: "p.bpf.ts", lineText: "if (this.verbose) {", line: 4, column: 5 },
          { instruction: 2, fileName: "p.bpf.ts", lineText: "duplicate: dropped", line: 4, column: 9 },
          { instruction: 6, fileName: "p.bpf.ts", lineText: "return 0;", line: 7, column: 5 },
        ],
        coreRelocations: [],
      },
    ],
  };
}

/** A string of the BTF blob the kernel received, by string-section offset. */
function btfString(blob: Uint8Array, offset: number): string {
  const v = new DataView(blob.buffer, blob.byteOffset);
  const strStart = v.getUint32(4, true) + v.getUint32(16, true);
  const start = strStart + offset;
  return new TextDecoder().decode(blob.subarray(start, blob.indexOf(0, start)));
}

describe("loadObject (fake kernel)", () => {
  it("creates maps the way libbpf does", async () => {
    await using object = await loadObject(spec(), { config: { target_pid: 4242 } });
    const events = kernel.mapNamed("events");
    expect(events).toMatchObject({ type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: 8192, btfKeyTypeId: 0, btfValueTypeId: 0 });
    const counts = kernel.mapNamed("counts");
    expect(counts).toMatchObject({ keySize: 4, valueSize: 8, btfKeyTypeId: 1, btfValueTypeId: 2 });
    expect(counts.btfFd).toBeGreaterThan(0);
    const rodata = kernel.mapNamed(".rodata");
    expect(rodata.frozen).toBe(true);
    expect(rodata.flags & 0x80).toBe(0x80); // BPF_F_RDONLY_PROG
    expect(rodata.flags & 0x400).toBe(0x400); // BPF_F_MMAPABLE
    expect(rodata.btfValueTypeId).toBe(object.spec.btf.types.findIndex((t) => t.kind === "datasec" && t.name === ".rodata") + 1);
    // config replaced target_pid, kept verbose and the string literal after it.
    expect([...rodata.storage!.subarray(0, 11)]).toEqual([0x92, 0x10, 0, 0, 2, 0, 0, 0, 0x68, 0x69, 0]);
    expect(kernel.mapNamed(".data").frozen).toBe(false);
    expect(kernel.mapNamed(".data").storage![0]).toBe(9);

    expect(object.maps.get("events")).toBeInstanceOf(RingBufReader);
    expect(object.maps.get("counts")).toBeInstanceOf(HashMapHandle);
    expect(object.maps.get(".rodata")).toBeInstanceOf(GlobalDataHandle);
    expect(object.variable("target_pid")).toBe(4242);
    expect(object.variable("seen")).toBe(9n);
    expect(() => object.setVariable("target_pid", 1)).toThrow(/read-only/);
    object.setVariable("seen", 10n);
    expect(kernel.mapNamed(".data").storage![0]).toBe(10);
  });

  it("patches map references, names the program and sends func and line info", async () => {
    await using object = await loadObject(spec());
    const [program] = kernel.programs;
    expect(program!.name).toBe("a_very_long_pro");
    expect(program!.license).toBe("Dual BSD/GPL");
    expect(program!.type).toBe(5); // BPF_PROG_TYPE_TRACEPOINT
    const fdOf = (name: string) => object.maps.get(name)!.fd.raw;
    const insns = program!.instructions;
    expect(insns[0]).toMatchObject({ src: PseudoSrc.MAP_FD, imm: fdOf("events") });
    expect(insns[1]!.imm).toBe(0);
    expect(insns[2]).toMatchObject({ src: PseudoSrc.MAP_VALUE, imm: fdOf(".rodata") });
    expect(insns[3]!.imm).toBe(4);
    expect(insns[4]).toMatchObject({ src: PseudoSrc.MAP_FD, imm: fdOf("counts") });

    expect(program!.funcInfo).toEqual([{ insnOff: 0, typeId: object.spec.programs[0]!.funcInfo[0]!.typeId }]);
    const blob = kernel.btfs[0]!;
    const lines = program!.lineInfo.map((li) => ({
      insn: li.insnOff,
      file: btfString(blob, li.fileNameOff),
      text: btfString(blob, li.lineOff),
      line: li.lineCol >> 10,
      column: li.lineCol & 0x3ff,
    }));
    expect(lines).toEqual([
      { insn: 0, file: "p.bpf.ts", text: "const e = this.events;", line: 3, column: 5 },
      { insn: 2, file: "p.bpf.ts", text: "if (this.verbose) {", line: 4, column: 5 },
      { insn: 6, file: "p.bpf.ts", text: "return 0;", line: 7, column: 5 },
    ]);
  });

  it("checks config names and values before touching the kernel", async () => {
    await expect(loadObject(spec(), { config: { target: 1 } })).rejects.toThrow(/unknown config name "target".*target_pid, verbose, seen/);
    await expect(loadObject(spec(), { config: { target_pid: -1 } })).rejects.toThrow(MapError);
    expect(kernel.openFds()).toEqual([]);
  });

  it("retries a rejected program with a log and maps it to the source line", async () => {
    const levels: number[] = [];
    kernel.verifier = (p) => {
      levels.push(p.instructions.length);
      return { log: "0: (18) r1 = map\n2: (18) r2 = map_value\n6: (95) exit\nR0 !read_ok\nprocessed 4 insns (limit 1000000)\n" };
    };
    const error = await loadObject(spec()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerifierError);
    const v = error as VerifierError;
    expect(v.instruction).toBe(6);
    expect(v.source).toMatchObject({ file: "p.bpf.ts", line: 7, column: 5 });
    expect(v.hint).toMatch(/return a value|used before/);
    expect(levels.length).toBe(2); // without a log, then with one
    expect(kernel.openFds()).toEqual([]); // maps and BTF released again
  });

  it("retries a program load the verifier gave up on with EAGAIN (a pending signal), as libbpf does", async () => {
    let eagain = 2;
    const bpf = kernel.bpf.bind(kernel);
    const loads: number[] = [];
    kernel.bpf = (cmd, attr) => {
      if (cmd !== Cmd.PROG_LOAD) return bpf(cmd, attr);
      loads.push(cmd);
      return eagain-- > 0 ? -Errno.EAGAIN : bpf(cmd, attr);
    };
    const object = await loadObject(spec());
    expect(loads.length).toBe(3);
    expect(object.programs.size).toBe(1);
    object.close();
    // Five attempts in all, then the error is the kernel's (after five more with a verifier log).
    eagain = 100;
    loads.length = 0;
    const error = await loadObject(spec()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "EAGAIN" });
    expect(loads.length).toBe(10);
    expect(kernel.openFds()).toEqual([]);
  });

  it("says which capability is missing when bpf() is refused", async () => {
    kernel.failures.set(Cmd.MAP_CREATE, Errno.EPERM);
    kernel.capabilityMask = 0n;
    const error = await loadObject(spec()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).message).toMatch(/CAP_BPF/);
  });

  it("rejects unknown section names, listing the known ones", async () => {
    const s = spec();
    s.programs[0]!.section = "kprobe_typo/do_unlinkat";
    const error = await loadObject(s).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectError);
    expect((error as ObjectError).section).toBe("kprobe_typo/do_unlinkat");
    expect((error as Error).message).toMatch(/tracepoint\/…, .*raw_tp\/…/);
    expect(kernel.openFds()).toEqual([]);
  });

  it("attaches tracepoint programs through a perf event and a BPF link, and closes everything", async () => {
    const object = await loadObject(spec());
    const links = object.attach();
    expect(links).toHaveLength(1);
    expect(kernel.perfEvents[0]).toMatchObject({ type: 2, config: 700n, pid: -1, cpu: 0, enabled: true });
    expect(kernel.links[0]).toMatchObject({ attachType: 41 });
    expect(object.attach()).toEqual([]); // already attached
    object.close();
    expect(kernel.openFds()).toEqual([]);
  });
});
