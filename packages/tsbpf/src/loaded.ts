/**
 * The user-space face of a probe class: what `load(Class)` returns, typed from the class itself so
 * that tsc checks everything from the kernel struct to the handler.
 */
import type {
  AggregationHandle, Histogram, Stats,
  ArrayMapHandle, BloomFilterHandle, BpfMap, CgroupArrayHandle, BpfObject, BpfProgram, CpuMapHandle, DevMapHandle, HashMapHandle, Link, LpmTrieHandle,
  LruHashHandle, LruPerCpuHashHandle, MapOfMapsHandle, PerCpuArrayHandle, PerCpuHashHandle, PerfBufReader, PerfCounterArrayHandle, ProgArrayHandle,
  QueueHandle, RingBufReader, UserRingBufWriter, SockMapHandle, StackHandle, StackTraceHandle, StorageHandle, TestRunOptions, TestRunOutput, XskMapHandle,
} from "@tsbpf/runtime";
import type {
  ArrayMap, ArrayOfMaps, BloomFilter, CgroupArray, CgroupStorage, CgrpStorage, PerCpuCgroupStorage, CpuMap, DevMap, DevMapHash, HashMap, HashOfMaps, InodeStorage, KernelMap, LpmTrie, LruHash,
  LruPerCpuHash, PerCpuArray, PerCpuHash, PerfCounterArray, PerfEventArray, ProgArray, Queue, RingBuf, UserRingBuf, ReuseportSockArray, SkStorage, SockHash, SockMap, Stack, StackTrace,
  TaskStorage, XskMap,
} from "./dsl/maps.js";
import type { Probe } from "./dsl/probe.js";
import type { AvgMap, CountMap, LinearHistogram, Log2Histogram, MaxMap, MinMap, StatsMap, SumMap } from "./dsl/aggregations.js";

/** An aggregation's key in user space: undefined when it has none. */
type AggregationKey<K> = [K] extends [void] ? undefined : UserValue<K>;

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

/**
 * The user-space handle of one map field: its type follows the map class. Per-CPU values are
 * arrays (one per possible CPU), LPM keys `{ prefixLen, data }`, queues and stacks push/pop,
 * event maps are async iterables of decoded records.
 */
export type MapHandleOf<F> =
  F extends CountMap<infer K> | SumMap<infer K, any> | MinMap<infer K, any> | MaxMap<infer K, any> | AvgMap<infer K, any> ? AggregationHandle<AggregationKey<K>, bigint>
  : F extends StatsMap<infer K, any> ? AggregationHandle<AggregationKey<K>, Stats>
  : F extends Log2Histogram<infer K, any> | LinearHistogram<infer K, any> ? AggregationHandle<AggregationKey<K>, Histogram>
  : F extends PerCpuHash<infer K, infer V> ? PerCpuHashHandle<UserValue<K>, UserValue<V>>
  : F extends LruPerCpuHash<infer K, infer V> ? LruPerCpuHashHandle<UserValue<K>, UserValue<V>>
  : F extends PerCpuArray<infer V> ? PerCpuArrayHandle<UserValue<V>>
  : F extends ArrayMap<infer V> ? ArrayMapHandle<UserValue<V>>
  : F extends HashMap<infer K, infer V> ? HashMapHandle<UserValue<K>, UserValue<V>>
  : F extends LruHash<infer K, infer V> ? LruHashHandle<UserValue<K>, UserValue<V>>
  : F extends LpmTrie<infer _K, infer V> ? LpmTrieHandle<UserValue<V>>
  : F extends Queue<infer V> ? QueueHandle<UserValue<V>>
  : F extends Stack<infer V> ? StackHandle<UserValue<V>>
  : F extends BloomFilter<infer V> ? BloomFilterHandle<UserValue<V>>
  : F extends UserRingBuf<infer E> ? UserRingBufWriter<UserValue<E>>
  : F extends RingBuf<infer E> ? RingBufReader<UserValue<E>>
  : F extends PerfEventArray<infer E> ? PerfBufReader<UserValue<E>>
  : F extends PerfCounterArray ? PerfCounterArrayHandle
  : F extends StackTrace ? StackTraceHandle
  : F extends ProgArray ? ProgArrayHandle
  : F extends ArrayOfMaps<infer _M> ? MapOfMapsHandle<number>
  : F extends HashOfMaps<infer K, infer _M> ? MapOfMapsHandle<UserValue<K>>
  : F extends DevMap | DevMapHash ? DevMapHandle
  : F extends CpuMap ? CpuMapHandle
  : F extends XskMap ? XskMapHandle
  : F extends CgroupArray ? CgroupArrayHandle
  : F extends CgroupStorage<infer V> ? HashMapHandle<bigint, UserValue<V>>
  : F extends PerCpuCgroupStorage<infer V> ? PerCpuHashHandle<bigint, UserValue<V>>
  : F extends SockMap | ReuseportSockArray ? SockMapHandle<number>
  : F extends SockHash<infer K> ? SockMapHandle<UserValue<K>>
  : F extends TaskStorage<infer V> | SkStorage<infer V> | InodeStorage<infer V> | CgrpStorage<infer V> ? StorageHandle<UserValue<V>>
  : F extends KernelMap<unknown> ? BpfMap
  : never;

