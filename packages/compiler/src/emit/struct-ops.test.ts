// struct_ops fields compile to a `.struct_ops` variable as clang writes one for libbpf (a local
// struct named as the kernel's with the members set, a VAR in a DATASEC, the bytes, relocations
// from function members to programs), and mistakes are diagnostics at the right place.
import { readElf, type Btf, type BtfType } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { compileText } from "../testing/probes.js";

// A kernel struct as tsbpf/vmlinux declares it (offsets from the kernel's BTF), kept small here.
const KERNEL = `
/** @kernel @size 40 */
interface demo_ops {
  /** @offset 0 @ptr */ first: u64;
  /** @offset 8 @ptr */ second: u64;
  /** @offset 16 */ name: CharArray<8>;
  /** @offset 24 */ flags: u32;
  /** @offset 32 @ptr */ owner: u64;
}`;

function source(field: string, methods = '@structOps("ops", "second") two(): i32 { return 2; }\n  @structOps("ops", "first") one(): i32 { return 1; }'): string {
  return [
    'import { Probe, StructOps, structOps, type i32, type u32, type u64, type CharArray } from "tsbpf";',
    KERNEL,
    "export class T extends Probe {",
    `  ${field}`,
    `  ${methods}`,
    "}",
    "",
  ].join("\n");
}

const at = (btf: Btf, id: number): BtfType => btf.types[id - 1]!;

describe("a StructOps field", () => {
  const result = compileText(source('ops = new StructOps<demo_ops>({ values: { name: "demo", flags: 3 } });'));

  it("compiles", () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.probes).toHaveLength(1);
  });

  it("writes the variable in .struct_ops, and reads back the same", () => {
    const { spec, elf } = result.probes[0]!;
    for (const s of [spec, readElf(elf)]) {
      expect(s.structOps).toHaveLength(1);
      const ops = s.structOps![0]!;
      expect(ops).toMatchObject({ name: "ops", section: ".struct_ops", functions: [{ offset: 0, program: "one" }, { offset: 8, program: "two" }] });
      const struct = at(s.btf, ops.typeId);
      expect(struct).toMatchObject({ kind: "struct", name: "demo_ops", size: 40 });
      if (struct.kind !== "struct") return;
      expect(struct.members.map((m) => [m.name, m.bitOffset / 8])).toEqual([["first", 0], ["second", 8], ["name", 16], ["flags", 24]]);
      const first = at(s.btf, struct.members[0]!.type);
      expect(first.kind === "ptr" && at(s.btf, first.type).kind).toBe("func_proto");
      expect(ops.data).toHaveLength(40);
      expect(new TextDecoder().decode(ops.data.subarray(16, 20))).toBe("demo");
      expect(ops.data[20]).toBe(0);
      expect(new DataView(ops.data.buffer, ops.data.byteOffset).getUint32(24, true)).toBe(3);
      expect(ops.data.subarray(0, 16).every((b) => b === 0)).toBe(true);
      const datasec = s.btf.types.find((t) => t.kind === "datasec" && t.name === ".struct_ops");
      expect(datasec).toMatchObject({ size: 40, vars: [{ offset: 0, size: 40 }] });
    }
  });
});

it("puts two StructOps fields one after the other, each with its own programs", () => {
  const result = compileText(source('a = new StructOps<demo_ops>({ values: { name: "a" } });\n  b = new StructOps<demo_ops>({ values: { name: "b" } });',
    '@structOps("a", "first") one(): i32 { return 1; }\n  @structOps("b", "second") two(): i32 { return 2; }'));
  expect(result.diagnostics).toEqual([]);
  const back = readElf(result.probes[0]!.elf);
  expect(back.structOps!.map((o) => [o.name, o.functions, new TextDecoder().decode(o.data.subarray(16, 17))])).toEqual([
    ["a", [{ offset: 0, program: "one" }], "a"],
    ["b", [{ offset: 8, program: "two" }], "b"],
  ]);
  const datasec = back.btf.types.find((t) => t.kind === "datasec" && t.name === ".struct_ops");
  expect(datasec).toMatchObject({ size: 80, vars: [{ offset: 0, size: 40 }, { offset: 40, size: 40 }] });
});

describe("struct_ops diagnostics", () => {
  const errors = (text: string) => compileText(text).diagnostics.filter((d) => d.category === "error");
  const one = (text: string, message: RegExp, snippet: string) => {
    const [error, ...rest] = errors(text);
    expect(rest).toEqual([]);
    expect(error?.message).toMatch(message);
    expect(error?.code).toBeGreaterThan(1000);
    expect(text.split("\n")[error!.line - 1]!.slice(error!.column - 1)).toContain(snippet);
  };

  it("needs the kernel struct as the type argument", () => {
    one(source("ops = new StructOps({});"), /needs the kernel struct/, "new StructOps");
  });

  it("names a member the struct lacks, in values and in @structOps", () => {
    // tsc rejects the name too (values are typed by the struct's keys); the compiler still says it.
    one(source('// @ts-expect-error\n  ops = new StructOps<demo_ops>({ values: { nmae: "x" } });'), /no member 'nmae'/, "nmae");
    one(source("ops = new StructOps<demo_ops>();", '@structOps("ops", "third") three(): i32 { return 3; }'), /no member 'third'/, '"third"');
  });

  it("refuses a string longer than the char array, a program for a data member, and a pointer value", () => {
    one(source('ops = new StructOps<demo_ops>({ values: { name: "far_too_long" } });'), /holds at most 7 bytes/, '"far_too_long"');
    one(source("ops = new StructOps<demo_ops>();", '@structOps("ops", "flags") f(): i32 { return 3; }'), /not a function pointer/, '"flags"');
    one(source("ops = new StructOps<demo_ops>({ values: { owner: 1 } });"), /pointer/, "1");
    one(source("ops = new StructOps<demo_ops>({ values: { flags: 4294967296 } });"), /does not fit demo_ops.flags/, "4294967296");
  });

  it("lets tsc check values against the struct's members", () => {
    const found = errors(source("ops = new StructOps<demo_ops>({ values: { name: 5 } });"));
    expect(found.some((d) => d.source === "tsc" && /not assignable to type 'string'/.test(d.message))).toBe(true);
  });

  it("names a @structOps field that is not a StructOps", () => {
    one(source("ops = new StructOps<demo_ops>();", '@structOps("nope", "first") f(): i32 { return 1; }'), /'"nope"' is not a StructOps field/, '"nope"');
  });
});
