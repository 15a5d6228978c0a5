// Relocation by libbpf's rules on hand-made BTFs (no kernel): recursive member matching through
// anonymous unions, array indexing, flexible arrays, flavours on the local side, candidate
// ambiguity, and the errors for objects that are wrong.
import { asm, encodeBtf, type Btf, type CoreRelocation, type ProgramSpec } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { ObjectError } from "../errors.js";
import { BtfBuilder } from "../testing/btf.js";
import { customCoreTargets } from "./kernel-btf.js";
import { CoreReloKind as K, POISON_HELPER } from "./kinds.js";
import { applyCoreRelocations } from "./relocate.js";

function target(): Btf {
  const b = new BtfBuilder();
  const int = b.int("int", 4, true);
  const long = b.int("long", 8, true);
  const anon = b.struct("", [["a", int], ["q", long]], "union");
  const data = b.array(long, 0);
  // struct thing { int x; union { int a; long q; }; int b; long data[]; }
  b.struct("thing", [["x", int], ["", anon], ["b", int], ["data", data]]);
  return b.btf;
}

function relocate(local: Btf, relos: CoreRelocation[], values: number[], targetBtf: Btf = target()) {
  const program: ProgramSpec = {
    name: "p",
    section: "syscall",
    instructions: [...values.map((v) => asm.mov64Imm(0, v)), asm.exit()],
    mapReferences: [],
    funcInfo: [],
    lineInfo: [],
    coreRelocations: relos,
  };
  const insns = program.instructions.map((i) => ({ ...i }));
  const report = applyCoreRelocations(program, insns, local, customCoreTargets(encodeBtf(targetBtf)));
  return { insns, report };
}

describe("applyCoreRelocations", () => {
  it("finds members inside anonymous unions, indexes arrays and flexible arrays", () => {
    const b = new BtfBuilder();
    const int = b.int("int", 4, true);
    const long = b.int("long", 8, true);
    const thing = b.struct("thing___mine", [["a", int], ["b", int], ["data", b.array(long, 0)]]);
    const { insns, report } = relocate(
      b.btf,
      [
        { instruction: 0, typeId: thing, accessString: "0:0", kind: K.FIELD_BYTE_OFFSET },
        { instruction: 1, typeId: thing, accessString: "0:1", kind: K.FIELD_BYTE_OFFSET },
        { instruction: 2, typeId: thing, accessString: "0:2:3", kind: K.FIELD_BYTE_OFFSET },
        { instruction: 3, typeId: thing, accessString: "1:1", kind: K.FIELD_BYTE_OFFSET },
        { instruction: 4, typeId: thing, accessString: "0:0", kind: K.FIELD_BYTE_SIZE },
      ],
      [0, 4, 8 + 24, 8 + 4, 4],
    );
    expect(report.poisoned).toEqual([]);
    // target: x@0, union@8 (a@8), b@16, data@24; struct size 24; "1:1" is thing[1].b
    expect(insns.slice(0, 5).map((i) => i.imm)).toEqual([8, 16, 24 + 24, 24 + 16, 4]);
    expect(report.applied.map((a) => a.field)).toEqual(["thing___mine.a", "thing___mine.b", "thing___mine.data[3]", "thing___mine[1].b", "thing___mine.a"]);
  });

  it("poisons a field whose type is incompatible, and reports its existence as 0", () => {
    const b = new BtfBuilder();
    const int = b.int("int", 4, true);
    const thing = b.struct("thing", [["x", b.ptr(int)]]); // the target's x is an int
    const { insns, report } = relocate(
      b.btf,
      [
        { instruction: 0, typeId: thing, accessString: "0:0", kind: K.FIELD_BYTE_OFFSET },
        { instruction: 1, typeId: thing, accessString: "0:0", kind: K.FIELD_EXISTS },
      ],
      [0, 1],
    );
    expect(insns[0]).toEqual({ code: 0x85, dst: 0, src: 0, off: 0, imm: POISON_HELPER });
    expect(insns[1]!.imm).toBe(0);
    expect(report.poisoned).toMatchObject([{ instruction: 0, field: "thing.x", kind: "byte_off" }]);
  });

  it("refuses ambiguous candidates and instructions that do not hold the local value", () => {
    const b = new BtfBuilder();
    const int = b.int("int", 4, true);
    const thing = b.struct("thing", [["b", int]]);
    const relo = { instruction: 0, typeId: thing, accessString: "0:0", kind: K.FIELD_BYTE_OFFSET };
    expect(() => relocate(b.btf, [relo], [7])).toThrow(ObjectError);
    expect(() => relocate(b.btf, [relo], [7])).toThrow(/thing\.b.*holds 7, expected 0/);
    const two = new BtfBuilder();
    const tint = two.int("int", 4, true);
    two.struct("thing", [["b", tint]]);
    two.struct("thing___other", [["pad", tint], ["b", tint]]);
    expect(() => relocate(b.btf, [relo], [0], two.btf)).toThrow(/ambiguity/);
    expect(() => relocate(b.btf, [{ ...relo, accessString: "0:x" }], [0])).toThrow(/malformed access string/);
  });

  it("resolves enumerators by name and poisons a missing one's value", () => {
    const b = new BtfBuilder();
    const e = b.enum("mode", [["M_ON", 1], ["M_GONE", 2]]);
    const t = new BtfBuilder();
    t.enum("mode", [["M_OFF", 0], ["M_ON", 5]]);
    const { insns, report } = relocate(
      b.btf,
      [
        { instruction: 0, typeId: e, accessString: "0", kind: K.ENUMVAL_VALUE },
        { instruction: 1, typeId: e, accessString: "1", kind: K.ENUMVAL_VALUE },
        { instruction: 2, typeId: e, accessString: "1", kind: K.ENUMVAL_EXISTS },
      ],
      [1, 2, 1],
      t.btf,
    );
    expect(insns[0]!.imm).toBe(5);
    expect(insns[1]!.imm).toBe(POISON_HELPER);
    expect(insns[2]!.imm).toBe(0);
    expect(report.poisoned.map((p) => p.field)).toEqual(["enum mode::M_GONE"]);
  });
});

