/**
 * Maps that hold kernel objects rather than data: stack traces, programs (tail calls), other maps,
 * network devices, CPUs, AF_XDP sockets and sockets.
 */
import type { i64, u32, u64 } from "./integers.js";
import { KernelMap, type MapOptions } from "./maps-base.js";
import type { SocketRef } from "./context-sockets.js";

/** Flags of `StackTrace.getStackId` (BPF_F_*). */
export const StackFlags = {
  /** The user-space stack instead of the kernel's. */
  UserStack: 0x100n,
  /** Compare stacks by hash only (faster, may merge distinct stacks). */
  FastCompare: 0x200n,
  /** Reuse the slot of a colliding stack instead of failing with -EEXIST. */
  ReuseStackId: 0x400n,
} as const;

export interface StackTraceOptions extends MapOptions {
  /** Frames kept per stack (the value is `u64[depth]`); default 127, the kernel's maximum. */
  depth?: number;
}

/** The kernel-side method of a stack trace map. */
export interface StackTraceMethods {
  /**
   * `bpf_get_stackid`: walks the current kernel stack (or the user stack with
   * `StackFlags.UserStack`), stores it and returns its id, or a negative error. `ctx` is the
   * program's context argument.
   */
  getStackId(ctx: object, flags?: u64): i64;
}

/**
 * `BPF_MAP_TYPE_STACK_TRACE`: stacks of instruction pointers by id. A program records the current
 * stack with `getStackId`; user space reads the addresses under the id (and symbolises them).
 * Kernel 4.6.
 */
export interface StackTrace extends StackTraceMethods {}
export class StackTrace extends KernelMap<StackTraceOptions> {
  declare private readonly brand: "StackTrace";
}

/** The kernel-side method of a program array. */
export interface ProgArrayMethods {
  /**
   * `bpf_tail_call`: jumps to the program at `index`, with the same context, and never returns;
   * when the slot is empty (or the tail-call limit of 33 is reached) it returns a negative error
   * and the program goes on. `ctx` is the program's context argument.
   */
  tailCall(ctx: object, index: u32): i64;
}

/**
 * `BPF_MAP_TYPE_PROG_ARRAY`: program descriptors by index, the jump table of tail calls. User
 * space stores programs of the same type as the caller. Kernel 4.2.
 */
export interface ProgArray extends ProgArrayMethods {}
export class ProgArray extends KernelMap<MapOptions> {
  declare private readonly brand: "ProgArray";
}

export interface MapOfMapsOptions<M> extends MapOptions {
  /**
   * The definition every inner map must match (type, key and value types, max entries), e.g.
   * `inner: new HashMap<u32, u64>({ maxEntries: 64 })`. User space puts maps of that shape in.
   */
  inner: M;
}

/** The kernel-side methods of maps of maps. */
export interface MapOfMapsMethods<K, M> {
  /**
   * The inner map stored under `key`, to call a method on directly:
   * `this.outer.at(k).lookup(x)`. When the slot is empty the call acts on nothing: `lookup`
   * gives null, `update`/`delete`/`increment` do nothing and return -ENOENT (-2).
   */
  at(key: K): M;
}

/** `BPF_MAP_TYPE_ARRAY_OF_MAPS`: an array of maps of one shape. Kernel 4.12. */
export interface ArrayOfMaps<M> extends MapOfMapsMethods<u32, M> {}
export class ArrayOfMaps<M> extends KernelMap<MapOfMapsOptions<M>> {
  declare private readonly brand: "ArrayOfMaps";
}

/** `BPF_MAP_TYPE_HASH_OF_MAPS`: a hash table of maps of one shape. Kernel 4.12. */
export interface HashOfMaps<K, M> extends MapOfMapsMethods<K, M> {}
export class HashOfMaps<K, M> extends KernelMap<MapOfMapsOptions<M>> {
  declare private readonly brand: "HashOfMaps";
}

/** The kernel-side method of the XDP redirect maps. */
export interface RedirectMethods {
  /**
   * `bpf_redirect_map`: redirects the packet to the target stored at `key` and returns
   * `XDP_REDIRECT`; when there is none, returns the action in the low two bits of `flags`
   * (e.g. `XDP_PASS`). Return its result from the XDP program.
   */
  redirect(key: u32, flags?: u64): i64;
}

/** `BPF_MAP_TYPE_DEVMAP`: network devices (u32 ifindex values) XDP redirects to. Kernel 4.14. */
export interface DevMap extends RedirectMethods {}
export class DevMap extends KernelMap<MapOptions> {
  declare private readonly brand: "DevMap";
}

