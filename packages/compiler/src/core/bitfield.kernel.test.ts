// Kernel bitfields compiled from TypeScript (core/bitfield.ts), proven with the two-BTF style
// of runtime/src/core: the same object is relocated against two BTFs in which the bitfields sit
// at other bits, in other storage units (one needs a 64-bit load), with the other signedness;
// a @syscall program reads them from a context laid out as each BTF says. The context is a
// kernel struct, so its members are relocated context loads (direct, no bpf_probe_read_kernel).
// test/kernel-direct.test.ts reads a real task_struct bitfield in the kernel.
import { encodeBtf, type BtfType } from "@tsbpf/object";
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { compiledProbe } from "../testing/probes.js";
import { localBitfield } from "./bitfield.js";

const SOURCE = `
import { Probe, syscall, i32, type u32 } from "tsbpf";

/** @kernel */
interface tsbpf_bits {
  head: u32;
  /** @bits 37:3 */ small: u32;
  /** @bits 45:12 */ twelve: i32;
}

export class Bits extends Probe {
  @syscall
  small(ctx: tsbpf_bits): i32 { return i32(ctx.small); }

  @syscall
  twelve(ctx: tsbpf_bits): i32 { return ctx.twelve; }
}
`;

const compile = () => compiledProbe(SOURCE);

interface Layout {
  small: { bit: number; unit: "u8" | "u32" };
  twelve: { bit: number; signed: boolean };
}

/** A target BTF holding only `struct tsbpf_bits` laid out as `layout` says. */
function targetBtf(layout: Layout): Uint8Array {
  const int = (name: string, size: number, signed: boolean): BtfType => ({ kind: "int", name, size, signed, char: false, bool: false, offset: 0, bits: size * 8 });
  const types: BtfType[] = [
    int("unsigned int", 4, false), // 1
    int("int", 4, true), // 2
    int("unsigned char", 1, false), // 3
    {
      kind: "struct",
      name: "tsbpf_bits",
      size: 24,
      members: [
        { name: "head", type: 1, bitOffset: 0, bitfieldSize: 0 },
        { name: "small", type: layout.small.unit === "u8" ? 3 : 1, bitOffset: layout.small.bit, bitfieldSize: 3 },
        { name: "twelve", type: layout.twelve.signed ? 2 : 1, bitOffset: layout.twelve.bit, bitfieldSize: 12 },
      ],
    },
  ];
  return encodeBtf({ types });
}

/** Writes `value`'s low `size` bits at bit `offset` (little-endian bit numbering, as BTF's). */
function setBits(bytes: Uint8Array, offset: number, size: number, value: number): void {
  for (let i = 0; i < size; i++) {
    const bit = offset + i;
    if ((value >> i) & 1) bytes[bit >> 3]! |= 1 << (bit & 7);
  }
}

it("reads a bitfield with FIELD_BYTE_OFFSET/BYTE_SIZE/LSHIFT_U64/RSHIFT_U64 relocations, and FIELD_SIGNED for a signed one", () => {
  const probe = compile();
  const kinds = (name: string) => probe.spec.programs.find((p) => p.name === name)!.coreRelocations.map((r) => r.kind).sort();
  // One BYTE_OFFSET per load of the size switch (1, 2, 4, 8 bytes), then size and shifts.
  expect(kinds("small")).toEqual([0, 0, 0, 0, 1, 4, 5]);
  expect(kinds("twelve")).toEqual([0, 0, 0, 0, 1, 3, 4, 5]);
  expect(localBitfield(45, 12, 4)).toEqual({ byteOffset: 4, byteSize: 4, lshift: 64 - (45 + 12 - 32), rshift: 52 });
  expect(localBitfield(90, 12, 4)).toEqual({ byteOffset: 8, byteSize: 8, lshift: 64 - (90 + 12 - 64), rshift: 52 });
});

describeKernel("kernel bitfields relocated against two BTFs", () => {
  const layouts: Record<string, Layout> = {
    // A: where the program declares them, but `twelve` is unsigned in this kernel.
    A: { small: { bit: 37, unit: "u32" }, twelve: { bit: 45, signed: false } },
    // B: moved; `small` in a byte unit, `twelve` straddling a 4-byte boundary (a 64-bit load), signed.
    B: { small: { bit: 108, unit: "u8" }, twelve: { bit: 90, signed: true } },
  };

  it("reads each field where each BTF puts it, with each BTF's signedness", async () => {
    const { loadObject } = await import("@tsbpf/runtime");
    const results: Record<string, { small: number; twelve: number }> = {};
    for (const [label, layout] of Object.entries(layouts)) {
      const ctx = new Uint8Array(24);
      ctx.fill(0xff, 0, 4); // head: all ones, next to the fields
      setBits(ctx, layout.small.bit, 3, 5);
      setBits(ctx, layout.twelve.bit, 12, -1000 & 0xfff);
      // Bits around the fields set too, so that a wrong shift shows.
      setBits(ctx, layout.small.bit + 3, 1, 1);
      setBits(ctx, layout.twelve.bit - 1, 1, 1);
      await using object = await loadObject(compile().spec, { coreBtf: targetBtf(layout) });
      const run = (name: string) => object.programs.get(name)!.testRun({ ctx }).retval | 0;
      results[label] = { small: run("small"), twelve: run("twelve") };
    }
    expect(results).toEqual({
      A: { small: 5, twelve: 4096 - 1000 }, // unsigned there: zero-extended
      B: { small: 5, twelve: -1000 },
    });
  });
});
