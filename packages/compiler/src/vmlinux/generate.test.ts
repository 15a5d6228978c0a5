// Kernel declarations from BTF: layout tags, flattened anonymous members, bitfields, flexible
// arrays, enums, typedefs, name clashes, function prototypes; and the text type-checks.
import { encodeBtf, LazyBtf, type Btf } from "@tsbpf/object";
import { ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import { generateVmlinux } from "./generate.js";

function sample(): Btf {
  const types: Btf["types"] = [
    /* 1 */ { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 },
    /* 2 */ { kind: "int", name: "unsigned int", size: 4, signed: false, char: false, bool: false, offset: 0, bits: 32 },
    /* 3 */ { kind: "int", name: "char", size: 1, signed: true, char: false, bool: false, offset: 0, bits: 8 },
    /* 4 */ { kind: "array", type: 3, indexType: 1, nelems: 16 },
    /* 5 */ { kind: "ptr", type: 9 },
    /* 6 */ { kind: "union", name: "", size: 4, members: [{ name: "a", type: 1, bitOffset: 0, bitfieldSize: 0 }, { name: "b", type: 2, bitOffset: 0, bitfieldSize: 0 }] },
    /* 7 */ { kind: "struct", name: "", size: 4, members: [{ name: "x", type: 1, bitOffset: 0, bitfieldSize: 0 }] },
    /* 8 */ { kind: "array", type: 2, indexType: 1, nelems: 0 },
    /* 9 */ {
      kind: "struct", name: "task", size: 48, members: [
        { name: "pid", type: 1, bitOffset: 0, bitfieldSize: 0 },
        { name: "", type: 6, bitOffset: 32, bitfieldSize: 0 },
        { name: "comm", type: 4, bitOffset: 64, bitfieldSize: 0 },
        { name: "parent", type: 5, bitOffset: 192, bitfieldSize: 0 },
        { name: "flag", type: 2, bitOffset: 259, bitfieldSize: 1 },
        { name: "inner", type: 7, bitOffset: 288, bitfieldSize: 0 },
        { name: "state", type: 10, bitOffset: 320, bitfieldSize: 0 },
        { name: "data", type: 8, bitOffset: 384, bitfieldSize: 0 },
      ],
    },
    /* 10 */ { kind: "enum", name: "state", size: 4, signed: false, values: [{ name: "RUNNING", value: 0 }, { name: "STOPPED", value: 4 }] },
    /* 11 */ { kind: "typedef", name: "task", type: 9 },
    /* 12 */ { kind: "typedef", name: "pid_t", type: 1 },
    /* 13 */ { kind: "func_proto", returnType: 1, params: [{ name: "t", type: 5 }, { name: "function", type: 12 }] },
    /* 14 */ { kind: "func", name: "wake_up", type: 13, linkage: 1 },
    /* 15 */ { kind: "enum", name: "task", size: 4, signed: false, values: [{ name: "T", value: 1 }] },
  ];
  return { types };
}

describe("generateVmlinux", () => {
  const text = generateVmlinux(LazyBtf.parse(encodeBtf(sample())), { dslModule: "tsbpf" });

  it("writes kernel interfaces with their layout", () => {
    expect(text).toContain("/** @kernel @size 48 */\nexport interface task {");
    expect(text).toContain("  /** @offset 0 */ pid: i32;");
    expect(text).toContain("  /** @offset 4 */ a: i32;"); // anonymous union flattened
    expect(text).toContain("  /** @offset 4 */ b: u32;");
    expect(text).toContain("  /** @offset 8 */ comm: CharArray<16>;");
    expect(text).toContain("  /** @offset 24 */ parent: Ptr<task>;");
    expect(text).toContain("  /** @bits 259:1 */ flag: u32;");
    expect(text).toContain("  /** @offset 36 */ inner: task__inner;");
    expect(text).toContain("/** @kernel @size 4 */\nexport interface task__inner {\n  /** @offset 0 */ x: i32;\n}");
    expect(text).toContain("  /** @offset 40 */ state: state;");
    expect(text).toContain("  /** @offset 48 */ data: FixedArray<u32, 0>;");
  });

  it("writes enums, typedefs, clashing names, function prototypes and KernelTypes", () => {
    expect(text).toContain("export type state = u32;\nexport declare namespace state {\n  const RUNNING: 0;\n  const STOPPED: 4;\n}");
    expect(text).toContain("export type pid_t = i32;");
    expect(text).not.toContain("export type task ="); // `typedef struct task task`
    expect(text).toContain("export type task___2 = u32;"); // enum task clashes with struct task
    expect(text).toContain("    wake_up(t: Ptr<task>, arg1: pid_t): i32;");
    expect(text).toContain('declare module "tsbpf" {\n  interface KernelTypes {\n    task: task;');
  });

  it("type-checks", () => {
    const dsl = [
      "export type u8 = number; export type i8 = number; export type u16 = number; export type i16 = number;",
      "export type u32 = number; export type i32 = number; export type u64 = bigint; export type i64 = bigint; export type bool = boolean;",
      "export type Ptr<T> = T; export type FixedArray<T, N extends number> = T[]; export type CharArray<N extends number> = string;",
      "export interface KernelTypes {}", "export interface KernelFunctions {}", "export interface KernelTracepoints {}",
    ].join("\n");
    const files = new Map([["/t/node_modules/tsbpf/index.d.ts", dsl], ["/t/vmlinux.d.ts", text], ["/t/node_modules/tsbpf/package.json", '{"name":"tsbpf","types":"index.d.ts"}']]);
    const options: ts.CompilerOptions = { strict: true, noEmit: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [], noLib: true };
    const host = ts.createCompilerHost(options);
    host.fileExists = (f) => files.has(f);
    host.readFile = (f) => files.get(f);
    host.directoryExists = (d) => [...files.keys()].some((f) => f.startsWith(`${d}/`));
    host.getSourceFile = (f, v) => (files.has(f) ? ts.createSourceFile(f, files.get(f)!, v) : undefined);
    const program = ts.createProgram(["/t/vmlinux.d.ts"], options, host);
    const messages = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).filter((m) => !/global type|Cannot find global/.test(m));
    expect(messages).toEqual([]);
  });
});
