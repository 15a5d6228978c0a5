/**
 * The user-space face of a probe class: what `load(Class)` returns, typed from the class itself so
 * that tsc checks everything from the kernel struct to the handler.
 */
import type { BpfObject, HashMapHandle, Link, RingBufReader } from "@tsbpf/runtime";
import type { HashMap, RingBuf } from "./dsl/maps.js";
import type { Probe } from "./dsl/probe.js";

/**
 * How a kernel-side type reads in user space: 64-bit kinds are bigints, smaller kinds numbers,
 * `bool` a boolean, `CharArray<N>` a string, `FixedArray<T, N>` an array, structs plain objects.
 */
export type UserValue<T> = T extends bigint
  ? bigint
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends string
        ? string
        : T extends readonly (infer E)[]
          ? UserValue<E>[]
          : T extends object
            ? { [K in keyof T]: UserValue<T[K]> }
            : T;

/** The user-space handle of one map field. */
export type MapHandleOf<F> =
  F extends HashMap<infer K, infer V>
    ? HashMapHandle<UserValue<K>, UserValue<V>>
    : F extends RingBuf<infer E>
      ? RingBufReader<UserValue<E>>
      : never;

type MapFieldNames<T> = {
  [K in keyof T]: T[K] extends HashMap<any, any> | RingBuf<any> ? K : never;
}[keyof T];

type ScalarFieldNames<T> = {
  [K in keyof T]: T[K] extends number | bigint | boolean | string ? K : never;
}[keyof T];

/** Values for a probe's `@config` fields, set before the programs are verified. */
export type ConfigOf<T> = { [K in ScalarFieldNames<T>]?: UserValue<T[K]> };

/** The map handles of a loaded probe, one per map field, named as the fields. */
export type MapHandles<T> = { readonly [K in MapFieldNames<T>]: MapHandleOf<T[K]> };

/** A loaded probe: its maps as typed handles, plus attach and release. */
export type LoadedProbe<T extends Probe> = MapHandles<T> & {
  /** The underlying object (programs, maps by name, fds). */
  readonly object: BpfObject;
  /** Attaches every program whose decorator names its hook completely; returns the links. */
  attach(): Link[];
  /** Detaches every link and releases every fd and mapping. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
};
