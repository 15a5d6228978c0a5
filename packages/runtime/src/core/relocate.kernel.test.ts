// CO-RE relocation by libbpf's rules, proven against BTFs whose layouts differ: the same object
// is relocated against two BTFs the test derives from vmlinux, (A) task_struct with its members
// in reverse order and new offsets, an enum with other values, (B) task_struct renamed with a
// flavour (task_struct___tsbpf_b) and one member more. Every program returns what its relocated
// instruction received; the expected values come from the derived BTFs themselves.
import {
  asm,
  decodeBtf,
  encodeBtf,
  findTypeByName,
  JmpOp,
  typeSize,
  type Btf,
  type BtfMember,
  type BtfStruct,
  type CoreRelocation,
  type Instruction,
  type ObjectSpec,
  type ProgramSpec,
} from "@tsbpf/object";
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { loadObject } from "../load/load-object.js";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import { CoreRelocationError } from "./errors.js";
import { CoreReloKind as K } from "./kinds.js";

const NEW_FIELD = "tsbpf_new_field";
const BITFIELD = "sched_reset_on_fork";

interface Derived {
  bytes: Uint8Array;
  btf: Btf;
  task: BtfStruct;
  taskId: number;
}

/** A copy of `vmlinux` with task_struct (and enum pid_type) replaced by `edit`'s result. */
function derive(vmlinux: Btf, edit: (task: BtfStruct) => BtfStruct, pidTgid: number): Derived {
  const { id: taskId, type } = findTypeByName(vmlinux, "task_struct", "struct")!;
  const pidType = findTypeByName(vmlinux, "pid_type", "enum")!;
  const types = [...vmlinux.types];
  const task = edit(type as BtfStruct);
  types[taskId - 1] = task;
  const e = pidType.type as Extract<Btf["types"][number], { kind: "enum" }>;
  types[pidType.id - 1] = { ...e, values: e.values.map((v) => (v.name === "PIDTYPE_TGID" ? { ...v, value: pidTgid } : v)) };
  const btf = { types };
  return { bytes: encodeBtf(btf), btf, task, taskId };
}

/** (A): members reversed, each non-bitfield 8-aligned, each bitfield alone in an 8-byte slot at its old bit position within its u32. */
function reversed(vmlinux: Btf) {
  return (task: BtfStruct): BtfStruct => {
    let offset = 0;
    const members: BtfMember[] = [];
    for (const m of [...task.members].reverse()) {
      if (m.bitfieldSize > 0) {
        const within = m.bitOffset % 32 + m.bitfieldSize <= 32 ? m.bitOffset % 32 : m.bitOffset % 8;
        members.push({ ...m, bitOffset: offset * 8 + within });
        offset += 8;
      } else {
        members.push({ ...m, bitOffset: offset * 8 });
        offset += Math.ceil(typeSize(vmlinux, m.type) / 8) * 8;
      }
    }
    return { ...task, size: offset, members };
  };
}

/** (B): renamed with a flavour, one int member appended. */
function flavoured(vmlinux: Btf) {
  const int = findTypeByName(vmlinux, "int", "int")!.id;
  return (task: BtfStruct): BtfStruct => ({
    ...task,
    name: "task_struct___tsbpf_b",
    size: task.size + 8,
    members: [...task.members, { name: NEW_FIELD, type: int, bitOffset: task.size * 8, bitfieldSize: 0 }],
  });
}

/** The object's own BTF: the local view of the kernel types its programs relocate. */
function localTypes() {
  const b = new BtfBuilder();
  const int = b.int("int", 4, true);
  const uint = b.int("unsigned int", 4);
  const u64 = b.int("unsigned long long", 8);
  const comm = b.array(b.char(), 16);
  const task = b.struct("task_struct", [
    ["pid", int],
    ["tgid", int],
    ["real_parent", b.ptr(0)],
    ["comm", comm],
    [NEW_FIELD, int],
    ["flags", u64], // the kernel's is an unsigned int: the load is narrowed
    [BITFIELD, uint, 8 * 48 + 3, 1],
  ]);
  const flavour = b.struct("task_struct___tsbpf", [["pid", int]]);
  const pidType = b.enum("pid_type", [["PIDTYPE_PID", 0], ["PIDTYPE_TGID", 1], ["PIDTYPE_TSBPF", 9]]);
  const missing = b.struct("tsbpf_no_such_struct", [["x", int]]);
  const listHead = b.struct("list_head", []);
  const lhPtr = b.ptr(listHead);
  (b.btf.types[listHead - 1] as BtfStruct).members = [
    { name: "next", type: lhPtr, bitOffset: 0, bitfieldSize: 0 },
    { name: "prev", type: lhPtr, bitOffset: 64, bitfieldSize: 0 },
  ];
  (b.btf.types[listHead - 1] as BtfStruct).size = 16;
  const badListHead = b.struct("list_head___bad", [["next", int]]);
  const ctx = b.ptr(0);
  return { b, int, task, flavour, pidType, missing, listHead, badListHead, ctx };
}

