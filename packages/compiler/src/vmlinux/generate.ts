/**
 * `tsbpf gen vmlinux`: TypeScript declarations of a kernel's types from its BTF, as
 * `bpftool btf dump … format c` gives C ones. Every named struct, union, enum and typedef becomes
 * a declaration in tsbpf's types (integer kinds, `Ptr<T>`, `FixedArray<T, N>`, `CharArray<N>`),
 * and every kernel function's prototype a method of `KernelFunctions`.
 *
 * Structs and unions are interfaces tagged `@kernel` whose JSDoc carries the kernel's layout:
 * `@size` on the type, `@offset` (bytes) on each member, `@bits offset:width` on bitfields. The
 * compiler lays kernel structs out from these tags (so the generated file is all it needs, on any
 * machine), and every access through them is a CO-RE relocation, so that other kernels' layouts
 * are fixed up at load. Anonymous struct and union members are flattened into their parent (C
 * names stay unique across them, and CO-RE finds members inside anonymous ones by name); a named
 * member of an anonymous type gets an interface named `<parent>__<member>`.
 */
import type { BtfMember, BtfType, LazyBtf } from "@tsbpf/object";

export interface GenerateOptions {
  /** Module the DSL types are imported from ("tsbpf"). */
  dslModule?: string;
  /** A line saying where the BTF came from, for the header. */
  source?: string;
}

/** TS identifiers that C names may collide with, and reserved words. */
const RESERVED = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends",
  "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this",
  "throw", "true", "try", "typeof", "var", "void", "while", "with", "implements", "interface", "let", "package", "private",
  "protected", "public", "static", "yield", "any", "boolean", "number", "string", "symbol", "bigint", "object", "never", "unknown",
  "type", "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "bool", "Ptr", "FixedArray", "CharArray", "KernelFunctions",
  "await", "undefined", "Array", "Object", "String", "Number", "Function", "Symbol", "Map", "Set", "Promise", "Date", "Error",
]);

const MAX_DEPTH = 32;

class Generator {
  /** TS name of each declared type id. */
  private readonly names = new Map<number, string>();
  private readonly taken = new Set<string>();
  private readonly out: string[] = [];
  /** Anonymous composite types that got a name from their member, to emit after their parent. */
  private readonly pending: { id: number; name: string }[] = [];
  private readonly emitted = new Set<number>();
  /** Each type decoded once: the passes below visit every type several times. */
  private readonly decoded: (BtfType | undefined)[] = [];

  constructor(private readonly btf: LazyBtf) {}

