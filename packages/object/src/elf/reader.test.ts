import { describe, expect, it } from "vitest";
import { ObjectFormatError } from "../errors.js";
import * as asm from "../isa/builders.js";
import { sampleSpec } from "../testing/sample-spec.js";
import { SHDR_SIZE } from "./constants.js";
import { parseElf } from "./file.js";
import { readElf } from "./reader.js";
import { writeElf } from "./writer.js";

const good = () => writeElf(sampleSpec());

/** Byte offset of a section's header in the file. */
function shdrAt(bytes: Uint8Array, name: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const index = parseElf(bytes).sections.findIndex((s) => s.name === name);
  return Number(view.getBigUint64(40, true)) + index * SHDR_SIZE;
}

function patch(bytes: Uint8Array, at: number, value: number | bigint, size: 4 | 8 | 2 | 1 = 4): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  if (size === 8) view.setBigUint64(at, BigInt(value), true);
  else if (size === 4) view.setUint32(at, Number(value), true);
  else if (size === 2) view.setUint16(at, Number(value), true);
  else view.setUint8(at, Number(value));
  return copy;
}

function expectFormatError(bytes: Uint8Array, message: RegExp): void {
  let thrown: unknown;
  try {
    readElf(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ObjectFormatError);
  expect((thrown as Error).message).toMatch(message);
}

describe("readElf on malformed input", () => {
  it("names the ELF header's defect", () => {
    expectFormatError(new Uint8Array(10), /ELF header: 10 bytes is too short/);
    expectFormatError(patch(good(), 0, 0, 1), /not an ELF file/);
    expectFormatError(patch(good(), 4, 1, 1), /class 1 is not ELF64/);
    expectFormatError(patch(good(), 5, 2, 1), /big-endian/);
    expectFormatError(patch(good(), 18, 62, 2), /e_machine 62 is not EM_BPF/);
    expectFormatError(patch(good(), 40, 1n << 40n, 8), /section header table .* runs past the end/);
    expectFormatError(patch(good(), 62, 500, 2), /e_shstrndx 500/);
  });

  it("names the section whose contents are out of bounds or malformed", () => {
    const bytes = good();
    expectFormatError(patch(bytes, shdrAt(bytes, ".rodata") + 32, 1n << 20n, 8), /\.rodata: contents .* run past the end of the file/);
    expectFormatError(patch(bytes, shdrAt(bytes, "tracepoint/syscalls/sys_enter_read") + 32, 44n, 8), /tracepoint\/syscalls\/sys_enter_read: size 44 is not a multiple of 8/);
    expectFormatError(patch(bytes, shdrAt(bytes, ".symtab") + 40, 3), /\.symtab: sh_link 3 is not a string table/);
    expectFormatError(patch(bytes, shdrAt(bytes, ".BTF") + 32, 10n, 8), /\.BTF: 10 bytes is too short/);
  });

  it("rejects legacy map definitions as libbpf 1.0 does", () => {
    const bytes = good();
    const at = shdrAt(bytes, ".maps");
    const nameOff = new DataView(bytes.buffer).getUint32(at, true);
    expectFormatError(patch(bytes, at, nameOff + 1), /^maps: legacy map definitions/);
  });

  it("rejects relocations that do not fit the instruction they patch", () => {
    const spec = sampleSpec();
    // A relocation on `r0 = *(u64 *)(r2 +0)` instead of an ld_imm64.
    const bytes = writeElf(spec);
    const elf = parseElf(bytes);
    const rel = elf.sections.find((s) => s.name === ".reltracepoint/syscalls/sys_enter_write")!;
    const relOffset = Number(new DataView(bytes.buffer).getBigUint64(shdrAt(bytes, rel.name) + 24, true));
    expectFormatError(patch(bytes, relOffset, 32n, 8), /instruction 4 \(in 'handle_write'\): relocation against 'starts' on an instruction that is neither/);
    expectFormatError(patch(bytes, relOffset + 12, 999), /refers to symbol 999, which does not exist/);
  });

  it("rejects a call into the middle of a function", () => {
    const spec = sampleSpec();
    spec.programs[1]!.instructions = [asm.mov64Imm(0, 0), asm.exit()];
    const bytes = writeElf(spec);
    const text = parseElf(bytes).sections.find((s) => s.name === "tracepoint/syscalls/sys_enter_write")!;
    const textOffset = Number(new DataView(bytes.buffer).getBigUint64(shdrAt(bytes, text.name) + 24, true));
    // second_write's first instruction becomes `call pc+0`, a call without relocation into itself+1
    const bad = patch(patch(bytes, textOffset + 72, 0x85, 1), textOffset + 73, 0x10, 1);
    expectFormatError(bad, /targets instruction 10, which starts no function/);
  });

  it("never fails with anything but ObjectFormatError on corrupted bytes", () => {
    const original = good();
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let formatErrors = 0;
    for (let round = 0; round < 400; round++) {
      const bytes = original.slice();
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const cut = random() < 0.2 ? Math.floor(random() * bytes.length) : bytes.length;
      try {
        readElf(bytes.subarray(0, cut));
      } catch (error) {
        if (!(error instanceof ObjectFormatError)) throw new Error(`round ${round}: ${(error as Error).stack}`);
        formatErrors++;
      }
    }
    expect(formatErrors).toBeGreaterThan(50);
  });
});
