/**
 * Reads what a shared object needs from its dynamic loader: the machine (e_machine), the program
 * interpreter (PT_INTERP, present in executables) and the libraries named by DT_NEEDED. ELF64
 * little-endian only, which is every target the runtime ships. A test helper, independent of
 * @tsbpf/object's reader (that one reads BPF relocatables, which have no program headers).
 */
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;

export interface DynamicInfo {
  machine: number;
  interpreter?: string;
  needed: string[];
}

function cString(bytes: Buffer, at: number): string {
  const end = bytes.indexOf(0, at);
  return bytes.toString("latin1", at, end < 0 ? bytes.length : end);
}

export function readDynamicInfo(bytes: Buffer): DynamicInfo {
  if (bytes.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file");
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error("not ELF64 little-endian");
  const machine = bytes.readUInt16LE(18);
  const phoff = Number(bytes.readBigUInt64LE(32));
  const phentsize = bytes.readUInt16LE(54);
  const phnum = bytes.readUInt16LE(56);
  const headers = Array.from({ length: phnum }, (_, i) => {
    const at = phoff + i * phentsize;
    return {
      type: bytes.readUInt32LE(at),
      offset: Number(bytes.readBigUInt64LE(at + 8)),
      vaddr: Number(bytes.readBigUInt64LE(at + 16)),
      filesz: Number(bytes.readBigUInt64LE(at + 32)),
    };
  });
  // Dynamic entries hold addresses; a PT_LOAD segment maps them back to file offsets.
  const fileOffset = (address: number) => {
    const segment = headers.find((h) => h.type === PT_LOAD && address >= h.vaddr && address < h.vaddr + h.filesz);
    if (!segment) throw new Error(`address 0x${address.toString(16)} is in no loaded segment`);
    return address - segment.vaddr + segment.offset;
  };
  const interp = headers.find((h) => h.type === PT_INTERP);
  const dynamic = headers.find((h) => h.type === PT_DYNAMIC);
  const entries: { tag: bigint; value: bigint }[] = [];
  if (dynamic) {
    for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.filesz; at += 16) {
      const tag = bytes.readBigInt64LE(at);
      if (tag === DT_NULL) break;
      entries.push({ tag, value: bytes.readBigUInt64LE(at + 8) });
    }
  }
  const strtab = entries.find((e) => e.tag === DT_STRTAB);
  const needed = strtab
    ? entries.filter((e) => e.tag === DT_NEEDED).map((e) => cString(bytes, fileOffset(Number(strtab.value)) + Number(e.value)))
    : [];
  return { machine, interpreter: interp ? cString(bytes, interp.offset) : undefined, needed };
}
