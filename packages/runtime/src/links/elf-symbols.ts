/**
 * Function offsets in user-space ELF files (executables and shared libraries), for uprobes: the
 * kernel wants a file offset, which is the symbol's virtual address moved into the loadable
 * segment that holds it (address - p_vaddr + p_offset). Symbols come from .symtab, else .dynsym
 * (stripped libraries keep only the latter). Also reads notes (USDT's .note.stapsdt).
 */
import { BpfError } from "../errors.js";
import { readFile, readTextFile, pathExists } from "../sys/files.js";
import { resolveIfunc } from "./ifunc.js";

const SHT_SYMTAB = 2;
const SHT_RELA = 4;
const SHT_NOTE = 7;
const SHT_DYNSYM = 11;
const PT_LOAD = 1;
const STT_FUNC = 2;
export const STT_GNU_IFUNC = 10;
/** R_X86_64_IRELATIVE, R_AARCH64_IRELATIVE: a slot the loader fills with what an IFUNC resolver returned. */
const IRELATIVE = new Set([37, 1032]);

export interface ElfSection {
  name: string;
  type: number;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
}

export interface ElfSymbol {
  name: string;
  address: bigint;
  size: bigint;
  type: number;
}

export interface LoadSegment {
  vaddr: bigint;
  offset: bigint;
  filesz: bigint;
}

/** A glob over symbol names ("*" any run, "?" one character) as an anchored RegExp. */
export function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}

/** A parsed 64-bit little-endian ELF file (what Linux runs on x86-64 and arm64). */
export class UserElf {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly sections: ElfSection[] = [];
  readonly segments: LoadSegment[] = [];
  /** ET_DYN (shared library or PIE) or ET_EXEC. */
  readonly type: number;

  constructor(path: string, bytes: Uint8Array) {
    this.path = path;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const v = this.view;
    if (bytes.length < 64 || v.getUint32(0) !== 0x7f454c46) throw new BpfError(`${path} is not an ELF file`);
    if (bytes[4] !== 2 || bytes[5] !== 1) throw new BpfError(`${path} is not a 64-bit little-endian ELF file`);
    this.type = v.getUint16(16, true);
    const phoff = Number(v.getBigUint64(32, true));
    const shoff = Number(v.getBigUint64(40, true));
    const phentsize = v.getUint16(54, true);
    const phnum = v.getUint16(56, true);
    const shentsize = v.getUint16(58, true);
    const shnum = v.getUint16(60, true);
    const shstrndx = v.getUint16(62, true);
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      if (v.getUint32(at, true) !== PT_LOAD) continue;
      this.segments.push({ offset: v.getBigUint64(at + 8, true), vaddr: v.getBigUint64(at + 16, true), filesz: v.getBigUint64(at + 32, true) });
    }
    const raw: (ElfSection & { nameOffset: number })[] = [];
    for (let i = 0; i < shnum; i++) {
      const at = shoff + i * shentsize;
      raw.push({
        nameOffset: v.getUint32(at, true),
        name: "",
        type: v.getUint32(at + 4, true),
        addr: v.getBigUint64(at + 16, true),
        offset: Number(v.getBigUint64(at + 24, true)),
        size: Number(v.getBigUint64(at + 32, true)),
        link: v.getUint32(at + 40, true),
      });
    }
    const names = raw[shstrndx];
    for (const s of raw) {
      const { nameOffset, ...section } = s;
      section.name = names ? this.string(names.offset + nameOffset) : "";
      this.sections.push(section);
    }
  }

  static open(path: string): UserElf {
    const bytes = readFile(path);
    if (!bytes) throw new BpfError(`${path} does not exist`);
    return new UserElf(path, bytes);
  }

  string(at: number): string {
    const end = this.bytes.indexOf(0, at);
    return new TextDecoder().decode(this.bytes.subarray(at, end < 0 ? this.bytes.length : end));
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Function symbols (STT_FUNC, STT_GNU_IFUNC) with an address, .symtab first then .dynsym. */
  functions(): ElfSymbol[] {
    const out: ElfSymbol[] = [];
    for (const type of [SHT_SYMTAB, SHT_DYNSYM]) {
      for (const table of this.sections.filter((s) => s.type === type)) {
        const strings = this.sections[table.link];
        if (!strings) continue;
        for (let at = table.offset; at + 24 <= table.offset + table.size; at += 24) {
          const info = this.bytes[at + 4]! & 0xf;
          if (info !== STT_FUNC && info !== STT_GNU_IFUNC) continue;
          const address = this.view.getBigUint64(at + 8, true);
          if (address === 0n) continue;
          out.push({ name: this.string(strings.offset + this.view.getUint32(at, true)), address, size: this.view.getBigUint64(at + 16, true), type: info });
        }
      }
    }
    return out;
  }

  /** The function symbol named `name` (exact; "name@VERSION" suffixes in .symtab also match). */
  functionNamed(name: string): ElfSymbol | undefined {
    const fns = this.functions();
    return fns.find((s) => s.name === name) ?? fns.find((s) => s.name.split("@")[0] === name);
  }

  /**
   * The slots (virtual addresses) the dynamic loader fills with the implementation an IFUNC
   * resolver at `resolver` picks: the IRELATIVE relocations whose addend is the resolver (a
   * library's own calls to its IFUNCs go through them, e.g. libc's strlen).
   */
  irelativeSlots(resolver: bigint): bigint[] {
    const out: bigint[] = [];
    for (const table of this.sections.filter((s) => s.type === SHT_RELA)) {
      for (let at = table.offset; at + 24 <= table.offset + table.size && at + 24 <= this.bytes.length; at += 24) {
        const type = Number(this.view.getBigUint64(at + 8, true) & 0xffffffffn);
        if (IRELATIVE.has(type) && this.view.getBigInt64(at + 16, true) === BigInt.asIntN(64, resolver)) out.push(this.view.getBigUint64(at, true));
      }
    }
    return out;
  }

  /** The file offset of virtual address `address` (in a loadable segment). */
  fileOffset(address: bigint): bigint {
    const seg = this.segments.find((s) => address >= s.vaddr && address < s.vaddr + s.filesz);
    if (!seg) throw new BpfError(`address 0x${address.toString(16)} is in no loadable segment of ${this.path}`);
    return address - seg.vaddr + seg.offset;
  }

  /**
   * The file offset of function `name` (exact name; "name@VERSION" suffixes in .symtab also match).
   * An IFUNC (glibc's strlen) is the implementation its resolver picked, as bcc attaches
   * (ifunc.ts: read from process `pid`, or this one, that maps the file); the resolver itself
   * when no process shows the choice.
   */
  symbolOffset(name: string, pid?: number): bigint {
    const sym = this.functionNamed(name);
    if (!sym) throw new BpfError(`${this.path} has no function ${name} in its symbol tables`);
    if (sym.type === STT_GNU_IFUNC) {
      const resolved = resolveIfunc(this, sym, pid);
      if (resolved) return this.fileOffset(resolved.address);
    }
    return this.fileOffset(sym.address);
  }

  /** Names and file offsets of the functions matching a glob ("*" and "?"). */
  matchFunctions(pattern: string): { name: string; offset: bigint }[] {
    const re = globRegExp(pattern);
    const seen = new Map<string, bigint>();
    for (const s of this.functions()) if (re.test(s.name) && !seen.has(s.name)) seen.set(s.name, this.fileOffset(s.address));
    return [...seen].map(([name, offset]) => ({ name, offset }));
  }

  /** Every note in section `name`: owner name, type and descriptor bytes. */
  notes(name: string): { owner: string; type: number; desc: Uint8Array }[] {
    const out: { owner: string; type: number; desc: Uint8Array }[] = [];
    for (const s of this.sections.filter((x) => x.name === name && x.type === SHT_NOTE)) {
      let at = s.offset;
      const end = s.offset + s.size;
      while (at + 12 <= end) {
        const namesz = this.view.getUint32(at, true);
        const descsz = this.view.getUint32(at + 4, true);
        const type = this.view.getUint32(at + 8, true);
        const owner = this.string(at + 12);
        const descAt = at + 12 + Math.ceil(namesz / 4) * 4;
        out.push({ owner, type, desc: this.bytes.subarray(descAt, descAt + descsz) });
        at = descAt + Math.ceil(descsz / 4) * 4;
      }
    }
    return out;
  }
}

