/**
 * Fixed-size data and pointers of the BPF subset.
 */

import { KernelOnlyError } from "./kernel-only.js";
import type { u64 } from "./integers.js";

export declare const charArrayLength: unique symbol;
export declare const fixedArrayLength: unique symbol;
export declare const pointee: unique symbol;

/**
 * A `char[N]` (NUL-padded). In a probe it is a fixed array of bytes; in user space it reads as the
 * string up to the first NUL. A string literal initialises it (`comm: ""` zero-fills).
 */
export type CharArray<N extends number> = string & { readonly [charArrayLength]?: N };

/** A `T[N]` laid out inline, as C lays out arrays. */
export type FixedArray<T, N extends number> = T[] & { readonly [fixedArrayLength]?: N };

/**
 * A pointer into kernel memory (or into a map value, from `lookup`). Struct members are read and
 * written through it directly (`p.count += 1n`, C's `p->count`); a pointer to a scalar exposes it
 * as `value` (C's `*p`). Pointers that may be null are typed `Ptr<T> | null` and must be checked.
 */
/**
 * A helper's pointer argument (C's `void *`, `struct x *`): a struct or array the program holds
 * (a local, a member, a map value) passes by its address, a `Ptr` value as it is, `null` as 0; an
 * integer local, member or element by its address too (C's `&x`), and a map field as the map
 * (`bpf.perfEventRead(this.counters, flags)`).
 */
export type AnyPtr = object | null | number | bigint;

/**
 * Memory a variable-length output or a helper's (pointer, size) pair takes: an array or struct the
 * program holds (from its start) or an element of an array (from that element on, C's `&buf[off]`).
 */
export type ByteSource = object | string | number | bigint;

export type Ptr<T> = (T extends number | bigint | boolean ? { value: T } : T) & { readonly [pointee]?: T };

/**
 * A zero-filled struct or array value, C's `= {}`: `const e: Event = zero();`. Kernel only (in a
 * probe the compiler fills the memory with zeros; in user space build the value yourself).
 */
export function zero<T>(): T {
  throw new KernelOnlyError("zero()");
}

export declare const userPointee: unique symbol;

/**
 * A pointer into the calling process's memory (a system call's buffer argument, say). Members
 * read through it are copied with `bpf_probe_read_user` (kernel 5.5); it is never written. It
 * converts to its address (a `u64`) where one is expected, e.g. for `bpf.probeReadUserStr`.
 */
export type UserPtr<T> = (T extends number | bigint | boolean ? { value: T } : T) & { readonly [userPointee]?: T };

/** Views a user-space address as a `UserPtr<T>`: `userPtr<OpenHow>(ctx.args[2])`. Kernel only. */
export function userPtr<T>(address: u64): UserPtr<T> {
  void address;
  throw new KernelOnlyError("userPtr()");
}
