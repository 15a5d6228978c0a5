/**
 * USDT probes ("usdt/<binary>:<provider>:<name>"): statically defined probe sites that
 * <sys/sdt.h> records in the ELF note section `.note.stapsdt` (address, semaphore, and an
 * argument spec string such as "-4@%edi 8@-16(%rbp) 4@$5"). Each site becomes a uprobe whose
 * bpf cookie is the index of a spec in the object's `__bpf_usdt_specs` array map, where the
 * program finds out how to read each argument — the layout libbpf's <bpf/usdt.bpf.h> defines,
 * so clang-built libbpf programs and tsbpf's `bpf.usdtArg(i)` read the same thing:
 *
 *   struct __bpf_usdt_arg_spec { u64 val_off; u32 arg_type; s16 reg_off; bool arg_signed; s8 arg_bitshift; }  // 16 bytes
 *   struct __bpf_usdt_spec { struct __bpf_usdt_arg_spec args[12]; u64 usdt_cookie; s16 arg_cnt; }             // 208 bytes
 *   arg_type: 0 constant (value = val_off), 1 register (pt_regs at reg_off), 2 memory at register + val_off;
 *   then value <<= bitshift, >>= bitshift (arithmetic when signed) to cut it to its size.
 *
 * Kernel 5.15 (uprobes through links, with cookies); semaphores 4.20. x86-64 argument specs.
 */
import { BpfError, NotSupportedError, ObjectError } from "../errors.js";
import { littleEndian } from "../sys/attr.js";
import { mapUpdate } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";
import { resolveBinary, UserElf } from "./elf-symbols.js";
import { Link } from "./link.js";
import { attachUprobe } from "./uprobe.js";

export const USDT_SPECS_MAP = "__bpf_usdt_specs";
export const USDT_MAX_ARGS = 12;
export const USDT_SPEC_SIZE = 208;
const NT_STAPSDT = 3;

export const UsdtArgType = { CONST: 0, REG: 1, REG_DEREF: 2 } as const;

export interface UsdtArgSpec {
  type: number;
  /** Constant value, or offset added to the register for REG_DEREF. */
  valOff: bigint;
  /** Offset of the register in struct pt_regs. */
  regOff: number;
  signed: boolean;
  /** 64 minus the argument's size in bits. */
  bitshift: number;
}

export interface UsdtNote {
  provider: string;
  name: string;
  /** File offset of the probe site. */
  offset: bigint;
  /** File offset of the semaphore (0: none). */
  semaphoreOffset: bigint;
  args: string;
}

/** struct pt_regs offsets on x86-64 (arch/x86/include/uapi/asm/ptrace.h), by every name of each register. */
const x86Regs: Record<string, number> = {};
const x86Layout: [number, string[]][] = [
  [0, ["r15", "r15d", "r15w", "r15b"]], [8, ["r14", "r14d", "r14w", "r14b"]], [16, ["r13", "r13d", "r13w", "r13b"]],
  [24, ["r12", "r12d", "r12w", "r12b"]], [32, ["rbp", "ebp", "bp", "bpl"]], [40, ["rbx", "ebx", "bx", "bl", "bh"]],
  [48, ["r11", "r11d", "r11w", "r11b"]], [56, ["r10", "r10d", "r10w", "r10b"]], [64, ["r9", "r9d", "r9w", "r9b"]],
  [72, ["r8", "r8d", "r8w", "r8b"]], [80, ["rax", "eax", "ax", "al", "ah"]], [88, ["rcx", "ecx", "cx", "cl", "ch"]],
  [96, ["rdx", "edx", "dx", "dl", "dh"]], [104, ["rsi", "esi", "si", "sil"]], [112, ["rdi", "edi", "di", "dil"]],
  [128, ["rip", "eip", "ip"]], [152, ["rsp", "esp", "sp", "spl"]],
];
for (const [off, names] of x86Layout) for (const n of names) x86Regs[n] = off;

function register(name: string, spec: string): number {
  const off = x86Regs[name];
  if (off === undefined) throw new NotSupportedError(`USDT argument ${spec}`, `register %${name} is not one tsbpf reads`);
  return off;
}

/** One argument spec ("-4@%edi", "8@-16(%rbp)", "4@$5"). x86-64 only. */
export function parseUsdtArg(spec: string): UsdtArgSpec {
  const at = spec.indexOf("@");
  const size = at > 0 ? Number.parseInt(spec.slice(0, at), 10) : 8;
  const loc = at > 0 ? spec.slice(at + 1) : spec;
  if (![1, 2, 4, 8].includes(Math.abs(size))) throw new NotSupportedError(`USDT argument ${spec}`, `argument size ${size} is not 1, 2, 4 or 8`);
  const base = { signed: size < 0, bitshift: 64 - Math.abs(size) * 8 };
  let m: RegExpExecArray | null;
  if ((m = /^\$(-?(?:0x[0-9a-f]+|\d+))$/i.exec(loc))) return { ...base, type: UsdtArgType.CONST, valOff: BigInt.asUintN(64, BigInt(m[1]!)), regOff: 0 };
  if ((m = /^%([a-z0-9]+)$/.exec(loc))) return { ...base, type: UsdtArgType.REG, valOff: 0n, regOff: register(m[1]!, spec) };
  if ((m = /^(-?(?:0x[0-9a-f]+|\d+))?\(%([a-z0-9]+)\)$/i.exec(loc))) {
    return { ...base, type: UsdtArgType.REG_DEREF, valOff: BigInt.asUintN(64, BigInt(m[1] ?? 0)), regOff: register(m[2]!, spec) };
  }
  throw new NotSupportedError(`USDT argument ${spec}`, "an addressing form tsbpf cannot express (index registers, segment or symbol-relative operands)", {
    remedy: "pass the value in a register or a plain stack slot at the probe site",
  });
}