  private claim(base: string, id: number): string {
    let name = RESERVED.has(base) ? `${base}_` : base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}___${n}`;
    this.taken.add(name);
    this.names.set(id, name);
    return name;
  }

  private type(id: number): BtfType | undefined {
    let t = this.decoded[id];
    if (t === undefined && !(id in this.decoded)) {
      t = this.btf.type(id);
      this.decoded[id] = t;
    }
    return t;
  }

  /** Assigns TS names: structs and unions first (they are what probes use), then enums, then typedefs. */
  name(): void {
    const order: BtfType["kind"][][] = [["struct", "union"], ["enum", "enum64"], ["typedef"], ["fwd"]];
    const definedComposites = new Set<string>();
    for (const id of this.btf.ids()) {
      const t = this.type(id)!;
      if ((t.kind === "struct" || t.kind === "union") && t.name) definedComposites.add(t.name);
    }
    for (const kinds of order) {
      for (const id of this.btf.ids()) {
        const t = this.type(id)!;
        if (!kinds.includes(t.kind) || !("name" in t) || t.name === "") continue;
        if (t.kind === "fwd" && definedComposites.has(t.name)) continue;
        // `typedef struct foo foo;`: the typedef is the struct.
        if (t.kind === "typedef") {
          const target = this.type(t.type);
          if (target && (target.kind === "struct" || target.kind === "union" || target.kind === "enum") && target.name === t.name) {
            this.names.set(id, this.names.get(t.type) ?? t.name);
            continue;
          }
        }
        this.claim(t.name, id);
      }
    }
  }

  /** The TS type expression for type `id` as a member or parameter type. */
  expr(id: number, depth = 0): string {
    if (depth > MAX_DEPTH) return "u64";
    const t = this.type(id);
    if (t === undefined) return "u64"; // void used as a value: only reached behind pointers below
    switch (t.kind) {
      case "int":
        return intKind(t);
      case "float":
        return t.size === 8 ? "u64" : "u32"; // no floats in the subset: the bits
      case "enum":
      case "enum64":
        return this.names.get(id) ?? enumKind(t);
      case "ptr": {
        const [, target] = this.skip(t.type);
        if (target === undefined || target.kind === "func_proto") return "u64"; // void * and function pointers: addresses
        // char * is a string's address, which helpers (probeReadKernelStr, probeReadUserStr) take as a u64.
        if (target.kind === "int" && target.size === 1) return "u64";
        return `Ptr<${this.expr(t.type, depth + 1)}>`;
      }
      case "array": {
        const [, element] = this.skip(t.type);
        if (element?.kind === "int" && element.size === 1 && (element.name === "char" || element.char)) return `CharArray<${t.nelems}>`;
        return `FixedArray<${this.expr(t.type, depth + 1)}, ${t.nelems}>`;
      }
      case "struct":
      case "union":
      case "fwd":
      case "typedef":
        return this.names.get(id) ?? this.anonymous(id, `anon_${id}`);
      case "const":
      case "volatile":
      case "restrict":
      case "type_tag":
        return this.expr(t.type, depth + 1);
      default:
        return "u64";
    }
  }

  private skip(id: number): [number, BtfType | undefined] {
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const t = this.type(id);
      if (t === undefined || !(t.kind === "typedef" || t.kind === "const" || t.kind === "volatile" || t.kind === "restrict" || t.kind === "type_tag")) {
        return [id, t];
      }
      id = t.type;
    }
    return [id, undefined];
  }

  /** A name for an anonymous struct or union reached as a member's type. */
  private anonymous(id: number, name: string): string {
    const existing = this.names.get(id);
    if (existing) return existing;
    const claimed = this.claim(name, id);
    this.pending.push({ id, name: claimed });
    return claimed;
  }

  /** The members of a composite, anonymous members flattened, with absolute offsets. */
  private flatten(members: readonly BtfMember[], base: number, owner: string, into: string[], depth = 0): void {
    for (const m of members) {
      const bitOffset = base + m.bitOffset;
      if (m.name === "") {
        const [, inner] = this.skip(m.type);
        if ((inner?.kind === "struct" || inner?.kind === "union") && depth < MAX_DEPTH) {
          this.flatten(inner.members, bitOffset, owner, into, depth + 1);
        }
        continue;
      }
      const [innerId, inner] = this.skip(m.type);
      let type: string;
      if ((inner?.kind === "struct" || inner?.kind === "union") && inner.name === "" && !this.names.has(innerId)) {
        type = this.anonymous(innerId, `${owner}__${m.name}`);
      } else {
        type = this.expr(m.type);
      }
      let layout = m.bitfieldSize > 0 ? `@bits ${bitOffset}:${m.bitfieldSize}` : `@offset ${bitOffset / 8}`;
      // A kernel pointer written as a u64 address (void *, char *, function pointers): CO-RE must
      // still see a pointer in the object's BTF, or the field would not match the kernel's.
      if (inner?.kind === "ptr" && type === "u64") layout += " @ptr";
      into.push(`  /** ${layout} */ ${propertyName(m.name)}: ${type};`);
    }
  }

  private composite(id: number, name: string): void {
    if (this.emitted.has(id)) return;
    this.emitted.add(id);
    const t = this.type(id)!;
    if (t.kind === "fwd") {
      this.out.push(`/** @kernel${t.union ? " union" : ""} (declared only) */`, `export interface ${name} {}`, "");
      return;
    }
    if (t.kind !== "struct" && t.kind !== "union") return;
    const lines: string[] = [];
    this.flatten(t.members, 0, name, lines);
    const cName = t.name === "" ? "" : t.name !== name ? ` @cname ${t.name}` : "";
    this.out.push(`/** @kernel${t.kind === "union" ? " union" : ""} @size ${t.size}${cName} */`, `export interface ${name} {`, ...lines, "}", "");
  }

  private enumeration(id: number, name: string): void {
    const t = this.type(id) as Extract<BtfType, { kind: "enum" | "enum64" }>;
    this.out.push(`/** enum ${t.name} */`, `export type ${name} = ${enumKind(t)};`);
    const values = t.values.filter((v) => isIdentifier(v.name));
    if (values.length > 0) {
      this.out.push(`export declare namespace ${name} {`);
      for (const v of values) this.out.push(`  const ${v.name}: ${typeof v.value === "bigint" ? `${v.value}n` : v.value};`);
      this.out.push("}");
    }
    this.out.push("");
  }

  /** A method signature for a FUNC_PROTO: `(name: T, ...): R`. */
  private signature(proto: Extract<BtfType, { kind: "func_proto" }>, skipFirst = false): string {
    const params = proto.params
      .filter((p) => p.type !== 0)
      .slice(skipFirst ? 1 : 0)
      .map((p, i) => `${p.name && isIdentifier(p.name) && !RESERVED.has(p.name) ? p.name : `arg${i}`}: ${this.expr(p.type)}`);
    const returns = proto.returnType === 0 ? "void" : this.expr(proto.returnType);
    return `(${params.join(", ")}): ${returns}`;
  }

  /** Every kernel function's prototype (fentry/fexit/kprobe arguments). */
  private functions(): string[] {
    const lines: string[] = [];
    const seen = new Set<string>();
    for (const id of this.btf.ids()) {
      const t = this.type(id)!;
      if (t.kind !== "func" || seen.has(t.name) || !isIdentifier(t.name)) continue;
      const proto = this.type(t.type);
      if (proto?.kind !== "func_proto") continue;
      seen.add(t.name);
      lines.push(`    ${t.name}${this.signature(proto)};`);
    }
    return lines;
  }

  /** Every BTF tracepoint's arguments, from its `btf_trace_<name>` typedef (a pointer to a prototype whose first parameter is the `void *` context). */
  private tracepoints(): string[] {
    const lines: string[] = [];
    for (const id of this.btf.ids()) {
      const t = this.type(id)!;
      if (t.kind !== "typedef" || !t.name.startsWith("btf_trace_")) continue;
      const name = t.name.slice("btf_trace_".length);
      const ptr = this.type(t.type);
      const proto = ptr?.kind === "ptr" ? this.type(ptr.type) : undefined;
      if (proto?.kind !== "func_proto" || !isIdentifier(name)) continue;
      lines.push(`    ${name}${this.signature(proto, true)};`);
    }
    return lines;
  }

  /**
   * Fills the DSL's `KernelTypes` (which types `bpf.getCurrentTask()` and friends),
   * `KernelFunctions` and `KernelTracepoints` (which type the parameters of @fentry, @fexit,
   * @kprobe, @kretprobe and @tp_btf programs) by declaration merging.
   */
  private augment(dsl: string): void {
    const entries: string[] = [];
    for (const id of this.btf.ids()) {
      const t = this.type(id)!;
      const name = this.names.get(id);
      if ((t.kind === "struct" || t.kind === "union") && t.name !== "" && name === t.name) entries.push(`    ${name}: ${name};`);
    }
    this.out.push(
      `export type { KernelFunctions, KernelTracepoints } from "${dsl}";`,
      "",
      `declare module "${dsl}" {`,
      "  interface KernelTypes {",
      ...entries,
      "  }",
      "  /** Every kernel function BTF describes, by name. */",
      "  interface KernelFunctions {",
      ...this.functions(),
      "  }",
      "  /** Every BTF-enabled tracepoint's arguments (tp_btf), by name. */",
      "  interface KernelTracepoints {",
      ...this.tracepoints(),
      "  }",
      "}",
      "",
    );
  }

  generate(options: GenerateOptions): string {
    this.name();
    const dsl = options.dslModule ?? "tsbpf";
    this.out.push(
      "// Generated by `tsbpf gen vmlinux`: kernel types from BTF. Do not edit.",
      ...(options.source ? [`// Source: ${options.source}`] : []),
      "/* eslint-disable */",
      `import type { u8, i8, u16, i16, u32, i32, u64, i64, bool, Ptr, FixedArray, CharArray } from "${dsl}";`,
      "",
    );
    for (const id of this.btf.ids()) {
      const t = this.type(id)!;
      const name = this.names.get(id);
      if (name === undefined) continue;
      switch (t.kind) {
        case "struct":
        case "union":
        case "fwd":
          this.composite(id, name);
          break;
        case "enum":
        case "enum64":
          this.enumeration(id, name);
          break;
        case "typedef": {
          const target = this.type(t.type);
          if (target && (target.kind === "struct" || target.kind === "union" || target.kind === "enum") && target.name === t.name) break;
          if (target && (target.kind === "struct" || target.kind === "union") && target.name === "" && !this.names.has(t.type)) {
            // `typedef struct { ... } name;`: the struct takes the typedef's name.
            this.names.set(t.type, name);
            this.composite(t.type, name);
            break;
          }
          this.out.push(`export type ${name} = ${this.expr(t.type)};`, "");
          break;
        }
        default:
          break;
      }
      while (this.pending.length > 0) {
        const next = this.pending.shift()!;
        this.composite(next.id, next.name);
      }
    }
    this.augment(dsl);
    return this.out.join("\n");
  }
}

function intKind(t: Extract<BtfType, { kind: "int" }>): string {
  if (t.bool) return "bool";
  const bytes = t.size;
  const signed = t.signed || (t.name === "char" && bytes === 1);
  if (bytes === 1) return signed ? "i8" : "u8";
  if (bytes === 2) return signed ? "i16" : "u16";
  if (bytes === 4) return signed ? "i32" : "u32";
  if (bytes === 8) return signed ? "i64" : "u64";
  return `FixedArray<u8, ${bytes}>`; // __int128 and friends
}

function enumKind(t: Extract<BtfType, { kind: "enum" | "enum64" }>): string {
  const bits = t.size * 8;
  if (bits === 8) return t.signed ? "i8" : "u8";
  if (bits === 16) return t.signed ? "i16" : "u16";
  if (bits === 64) return t.signed ? "i64" : "u64";
  return t.signed ? "i32" : "u32";
}

function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

function propertyName(name: string): string {
  return isIdentifier(name) ? name : JSON.stringify(name);
}

/** The declarations for every type of `btf` (see the file comment). */
export function generateVmlinux(btf: LazyBtf, options: GenerateOptions = {}): string {
  return new Generator(btf).generate(options);
}
