/**
 * What `tsbpf inspect` prints about an object: its programs, maps, BTF, and each program's
 * disassembly interleaved with the source lines its line_info names. Pure: from an ObjectSpec
 * (tsbpf-built or clang-built alike) to text.
 */
import { structOpsRows } from "./inspect-struct-ops.js";
import { disassemble, typeById, type Btf, type BtfType, type ObjectSpec, type ProgramSpec } from "@tsbpf/object";

export interface InspectOptions {
  /** A helper's name by id, for `call` lines. */
  helperName?: (id: number) => string | undefined;
  /** The program type's name for a section ("tracepoint", "syscall", ...). */
  programType?: (section: string) => string;
  /** The map type's name ("hash", "ringbuf", ...). */
  mapType?: (type: number) => string;
  /** Only these sections of the report (default: all). */
  sections?: readonly ("programs" | "maps" | "btf" | "disasm")[];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => "  " + r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ").trimEnd());
}

function at(btf: Btf, id: number): BtfType | undefined {
  if (id === 0) return undefined;
  try {
    return typeById(btf, id);
  } catch {
    return undefined;
  }
}

/** A C-like name of a BTF type: "u32", "struct event", "char[16]", "void *". */
export function describeBtfType(btf: Btf, id: number, depth = 0): string {
  const t = at(btf, id);
  if (!t) return id === 0 ? "void" : `#${id}`;
  if (depth > 8) return "...";
  switch (t.kind) {
    case "int":
    case "float":
    case "typedef":
      return t.name || `#${id}`;
    case "struct":
    case "union":
    case "enum":
    case "enum64":
    case "fwd":
      return `${t.kind === "enum64" ? "enum" : t.kind === "fwd" ? "struct" : t.kind} ${t.name || "(anon)"}`;
    case "ptr":
      return `${describeBtfType(btf, t.type, depth + 1)} *`;
    case "array":
      return `${describeBtfType(btf, t.type, depth + 1)}[${t.nelems}]`;
    case "const":
    case "volatile":
    case "restrict":
      return `${t.kind} ${describeBtfType(btf, t.type, depth + 1)}`;
    case "type_tag":
      return describeBtfType(btf, t.type, depth + 1);
    case "func":
      return `func ${t.name}`;
    case "func_proto":
      return `fn(${t.params.map((p) => describeBtfType(btf, p.type, depth + 1)).join(", ")}) -> ${describeBtfType(btf, t.returnType, depth + 1)}`;
    case "var":
      return `var ${t.name}`;
    case "datasec":
      return `section ${t.name}`;
    default:
      return t.kind;
  }
}

function instructionCount(p: ProgramSpec): number {
  return p.instructions.length;
}

function programsSection(spec: ObjectSpec, options: InspectOptions): string[] {
  const rows = [["name", "section", "type", "insns", "funcs", "lines"]];
  for (const p of spec.programs) {
    rows.push([p.name, p.section, options.programType?.(p.section) ?? "", String(instructionCount(p)), String(p.funcInfo.length), String(p.lineInfo.length)]);
  }
  return [`programs (${spec.programs.length})`, ...(spec.programs.length ? table(rows) : [])];
}

function mapsSection(spec: ObjectSpec, options: InspectOptions): string[] {
  const rows = [["name", "type", "key", "value", "max", "flags", "key type", "value type"]];
  for (const m of spec.maps) {
    rows.push([
      m.name,
      options.mapType?.(m.type) ?? String(m.type),
      String(m.keySize),
      String(m.valueSize),
      String(m.maxEntries),
      m.flags ? `0x${m.flags.toString(16)}` : "-",
      m.keyTypeId ? describeBtfType(spec.btf, m.keyTypeId) : "-",
      m.valueTypeId ? describeBtfType(spec.btf, m.valueTypeId) : "-",
    ]);
  }
  const out = [`maps (${spec.maps.length})`, ...(spec.maps.length ? table(rows) : [])];
  // struct_ops variables become struct_ops maps at load (registered by attach()).
  if (spec.structOps?.length) out.push("", `struct_ops (${spec.structOps.length})`, ...table(structOpsRows(spec)));
  return out;
}

