/**
 * The kernel's limits on a map's definition that hold on every kernel, so that a map the kernel
 * would refuse at load (a raw E2BIG or a BTF error) is a diagnostic on the TypeScript line instead:
 * - BTF: a BTF-defined map writes `max_entries` as `int (*)[N]`; the kernel refuses an array whose
 *   size passes U32_MAX ("Array size overflows U32_MAX", btf_array_resolve), so N <= 0x3fffffff.
 * - per-CPU maps: values, rounded up to 8 bytes, up to PCPU_MIN_UNIT_SIZE (32 KiB, a constant).
 * - LPM tries: keys of 5 to 260 bytes (the u32 prefix length and 1 to 256 bytes of data:
 *   LPM_KEY_SIZE_MIN/MAX in lpm_trie.c, EINVAL past them).
 * - sockhash: keys up to MAX_BPF_STACK (512 bytes, E2BIG past it; sock_hash_alloc). Hash maps'
 *   keys had the same limit until 5.11 lifted it (hashtab.c, the hash_large_key selftest): a
 *   larger hash key is not reported.
 * Limits that depend on the kernel's configuration (KMALLOC_MAX_SIZE for array and hash values:
 * 6.18 here creates an array of 4 MiB + 1 byte values) are left to the load's MapError.
 * maps/limits.kernel.test.ts in the runtime checks each bound against the kernel.
 */
import { MapType } from "@tsbpf/object";

/** The largest `max_entries` whose BTF encoding (an array of that many 4-byte ints) the kernel accepts. */
export const MAX_BTF_MAX_ENTRIES = Math.floor(0xffffffff / 4);
const PCPU_MIN_UNIT_SIZE = 32 * 1024;
const PER_CPU = new Set<number>([MapType.PerCpuHash, MapType.PerCpuArray, MapType.LruPerCpuHash]);
const LPM_KEY_MIN = 4 + 1;
const LPM_KEY_MAX = 4 + 256;
const MAX_BPF_STACK = 512;
/** BPF_MAP_TYPE_SOCKHASH (not in the object package's MapType, which lists the kinds its spec uses). */
export const SOCK_HASH = 18;

/** Why the kernel would refuse a map of `mapType` with these key and value sizes, or undefined. */
export function mapSizeProblem(mapType: number, keySize: number, valueSize: number): { what: "key" | "value"; message: string; errno: "E2BIG" | "EINVAL" } | undefined {
  if (mapType === MapType.LpmTrie && (keySize < LPM_KEY_MIN || keySize > LPM_KEY_MAX)) {
    return { what: "key", message: `an LPM trie's key is a u32 prefix length and 1 to 256 bytes of data (${LPM_KEY_MIN} to ${LPM_KEY_MAX} bytes), not ${keySize}`, errno: "EINVAL" };
  }
  if (mapType === SOCK_HASH && keySize > MAX_BPF_STACK) {
    return { what: "key", message: `a sockhash's key has at most ${MAX_BPF_STACK} bytes, not ${keySize}`, errno: "E2BIG" };
  }
  if (PER_CPU.has(mapType) && Math.ceil(valueSize / 8) * 8 > PCPU_MIN_UNIT_SIZE) {
    return { what: "value", message: `a per-CPU map's value has at most ${PCPU_MIN_UNIT_SIZE} bytes, not ${valueSize}`, errno: "E2BIG" };
  }
  return undefined;
}
