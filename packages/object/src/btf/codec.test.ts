import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ObjectFormatError } from "../errors.js";
import { hasTool, hasVmlinuxBtf, missing, VMLINUX_BTF } from "../testing/kernel.js";
import { assembleBtf, decodeBtf, encodeBtf, encodeBtfTypes, newStringTable } from "./codec.js";
import { findTypeByName, typeById } from "./query.js";
import type { Btf } from "./types.js";
import { everyKind } from "../testing/btf-fixtures.js";

describe(".BTF codec", () => {
  it("round-trips every kind", () => {
    const btf = everyKind();
    expect(decodeBtf(encodeBtf(btf))).toEqual(btf);
  });

  it("writes the header and a deduplicated string section that starts with NUL", () => {
    const bytes = encodeBtf({
      types: [
        { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 },
        { kind: "typedef", name: "int", type: 1 },
      ],
    });
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(0, true)).toBe(0xeb9f);
    expect(bytes[2]).toBe(1); // version
    expect(bytes[3]).toBe(0); // flags
    expect(view.getUint32(4, true)).toBe(24); // hdr_len
    expect(view.getUint32(8, true)).toBe(0); // type_off
    const typeLen = view.getUint32(12, true);
    expect(typeLen).toBe(16 + 12);
    expect(view.getUint32(16, true)).toBe(typeLen); // str_off
    const strings = bytes.subarray(24 + typeLen);
    expect(view.getUint32(20, true)).toBe(strings.length);
    expect([...strings]).toEqual([0, ...new TextEncoder().encode("int"), 0]);
    // the INT's encoding word: signed, offset 0, 32 bits
    expect(view.getUint32(24 + 12, true)).toBe((1 << 24) | 32);
  });

  it("sets kind_flag and packs bitfield sizes only for structs with bitfields", () => {
    const bytes = encodeBtf(everyKind());
    const view = new DataView(bytes.buffer);
    // type 6 starts after 3 INTs (16 each), PTR (12) and ARRAY (24)
    const at = 24 + 3 * 16 + 12 + 24;
    expect(view.getUint32(at + 4, true) >>> 31).toBe(1);
    expect(view.getUint32(at + 12 + 12 + 8, true)).toBe((29 << 24) | 3); // member b
  });

  it("shares one string table with later additions (the .BTF.ext case)", () => {
    const btf = everyKind();
    const strings = newStringTable(btf);
    const types = encodeBtfTypes(btf, strings);
    const fileOff = strings.add("probe.bpf.ts");
    expect(strings.add("probe.bpf.ts")).toBe(fileOff);
    expect(strings.add("handler")).toBeLessThan(fileOff); // already there from the FUNC
    const bytes = assembleBtf(types, strings);
    expect(decodeBtf(bytes)).toEqual(btf);
    const text = new TextDecoder().decode(bytes.subarray(24 + types.length + fileOff, 24 + types.length + fileOff + 12));
    expect(text).toBe("probe.bpf.ts");
  });

  it("encodes and decodes split BTF on top of a base", () => {
    const base = everyKind();
    const split: Btf = {
      firstTypeId: base.types.length + 1,
      base,
      types: [
        /* 29 */ { kind: "ptr", type: 6 },
        /* 30 */ { kind: "struct", name: "module_thing", size: 8, members: [{ name: "flags", type: 29, bitOffset: 0, bitfieldSize: 0 }] },
        /* 31 */ { kind: "typedef", name: "u32", type: 1 }, // reuses a base string
      ],
    };
    const bytes = encodeBtf(split);
    const decoded = decodeBtf(bytes, decodeBtf(encodeBtf(base)));
    expect(decoded.firstTypeId).toBe(29);
    expect(decoded.types).toEqual(split.types);
    expect(typeById(decoded, 6)).toEqual(base.types[5]);
    expect(typeById(decoded, 30)).toMatchObject({ name: "module_thing" });
    expect(findTypeByName(decoded, "flags", "struct")?.id).toBe(6);
    // the split string section holds only new strings: no leading NUL, no "u32" again
    const view = new DataView(bytes.buffer);
    const strLen = view.getUint32(20, true);
    const strings = new TextDecoder().decode(bytes.subarray(bytes.length - strLen));
    expect(strings).toBe("module_thing\0");
  });

  it("throws ObjectFormatError on malformed input", () => {
    const good = encodeBtf(everyKind());
    expect(() => decodeBtf(new Uint8Array(10))).toThrow(ObjectFormatError);
    const badMagic = good.slice();
    badMagic[0] = 0;
    expect(() => decodeBtf(badMagic)).toThrow(/\.BTF: bad magic/);
    expect(() => decodeBtf(good.subarray(0, 60))).toThrow(/type section .* runs past the end/);
    const truncatedTypes = good.slice();
    new DataView(truncatedTypes.buffer).setUint32(12, 30, true); // type_len cuts the second INT
    expect(() => decodeBtf(truncatedTypes)).toThrow(ObjectFormatError);
    const badKind = good.slice();
    badKind[24 + 7] = 30; // first type's kind byte
    expect(() => decodeBtf(badKind)).toThrow(/type \[1\]: unknown kind 30/);
    const badName = good.slice();
    new DataView(badName.buffer).setUint32(24, 0xffffff, true);
    expect(() => decodeBtf(badName)).toThrow(/type \[1\]: name offset 16777215 is outside the string table/);
  });

  it("is accepted by bpftool, which prints the same types", (ctx) => {
    if (missing({ bpftool: hasTool("bpftool", ["version"]) })) return ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-btf-"));
    try {
      const file = join(dir, "types.btf");
      writeFileSync(file, encodeBtf(everyKind()));
      const dump = execFileSync("bpftool", ["btf", "dump", "file", file], { encoding: "utf8" });
      expect(dump).toContain("[6] STRUCT 'flags' size=8 vlen=3");
      expect(dump).toContain("'b' type_id=1 bits_offset=3 bitfield_size=29");
      expect(dump).toContain("[9] ENUM 'delta' encoding=SIGNED size=4 vlen=2");
      expect(dump).toContain("'DOWN' val=-1");
      expect(dump).toContain("[17] FUNC 'handler' type_id=16 linkage=global");
      expect(dump).toContain("[19] DATASEC '.rodata' size=4 vlen=1");
      expect(dump).toContain("[24] ENUM64 'wide' encoding=UNSIGNED size=8 vlen=2");
      expect(dump).toContain("'MAX' val=18446744073709551615ULL");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("vmlinux BTF", () => {
  it("decodes the running kernel's BTF and round-trips it", (ctx) => {
    if (missing({ [VMLINUX_BTF]: hasVmlinuxBtf() })) return ctx.skip();
    const bytes = new Uint8Array(readFileSync(VMLINUX_BTF));
    // How long this takes is measured by `npm run bench` (bench/btf.bench.mjs), not asserted here.
    const btf = decodeBtf(bytes);

    const task = findTypeByName(btf, "task_struct", "struct");
    expect(task?.type.kind).toBe("struct");
    const listHead = findTypeByName(btf, "list_head", "struct")!.type;
    expect(listHead).toMatchObject({ size: 16, members: [{ name: "next", bitOffset: 0 }, { name: "prev", bitOffset: 64 }] });

    const encoded = encodeBtf(btf);
    const again = decodeBtf(encoded);
    expect(again.types.length).toBe(btf.types.length);
    const json = (b: Btf) => JSON.stringify(b.types, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
    expect(json(again) === json(btf)).toBe(true);
    // the type section itself is reproduced byte for byte (only string offsets may move)
    const typeLen = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(12, true);
    expect(typeLen(encoded)).toBe(typeLen(bytes));
  });
});
