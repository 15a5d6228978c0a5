/**
 * Test programs built with @tsbpf/object's instruction builders (no compiler involved): a
 * counter that adds 1 to a `.bss` variable `hits` each time it runs and returns a chosen value,
 * optionally recording bpf_get_attach_cookie() in `cookie`.
 */
import { asm, MapType, type ObjectSpec } from "@tsbpf/object";
import { BtfBuilder } from "./btf.js";

const BPF_FUNC_get_attach_cookie = 174;

export interface CounterOptions {
  /** The program's return value (default 0). */
  returns?: number;
  /** Record bpf_get_attach_cookie() in the `cookie` variable (kprobe/uprobe/perf_event programs). */
  cookie?: boolean;
  /** Program name (default "count"). */
  name?: string;
  license?: string;
}

/** One object with one counting program in `section`; `object.variable("hits")` reads the count. */
export function counterObject(section: string, options: CounterOptions = {}): ObjectSpec {
  const b = new BtfBuilder();
  const u64 = b.int("u64", 8);
  const hits = b.variable("hits", u64);
  const cookie = b.variable("cookie", u64);
  b.datasec(".bss", 16, [
    [hits, 0],
    [cookie, 8],
  ]);
  const insns = [];
  const refs = [];
  if (options.cookie) {
    insns.push(asm.call(BPF_FUNC_get_attach_cookie));
    refs.push({ instruction: insns.length, map: ".bss", kind: "value" as const, offset: 8 });
    insns.push(...asm.ldMapValue(1, 0, 8), asm.stx("u64", 1, 0, 0));
  }
  refs.push({ instruction: insns.length, map: ".bss", kind: "value" as const, offset: 0 });
  insns.push(...asm.ldMapValue(1, 0, 0), asm.mov64Imm(2, 1), asm.atomicAdd("u64", 1, 2, 0), asm.mov64Imm(0, options.returns ?? 0), asm.exit());
  return {
    license: options.license ?? "GPL",
    btf: b.btf,
    maps: [{ name: ".bss", kind: "bss", type: MapType.Array, keySize: 4, valueSize: 16, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: 0 }],
    programs: [{ name: options.name ?? "count", section, instructions: insns, mapReferences: refs, funcInfo: [], lineInfo: [], coreRelocations: [] }],
  };
}
