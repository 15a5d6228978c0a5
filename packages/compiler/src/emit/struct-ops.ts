/**
 * struct_ops variables in `.struct_ops`, as clang writes
 * `SEC(".struct_ops") struct tcp_congestion_ops cc = { .ssthresh = (void *)prog, .name = "cc" }`:
 * a local BTF struct named as the kernel's with the members the probe sets (function pointers
 * and data members, at the offsets the `@kernel` interface declares), a VAR in a DATASEC
 * `.struct_ops`, and the variable's bytes; the ELF writer adds the relocations that point
 * function members at programs.
 *
 * Why `.struct_ops` and not `.struct_ops.link`: libbpf learnt `.struct_ops.link` in 1.2, and the
 * libbpf-based tools of current distributions (Debian's bpftool: libbpf 1.1) refuse objects
 * that use it. The section name only tells libbpf how to register the map; tsbpf's runtime
 * always registers through a BPF link (kernel 6.4), whichever of the two names it reads.
 */
import { VarLinkage, type StructOpsSpec } from "@tsbpf/object";
import { kindSize } from "../checker/kinds.js";
import { alignUp } from "../checker/layout.js";
import type { BtfBuilder } from "../btf/builder.js";
import type { StructOpsModel } from "../frontend/struct-ops.js";
import { writeLittleEndian } from "./little-endian.js";

export const STRUCT_OPS_SECTION = ".struct_ops";

export function structOpsVariables(btf: BtfBuilder, all: StructOpsModel[]): StructOpsSpec[] {
  if (all.length === 0) return [];
  const specs: StructOpsSpec[] = [];
  const vars: { type: number; offset: number; size: number }[] = [];
  let end = 0;
  // Only the pointer's kind matters to libbpf and the kernel (both match members by name).
  const functionPointer = btf.ptr(btf.funcProto(btf.int("i32"), []));
  for (const ops of all) {
    const { struct } = ops;
    const data = new Uint8Array(struct.size);
    const view = new DataView(data.buffer);
    const members: { name: string; type: number; offset: number }[] = [];
    const functions: StructOpsSpec["functions"] = [];
    for (const [member, { field, program }] of ops.programs) {
      members.push({ name: member, type: functionPointer, offset: field.offset });
      functions.push({ offset: field.offset, program });
    }
    for (const [member, { field, value }] of ops.values) {
      members.push({ name: member, type: btf.type(field.type), offset: field.offset });
      if (typeof value === "string") data.set(new TextEncoder().encode(value), field.offset);
      else if (field.type.tag === "int") writeLittleEndian(view, field.offset, kindSize(field.type.kind), value);
    }
    members.sort((a, b) => a.offset - b.offset);
    const typeId = btf.namedStruct(struct.name, struct.size, members);
    const offset = alignUp(end, 8);
    vars.push({ type: btf.variable(ops.name, typeId, VarLinkage.GlobalAllocated), offset, size: struct.size });
    end = offset + struct.size;
    specs.push({ name: ops.name, section: STRUCT_OPS_SECTION, typeId, data, functions: functions.sort((a, b) => a.offset - b.offset) });
  }
  btf.datasec(STRUCT_OPS_SECTION, end, vars);
  return specs;
}
