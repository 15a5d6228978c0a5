/**
 * Addresses to symbols: kernel addresses from /proc/kallsyms (needs root, else they read as
 * zeros), user addresses of a process through /proc/<pid>/maps and the ELF symbol tables of the
 * mapped files (executables and shared libraries).
 */
import { readTextFile } from "../sys/files.js";
import { UserElf } from "../links/elf-symbols.js";

export interface Frame {
  address: bigint;
  /** Function name, or undefined when unknown. */
  symbol?: string;
  /** Offset from the symbol's start. */
  offset?: bigint;
  /** "kernel", a kernel module's name, or the mapped file's path. */
  module?: string;
}

interface Sym {
  address: bigint;
  name: string;
  module?: string;
}

let kernel: Sym[] | undefined;

function kernelSymbols(): Sym[] {
  if (kernel) return kernel;
  const out: Sym[] = [];
  for (const line of (readTextFile("/proc/kallsyms") ?? "").split("\n")) {
    const [addr, type, name, module] = line.split(/\s+/);
    if (!addr || !name || !type || !/[tTwW]/.test(type)) continue;
    out.push({ address: BigInt(`0x${addr}`), name, module: module?.replace(/^\[|\]$/g, "") });
  }
  out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  kernel = out;
  return out;
}

function nearest(symbols: Sym[], address: bigint): Sym | undefined {
  let lo = 0;
  let hi = symbols.length - 1;
  let found: Sym | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (symbols[mid]!.address <= address) {
      found = symbols[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Kernel frames, from /proc/kallsyms. */
export function symbolizeKernel(addresses: readonly bigint[]): Frame[] {
  const symbols = kernelSymbols();
  return addresses.map((address) => {
    const s = nearest(symbols, address);
    return s && s.address !== 0n ? { address, symbol: s.name, offset: address - s.address, module: s.module ?? "kernel" } : { address };
  });
}

interface Mapping {
  start: bigint;
  end: bigint;
  fileOffset: bigint;
  path: string;
}

const elfCache = new Map<string, { elf: UserElf; symbols: Sym[] } | null>();

function elfSymbols(path: string): { elf: UserElf; symbols: Sym[] } | null {
  if (elfCache.has(path)) return elfCache.get(path)!;
  let entry: { elf: UserElf; symbols: Sym[] } | null = null;
  try {
    const elf = UserElf.open(path);
    const symbols = elf.functions().map((f) => ({ address: f.address, name: f.name }));
    symbols.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    entry = { elf, symbols };
  } catch {
    entry = null;
  }
  elfCache.set(path, entry);
  return entry;
}

/** User frames of process `pid`. */
export function symbolizeUser(pid: number, addresses: readonly bigint[]): Frame[] {
  const maps: Mapping[] = [];
  for (const line of (readTextFile(`/proc/${pid}/maps`) ?? "").split("\n")) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+\S+\s+([0-9a-f]+)\s+\S+\s+\d+\s+(\/.*)$/.exec(line);
    if (m) maps.push({ start: BigInt(`0x${m[1]}`), end: BigInt(`0x${m[2]}`), fileOffset: BigInt(`0x${m[3]}`), path: m[4]!.trim() });
  }
  return addresses.map((address) => {
    const map = maps.find((m) => address >= m.start && address < m.end);
    if (!map) return { address };
    const entry = elfSymbols(map.path);
    if (!entry) return { address, module: map.path };
    // address → file offset → the virtual address the ELF file's symbols use.
    const fileOffset = address - map.start + map.fileOffset;
    const seg = entry.elf.segments.find((s) => fileOffset >= s.offset && fileOffset < s.offset + s.filesz);
    if (!seg) return { address, module: map.path };
    const vaddr = fileOffset - seg.offset + seg.vaddr;
    const s = nearest(entry.symbols, vaddr);
    return s ? { address, symbol: s.name, offset: vaddr - s.address, module: map.path } : { address, module: map.path };
  });
}

/** "func+0x12" or the hex address. */
export function formatFrame(f: Frame): string {
  return f.symbol ? `${f.symbol}+0x${f.offset!.toString(16)}` : `0x${f.address.toString(16)}`;
}
