import { describe, expect, it } from "vitest";
import { ByteWriter } from "../bytes.js";
import { ObjectFormatError } from "../errors.js";
import { everyKind } from "../testing/btf-fixtures.js";
import { assembleBtf, encodeBtfTypes, newStringTable } from "./codec.js";
import { decodeBtfExt, encodeBtfExt, type BtfExt } from "./ext.js";

const ext: BtfExt = {
  funcInfo: [
    { section: "xdp", records: [{ insnOff: 0, typeId: 17 }, { insnOff: 96, typeId: 28 }] },
    { section: ".text", records: [{ insnOff: 8, typeId: 17 }] },
  ],
  lineInfo: [
    {
      section: "xdp",
      records: [
        { insnOff: 0, fileName: "probe.bpf.ts", lineText: "const x = 1;", line: 3, column: 5 },
        { insnOff: 16, fileName: "probe.bpf.ts", lineText: "return x;", line: 1_000_000, column: 1023 },
      ],
    },
  ],
  coreRelos: [{ section: "xdp", records: [{ insnOff: 24, typeId: 6, accessString: "0:1", kind: 0 }] }],
};

function encodeWithBtf(value: BtfExt) {
  const btf = everyKind();
  const strings = newStringTable(btf);
  const types = encodeBtfTypes(btf, strings);
  const extBytes = encodeBtfExt(value, strings);
  return { ext: extBytes, btf: assembleBtf(types, strings) };
}

describe(".BTF.ext codec", () => {
  it("round-trips func_info, line_info and CO-RE records through the shared string table", () => {
    const { ext: bytes, btf } = encodeWithBtf(ext);
    expect(decodeBtfExt(bytes, btf)).toEqual(ext);
  });

  it("writes a 32-byte header and the kernel's record sizes", () => {
    const { ext: bytes } = encodeWithBtf(ext);
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(0, true)).toBe(0xeb9f);
    expect(bytes[2]).toBe(1);
    expect(view.getUint32(4, true)).toBe(32);
    const funcOff = 32 + view.getUint32(8, true);
    const lineOff = 32 + view.getUint32(16, true);
    const coreOff = 32 + view.getUint32(24, true);
    expect(view.getUint32(funcOff, true)).toBe(8);
    expect(view.getUint32(lineOff, true)).toBe(16);
    expect(view.getUint32(coreOff, true)).toBe(16);
    expect(view.getUint32(12, true)).toBe(4 + (8 + 2 * 8) + (8 + 8)); // two func_info groups
    // line_col = line << 10 | col
    expect(view.getUint32(lineOff + 4 + 8 + 12, true)).toBe((3 << 10) | 5);
  });

  it("omits empty kinds", () => {
    const { ext: bytes, btf } = encodeWithBtf({ funcInfo: ext.funcInfo, lineInfo: [], coreRelos: [{ section: "xdp", records: [] }] });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(20, true)).toBe(0);
    expect(view.getUint32(28, true)).toBe(0);
    expect(decodeBtfExt(bytes, btf)).toEqual({ funcInfo: ext.funcInfo, lineInfo: [], coreRelos: [] });
  });

  it("reads pre-CO-RE headers (hdr_len 24) and larger record sizes from newer producers", () => {
    const btf = everyKind();
    const strings = newStringTable(btf);
    const types = encodeBtfTypes(btf, strings);
    const xdp = strings.add("xdp");
    const body = new ByteWriter().u32(12).u32(xdp).u32(1).u32(16).u32(17).u32(0xdead); // rec_size 12
    const out = new ByteWriter().u16(0xeb9f).u8(1).u8(0).u32(24).u32(0).u32(body.length).u32(body.length).u32(0);
    out.bytes(body.finish());
    expect(decodeBtfExt(out.finish(), assembleBtf(types, strings))).toEqual({
      funcInfo: [{ section: "xdp", records: [{ insnOff: 16, typeId: 17 }] }],
      lineInfo: [],
      coreRelos: [],
    });
  });

  it("throws ObjectFormatError naming the defect", () => {
    const { ext: bytes, btf } = encodeWithBtf(ext);
    expect(() => decodeBtfExt(bytes.subarray(0, 20), btf)).toThrow(/\.BTF\.ext: 20 bytes is too short/);
    const small = bytes.slice();
    const view = new DataView(small.buffer);
    view.setUint32(32 + view.getUint32(8, true), 4, true);
    expect(() => decodeBtfExt(small, btf)).toThrow(/func_info record size 4/);
    const many = bytes.slice();
    new DataView(many.buffer).setUint32(32 + 4 + 4, 1000, true); // num_info of the first group
    expect(() => decodeBtfExt(many, btf)).toThrow(/func_info for 'xdp': 1000 records/);
    const long = bytes.slice();
    new DataView(long.buffer).setUint32(12, 10_000, true);
    expect(() => decodeBtfExt(long, btf)).toThrow(ObjectFormatError);
  });
});
