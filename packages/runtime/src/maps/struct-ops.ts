/**
 * struct_ops (kernel 5.6; links 6.4): a kernel vtable — a TCP congestion control
 * (`tcp_congestion_ops`), a sched_ext scheduler, ... — filled with BPF programs. The map
 * (BPF_MAP_TYPE_STRUCT_OPS) holds the kernel's wrapper `bpf_struct_ops_<type>`, whose `data`
 * member is the vtable itself: each function member gets a program's fd, other members their
 * values (`name` for a congestion control). Programs implementing member i are loaded with the
 * struct's BTF id as attach_btf_id and i as expected_attach_type. Registering is a BPF link on
 * the map (BPF_LINK_CREATE with BPF_STRUCT_OPS); closing the link unregisters. What the map
 * holds comes from the object's `.struct_ops*` variables, matched to the kernel's struct by member
 * name as libbpf does; the map is made with BPF_F_LINK (registered through a link) wherever the
 * kernel has struct_ops links (6.4), whichever section named it, else registered by the map update.
 */
import { LazyBtf, resolveModifiers, tryTypeById, typeSize, typeSizeVia, type Btf, type BtfStruct, type BtfType, type StructOpsSpec } from "@tsbpf/object";
import { MapError, NotSupportedError, ObjectError } from "../errors.js";
import { littleEndian } from "../sys/attr.js";
import { bpfFailure, Cmd, linkCreateRaw, mapCreate, mapCreateRaw, mapDelete, mapUpdateRaw } from "../sys/bpf.js";
import { Errno } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";
import { readFile } from "../sys/files.js";
import { AttachType } from "../load/types.js";
import { Link } from "../links/link.js";
import { BpfMap } from "./map.js";

const BPF_MAP_TYPE_STRUCT_OPS = 26;
const BPF_F_LINK = 1 << 13;

let vmlinux: LazyBtf | undefined;

function kernelBtf(): LazyBtf {
  if (vmlinux) return vmlinux;
  const bytes = readFile("/sys/kernel/btf/vmlinux");
  if (!bytes) throw new NotSupportedError("struct_ops", "/sys/kernel/btf/vmlinux is missing", { remedy: "use a kernel built with CONFIG_DEBUG_INFO_BTF=y" });
  vmlinux = LazyBtf.parse(bytes);
  return vmlinux;
}

function resolve(btf: LazyBtf, id: number): BtfType {
  let t = btf.typeById(id);
  while (t.kind === "typedef" || t.kind === "const" || t.kind === "volatile" || t.kind === "restrict" || t.kind === "type_tag") t = btf.typeById(t.type);
  return t;
}

export interface StructOpsLayout {
  /** The struct's name: "tcp_congestion_ops". */
  type: string;
  /** BTF id of the struct (programs' attach_btf_id). */
  typeId: number;
  struct: BtfStruct;
  /** BTF id and size of the wrapper `bpf_struct_ops_<type>` (the map's value). */
  valueTypeId: number;
  valueSize: number;
  /** Offset of the struct inside the wrapper. */
  dataOffset: number;
}

/** The kernel's layout for a struct_ops type, from vmlinux BTF. */
export function structOpsLayout(type: string): StructOpsLayout {
  const btf = kernelBtf();
  const found = btf.findByName(type, "struct");
  const wrapper = btf.findByName(`bpf_struct_ops_${type}`, "struct");
  if (!found || !wrapper) {
    throw new NotSupportedError(`struct_ops ${type}`, `the running kernel has no ${found ? `bpf_struct_ops_${type}` : `struct ${type}`} in its BTF (not a struct_ops type here, or its module is not loaded)`);
  }
  const w = wrapper.type as BtfStruct;
  const data = w.members.find((m) => m.name === "data");
  if (!data) throw new NotSupportedError(`struct_ops ${type}`, `bpf_struct_ops_${type} has no data member`);
  return { type, typeId: found.id, struct: found.type as BtfStruct, valueTypeId: wrapper.id, valueSize: w.size, dataOffset: data.bitOffset / 8 };
}

