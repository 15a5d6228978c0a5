/**
 * `BPF_MAP_TYPE_CGROUP_ARRAY`: cgroup v2 directories by u32 index, which a program tests the current
 * task or a packet's socket against (bcc's `BPF_CGROUP_ARRAY` with `check_current_task`; runqlat's
 * and biolatency's cgroup filter).
 */
import type { i64, u32 } from "./integers.js";
import type { Ptr } from "./memory.js";
import { KernelMap, type MapOptions } from "./maps-base.js";

/** The kernel-side methods of a cgroup array. */
export interface CgroupArrayMethods {
  /**
   * `bpf_current_task_under_cgroup`: 1 when the task running the program is in the cgroup stored
   * at `index` or one of its descendants, 0 when not, a negative error (-EINVAL for an index out of
   * range, -EAGAIN in interrupt context) otherwise. Tracing programs. Kernel 4.9.
   */
  currentTaskUnderCgroup(index: u32): i64;
  /**
   * `bpf_skb_under_cgroup`: 1 when the socket of the packet (`ctx`, the program's `SkBuff`) belongs
   * to the cgroup stored at `index` or one of its descendants, 0 when not (or when the packet has
   * no socket), a negative error otherwise. tc and lwt programs. Kernel 4.8.
   */
  skbUnderCgroup(ctx: object, index: u32): i64;
}

/**
 * `BPF_MAP_TYPE_CGROUP_ARRAY`: u32 index → cgroup v2 directory. User space stores cgroups
 * (`probe.<field>.set(0, "/sys/fs/cgroup/unified/app")`); programs test membership. Kernel 4.8.
 */
export interface CgroupArray extends CgroupArrayMethods {}
export class CgroupArray extends KernelMap<MapOptions> {
  declare private readonly brand: "CgroupArray";
}

/** The kernel-side method of cgroup storage. */
export interface CgroupStorageMethods<V> {
  /**
   * `bpf_get_local_storage`: this cgroup's value (of the cgroup the program is attached to, for
   * the program's attach type), never null: read and write it in place. Kernel 4.19.
   */
  get(): Ptr<V>;
}

/** Options of cgroup storage: no `maxEntries` (one value per cgroup the program is attached to). */
export interface CgroupStorageOptions {
  pinned?: boolean;
}

/**
 * `BPF_MAP_TYPE_CGROUP_STORAGE`: a value per cgroup a cgroup program (cgroup_skb, sock_ops,
 * cgroup/sock, ...) is attached to, created at attach. User space reads it keyed by the cgroup's
 * id (the inode number of its directory, a bigint). Kernel 4.19 (u64 keys 5.9).
 */
export interface CgroupStorage<V> extends CgroupStorageMethods<V> {}
export class CgroupStorage<V> extends KernelMap<CgroupStorageOptions> {
  declare private readonly brand: "CgroupStorage";
}

/** `BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE`: as `CgroupStorage`, a value per CPU (`get()` is this CPU's). Kernel 5.0. */
export interface PerCpuCgroupStorage<V> extends CgroupStorageMethods<V> {}
export class PerCpuCgroupStorage<V> extends KernelMap<CgroupStorageOptions> {
  declare private readonly brand: "PerCpuCgroupStorage";
}