function btfSection(spec: ObjectSpec): string[] {
  const counts = new Map<string, number>();
  for (const t of spec.btf.types) counts.set(t.kind, (counts.get(t.kind) ?? 0) + 1);
  const kinds = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
  const first = spec.btf.firstTypeId ?? 1;
  const named = (kind: string) =>
    spec.btf.types.flatMap((t, i) => (t.kind === kind && "name" in t && t.name ? [describeBtfType(spec.btf, first + i)] : []));
  const structs = [...named("struct"), ...named("union")];
  const funcs = named("func").map((f) => f.replace(/^func /, ""));
  const out = [`BTF (${spec.btf.types.length} types): ${kinds || "none"}`];
  if (structs.length) out.push(`  structs: ${structs.join(", ")}`);
  if (funcs.length) out.push(`  functions: ${funcs.join(", ")}`);
  const sections = named("datasec").map((d) => d.replace(/^section /, ""));
  if (sections.length) out.push(`  data sections: ${sections.join(", ")}`);
  return out;
}

/** One program's disassembly with `; source` lines before the instructions they produced. */
export function disassembleProgram(spec: ObjectSpec, program: ProgramSpec, options: InspectOptions = {}): string[] {
  const lines = disassemble(program.instructions, { helperName: options.helperName });
  const byInsn = new Map<number, string>();
  for (const line of lines) byInsn.set(Number(line.slice(0, line.indexOf(":"))), line);
  const sources = new Map<number, (typeof program.lineInfo)[number]>();
  for (const l of program.lineInfo) if (!sources.has(l.instruction)) sources.set(l.instruction, l);
  const funcs = new Map<number, string>();
  for (const f of program.funcInfo) {
    const t = at(spec.btf, f.typeId);
    funcs.set(f.instruction, t && "name" in t && t.name ? t.name : `func#${f.typeId}`);
  }
  const maps = new Map(program.mapReferences.map((r) => [r.instruction, r.kind === "map" ? `map ${r.map}` : `${r.map}+${r.offset}`]));
  const externs = new Map((program.externReferences ?? []).map((r) => [r.instruction, `extern ${r.name}`]));
  const width = String(program.instructions.length).length;
  const out = [`disassembly of ${program.name} (${program.section}):`];
  let lastSource = "";
  for (const [index, text] of [...byInsn].sort((a, b) => a[0] - b[0])) {
    const func = funcs.get(index);
    if (func) out.push(`${func}:`);
    const src = sources.get(index);
    if (src) {
      // One comment per source line (clang gives several columns of a line in a row).
      const key = `${src.fileName}:${src.line}`;
      if (key !== lastSource) out.push(`; ${src.lineText.trim()}  [${key}${src.column ? `:${src.column}` : ""}]`);
      lastSource = key;
    }
    const body = text.slice(text.indexOf(":") + 2);
    // A BPF-to-BPF call names its target by offset: name the function there.
    const local = /^call pc([+-]\d+)$/.exec(body);
    const callee = local ? funcs.get(index + 1 + Number(local[1])) : undefined;
    const note = maps.get(index) ?? externs.get(index) ?? (callee && `-> ${callee}`);
    out.push(`  ${String(index).padStart(width)}: ${body}${note ? `  ; ${note}` : ""}`);
  }
  return out;
}

/** The whole report. */
export function formatInspect(spec: ObjectSpec, name: string, options: InspectOptions = {}): string {
  const want = new Set(options.sections ?? ["programs", "maps", "btf", "disasm"]);
  const out = [`${name}: license "${spec.license}", ${spec.programs.length} program(s), ${spec.maps.length} map(s), ${spec.btf.types.length} BTF type(s)`];
  if (want.has("programs")) out.push("", ...programsSection(spec, options));
  if (want.has("maps")) out.push("", ...mapsSection(spec, options));
  if (want.has("btf")) out.push("", ...btfSection(spec));
  if (want.has("disasm")) for (const p of spec.programs) out.push("", ...disassembleProgram(spec, p, options));
  return out.join("\n") + "\n";
}
