/**
 * Feature probes: ask the running kernel itself (never its version number) whether it can do
 * something, once per process. Used to turn obscure failures into NotSupportedError or
 * PermissionError that say what is missing and what to do.
 */
import { NotSupportedError, PermissionError } from "./errors.js";
import { linkCreateRaw, mapCreateRaw, btfLoadRaw, progLoadRaw } from "./sys/bpf.js";
import { missingCapability } from "./sys/capabilities.js";
import { Fd } from "./sys/fd.js";
import { Errno, errnoName } from "./sys/errno.js";
import { nativeUnavailableReason } from "./sys/native.js";
import { pageSize } from "./sys/memory.js";
import { ProgType, AttachType } from "./load/types.js";
import { asm, encodeBtf, encodeInstructions, MapType, type BtfType } from "@tsbpf/object";
import type { BtfKernelSupport } from "./load/sanitize-btf.js";

export interface FeatureResult {
  supported: boolean;
  /** errno of the probe's failing call, when it failed. */
  errno?: number;
  /** Why not, in words. */
  reason?: string;
}

const cache = new Map<string, FeatureResult>();

function probe(name: string, run: () => FeatureResult): FeatureResult {
  const known = cache.get(name);
  if (known) return known;
  const result = run();
  cache.set(name, result);
  return result;
}

/** Forgets every probe result (tests that swap the door). */
export function resetFeatureCache(): void {
  cache.clear();
}

function closeIfFd(r: number): void {
  if (r >= 0) new Fd(r, "feature probe").close();
}

/** bpf() exists and this process may call it (map creation of a tiny array). Kernel 3.18. */
export function probeBpf(): FeatureResult {
  return probe("bpf", () => {
    const r = mapCreateRaw({ type: MapType.Array, keySize: 4, valueSize: 4, maxEntries: 1 });
    closeIfFd(r);
    if (r >= 0) return { supported: true };
    if (r === -Errno.ENOSYS) return { supported: false, errno: -r, reason: "the kernel has no bpf() system call (CONFIG_BPF_SYSCALL off)" };
    if (r === -Errno.EPERM) {
      return { supported: false, errno: -r, reason: "bpf() is not permitted: run as root or with CAP_BPF (and check kernel.unprivileged_bpf_disabled)" };
    }
    return { supported: false, errno: -r, reason: `bpf(BPF_MAP_CREATE) failed with ${errnoName(-r)}` };
  });
}

/** Ring buffer maps (BPF_MAP_TYPE_RINGBUF). Kernel 5.8. */
export function probeRingBuf(): FeatureResult {
  return probe("ringbuf", () => {
    const r = mapCreateRaw({ type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: pageSize() });
    closeIfFd(r);
    if (r >= 0) return { supported: true };
    return { supported: false, errno: -r, reason: `the kernel cannot create ring buffer maps (${errnoName(-r)}; needs Linux 5.8)` };
  });
}

/** Whether the kernel loads a BTF holding an int (id 1) and `extra` (types referring to it). */
function btfLoads(extra: BtfType[]): FeatureResult {
  const int: BtfType = { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 };
  const { result } = btfLoadRaw(encodeBtf({ types: [int, ...extra] }));
  closeIfFd(result);
  return result >= 0 ? { supported: true } : { supported: false, errno: -result, reason: `BPF_BTF_LOAD failed with ${errnoName(-result)}` };
}

/** BTF_KIND_DECL_TAG (kernel 5.16). */
export function probeBtfDeclTag(): FeatureResult {
  // A tag must sit on a func, struct, union, var or typedef: tag a variable, as libbpf's probe does.
  return probe("btf-decl-tag", () => btfLoads([{ kind: "var", name: "v", type: 1, linkage: 0 }, { kind: "decl_tag", name: "tag", type: 2, componentIdx: -1 }]));
}

/** BTF_KIND_TYPE_TAG (kernel 5.17). */
export function probeBtfTypeTag(): FeatureResult {
  return probe("btf-type-tag", () => btfLoads([{ kind: "type_tag", name: "tag", type: 1 }, { kind: "ptr", type: 2 }]));
}