const libraryDirs = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib"];

/**
 * A short library name as bcc takes one (`attach_uprobe(name="c")`): "c" or "libc" is the shared
 * object `libc.so.<version>`, found in the process `pid`'s mappings, then in the standard library
 * directories (the versioned file, not the `.so` link-time script). Undefined when there is none.
 */
function shortLibrary(name: string, pid?: number): string | undefined {
  if (name.includes(".so") || !/^[A-Za-z0-9_+-]+$/.test(name)) return undefined;
  const file = `lib${name.replace(/^lib/, "")}.so`;
  const versioned = new RegExp(`^${file.replace(/[+.]/g, "\\$&")}(\\.\\d+)+$`);
  if (pid !== undefined && pid > 0) {
    for (const line of (readTextFile(`/proc/${pid}/maps`) ?? "").split("\n")) {
      const path = line.split(/\s+/)[5];
      if (path?.startsWith("/") && versioned.test(path.split("/").pop()!)) return path;
    }
  }
  for (const dir of libraryDirs) {
    for (let version = 0; version < 10; version++) if (pathExists(`${dir}/${file}.${version}`)) return `${dir}/${file}.${version}`;
  }
  return undefined;
}

/**
 * The path of a binary or library: a path is used as is; a bare library name ("libc.so.6") is
 * looked up in the process `pid`'s mappings first, then the standard library directories; a short
 * library name ("c", "libc", as bcc takes) is that library's shared object; a bare program name is
 * looked up in PATH.
 */
export function resolveBinary(name: string, pid?: number): string {
  if (name.includes("/")) return name;
  const library = shortLibrary(name, pid);
  if (library) return library;
  if (pid !== undefined && pid > 0) {
    for (const line of (readTextFile(`/proc/${pid}/maps`) ?? "").split("\n")) {
      const path = line.split(/\s+/)[5];
      if (path && path.startsWith("/") && path.split("/").pop()!.startsWith(name)) return path;
    }
  }
  const dirs = name.includes(".so") ? libraryDirs : (process.env.PATH ?? "/usr/bin:/bin").split(":");
  for (const dir of dirs) if (pathExists(`${dir}/${name}`)) return `${dir}/${name}`;
  throw new BpfError(`cannot find ${name} (looked in ${pid ? `/proc/${pid}/maps and ` : ""}${dirs.join(", ")})`);
}
