/**
 * The kernel's limits on a map's definition that hold on every kernel, so that a map the kernel
 * would refuse at load (a raw E2BIG or a BTF error) is a diagnostic on the TypeScript line instead:
 * - BTF: a BTF-defined map writes `max_entries` as `int (*)[N]`; the kernel refuses an array whose
 *   size passes U32_MAX ("Array size overflows U32_MAX", btf_array_resolve), so N <= 0x3fffffff.
 * - per-CPU maps: values, rounded up to 8 bytes, up to PCPU_MIN_UNIT_SIZE (32 KiB, a constant).
 * Limits that depend on the kernel's configuration (KMALLOC_MAX_SIZE for array and hash values:
 * 6.18 here creates an array of 4 MiB + 1 byte values) are left to the load's MapError.
 * maps/limits.kernel.test.ts in the runtime checks each bound against the kernel.
 */
import { MapType } from "@tsbpf/object";

/** The largest `max_entries` whose BTF encoding (an array of that many 4-byte ints) the kernel accepts. */
export const MAX_BTF_MAX_ENTRIES = Math.floor(0xffffffff / 4);
const PCPU_MIN_UNIT_SIZE = 32 * 1024;
const PER_CPU = new Set<number>([MapType.PerCpuHash, MapType.PerCpuArray, MapType.LruPerCpuHash]);

/** Why the kernel would refuse a map of `mapType` with these key and value sizes, or undefined. */
export function mapSizeProblem(mapType: number, _keySize: number, valueSize: number): { what: "key" | "value"; message: string } | undefined {
  if (PER_CPU.has(mapType) && Math.ceil(valueSize / 8) * 8 > PCPU_MIN_UNIT_SIZE) {
    return { what: "value", message: `a per-CPU map's value has at most ${PCPU_MIN_UNIT_SIZE} bytes, not ${valueSize}` };
  }
  return undefined;
}
