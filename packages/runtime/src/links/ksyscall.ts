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

let symbols: Set<string> | undefined;

/** The names of the kernel's text symbols (read once; empty when /proc/kallsyms is unreadable). */
function textSymbols(): Set<string> {
  if (!symbols) {
    symbols = new Set();
    for (const line of (readTextFile("/proc/kallsyms") ?? "").split("\n")) {
      const [, type, name] = line.split(/\s+/);
      if (name && (type === "T" || type === "t")) symbols.add(name);
    }
  }
  return symbols;
}

/**
 * The kernel function of system call `name` ("openat", or "sys_openat"): the architecture's
 * wrapper when the kernel has it, else `sys_<name>`; the wrapper's name when neither is listed
 * (kallsyms hidden), since every kernel tsbpf attaches kprobes on (5.15+) has the wrappers.
 */
export function syscallFunction(name: string): string {
  const base = name.replace(/^(__\w+?_)?sys_/, "");
  const wrapper = `${ARCH_PREFIX[process.arch] ?? ""}sys_${base}`;
  const known = textSymbols();
  if (known.has(wrapper)) return wrapper;
  if (known.has(`sys_${base}`)) return `sys_${base}`;
  return wrapper;
}