/**
 * `BPF_MAP_TYPE_DEVMAP_HASH`: network devices XDP redirects to, by any u32 key (an ifindex, a
 * port number...) rather than by a dense index: a hash table where a devmap is an array, as
 * libbpf's users key it by ifindex. User space stores interfaces (`set(key, { interface })`).
 * Kernel 5.4.
 */
export interface DevMapHash extends RedirectMethods {}
export class DevMapHash extends KernelMap<MapOptions> {
  declare private readonly brand: "DevMapHash";
}

/** `BPF_MAP_TYPE_CPUMAP`: CPUs (u32 queue size values) XDP redirects packets to. Kernel 4.15. */
export interface CpuMap extends RedirectMethods {}
export class CpuMap extends KernelMap<MapOptions> {
  declare private readonly brand: "CpuMap";
}

/** `BPF_MAP_TYPE_XSKMAP`: AF_XDP sockets by receive queue. Kernel 4.18. */
export interface XskMap extends RedirectMethods {}
export class XskMap extends KernelMap<MapOptions> {
  declare private readonly brand: "XskMap";
}

/** The kernel-side methods of socket maps; `K` is the key (u32 for a `SockMap`). */
export interface SockMapMethods<K> {
  /**
   * `bpf_sock_map_update`/`bpf_sock_hash_update`: stores the socket of a `@sockOps` program's
   * context under `key` (`flags`: `UpdateFlags`), typically at `BPF_SOCK_OPS_*_ESTABLISHED_CB`.
   * 0 or a negative error. Kernel 4.14 (sockhash 4.18).
   */
  update(ctx: object, key: K, flags?: u64): i64;
  /**
   * In an `@skSkb` program (`bpf_sk_redirect_map`/`_hash`) or an `@skMsg` program
   * (`bpf_msg_redirect_map`/`_hash`): sends the packet or message to the socket stored at `key`,
   * out of it, or with `BPF_F_INGRESS` into its receive queue. Returns `SK_PASS` (return it from the
   * program) or `SK_DROP` when the key holds no socket. `ctx` is the program's context.
   */
  redirect(ctx: object, key: K, flags?: u64): i64;
  /**
   * `bpf_map_lookup_elem`: the socket stored at `key` with a reference taken, or null; for
   * `bpf.skAssign` in an `@skLookup` program. Release it with `bpf.skRelease(sk)`. Kernel 5.9.
   */
  lookup(key: K): SocketRef | null;
}

/** `BPF_MAP_TYPE_SOCKMAP`: sockets by u32 index, for sk_skb/sk_msg redirection. Kernel 4.14. */
export interface SockMap extends SockMapMethods<u32> {}
export class SockMap extends KernelMap<MapOptions> {
  declare private readonly brand: "SockMap";
}

/** `BPF_MAP_TYPE_SOCKHASH`: sockets by key `K`. Kernel 4.18. */
export interface SockHash<K> extends SockMapMethods<K> {}
export class SockHash<K> extends KernelMap<MapOptions> {
  declare private readonly brand: "SockHash";
  declare private readonly key: K;
}

/** The kernel-side method of a reuseport socket array. */
export interface ReuseportMethods {
  /**
   * `bpf_sk_select_reuseport`: in an `@skReuseport` program, chooses the socket stored at `key`
   * to receive the packet (or connection), among the sockets of the group bound with
   * SO_REUSEPORT. 0, or a negative error: -ENOENT when the slot is empty, -EINVAL when the socket
   * there is not in this group (another port, or closed). Return `SK_PASS` after it for the choice
   * to stand; `SK_PASS` without a choice leaves it to the kernel's hash. `ctx` is the program's
   * context. Kernel 4.19.
   */
  select(ctx: object, key: u32, flags?: u64): i64;
}

/**
 * `BPF_MAP_TYPE_REUSEPORT_SOCKARRAY`: sockets of a SO_REUSEPORT group by u32 index, among which
 * an `@skReuseport` program chooses. User space stores sockets by descriptor
 * (`probe.<field>.set(i, fd)`, the socket bound, and listening for TCP); reading gives the
 * socket's cookie. Kernel 4.19.
 */
export interface ReuseportSockArray extends ReuseportMethods {}
export class ReuseportSockArray extends KernelMap<MapOptions> {
  declare private readonly brand: "ReuseportSockArray";
}