type Local = ReturnType<typeof localTypes>;

function program(local: Local, name: string, instructions: Instruction[], coreRelocations: CoreRelocation[], line = 10): ProgramSpec {
  const fn = local.b.func(name, local.int, [["ctx", local.ctx]]);
  return {
    name,
    section: "syscall",
    instructions,
    mapReferences: [],
    funcInfo: [{ instruction: 0, typeId: fn }],
    lineInfo: [{ instruction: 0, fileName: "probe.bpf.ts", lineText: `    return ${name}; // line ${line}`, line, column: 5 }],
    coreRelocations,
  };
}

/** `r0 = <relocated imm>; exit` */
function constant(local: Local, name: string, kind: number, typeId: number, access: string, localValue: number): ProgramSpec {
  return program(local, name, [asm.mov64Imm(0, localValue), asm.exit()], [{ instruction: 0, typeId, accessString: access, kind }]);
}

function goodObject(): { spec: ObjectSpec; local: Local } {
  const local = localTypes();
  const t = local.task;
  const programs = [
    constant(local, "off_pid", K.FIELD_BYTE_OFFSET, t, "0:0", 0),
    constant(local, "off_tgid", K.FIELD_BYTE_OFFSET, t, "0:1", 4),
    constant(local, "off_parent", K.FIELD_BYTE_OFFSET, t, "0:2", 8),
    constant(local, "off_comm2", K.FIELD_BYTE_OFFSET, t, "0:3:2", 18),
    constant(local, "size_comm", K.FIELD_BYTE_SIZE, t, "0:3", 16),
    constant(local, "has_new", K.FIELD_EXISTS, t, "0:4", 1),
    constant(local, "bf_signed", K.FIELD_SIGNED, t, "0:6", 0),
    constant(local, "bf_lshift", K.FIELD_LSHIFT_U64, t, "0:6", 0),
    constant(local, "bf_rshift", K.FIELD_RSHIFT_U64, t, "0:6", 63),
    constant(local, "bf_offset", K.FIELD_BYTE_OFFSET, t, "0:6", 48),
    constant(local, "flavour_exists", K.TYPE_EXISTS, local.flavour, "0", 1),
    constant(local, "missing_exists", K.TYPE_EXISTS, local.missing, "0", 1),
    constant(local, "task_size", K.TYPE_SIZE, t, "0", 56),
    constant(local, "task_id", K.TYPE_ID_TARGET, t, "0", t),
    constant(local, "local_id", K.TYPE_ID_LOCAL, t, "0", t),
    constant(local, "list_matches", K.TYPE_MATCHES, local.listHead, "0", 1),
    constant(local, "bad_list_matches", K.TYPE_MATCHES, local.badListHead, "0", 1),
    constant(local, "tgid_exists", K.ENUMVAL_EXISTS, local.pidType, "1", 1),
    constant(local, "tsbpf_exists", K.ENUMVAL_EXISTS, local.pidType, "2", 1),
    program(local, "tgid_value", [...asm.ldImm64(0, 1n), asm.exit()], [{ instruction: 0, typeId: local.pidType, accessString: "1", kind: K.ENUMVAL_VALUE }]),
    // r0 = *(u64 *)(ctx + offsetof(task_struct, flags)): relocated offset and a load narrowed to u32.
    program(local, "load_flags", [asm.ldx("u64", 0, 1, 40), asm.exit()], [{ instruction: 0, typeId: t, accessString: "0:5", kind: K.FIELD_BYTE_OFFSET }]),
    // if (exists(task.new)) return offsetof(task.new); else return 0xffff: poisoned only where it cannot run.
    program(
      local,
      "guarded_new",
      [asm.mov64Imm(0, 1), asm.jmpImm(JmpOp.JEQ, 0, 0, 2), asm.mov64Imm(0, 32), asm.exit(), asm.mov64Imm(0, 0xffff), asm.exit()],
      [
        { instruction: 0, typeId: t, accessString: "0:4", kind: K.FIELD_EXISTS },
        { instruction: 2, typeId: t, accessString: "0:4", kind: K.FIELD_BYTE_OFFSET },
      ],
    ),
  ];
  return { spec: { license: "GPL", btf: local.b.btf, maps: [], programs }, local };
}

/** One unguarded read of the member only (B) has. */
function unguardedObject(): ObjectSpec {
  const local = localTypes();
  const prog = program(local, "reads_new", [asm.mov64Imm(0, 32), asm.exit()], [{ instruction: 0, typeId: local.task, accessString: "0:4", kind: K.FIELD_BYTE_OFFSET }], 17);
  return { license: "GPL", btf: local.b.btf, maps: [], programs: [prog] };
}

