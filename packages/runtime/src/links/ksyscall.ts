/**
 * System call probes ("ksyscall/<name>", "kretsyscall/<name>", libbpf's SEC("ksyscall/…")): a
 * kprobe on the function that implements the system call on this machine, found as bcc's
 * get_syscall_fnname and libbpf's probe find it. Since Linux 4.17 x86-64 (and arm64, s390x) enter
 * system calls through per-architecture wrappers taking a `struct pt_regs *` (`__x64_sys_openat`);
 * older kernels and other architectures name them `sys_openat`. /proc/kallsyms says which exists.
 */
import { readTextFile } from "../sys/files.js";

/** What the architecture puts before `sys_<name>` in its wrappers' names. */
const ARCH_PREFIX: Partial<Record<NodeJS.Architecture, string>> = { x64: "__x64_", arm64: "__arm64_", s390x: "__s390x_" };

let kallsyms: string | undefined;

/**
 * Whether kallsyms lists `name` as a text symbol. The file is read once and searched as text:
 * splitting its ~110,000 lines took 8 s in an emulated guest (TCG), a search takes milliseconds.
 */
function isTextSymbol(name: string): boolean {
  kallsyms ??= `${readTextFile("/proc/kallsyms") ?? ""}\n`;
  return kallsyms.includes(` T ${name}\n`) || kallsyms.includes(` t ${name}\n`);
}

/**
 * The kernel function of system call `name` ("openat", or "sys_openat"): the architecture's
 * wrapper when the kernel has it, else `sys_<name>`; the wrapper's name when neither is listed
 * (kallsyms hidden), since every kernel tsbpf attaches kprobes on (5.15+) has the wrappers.
 */
export function syscallFunction(name: string): string {
  const base = name.replace(/^(__\w+?_)?sys_/, "");
  const wrapper = `${ARCH_PREFIX[process.arch] ?? ""}sys_${base}`;
  if (isTextSymbol(wrapper)) return wrapper;
  if (isTextSymbol(`sys_${base}`)) return `sys_${base}`;
  return wrapper;
}
