/**
 * Kernel addresses to symbols through /proc/kallsyms: text symbols of the kernel and its modules
 * (addresses read as zeros without CAP_SYSLOG, and then nothing is named). Read once a process:
 * modules loaded later are picked up by `refreshKernelSymbols`.
 */
import { readTextFile } from "../sys/files.js";
import type { Frame } from "./frame.js";
import { nearest, type Sym } from "./nearest.js";

let kernel: Sym[] | undefined;

function kernelSymbols(): Sym[] {
  if (kernel) return kernel;
  const out: Sym[] = [];
  for (const line of (readTextFile("/proc/kallsyms") ?? "").split("\n")) {
    const [addr, type, name, module] = line.split(/\s+/);
    if (!addr || !name || !type || !/[tTwW]/.test(type)) continue;
    const address = BigInt(`0x${addr}`);
    if (address === 0n) continue;
    out.push({ address, size: 0n, name, module: module?.replace(/^\[|\]$/g, "") || undefined });
  }
  out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  kernel = out;
  return out;
}

/** Forgets the symbols read, so that the next call reads /proc/kallsyms again. */
export function refreshKernelSymbols(): void {
  kernel = undefined;
}

/** Kernel frames, from /proc/kallsyms. */
export function symbolizeKernel(addresses: readonly bigint[]): Frame[] {
  const symbols = kernelSymbols();
  return addresses.map((address) => {
    const s = nearest(symbols, address);
    return s ? { address, symbol: s.name, offset: address - s.address, module: s.module ?? "kernel" } : { address };
  });
}
