/**
 * Kernel types in the DSL: `KernelTypes` maps kernel type names to their declarations, and a
 * generated `vmlinux.d.ts` (`tsbpf/vmlinux`, or `tsbpf gen vmlinux`) fills it by declaration
 * merging, so that DSL helpers can be typed with kernel structs without the DSL importing the
 * whole kernel: `bpf.getCurrentTask()` is a `Ptr<task_struct>` once vmlinux types are imported.
 *
 * A probe may declare its own kernel types, as libbpf programs do with
 * `__attribute__((preserve_access_index))`: an interface tagged `@kernel` (members at natural C
 * offsets unless `@offset` says otherwise). Every access through a pointer to one is a CO-RE
 * relocation; a name with a flavour suffix (`task_struct___old`) matches the kernel's
 * `task_struct`.
 */
import type { Ptr } from "./memory.js";
import type { bool, i64, u32, u64 } from "./integers.js";

/** Kernel type names to their declarations; filled by vmlinux declarations (or a probe's own). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KernelTypes {}

/** Kernel function names to their prototypes; filled by vmlinux declarations. Types @fentry/@fexit/@kprobe/@kretprobe. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KernelFunctions {}

/** BTF tracepoint names to their arguments (`btf_trace_<name>`); filled by vmlinux declarations. Types @tp_btf. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KernelTracepoints {}

/** The kernel type named `N`, when one is declared (see `KernelTypes`). */
export type KernelType<N extends string> = N extends keyof KernelTypes ? KernelTypes[N] : { readonly __missingKernelType: N };

/**
 * CO-RE questions about the running kernel, answered at load time (libbpf's bpf_core_read.h):
 * each compiles to a constant the loader relocates, so a branch on it is pruned by the verifier
 * and a guarded access to a missing field never runs.
 */
export interface CoreChecks {
  /** `bpf_core_field_exists`: whether the kernel's struct has this member (`bpf.core.fieldExists(task.loginuid)`); nothing is read. */
  fieldExists(field: unknown): bool;
  /** `bpf_core_field_size`: the member's size in bytes in the running kernel. */
  fieldSize(field: unknown): u32;
  /**
   * The address of a classic tracepoint record's variable-length field, from its `__data_loc`
   * member (`ctx: trace_event_raw_<name>` from tsbpf/vmlinux): the record's address plus the
   * low 16 bits of the member. Read it with `bpf.probeReadKernelStr(buf, bpf.core.dataLoc(ctx.__data_loc_filename))`.
   */
  dataLoc(field: u32): u64;
  /** `bpf_core_type_exists`: whether the kernel has the type (flavours match their base name). */
  typeExists<T>(): bool;
  /** `bpf_core_type_size`: the type's size in the running kernel. */
  typeSize<T>(): u32;
  /** `bpf_core_enum_value_exists`: whether the kernel's enum has this enumerator (`pid_type.PIDTYPE_TGID` from tsbpf/vmlinux). */
  enumValueExists(value: number | bigint): bool;
  /** `bpf_core_enum_value`: the enumerator's value in the running kernel. */
  enumValue(value: number | bigint): i64;
  /**
   * `bpf_core_cast`: views an address or a pointer as a pointer to the kernel struct `T`
   * (`bpf.core.cast<task_struct>(ctx.args[0])` in a raw tracepoint,
   * `bpf.core.cast<task_struct___old>(task)` for an older layout). Members read through it are
   * CO-RE relocated against `T` (flavours match their base name); a BTF-typed pointer cast to a
   * flavour of its own struct keeps its direct loads, anything else reads with
   * `bpf_probe_read_kernel` (read-only and fault-safe, as `bpf_rdonly_cast`'s pointer is).
   */
  cast<T>(pointer: u64 | object): Ptr<T>;
}

declare module "./helpers.js" {
  interface BpfHelpers {
    /** CO-RE checks (`bpf.core.fieldExists(task.pid)`, ...), resolved against the running kernel at load. */
    core: CoreChecks;
    /**
     * The current task, a pointer to its `task_struct` (read its members directly:
     * `task.real_parent.tgid`, each read CO-RE relocated). In tracing programs (tracepoint,
     * raw_tp, tp_btf, kprobe, uprobe, perf_event, fentry, iter, ...) it calls
     * `bpf_get_current_task_btf` (kernel 5.11) and the reads are direct loads the verifier checks;
     * elsewhere `bpf_get_current_task` and `bpf_probe_read_kernel` reads.
     * Needs kernel types: `import type { task_struct } from "tsbpf/vmlinux"`.
     * Minimum kernel: Linux 4.8.
     * @bpfHelper 35
     */
    getCurrentTask(): Ptr<KernelType<"task_struct">>;
  }
}
