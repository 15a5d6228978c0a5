/**
 * A struct_ops variable added to a hand-made test object, laid out compactly (function pointers,
 * then char arrays for string values) rather than at the kernel's offsets: the loader must match
 * members by name, as libbpf does.
 */
import type { ObjectSpec, StructOpsSpec } from "@tsbpf/object";
import { BtfBuilder } from "./btf.js";

export interface TestStructOps {
  /** The variable's (map's) name. */
  name: string;
  /** The kernel struct: "tcp_congestion_ops". */
  type: string;
  /** Function member → program name. */
  functions: Record<string, string>;
  /** Char-array members: value and the array's length. */
  strings?: Record<string, { value: string; length: number }>;
  section?: string;
}

export function withStructOps(spec: ObjectSpec, ops: TestStructOps): ObjectSpec {
  const b = new BtfBuilder();
  b.btf.types.push(...spec.btf.types);
  const proto = b.add({ kind: "func_proto", returnType: 0, params: [] });
  const members: [string, number][] = Object.keys(ops.functions).map((m) => [m, b.ptr(proto)]);
  for (const [member, { length }] of Object.entries(ops.strings ?? {})) members.push([member, b.array(b.char(), length)]);
  const struct = b.struct(ops.type, members);
  const type = b.btf.types[struct - 1]!;
  const size = type.kind === "struct" ? type.size : 0;
  const data = new Uint8Array(size);
  const functions: StructOpsSpec["functions"] = [];
  if (type.kind === "struct") {
    for (const m of type.members) {
      const program = ops.functions[m.name];
      if (program !== undefined) functions.push({ offset: m.bitOffset / 8, program });
      const text = ops.strings?.[m.name];
      if (text) data.set(new TextEncoder().encode(text.value).subarray(0, text.length), m.bitOffset / 8);
    }
  }
  const section = ops.section ?? ".struct_ops";
  b.datasec(section, size, [[b.variable(ops.name, struct), 0]]);
  return { ...spec, btf: b.btf, structOps: [...(spec.structOps ?? []), { name: ops.name, section, typeId: struct, data, functions }] };
}