/** A syscall context where the u32 at every 4-aligned offset k holds k, so a load returns its own offset. */
function offsetsContext(): Uint8Array {
  const ctx = new Uint8Array(0xfff0);
  const view = new DataView(ctx.buffer);
  for (let k = 0; k + 4 <= ctx.length; k += 4) view.setUint32(k, k, true);
  return ctx;
}

function member(task: BtfStruct, name: string): BtfMember {
  const m = task.members.find((x) => x.name === name);
  if (!m) throw new Error(`no ${name}`);
  return m;
}

/** What each program must return against `d`, computed from the derived BTF by hand. */
function expected(d: Derived, vmlinux: Btf, hasNew: boolean, pidTgid: number): Record<string, number> {
  const bf = member(d.task, BITFIELD);
  const bfByte = Math.floor(bf.bitOffset / 32) * 4;
  const listHead = findTypeByName(vmlinux, "list_head", "struct");
  return {
    off_pid: member(d.task, "pid").bitOffset / 8,
    off_tgid: member(d.task, "tgid").bitOffset / 8,
    off_parent: member(d.task, "real_parent").bitOffset / 8,
    off_comm2: member(d.task, "comm").bitOffset / 8 + 2,
    size_comm: 16,
    has_new: hasNew ? 1 : 0,
    bf_signed: 0,
    bf_lshift: 64 - (bf.bitOffset + 1 - bfByte * 8),
    bf_rshift: 63,
    bf_offset: bfByte,
    flavour_exists: 1,
    missing_exists: 0,
    task_size: d.task.size,
    task_id: d.taskId,
    list_matches: listHead ? 1 : 0,
    bad_list_matches: 0,
    tgid_exists: 1,
    tsbpf_exists: 0,
    tgid_value: pidTgid,
    load_flags: member(d.task, "flags").bitOffset / 8,
    guarded_new: hasNew ? member(d.task, NEW_FIELD).bitOffset / 8 : 0xffff,
  };
}

describeKernel("CO-RE relocation in user space, by libbpf's rules", () => {
  let vmlinux: Btf;
  let a: Derived;
  let b: Derived;
  beforeAll(() => {
    vmlinux = decodeBtf(new Uint8Array(readFileSync("/sys/kernel/btf/vmlinux")));
    a = derive(vmlinux, reversed(vmlinux), 41);
    b = derive(vmlinux, flavoured(vmlinux), 1);
  });

  it("resolves every kind of relocation to what each BTF says, in the kernel", async () => {
    const ctx = offsetsContext();
    const results: Record<string, Record<string, number>> = {};
    for (const [label, d] of [["A", a], ["B", b]] as const) {
      const { spec, local } = goodObject();
      await using object = await loadObject(spec, { coreBtf: d.bytes });
      results[label] = Object.fromEntries([...object.programs].map(([name, p]) => [name, p.testRun({ ctx }).retval]));
      expect(results[label]!.local_id).toBe(local.task);
      delete results[label]!.local_id;
    }
    expect(results.A).toEqual(expected(a, vmlinux, false, 41));
    expect(results.B).toEqual(expected(b, vmlinux, true, 1));
    // The two layouts really differ, so equal results would have proven nothing.
    expect(results.A!.off_pid).not.toBe(results.B!.off_pid);
    expect(results.A!.task_size).not.toBe(results.B!.task_size);
  });

  it("poisons an access to a member the target lacks: loads where it cannot run, fails naming the field and the .ts line where it can", async () => {
    await using fine = await loadObject(unguardedObject(), { coreBtf: b.bytes });
    expect(fine.programs.get("reads_new")!.testRun({ ctx: new Uint8Array(16) }).retval).toBe(member(b.task, NEW_FIELD).bitOffset / 8);

    const error = await loadObject(unguardedObject(), { coreBtf: a.bytes }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CoreRelocationError);
    const e = error as CoreRelocationError;
    expect(e.relocation).toMatchObject({ field: `task_struct.${NEW_FIELD}`, kind: "byte_off", instruction: 0 });
    expect(e.source).toMatchObject({ file: "probe.bpf.ts", line: 17 });
    expect(e.message).toContain(`task_struct.${NEW_FIELD}`);
    expect(e.message).toContain("probe.bpf.ts:17");
    expect(e.log).toContain("unknown#195896080");
  });

  it("relocates against the running kernel's BTF when none is given", async () => {
    const task = findTypeByName(vmlinux, "task_struct", "struct")!.type as BtfStruct;
    const { spec } = goodObject();
    spec.programs = spec.programs.filter((p) => p.name === "off_tgid" || p.name === "has_new");
    await using object = await loadObject(spec);
    expect(object.programs.get("off_tgid")!.testRun({ ctx: new Uint8Array(16) }).retval).toBe(member(task, "tgid").bitOffset / 8);
    expect(object.programs.get("has_new")!.testRun({ ctx: new Uint8Array(16) }).retval).toBe(0);
  });
});