type MapFieldNames<T> = {
  [K in keyof T]: T[K] extends KernelMap<unknown> ? K : never;
}[keyof T];

type ScalarFieldNames<T> = {
  [K in keyof T]: T[K] extends number | bigint | boolean | string ? K : never;
}[keyof T];

/** Values for a probe's `@config` fields, set before the programs are verified. */
export type ConfigOf<T> = { [K in ScalarFieldNames<T>]?: UserValue<T[K]> };

/** The map handles of a loaded probe, one per map field, named as the fields. */
export type MapHandles<T> = { readonly [K in MapFieldNames<T>]: MapHandleOf<T[K]> };

/**
 * The probe's global variables, one per data field (not a map, not a method), named as the
 * fields: `.bss`/`.data` fields read and write the kernel's variable in place, `@config` fields
 * (`.rodata`) read (declare them `readonly` and tsc rejects writes too, which throw at run time).
 * Modifiers come through: the mapped type is homomorphic.
 */
export type GlobalValues<T> = {
  [K in keyof T as T[K] extends KernelMap<unknown> | ((...args: never[]) => unknown) ? never : K]: UserValue<T[K]>;
};

/** The context type a program method takes (its first parameter), or never. */
export type ContextOf<M> = M extends (ctx: infer C, ...rest: never[]) => unknown ? C : never;

/** Options of `testRun` with the context typed as the program's context type (or raw bytes). */
export interface TypedTestRunOptions<C> extends Omit<TestRunOptions, "ctx"> {
  ctx?: UserValue<C> | Uint8Array;
}

/** What `testRun` gives back: `ctxOut` decoded as the context type when `ctx` was a value. */
export interface TypedTestRunOutput<Out> extends Omit<TestRunOutput, "ctxOut"> {
  ctxOut?: Out;
}

/**
 * One program of a loaded probe, with `testRun` typed by its method's context parameter.
 * `testRun` runs it in the kernel on chosen input (BPF_PROG_TEST_RUN: syscall programs 5.14,
 * raw_tp 5.10); a syscall program's context comes back in `ctxOut` as the program left it.
 */
export interface ProgramHandle<C> extends Omit<BpfProgram, "testRun"> {
  testRun(options: TypedTestRunOptions<C> & { ctx: Uint8Array }): TypedTestRunOutput<Uint8Array>;
  testRun(options?: TypedTestRunOptions<C> & { ctx?: UserValue<C> }): TypedTestRunOutput<UserValue<C>>;
}

type MethodNames<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never;
}[keyof T];

/**
 * The programs of a loaded probe by method name. Only decorated methods are programs: an
 * undecorated method (a subprogram) has no entry at run time although its name type-checks.
 */
export type ProgramHandles<T> = { readonly [K in MethodNames<T>]: ProgramHandle<ContextOf<T[K]>> };

/** The members every loaded probe has, whatever its fields. */
export interface LoadedProbeMembers<T extends Probe> {
  /** The underlying object (programs, maps by name, fds). */
  readonly object: BpfObject;
  /** The programs by method name, e.g. `probe.programs.run.testRun({ ctx: { a: 1 } })`. */
  readonly programs: ProgramHandles<T>;
  /** Attaches every program whose decorator names its hook completely; returns the links. */
  attach(): Link[];
  /** Detaches every link and releases every fd and mapping. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A loaded probe: its maps as typed handles, its global variables as properties, plus attach and
 * release. A field named like a member (`object`, `attach`...) is reached through `object` only.
 */
export type LoadedProbe<T extends Probe> = MapHandles<T> & Omit<GlobalValues<T>, keyof LoadedProbeMembers<T>> & LoadedProbeMembers<T>;
