/**
 * The struct_ops part of `tsbpf inspect`: each `.struct_ops*` variable with the kernel struct it
 * implements, which program each function member points at, and the data members' values.
 */
import { resolveModifiers, tryTypeById, typeSize, type Btf, type ObjectSpec, type StructOpsSpec } from "@tsbpf/object";

function memberValue(btf: Btf, ops: StructOpsSpec, type: number, offset: number): string {
  const t = tryTypeById(btf, resolveModifiers(btf, type));
  let size: number;
  try {
    size = typeSize(btf, type);
  } catch {
    return "?";
  }
  const bytes = ops.data.subarray(offset, offset + size);
  if (t?.kind === "array") {
    const element = tryTypeById(btf, resolveModifiers(btf, t.type));
    if (element?.kind === "int" && element.size === 1) {
      const end = bytes.indexOf(0);
      return JSON.stringify(new TextDecoder().decode(bytes.subarray(0, end < 0 ? bytes.length : end)));
    }
  }
  if ((t?.kind === "int" || t?.kind === "enum") && size <= 8) {
    let n = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
    return String(n);
  }
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** `name = value` / `member -> program` per member of one variable. */
export function structOpsMembers(btf: Btf, ops: StructOpsSpec): string[] {
  const struct = tryTypeById(btf, ops.typeId);
  if (struct?.kind !== "struct") return [`type #${ops.typeId}?`];
  const programs = new Map(ops.functions.map((f) => [f.offset, f.program]));
  return struct.members.map((m) => {
    const offset = m.bitOffset / 8;
    const program = programs.get(offset);
    if (program !== undefined) return `${m.name} -> ${program}`;
    const t = tryTypeById(btf, resolveModifiers(btf, m.type));
    return t?.kind === "ptr" ? `${m.name} -> NULL` : `${m.name} = ${memberValue(btf, ops, m.type, offset)}`;
  });
}

export function structOpsRows(spec: ObjectSpec): string[][] {
  const rows = [["name", "section", "struct", "members"]];
  for (const ops of spec.structOps ?? []) {
    const struct = tryTypeById(spec.btf, ops.typeId);
    rows.push([ops.name, ops.section, struct?.kind === "struct" ? struct.name : "?", structOpsMembers(spec.btf, ops).join(", ")]);
  }
  return rows;
}
