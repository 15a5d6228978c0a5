/**
 * `__kconfig` externs, provided as libbpf provides them: one read-only array map ".kconfig"
 * holding every extern the programs use, each ld_imm64 of one turned into a map-value load at
 * its offset. Values: LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE and LINUX_HAS_SYSCALL_WRAPPER
 * from the running kernel (found by probing, not by version), CONFIG_* from /proc/config.gz or
 * /boot/config-<release> (y = 1, m = 2, n or absent = 0, numbers, strings).
 */
import { PseudoSrc, typeSize, findTypeByName, type BtfVar, type ObjectSpec } from "@tsbpf/object";
import { createRequire } from "node:module";
import { NotSupportedError } from "../errors.js";
import { littleEndian } from "../sys/attr.js";
import { mapCreate, mapFreeze, mapUpdate } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";
import { readFile, readTextFile } from "../sys/files.js";
import { probePerfLink } from "../features.js";
import { MapFlags } from "./types.js";

const KCONFIG_NAME = /^(CONFIG_|LINUX_KERNEL_VERSION$|LINUX_HAS_)/;

export interface KconfigMap {
  fd: Fd;
  offsets: Map<string, number>;
}

/** The names of the kconfig externs the object's programs use. */
export function kconfigExterns(spec: ObjectSpec): string[] {
  const names = new Set<string>();
  for (const p of spec.programs) for (const r of p.externReferences ?? []) if (r.kind === "ld_imm64" && KCONFIG_NAME.test(r.name)) names.add(r.name);
  return [...names].sort();
}

let config: Map<string, string> | undefined;

function kernelConfig(): Map<string, string> {
  if (config) return config;
  config = new Map();
  const release = readTextFile("/proc/sys/kernel/osrelease")?.trim() ?? "";
  let text: string | undefined;
  const gz = readFile("/proc/config.gz");
  // zlib is loaded only here, when a program reads CONFIG_* values (a start-up cost otherwise).
  if (gz) text = (createRequire(import.meta.url)("node:zlib") as typeof import("node:zlib")).gunzipSync(gz).toString();
  else text = readTextFile(`/boot/config-${release}`);
  for (const line of (text ?? "").split("\n")) {
    const m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (m) config.set(m[1]!, m[2]!);
  }
  return config;
}

function versionCode(): number {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(readTextFile("/proc/sys/kernel/osrelease") ?? "");
  return m ? (Number(m[1]) << 16) + (Number(m[2]) << 8) + Math.min(Number(m[3] ?? 0), 255) : 0;
}

function hasSyscallWrapper(): boolean {
  const arch = process.arch === "arm64" ? "__arm64_sys_" : process.arch === "s390x" ? "__s390x_sys_" : "__x64_sys_";
  return (readTextFile("/proc/kallsyms") ?? "").includes(` ${arch}`);
}

/** The bytes of extern `name` (`size` bytes). */
function value(name: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  const put = (n: bigint) => {
    if (size === 1) v.setUint8(0, Number(n & 0xffn));
    else if (size === 2) v.setUint16(0, Number(n & 0xffffn), littleEndian);
    else if (size === 4) v.setUint32(0, Number(n & 0xffffffffn), littleEndian);
    else v.setBigUint64(0, BigInt.asUintN(64, n), littleEndian);
  };
  if (name === "LINUX_KERNEL_VERSION") put(BigInt(versionCode()));
  else if (name === "LINUX_HAS_BPF_COOKIE") put(probePerfLink().supported ? 1n : 0n);
  else if (name === "LINUX_HAS_SYSCALL_WRAPPER") put(hasSyscallWrapper() ? 1n : 0n);
  else if (name.startsWith("LINUX_")) throw new NotSupportedError(`__kconfig extern ${name}`, "tsbpf does not know this LINUX_ value");
  else {
    const text = kernelConfig().get(name);
    if (text === undefined || text === "n") put(0n);
    else if (text === "y") put(1n);
    else if (text === "m") put(2n);
    else if (/^"/.test(text)) out.set(new TextEncoder().encode(JSON.parse(text) as string).subarray(0, size - 1));
    else put(BigInt(text));
  }
  return out;
}

/** Creates the ".kconfig" map for `names` (sizes from the object's BTF VARs), frozen. */
export function createKconfigMap(spec: ObjectSpec, names: string[]): KconfigMap {
  const offsets = new Map<string, number>();
  const values: [number, Uint8Array][] = [];
  let size = 0;
  for (const name of names) {
    const found = findTypeByName(spec.btf, name, "var");
    const varSize = found ? typeSize(spec.btf, (found.type as BtfVar).type) : 8;
    size = Math.ceil(size / 8) * 8;
    offsets.set(name, size);
    values.push([size, value(name, varSize)]);
    size += varSize;
  }
  const contents = new Uint8Array(Math.max(8, Math.ceil(size / 8) * 8));
  for (const [at, bytes] of values) contents.set(bytes, at);
  const fd = mapCreate({ type: 2, keySize: 4, valueSize: contents.length, maxEntries: 1, flags: MapFlags.RDONLY_PROG | MapFlags.MMAPABLE, name: ".kconfig" });
  try {
    mapUpdate(fd, new Uint8Array(4), contents);
    mapFreeze(fd);
  } catch (error) {
    fd.close();
    throw error;
  }
  return { fd, offsets };
}

/** Points a kconfig extern's ld_imm64 at its slot in the .kconfig map. */
export function pointAtKconfig(kconfig: KconfigMap, name: string, insn: { src: number; imm: number }, second: { imm: number }): boolean {
  const offset = kconfig.offsets.get(name);
  if (offset === undefined) return false;
  insn.src = PseudoSrc.MAP_VALUE;
  insn.imm = kconfig.fd.raw;
  second.imm = offset;
  return true;
}

