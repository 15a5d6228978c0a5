/**
 * The target BTFs CO-RE relocates against: the running kernel's (/sys/kernel/btf/vmlinux, then
 * each module's split BTF in /sys/kernel/btf/<module>), opened lazily once per process, or a BTF
 * the caller supplies (libbpf's btf_custom_path), e.g. another kernel's, or a test's.
 */
import { LazyBtf, ObjectFormatError } from "@tsbpf/object";
import { readdirSync } from "node:fs";
import { NotSupportedError } from "../errors.js";
import { readFile } from "../sys/files.js";
import { CoreTargets, type TargetBtf } from "./candidates.js";

const SYSFS_BTF = "/sys/kernel/btf";

let kernel: CoreTargets | undefined;

function parse(bytes: Uint8Array, name: string, base?: LazyBtf): LazyBtf {
  try {
    return LazyBtf.parse(bytes, base);
  } catch (cause) {
    if (cause instanceof ObjectFormatError) throw new NotSupportedError("CO-RE relocation", `${name} is not valid BTF: ${cause.message}`, { cause });
    throw cause;
  }
}

function moduleBtfs(vmlinux: LazyBtf): TargetBtf[] {
  let names: string[];
  try {
    names = readdirSync(SYSFS_BTF).filter((n) => n !== "vmlinux").sort();
  } catch {
    return [];
  }
  const out: TargetBtf[] = [];
  for (const name of names) {
    const bytes = readFile(`${SYSFS_BTF}/${name}`);
    if (bytes) out.push({ name, btf: parse(bytes, `${SYSFS_BTF}/${name}`, vmlinux) });
  }
  return out;
}

/** The running kernel's BTF as CO-RE targets (Linux 5.4+ with CONFIG_DEBUG_INFO_BTF; modules 5.11). */
export function kernelCoreTargets(): CoreTargets {
  if (kernel) return kernel;
  const bytes = readFile(`${SYSFS_BTF}/vmlinux`);
  if (!bytes) {
    throw new NotSupportedError("CO-RE relocation", `${SYSFS_BTF}/vmlinux is missing, so the kernel's types are unknown`, {
      remedy: "use a kernel built with CONFIG_DEBUG_INFO_BTF=y, or pass coreBtf with a BTF of this kernel",
    });
  }
  const vmlinux = parse(bytes, `${SYSFS_BTF}/vmlinux`);
  kernel = new CoreTargets({ name: "vmlinux", btf: vmlinux }, () => moduleBtfs(vmlinux));
  return kernel;
}

/** CO-RE targets from a BTF blob of the caller's (no module BTF is consulted then, as in libbpf). */
export function customCoreTargets(btf: Uint8Array | LazyBtf, name = "custom BTF"): CoreTargets {
  const lazy = btf instanceof LazyBtf ? btf : parse(btf, name);
  return new CoreTargets({ name, btf: lazy }, () => []);
}
