/**
 * Local storage: a value of type `V` attached to each kernel object of one kind (task, socket,
 * inode, cgroup), created on demand and freed with the object. The compiler defines them as the
 * kernel requires (u32 key, max_entries 0, BPF_F_NO_PREALLOC).
 */
import type { i64, u64 } from "./integers.js";
import type { Ptr } from "./memory.js";
import { KernelMap } from "./maps-base.js";

/** Flags of `get`: `Create` creates the object's value (zeroed) when it has none. */
export const StorageFlags = { Create: 1n } as const;

export interface StorageOptions {
  pinned?: boolean;
}

/**
 * The kernel-side methods of local storage. `owner` is a pointer to the kernel object that the
 * verifier knows the type of (e.g. `bpf.getCurrentTaskBtf()` for tasks).
 */
export interface StorageMethods<V> {
  /** `bpf_*_storage_get`: the owner's value, created when `flags` has `StorageFlags.Create`; or null. */
  get(owner: object, flags?: u64): Ptr<V> | null;
  /** `bpf_*_storage_delete`: removes the owner's value; 0 or -ENOENT. */
  delete(owner: object): i64;
}

/** `BPF_MAP_TYPE_TASK_STORAGE`: a value per task (`struct task_struct`). Kernel 5.11. */
export interface TaskStorage<V> extends StorageMethods<V> {}
export class TaskStorage<V> extends KernelMap<StorageOptions> {
  declare private readonly brand: "TaskStorage";
}

/** `BPF_MAP_TYPE_SK_STORAGE`: a value per socket (`struct sock`). Kernel 5.2. */
export interface SkStorage<V> extends StorageMethods<V> {}
export class SkStorage<V> extends KernelMap<StorageOptions> {
  declare private readonly brand: "SkStorage";
}

/** `BPF_MAP_TYPE_INODE_STORAGE`: a value per inode (LSM programs). Kernel 5.10. */
export interface InodeStorage<V> extends StorageMethods<V> {}
export class InodeStorage<V> extends KernelMap<StorageOptions> {
  declare private readonly brand: "InodeStorage";
}

/** `BPF_MAP_TYPE_CGRP_STORAGE`: a value per cgroup (`struct cgroup`). Kernel 6.2. */
export interface CgrpStorage<V> extends StorageMethods<V> {}
export class CgrpStorage<V> extends KernelMap<StorageOptions> {
  declare private readonly brand: "CgrpStorage";
}
