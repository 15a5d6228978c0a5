/**
 * tsbpf as the compiler sees it when it type-checks a probe file (the "tsbpf-probe" export
 * condition, which only tsbpf's compiler sets): the DSL itself, and the user-space API loosely
 * typed. A probe compiles from the DSL alone; loading the runtime's declarations (and zod's, which
 * they reach) cost every `tsbpf build` a third of its time. User-space code in a probe file still
 * type-checks fully in the editor and under tsc, which resolve "tsbpf" to index.ts's declarations.
 * probe-entry.test.ts keeps the names here the same as index.ts's.
 */
export * from "./dsl/index.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Loose = any;
// Each type takes up to three type arguments, whatever the real one takes: a probe file's user-space
// code type-checks here only loosely.

export declare const embedProbeObject: Loose;
export declare const load: Loose;
export declare const compileProbeClass: Loose;
export declare const loadObject: Loose;
export declare const tracePipe: Loose;
export declare class CompileError extends Error { [key: string]: Loose; constructor(...args: Loose[]); }
export declare class VerifierError extends Error { [key: string]: Loose; constructor(...args: Loose[]); }
export declare class NotSupportedError extends Error { [key: string]: Loose; constructor(...args: Loose[]); }
export declare class PermissionError extends Error { [key: string]: Loose; constructor(...args: Loose[]); }
export declare class ObjectError extends Error { [key: string]: Loose; constructor(...args: Loose[]); }
export declare class MapError extends Error { [key: string]: Loose; constructor(...args: Loose[]); }

export type LoadOptions<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type ProbeClass<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type LoadedProbe<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type LoadedProbeMembers<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type GlobalValues<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type UserValue<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type ConfigOf<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type MapHandles<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type MapHandleOf<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type ProgramHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type ProgramHandles<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type ContextOf<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type TypedTestRunOptions<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type TypedTestRunOutput<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type BpfObject<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type HashMapHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type ArrayMapHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type PerCpuArrayHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type PerCpuHashHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type LruHashHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type LruPerCpuHashHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type LpmTrieHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type LpmKey<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type QueueHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type StackHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type BloomFilterHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type StackTraceHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type ProgArrayHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type MapOfMapsHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type DevMapHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type CpuMapHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type XskMapHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type SockMapHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type CgroupArrayHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type PerfCounterArrayHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type PerfCounters<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type PerfCounterReading<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type StorageHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type PerfBufReader<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type RingBufReader<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type UserRingBufWriter<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type UserRingBufSample<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type Link<_A = Loose, _B = Loose, _C = Loose> = Loose;
export declare const symbolizeKernel: Loose;
export declare const symbolizeUser: Loose;
export declare const demangle: Loose;
export declare const formatFrame: Loose;
export declare const foldedName: Loose;
export type Frame<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type AggregationHandle<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type AggregatedResult<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type Histogram<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type HistogramBucket<_A = Loose, _B = Loose, _C = Loose> = Loose;
export type Stats<_A = Loose, _B = Loose, _C = Loose> = Loose;