/** BTF_KIND_FLOAT (kernel 5.13). */
export function probeBtfFloat(): FeatureResult {
  return probe("btf-float", () => btfLoads([{ kind: "float", name: "float", size: 4 }]));
}

/** BTF_KIND_ENUM64 (kernel 6.0). */
export function probeBtfEnum64(): FeatureResult {
  return probe("btf-enum64", () => btfLoads([{ kind: "enum64", name: "e", size: 8, signed: false, values: [{ name: "A", value: 1n }] }]));
}

/** What the kernel's BTF loader knows beyond the basics, for sanitizing an object's BTF. */
export function btfKernelSupport(): BtfKernelSupport {
  return {
    declTag: probeBtfDeclTag().supported,
    typeTag: probeBtfTypeTag().supported,
    float: probeBtfFloat().supported,
    enum64: probeBtfEnum64().supported,
  };
}

/** BTF can be loaded (BPF_BTF_LOAD of one int). Kernel 4.18 (5.x for DATASEC etc.). */
export function probeBtf(): FeatureResult {
  return probe("btf", () => {
    // A header, one INT "int" (4 bytes, signed, 32 bits) and the string table "\0int\0".
    const blob = new Uint8Array(24 + 16 + 5);
    const v = new DataView(blob.buffer);
    const le = true;
    v.setUint16(0, 0xeb9f, le);
    v.setUint8(2, 1);
    v.setUint32(4, 24, le);
    v.setUint32(8, 0, le);
    v.setUint32(12, 16, le);
    v.setUint32(16, 16, le);
    v.setUint32(20, 5, le);
    v.setUint32(24, 1, le); // name_off
    v.setUint32(28, 1 << 24, le); // kind INT
    v.setUint32(32, 4, le); // size
    v.setUint32(36, (1 << 24) | 32, le); // signed, 32 bits
    blob.set(new TextEncoder().encode("\0int\0"), 40);
    const { result } = btfLoadRaw(blob);
    closeIfFd(result);
    if (result >= 0) return { supported: true };
    return { supported: false, errno: -result, reason: `the kernel does not load BTF (${errnoName(-result)}; needs Linux 4.18+ with CONFIG_DEBUG_INFO_BTF)` };
  });
}

const trivialProgram = () => encodeInstructions([asm.mov64Imm(0, 0), asm.exit()]);

/** BPF links for perf events (BPF_LINK_CREATE with BPF_PERF_EVENT). Kernel 5.15. */
export function probePerfLink(): FeatureResult {
  return probe("perf-link", () => {
    const prog = progLoadRaw({ type: ProgType.TRACEPOINT, insns: trivialProgram(), license: "GPL", name: "probe_perf_link" });
    if (prog.result < 0) return { supported: false, errno: -prog.result, reason: `cannot load a tracepoint program (${errnoName(-prog.result)})` };
    // With a bad target fd, a kernel that knows BPF_PERF_EVENT links answers EBADF; older ones EINVAL.
    const r = linkCreateRaw({ progFd: prog.result, targetFd: -1, attachType: AttachType.PERF_EVENT });
    closeIfFd(r);
    closeIfFd(prog.result);
    if (r === -Errno.EBADF) return { supported: true };
    return { supported: false, errno: -r, reason: `the kernel has no BPF links for perf events (${errnoName(-r)}; needs Linux 5.15)` };
  });
}

/** Why kernel features cannot be used at all here (no shim, no bpf(), no permission), or undefined. */
export function kernelUnavailableReason(): string | undefined {
  const native = nativeUnavailableReason();
  if (native) return native;
  const bpf = probeBpf();
  return bpf.supported ? undefined : bpf.reason;
}

/** Throws the right error when `result` says a feature is missing. */
export function requireFeature(feature: string, result: FeatureResult): void {
  if (result.supported) return;
  if (result.errno === Errno.EPERM) {
    const missing = missingCapability("CAP_BPF");
    if (missing) throw new PermissionError(feature, missing, { errno: result.errno });
  }
  throw new NotSupportedError(feature, result.reason ?? "unknown reason", { errno: result.errno });
}
