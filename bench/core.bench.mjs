// CO-RE relocation cost: a program with one FIELD_BYTE_OFFSET relocation per int or pointer
// member of the kernel's task_struct, relocated against the running kernel's BTF by tsbpf's
// runtime (packages/runtime/src/core). The local struct packs those members 8 bytes apart, so
// relocations change their instructions: the benchmark checks each result against the kernel's
// offset before it reports a time.
import { readFileSync } from "node:fs";
import { LazyBtf, asm } from "../packages/object/dist/index.js";
import { applyCoreRelocations, customCoreTargets } from "../packages/runtime/dist/index.js";

const VMLINUX = process.env.TSBPF_BENCH_BTF ?? "/sys/kernel/btf/vmlinux";

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function ms(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The local BTF (task_struct's int and pointer members, packed) and a program relocating `count` of them. */
function workload(vmlinux) {
  const { type: task } = vmlinux.findByName("task_struct", "struct");
  const types = [];
  const add = (t) => types.push(t) && types.length;
  const ints = new Map();
  const intOf = (size, signed) => {
    const key = `${size}:${signed}`;
    if (!ints.has(key)) ints.set(key, add({ kind: "int", name: `i${size}${signed}`, size, signed, char: false, bool: false, offset: 0, bits: size * 8 }));
    return ints.get(key);
  };
  const voidPtr = add({ kind: "ptr", type: 0 });
  const members = [];
  const kernelOffsets = [];
  for (const m of task.members) {
    if (m.name === "" || m.bitfieldSize) continue;
    let t = vmlinux.type(m.type);
    while (t && ["typedef", "const", "volatile", "restrict", "type_tag"].includes(t.kind)) t = vmlinux.type(t.type);
    const type = t?.kind === "ptr" ? voidPtr : t?.kind === "int" ? intOf(t.size, t.signed) : undefined;
    if (type === undefined) continue;
    members.push({ name: m.name, type, bitOffset: members.length * 64, bitfieldSize: 0 });
    kernelOffsets.push(m.bitOffset / 8);
  }
  const local = add({ kind: "struct", name: "task_struct", size: members.length * 8, members });
  const program = (count) => {
    const instructions = [];
    const coreRelocations = members.slice(0, count).map((m, i) => {
      instructions.push(asm.mov64Imm(0, m.bitOffset / 8));
      return { instruction: i, typeId: local, accessString: `0:${i}`, kind: 0 };
    });
    instructions.push(asm.exit());
    return { name: "bench", section: "syscall", instructions, mapReferences: [], funcInfo: [], lineInfo: [], coreRelocations };
  };
  const moved = kernelOffsets.filter((offset, i) => offset !== i * 8).length;
  return { btf: { types }, program, count: members.length, moved, kernelOffsets };
}

/** Relocates a copy of `program`'s instructions; throws unless each got the kernel's offset. */
function relocate(program, btf, targets, kernelOffsets) {
  const insns = program.instructions.map((x) => ({ ...x }));
  const report = applyCoreRelocations(program, insns, btf, targets);
  if (report.poisoned.length) throw new Error(`unexpected poison: ${report.poisoned[0].field}`);
  program.coreRelocations.forEach((r, i) => {
    if (insns[r.instruction].imm !== kernelOffsets[i]) throw new Error(`${report.applied[i].field}: relocated to ${insns[r.instruction].imm}, the kernel has ${kernelOffsets[i]}`);
  });
}

export async function run() {
  const bytes = new Uint8Array(readFileSync(VMLINUX));
  const { btf, program, count, moved, kernelOffsets } = workload(LazyBtf.parse(bytes));
  const one = program(1);
  const all = program(count);
  const open = [];
  const first = [];
  const warm = [];
  for (let i = 0; i < 9; i++) {
    let start = process.hrtime.bigint();
    const targets = customCoreTargets(LazyBtf.parse(bytes), "vmlinux");
    open.push(ms(start));
    start = process.hrtime.bigint();
    relocate(one, btf, targets, kernelOffsets);
    first.push(ms(start));
    relocate(all, btf, targets, kernelOffsets); // the program's JIT and the target's types warm
    start = process.hrtime.bigint();
    relocate(all, btf, targets, kernelOffsets);
    warm.push(ms(start));
  }
  return {
    title: `CO-RE relocation: task_struct members (${count}, ${moved} of them moved) against ${VMLINUX}`,
    rows: [
      { what: "open the BTF (LazyBtf.parse of the file's bytes)", value: median(open), unit: "ms" },
      { what: "first relocation (essential-name index, task_struct decoded)", value: median(first), unit: "ms" },
      { what: `${count} relocations, target BTF warm (one program)`, value: median(warm), unit: "ms" },
      { what: "per relocation, warm", value: (median(warm) * 1000) / count, unit: "µs" },
    ],
    ratios: [
      `a probe with a few relocations (execsnoop: 2) pays about open + first relocation, once per load`,
      `libbpf does the same work in C inside bpf_object__load; tsbpf's runtime does it before BPF_PROG_LOAD`,
    ],
  };
}
