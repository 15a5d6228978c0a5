/**
 * IFUNC symbols in uprobe targets. glibc's `strlen`, `memcpy`, ... are GNU indirect functions: the
 * symbol's address is a resolver that runs once, when the library is loaded, and returns the
 * implementation for this CPU (`__strlen_avx2`). A uprobe at the symbol's address fires only for
 * that one resolver call, never for the calls a program makes, so bcc attaches at the
 * implementation instead. So does this: the loader writes what the resolver returned into the
 * library's IRELATIVE slots, so a process that maps the same file (the target `pid`, else this one)
 * holds the answer in its memory; it is read from /proc/<pid>/mem and turned back into an address
 * of the file.
 */
import { realpathSync, statSync } from "node:fs";
import { readTextFile } from "../sys/files.js";
import { readProcessMemory } from "../sys/process-memory.js";
import type { ElfSymbol, UserElf } from "./elf-symbols.js";

export interface ResolvedIfunc {
  /** The implementation's virtual address in the file. */
  address: bigint;
  /** Its symbol, when the file names it (`__strlen_avx2`). */
  name?: string;
  /** The process whose loader resolved it. */
  pid: number;
}

/** Where a process maps `path`: the load base (the address of file offset 0). */
function loadBase(pid: number, path: string): bigint | undefined {
  let inode: number;
  try {
    inode = statSync(path).ino;
  } catch {
    return undefined;
  }
  const maps = readTextFile(`/proc/${pid}/maps`);
  if (!maps) return undefined;
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    // keep the path as given
  }
  for (const line of maps.split("\n")) {
    // start-end perms offset dev inode path
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6 || Number(fields[4]) !== inode || (fields[5] !== real && fields[5] !== path)) continue;
    if (BigInt(`0x${fields[2]}`) !== 0n) continue;
    return BigInt(`0x${fields[0]!.split("-")[0]}`);
  }
  return undefined;
}

/**
 * The implementation an IFUNC resolves to, read from a process that maps the file (`pid` first,
 * then this process); undefined when none does or the file has no IRELATIVE slot for it.
 */
export function resolveIfunc(elf: UserElf, symbol: ElfSymbol, pid?: number): ResolvedIfunc | undefined {
  const slots = elf.irelativeSlots(symbol.address);
  if (slots.length === 0) return undefined;
  const first = elf.segments.reduce<bigint | undefined>((min, s) => (s.offset === 0n && (min === undefined || s.vaddr < min) ? s.vaddr : min), undefined) ?? 0n;
  for (const candidate of [pid, process.pid]) {
    if (candidate === undefined || candidate <= 0) continue;
    const base = loadBase(candidate, elf.path);
    if (base === undefined) continue;
    // The bias between the file's addresses and the process's (0 for an ET_EXEC file).
    const bias = base - first;
    for (const slot of slots) {
      const bytes = readProcessMemory(candidate, slot + bias, 8);
      if (!bytes) continue;
      const value = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
      const address = value - bias;
      if (address === symbol.address || !elf.segments.some((s) => address >= s.vaddr && address < s.vaddr + s.filesz)) continue;
      const name = elf.functions().find((f) => f.address === address && f.type !== symbol.type)?.name;
      return { address, name, pid: candidate };
    }
  }
  return undefined;
}
