/**
 * struct_ops (kernel 5.6; links 6.4): a kernel vtable — a TCP congestion control
 * (`tcp_congestion_ops`), a sched_ext scheduler, ... — filled with BPF programs. The map
 * (BPF_MAP_TYPE_STRUCT_OPS) holds the kernel's wrapper `bpf_struct_ops_<type>`, whose `data`
 * member is the vtable itself: each function member gets a program's fd, other members their
 * values (`name` for a congestion control). Programs implementing member i are loaded with the
 * struct's BTF id as attach_btf_id and i as expected_attach_type. Registering is a BPF link on
 * the map (BPF_LINK_CREATE with BPF_STRUCT_OPS); closing the link unregisters.
 */
import { LazyBtf, type BtfMember, type BtfStruct, type BtfType } from "@tsbpf/object";
import { MapError, NotSupportedError, ObjectError } from "../errors.js";
import { littleEndian } from "../sys/attr.js";
import { bpfFailure, Cmd, linkCreateRaw, mapCreate, mapUpdate } from "../sys/bpf.js";
import { Errno } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";
import { readFile } from "../sys/files.js";
import { AttachType } from "../load/types.js";
import { Link } from "../links/link.js";
import { BpfMap } from "./map.js";

const BPF_MAP_TYPE_STRUCT_OPS = 26;
const BPF_F_LINK = 1 << 13;

/** What a struct_ops map implements: the kernel struct, programs for its function members, values for the rest. */
export interface StructOpsSpec {
  /** The kernel struct: "tcp_congestion_ops". */
  type: string;
  /** Function member → program name in the object. */
  programs: Record<string, string>;
  /** Other members: numbers, bigints, strings for char arrays (`{ name: "my_cc" }`). */
  values?: Record<string, number | bigint | string>;
}

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
  return { typeId: found.id, struct: found.type as BtfStruct, valueTypeId: wrapper.id, valueSize: w.size, dataOffset: data.bitOffset / 8 };
}

/** Member index of a function member (the expected_attach_type of the program implementing it). */
export function structOpsMember(layout: StructOpsLayout, member: string, type: string): { index: number; member: BtfMember } {
  const index = layout.struct.members.findIndex((m) => m.name === member);
  if (index < 0) throw new MapError(`struct ${type} has no member ${member} (it has: ${layout.struct.members.map((m) => m.name).join(", ")})`);
  return { index, member: layout.struct.members[index]! };
}

export class StructOpsMap extends BpfMap {
  readonly structType: string;
  #link: Link | undefined;

  constructor(fd: Fd, name: string, structType: string, valueSize: number) {
    super(fd, { name, type: BPF_MAP_TYPE_STRUCT_OPS, keySize: 4, valueSize, maxEntries: 1, flags: BPF_F_LINK });
    this.structType = structType;
  }

  /** Whether a link currently registers it. */
  get attached(): boolean {
    return this.#link !== undefined && !this.#link.closed;
  }

  /** Registers the vtable with the kernel (the congestion control becomes available). Kernel 6.4. */
  attach(): Link {
    const what = `struct_ops ${this.structType} ${this.name}`;
    const r = linkCreateRaw({ progFd: this.fd.raw, targetFd: 0, attachType: AttachType.STRUCT_OPS });
    if (r === -Errno.EINVAL) throw new NotSupportedError(what, "the kernel refused a struct_ops link (EINVAL)", { remedy: "needs Linux 6.4", errno: -r, syscall: "BPF_LINK_CREATE" });
    if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, what);
    this.#link = new Link(this.name, what, new Fd(r, `link ${what}`));
    return this.#link;
  }
}

/** Creates and fills a struct_ops map: each function member gets its program's fd. */
export function createStructOpsMap(name: string, spec: StructOpsSpec, programFd: (program: string) => number, btfFd: number | undefined): StructOpsMap {
  // The kernel wants the object's BTF alongside the vmlinux value type (it reads neither key nor value from it).
  if (btfFd === undefined) throw new ObjectError(`struct_ops map ${name} needs the object to carry BTF`, { section: ".BTF" });
  const layout = structOpsLayout(spec.type);
  const btf = kernelBtf();
  const value = new Uint8Array(layout.valueSize);
  const view = new DataView(value.buffer);
  for (const [member, program] of Object.entries(spec.programs)) {
    const { member: m } = structOpsMember(layout, member, spec.type);
    const t = resolve(btf, m.type);
    if (t.kind !== "ptr" || resolve(btf, t.type).kind !== "func_proto") throw new MapError(`${spec.type}.${member} is not a function pointer`, { map: name });
    view.setBigUint64(layout.dataOffset + m.bitOffset / 8, BigInt(programFd(program)), littleEndian);
  }
  for (const [member, v] of Object.entries(spec.values ?? {})) {
    const { member: m } = structOpsMember(layout, member, spec.type);
    const at = layout.dataOffset + m.bitOffset / 8;
    const t = resolve(btf, m.type);
    if (typeof v === "string") {
      if (t.kind !== "array") throw new MapError(`${spec.type}.${member} is not a char array`, { map: name });
      const bytes = new TextEncoder().encode(v);
      if (bytes.length >= t.nelems) throw new MapError(`${spec.type}.${member} holds at most ${t.nelems - 1} bytes; "${v}" has ${bytes.length}`, { map: name });
      value.set(bytes, at);
    } else if (t.kind === "int" || t.kind === "enum") {
      const n = BigInt(v);
      if (t.size === 8) view.setBigUint64(at, BigInt.asUintN(64, n), littleEndian);
      else if (t.size === 4) view.setUint32(at, Number(BigInt.asUintN(32, n)), littleEndian);
      else if (t.size === 2) view.setUint16(at, Number(BigInt.asUintN(16, n)), littleEndian);
      else view.setUint8(at, Number(BigInt.asUintN(8, n)));
    } else {
      throw new MapError(`${spec.type}.${member} is a ${t.kind}, which tsbpf cannot set from user space`, { map: name });
    }
  }
  const fd = mapCreate({ type: BPF_MAP_TYPE_STRUCT_OPS, keySize: 4, valueSize: layout.valueSize, maxEntries: 1, flags: BPF_F_LINK, name, btfFd, btfVmlinuxValueTypeId: layout.valueTypeId });
  try {
    mapUpdate(fd, new Uint8Array(4), value);
  } catch (error) {
    fd.close();
    throw error;
  }
  return new StructOpsMap(fd, name, spec.type, layout.valueSize);
}