/** Every USDT probe of a binary, from .note.stapsdt. */
export function readUsdtNotes(elf: UserElf): UsdtNote[] {
  const base = elf.section(".stapsdt.base");
  const out: UsdtNote[] = [];
  for (const note of elf.notes(".note.stapsdt")) {
    if (note.owner !== "stapsdt" || note.type !== NT_STAPSDT || note.desc.length < 24) continue;
    const v = new DataView(note.desc.buffer, note.desc.byteOffset, note.desc.byteLength);
    let pc = v.getBigUint64(0, true);
    const noteBase = v.getBigUint64(8, true);
    const semaphore = v.getBigUint64(16, true);
    // Prelinked binaries moved their sections: the note's base says where .stapsdt.base was.
    if (base && noteBase) pc = pc - noteBase + base.addr;
    const strings = new TextDecoder().decode(note.desc.subarray(24)).split("\0");
    out.push({
      provider: strings[0] ?? "",
      name: strings[1] ?? "",
      args: strings[2] ?? "",
      offset: elf.fileOffset(pc),
      semaphoreOffset: semaphore ? elf.fileOffset(semaphore) : 0n,
    });
  }
  return out;
}

/** The 208-byte `struct __bpf_usdt_spec` for an argument string. */
export function encodeUsdtSpec(args: string, cookie = 0n): Uint8Array {
  const list = args.trim() ? args.trim().split(/\s+/).map(parseUsdtArg) : [];
  if (list.length > USDT_MAX_ARGS) throw new NotSupportedError(`USDT probe with ${list.length} arguments`, `at most ${USDT_MAX_ARGS} are readable`);
  const out = new Uint8Array(USDT_SPEC_SIZE);
  const v = new DataView(out.buffer);
  list.forEach((a, i) => {
    const at = i * 16;
    v.setBigUint64(at, a.valOff, littleEndian);
    v.setUint32(at + 8, a.type, littleEndian);
    v.setInt16(at + 12, a.regOff, littleEndian);
    v.setUint8(at + 14, a.signed ? 1 : 0);
    v.setInt8(at + 15, a.bitshift);
  });
  v.setBigUint64(192, cookie, littleEndian);
  v.setInt16(200, list.length, littleEndian);
  return out;
}

/** Spec slots in use per specs map (a map's slots are shared by every USDT link of its object). */
const slotsInUse = new WeakMap<Fd, Set<number>>();

function takeSlot(map: Fd, capacity: number): number {
  let used = slotsInUse.get(map);
  if (!used) slotsInUse.set(map, (used = new Set()));
  for (let i = 0; i < capacity; i++) {
    if (!used.has(i)) {
      used.add(i);
      return i;
    }
  }
  throw new BpfError(`all ${capacity} USDT spec slots of the object are in use (close some USDT links)`);
}

export interface UsdtOptions {
  /** The executable or library holding the probe. */
  binary: string;
  provider: string;
  name: string;
  pid?: number;
  /** What bpf_usdt_cookie() returns. */
  cookie?: bigint;
}

/** The map the probes read their specs from. */
export interface UsdtSpecsMap {
  fd: Fd;
  maxEntries: number;
}

/** "binary:provider:name" from a usdt section. */
export function parseUsdtTarget(target: string, section: string): Pick<UsdtOptions, "binary" | "provider" | "name"> {
  const parts = target.split(":");
  if (parts.length < 3) throw new ObjectError("a usdt section names binary:provider:name (e.g. usdt/libc.so.6:libc:setjmp)", { section });
  const name = parts.pop()!;
  const provider = parts.pop()!;
  return { binary: parts.join(":"), provider, name };
}

/**
 * Attaches a USDT program to every site of provider:name in the binary: one uprobe per site
 * (with the semaphore counted while attached), its cookie the spec's slot in `specs`.
 */
export function attachUsdt(program: string, progFd: number, specs: UsdtSpecsMap | undefined, options: UsdtOptions): Link {
  const what = `usdt/${options.binary}:${options.provider}:${options.name}`;
  if (!specs) {
    throw new ObjectError(`program ${program} is a USDT program but the object has no ${USDT_SPECS_MAP} map for the argument specs (include <bpf/usdt.bpf.h> or use bpf.usdtArg)`, { section: what });
  }
  const path = resolveBinary(options.binary, options.pid);
  const sites = readUsdtNotes(UserElf.open(path)).filter((n) => n.provider === options.provider && n.name === options.name);
  if (sites.length === 0) throw new BpfError(`${path} has no USDT probe ${options.provider}:${options.name}`);
  const links: Link[] = [];
  const slots: number[] = [];
  const release = {
    close: () => {
      const used = slotsInUse.get(specs.fd);
      for (const s of slots) used?.delete(s);
    },
  };
  try {
    const byArgs = new Map<string, number>();
    for (const site of sites) {
      let slot = byArgs.get(site.args);
      if (slot === undefined) {
        slot = takeSlot(specs.fd, specs.maxEntries);
        slots.push(slot);
        byArgs.set(site.args, slot);
        const key = new Uint8Array(4);
        new DataView(key.buffer).setUint32(0, slot, littleEndian);
        mapUpdate(specs.fd, key, encodeUsdtSpec(site.args, options.cookie ?? 0n));
      }
      links.push(attachUprobe(program, progFd, { binary: path, offset: site.offset, pid: options.pid, cookie: BigInt(slot), refCtrOffset: site.semaphoreOffset || undefined }));
    }
  } catch (error) {
    for (const l of links) l.close();
    release.close();
    throw error;
  }
  return Link.group(program, what, links, [release]);
}
