/**
 * User addresses of a process to symbols: /proc/<pid>/maps says which file is mapped where, the
 * file's ELF symbol tables (.symtab, else .dynsym: stripped libraries keep only the latter) name
 * the function at the address's place in the file, and C++/Rust names are demangled. Files are
 * opened through /proc/<pid>/root, so that a process in another mount namespace (a container)
 * is symbolized from its own files. A process's mappings are kept once read, so that a stack can
 * still be named after its process has exited (as long as its mappings were read while it lived).
 * A stripped library (only .dynsym, its exported functions) is completed from its separate debug
 * file where one is installed, found by build id as gdb and perf find it
 * (/usr/lib/debug/.build-id/ab/cdef….debug, e.g. Debian's libc6-dbg), so that internal functions
 * (`__libc_start_call_main`) are named too.
 * Code a JIT compiled (V8's, the JVM's) lies in anonymous memory: it is named from the process's
 * perf map, /tmp/perf-<pid>.map, which such runtimes write on request (`node --perf-basic-prof`)
 * and perf, bcc and bpftrace read too.
 */
import { UserElf } from "../links/elf-symbols.js";
import { readTextFile } from "../sys/files.js";
import { demangle } from "./demangle.js";
import type { Frame } from "./frame.js";
import { nearest, type Sym } from "./nearest.js";

interface Mapping {
  start: bigint;
  end: bigint;
  fileOffset: bigint;
  path: string;
}

interface FileSymbols {
  elf: UserElf;
  symbols: Sym[];
}

const files = new Map<string, FileSymbols | null>();
const processes = new Map<number, Mapping[]>();
/** Perf maps by pid, with the file size they were read at (a JIT appends as it compiles). */
const perfMaps = new Map<number, { size: number; symbols: Sym[] }>();

/** The perf map of `pid` ("START SIZE name" lines, hex), read again when it has grown. */
function perfMap(pid: number, address: bigint): Sym[] {
  const known = perfMaps.get(pid);
  if (known && nearest(known.symbols, address)) return known.symbols;
  for (const path of [`/proc/${pid}/root/tmp/perf-${pid}.map`, `/tmp/perf-${pid}.map`]) {
    const text = readTextFile(path);
    if (text === undefined) continue;
    if (known && known.size === text.length) return known.symbols;
    const symbols: Sym[] = [];
    for (const line of text.split("\n")) {
      const m = /^([0-9a-fA-F]+) ([0-9a-fA-F]+) (.+)$/.exec(line);
      if (m) symbols.push({ address: BigInt(`0x${m[1]}`), size: BigInt(`0x${m[2]}`), name: m[3]! });
    }
    symbols.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    perfMaps.set(pid, { size: text.length, symbols });
    return symbols;
  }
  return known?.symbols ?? [];
}

/** The file-backed mappings of process `pid` ([] when it is gone and was never read). */
function readMappings(pid: number): Mapping[] | undefined {
  const text = readTextFile(`/proc/${pid}/maps`);
  if (text === undefined) return undefined;
  const maps: Mapping[] = [];
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+\S+\s+([0-9a-f]+)\s+\S+\s+\d+\s+(\/.*)$/.exec(line);
    if (m) maps.push({ start: BigInt(`0x${m[1]}`), end: BigInt(`0x${m[2]}`), fileOffset: BigInt(`0x${m[3]}`), path: m[4]!.replace(/ \(deleted\)$/, "").trim() });
  }
  return maps;
}

function mappings(pid: number, address: bigint): Mapping[] {
  let maps = processes.get(pid);
  // Read again when an address is outside what was read (a library loaded since).
  if (!maps || !maps.some((m) => address >= m.start && address < m.end)) {
    const fresh = readMappings(pid);
    if (fresh) processes.set(pid, (maps = fresh));
  }
  return maps ?? [];
}

const SHT_SYMTAB = 2;
const NT_GNU_BUILD_ID = 3;

/** The separate debug file of `elf` by its GNU build id, when installed. */
function debugFile(elf: UserElf): UserElf | undefined {
  const note = elf.notes(".note.gnu.build-id").find((n) => n.owner === "GNU" && n.type === NT_GNU_BUILD_ID);
  if (!note || note.desc.length < 2) return undefined;
  const id = Buffer.from(note.desc).toString("hex");
  try {
    return UserElf.open(`/usr/lib/debug/.build-id/${id.slice(0, 2)}/${id.slice(2)}.debug`);
  } catch {
    return undefined;
  }
}

function fileSymbols(pid: number, path: string): FileSymbols | null {
  const cached = files.get(path);
  if (cached !== undefined) return cached;
  let entry: FileSymbols | null = null;
  // The process's own view of the file first (another mount namespace), then ours.
  for (const candidate of [`/proc/${pid}/root${path}`, path]) {
    try {
      const elf = UserElf.open(candidate);
      const functions = elf.functions();
      if (!elf.sections.some((section) => section.type === SHT_SYMTAB)) functions.push(...(debugFile(elf)?.functions() ?? []));
      const symbols: Sym[] = functions.map((f) => ({ address: f.address, size: f.size, name: f.name }));
      symbols.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
      entry = { elf, symbols };
      break;
    } catch {
      // try the next candidate
    }
  }
  files.set(path, entry);
  return entry;
}

/** Forgets the mappings kept for `pid` (or every process's). */
export function forgetProcess(pid?: number): void {
  if (pid === undefined) {
    processes.clear();
    perfMaps.clear();
  } else {
    processes.delete(pid);
    perfMaps.delete(pid);
  }
}

/** Reads and keeps process `pid`'s mappings now, e.g. when its event arrives, before it may exit. */
export function rememberProcess(pid: number): void {
  const maps = readMappings(pid);
  if (maps) processes.set(pid, maps);
  perfMap(pid, -1n);
}

/** User frames of process `pid`, innermost first as given. */
export function symbolizeUser(pid: number, addresses: readonly bigint[]): Frame[] {
  return addresses.map((address) => {
    const map = mappings(pid, address).find((m) => address >= m.start && address < m.end);
    if (!map) {
      const jit = nearest(perfMap(pid, address), address);
      return jit ? { address, symbol: jit.name, offset: address - jit.address, module: `[perf-${pid}.map]` } : { address };
    }
    const entry = fileSymbols(pid, map.path);
    if (!entry) return { address, module: map.path };
    // address → file offset → the virtual address the ELF file's symbols use.
    const fileOffset = address - map.start + map.fileOffset;
    const seg = entry.elf.segments.find((s) => fileOffset >= s.offset && fileOffset < s.offset + s.filesz);
    if (!seg) return { address, module: map.path };
    const vaddr = fileOffset - seg.offset + seg.vaddr;
    const s = nearest(entry.symbols, vaddr);
    return s ? { address, symbol: demangle(s.name), offset: vaddr - s.address, module: map.path } : { address, module: map.path };
  });
}