export class StructOpsMap extends BpfMap {
  readonly structType: string;
  #link: Link | undefined;
  /**
   * The value (program fds in place) that attach() writes, as libbpf writes it in
   * bpf_map__attach_struct_ops: at load the map is only made, because the update is where the
   * subsystem checks the value (its init_member), and some types refuse every value
   * (bpf_dummy_ops, whose programs only run through BPF_PROG_TEST_RUN). Written once: a map
   * made with BPF_F_LINK takes one update, after which links register and unregister it.
   */
  readonly #value: Uint8Array;
  /** Whether the map was made without BPF_F_LINK (kernels before 6.4): the update is the registration. */
  readonly #byUpdate: boolean;
  #written = false;

  constructor(fd: Fd, name: string, structType: string, value: Uint8Array, byUpdate: boolean) {
    super(fd, { name, type: BPF_MAP_TYPE_STRUCT_OPS, keySize: 4, valueSize: value.length, maxEntries: 1, flags: byUpdate ? 0 : BPF_F_LINK });
    this.structType = structType;
    this.#value = value;
    this.#byUpdate = byUpdate;
  }

  /** Whether a link currently registers it. */
  get attached(): boolean {
    return this.#link !== undefined && !this.#link.closed;
  }

  /**
   * Registers the vtable with the kernel (the congestion control becomes available) and returns
   * the link whose close() unregisters it. Through a BPF link on Linux 6.4+; on older kernels
   * (5.6+) by updating the map, as libbpf 1.1 does, and the returned link deletes the element
   * again on close() or at process exit. Such a registration outlives a process killed before
   * its exit handlers run: the kernel ties it to no descriptor. A kernel that registers no value
   * of this type (bpf_dummy_ops: EOPNOTSUPP) is a `NotSupportedError`.
   */
  attach(): Link {
    const what = `struct_ops ${this.structType} ${this.name}`;
    if (this.attached) throw new MapError(`${what} is registered already`, { map: this.name });
    if (this.#byUpdate) {
      this.#update(what);
      const fd = this.fd;
      this.#link = new Link(this.name, what, undefined, [{ close: () => void mapDelete(fd, new Uint8Array(4)) }]);
      return this.#link;
    }
    if (!this.#written) {
      this.#update(what);
      this.#written = true;
    }
    const r = linkCreateRaw({ progFd: this.fd.raw, targetFd: 0, attachType: AttachType.STRUCT_OPS });
    if (r === -Errno.EINVAL) throw new NotSupportedError(what, "the kernel refused a struct_ops link (EINVAL)", { remedy: "needs Linux 6.4", errno: -r, syscall: "BPF_LINK_CREATE" });
    if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, what);
    this.#link = new Link(this.name, what, new Fd(r, `link ${what}`));
    return this.#link;
  }

  #update(what: string): void {
    const r = mapUpdateRaw(this.fd, new Uint8Array(4), this.#value);
    if (r === -Errno.EOPNOTSUPP) {
      throw new NotSupportedError(what, `the kernel registers no ${this.structType} value (its init_member refuses every member: EOPNOTSUPP)`, {
        remedy: this.structType === "bpf_dummy_ops" ? "run its programs with testRun() instead: bpf_dummy_ops exists for BPF_PROG_TEST_RUN" : `check that the kernel's ${this.structType} subsystem accepts BPF implementations`,
        errno: -r, syscall: "BPF_MAP_UPDATE_ELEM",
      });
    }
    if (r < 0) throw bpfFailure(Cmd.MAP_UPDATE_ELEM, -r, what);
  }
}

/** What loading one struct_ops variable takes, worked out before any program is loaded. */
export interface StructOpsPlan {
  spec: StructOpsSpec;
  layout: StructOpsLayout;
  /** Program → what it implements (its attach_btf_id and expected_attach_type). */
  programs: Map<string, { typeId: number; memberIndex: number }>;
  /** The map's value with the data members copied in; program fds go at `slots`. */
  value: Uint8Array;
  slots: { offset: number; program: string }[];
}

/**
 * Matches a struct_ops variable of the object to the running kernel's struct, by member name as
 * libbpf does (bpf_map__init_kern_struct_ops): function members to the kernel's member index,
 * data members copied to the kernel's offset when their kind and size agree.
 */
