/**
 * tsbpf: eBPF for TypeScript. Probes import the DSL from here; user space imports `load`.
 *
 * @module tsbpf
 */
export * from "./dsl/index.js";
export { embedProbeObject } from "./embedded.js";
export { load, compileProbeClass, CompileError, type LoadOptions, type ProbeClass } from "./load.js";
export type { LoadedProbe, LoadedProbeMembers, GlobalValues, UserValue, ConfigOf, MapHandles, MapHandleOf, ProgramHandle, ProgramHandles, ContextOf, TypedTestRunOptions, TypedTestRunOutput } from "./loaded.js";
export {
  loadObject,
  tracePipe,
  symbolizeKernel,
  symbolizeUser,
  demangle,
  formatFrame,
  foldedName,
  type Frame,
  VerifierError,
  NotSupportedError,
  PermissionError,
  ObjectError,
  MapError,
  type BpfObject,
  type HashMapHandle,
  type ArrayMapHandle,
  type PerCpuArrayHandle,
  type PerCpuHashHandle,
  type LruHashHandle,
  type LruPerCpuHashHandle,
  type LpmTrieHandle,
  type LpmKey,
  type QueueHandle,
  type StackHandle,
  type BloomFilterHandle,
  type StackTraceHandle,
  type ProgArrayHandle,
  type MapOfMapsHandle,
  type DevMapHandle,
  type CpuMapHandle,
  type XskMapHandle,
  type SockMapHandle,
  type CgroupArrayHandle,
  type PerfCounterArrayHandle,
  type PerfCounters,
  type PerfCounterReading,
  type StorageHandle,
  type AggregationHandle,
  type AggregatedResult,
  type Histogram,
  type HistogramBucket,
  type Stats,
  type PerfBufReader,
  type RingBufReader,
  type UserRingBufWriter,
  type UserRingBufSample,
  type Link,
} from "@tsbpf/runtime";