export function planStructOps(btf: Btf, spec: StructOpsSpec): StructOpsPlan {
  const bad = (message: string): never => {
    throw new ObjectError(`struct_ops ${spec.name}: ${message}`, { section: spec.section });
  };
  const local = tryTypeById(btf, spec.typeId);
  if (local?.kind !== "struct" || !local.name) return bad(`type ${spec.typeId} is not a named struct of the object's BTF`);
  const layout = structOpsLayout(local.name);
  const kernel = kernelBtf();
  const value = new Uint8Array(layout.valueSize);
  const programs = new Map<string, { typeId: number; memberIndex: number }>();
  const slots: StructOpsPlan["slots"] = [];
  const functions = new Map(spec.functions.map((f) => [f.offset, f.program]));
  for (const member of local.members) {
    const at = member.bitOffset / 8;
    const index = layout.struct.members.findIndex((m) => m.name === member.name);
    if (index < 0) return bad(`struct ${local.name} of the running kernel has no member ${member.name} (it has: ${layout.struct.members.map((m) => m.name).join(", ")})`);
    const theirs = layout.struct.members[index]!;
    if (member.bitfieldSize || theirs.bitfieldSize) return bad(`${local.name}.${member.name} is a bitfield, which struct_ops cannot set`);
    const mine = tryTypeById(btf, resolveModifiers(btf, member.type));
    const kernelType = resolve(kernel, theirs.type);
    if ((mine?.kind ?? "void") !== kernelType.kind) return bad(`${local.name}.${member.name} is a ${mine?.kind ?? "void"} in the object but a ${kernelType.kind} in the kernel`);
    const program = functions.get(at);
    functions.delete(at);
    if (kernelType.kind === "ptr") {
      if (program === undefined) continue; // a function member left unset (NULL)
      if (resolve(kernel, kernelType.type).kind !== "func_proto") return bad(`${local.name}.${member.name} is not a function pointer in the kernel`);
      const target = { typeId: layout.typeId, memberIndex: index };
      const earlier = programs.get(program);
      if (earlier && earlier.memberIndex !== index) return bad(`program ${program} implements two members (${layout.struct.members[earlier.memberIndex]!.name} and ${member.name})`);
      programs.set(program, target);
      slots.push({ offset: layout.dataOffset + theirs.bitOffset / 8, program });
      continue;
    }
    if (program !== undefined) return bad(`${local.name}.${member.name} is not a function pointer, but a relocation points it at ${program}`);
    const size = typeSize(btf, member.type);
    const kernelSize = typeSizeVia((id) => kernel.typeById(id), theirs.type);
    if (size !== kernelSize) return bad(`${local.name}.${member.name} has ${size} bytes in the object but ${kernelSize} in the kernel`);
    if (at + size > spec.data.length) return bad(`${local.name}.${member.name} lies outside the variable's ${spec.data.length} bytes`);
    value.set(spec.data.subarray(at, at + size), layout.dataOffset + theirs.bitOffset / 8);
  }
  for (const [offset, program] of functions) bad(`program ${program} is set at +${offset}, where ${local.name} has no member`);
  return { spec, layout, programs, value, slots };
}

/** Creates and fills a struct_ops map (BPF_F_LINK where the kernel has struct_ops links: `attach()` registers it through one). */
export function createStructOpsMap(plan: StructOpsPlan, programFd: (program: string) => number, btfFd: number | undefined): StructOpsMap {
  const { spec, layout } = plan;
  // The kernel wants the object's BTF alongside the vmlinux value type (it reads neither key nor value from it).
  if (btfFd === undefined) throw new ObjectError(`struct_ops map ${spec.name} needs the object to carry BTF`, { section: ".BTF" });
  const value = plan.value.slice();
  const view = new DataView(value.buffer);
  for (const slot of plan.slots) view.setBigUint64(slot.offset, BigInt(programFd(slot.program)), littleEndian);
  const attr = { type: BPF_MAP_TYPE_STRUCT_OPS, keySize: 4, valueSize: layout.valueSize, maxEntries: 1, name: spec.name, btfFd, btfVmlinuxValueTypeId: layout.valueTypeId };
  const linked = mapCreateRaw({ ...attr, flags: BPF_F_LINK });
  if (linked === -Errno.EINVAL) {
    // No struct_ops links here (before 6.4: BPF_F_LINK is refused, the same map without it is
    // not): attach() registers by the map update instead.
    return new StructOpsMap(mapCreate(attr), spec.name, layout.type, value, true);
  }
  if (linked < 0) throw bpfFailure(Cmd.MAP_CREATE, -linked, `map ${spec.name}`);
  return new StructOpsMap(new Fd(linked, `map ${spec.name}`), spec.name, layout.type, value, false);
}
