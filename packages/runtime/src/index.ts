/**
 * @tsbpf/runtime: loads BPF objects into the Linux kernel and talks to them from Node.js.
 * Linux only; needs the native shim built by `npm install`.
 *
 * @module @tsbpf/runtime
 */
import "./sys/native.js";

export { loadObject, type LoadOptions } from "./load/load-object.js";
export { BpfObject } from "./load/object.js";
export { BpfProgram, type TestRunOptions, type TestRunOutput, type ProgramInfo, type ProgramLoadOptions } from "./load/program.js";
export { programKind, type ProgramKind, type Hook } from "./load/sections.js";
export { ProgType, AttachType, progTypeName } from "./load/types.js";
export { BpfMap, type MapInfo } from "./maps/map.js";
export { HashMapHandle, type UpdateMode } from "./maps/hash-map.js";
export { ArrayMapHandle, PerCpuArrayHandle } from "./maps/array.js";
export { PerCpuHashHandle, LruHashHandle, LruPerCpuHashHandle } from "./maps/hash-kinds.js";
export { LpmTrieHandle, lpmKeyCodec, type LpmKey } from "./maps/lpm-trie.js";
export { QueueHandle, StackHandle } from "./maps/queue-stack.js";
export { BloomFilterHandle } from "./maps/bloom-filter.js";
export { StackTraceHandle } from "./maps/stack-trace.js";
export { symbolizeKernel, symbolizeUser, formatFrame, foldedName, demangle, rememberProcess, forgetProcess, refreshKernelSymbols, type Frame } from "./symbols/index.js";
export { CgroupArrayHandle } from "./maps/cgroup-array.js";
export { PerfCounterArrayHandle, PerfCounters, type PerfCounterEvent, type PerfCounterOpenOptions, type PerfCounterReading } from "./maps/perf-counters.js";
export { ProgArrayHandle, MapOfMapsHandle, DevMapHandle, CpuMapHandle, XskMapHandle, SockMapHandle, type FdLike } from "./maps/fd-maps.js";
export { StorageHandle } from "./maps/storage.js";
export { AggregationHandle, aggregationOf, type AggregationKind, type AggregationInfo, type AggregatedResult, type Histogram, type HistogramBucket, type Stats } from "./maps/aggregation.js";
export { makeMapHandle, MapKind, type MapShape } from "./maps/handles.js";
export { openPinnedMap } from "./maps/pinned.js";
export { pollRings, type PollableReader, type PollOptions, type PolledRecord } from "./events/ring-poller.js";
export { PerfBufReader, type PerfBufOptions, type PerfListenOptions, type PerfReadOptions, type PerfSample, type PerfSampleOptions } from "./events/perf-buffer.js";
export { RingBufReader, type RingBufReadOptions } from "./maps/ring-buffer.js";
export { UserRingBufWriter, type UserRingBufSample } from "./maps/user-ring-buffer.js";
export { GlobalDataHandle } from "./maps/global-data.js";
export { Link } from "./links/link.js";
export { attachTracepoint } from "./links/tracepoint.js";
export { attachRawTracepoint, attachTracing } from "./links/raw-tracepoint.js";
export { attachKprobe } from "./links/kprobe.js";
export { IterLink, attachIter, CgroupIterOrder, type CgroupIterOrderName, type IterOptions } from "./links/iter.js";
export { attachProgram, type AttachOptions } from "./links/attach.js";
export { attachUprobe, attachUprobeMulti, parseUprobeTarget, type UprobeOptions, type UprobeMultiOptions } from "./links/uprobe.js";
export { attachUsdt, readUsdtNotes, parseUsdtArg, encodeUsdtSpec, USDT_SPECS_MAP, USDT_SPEC_SIZE, UsdtArgType, type UsdtOptions, type UsdtNote } from "./links/usdt.js";
export { STT_GNU_IFUNC, UserElf, resolveBinary } from "./links/elf-symbols.js";
export { attachPerfEvent, SoftwareEvent, HardwareEvent, onlineCpus, type PerfEventAttachOptions } from "./links/perf-event.js";
export { attachXdp, type XdpOptions, type XdpMode } from "./links/xdp.js";
export { attachTcx, type TcxOptions, type TcDirection } from "./links/tcx.js";
export { attachTc, type TcOptions } from "./links/tc.js";
export { attachSocketFilter, type SocketFilterOptions } from "./links/socket-filter.js";
export { attachCgroup, type CgroupOptions } from "./links/cgroup.js";
export { attachFlowDissector, type FlowDissectorOptions } from "./links/flow-dissector.js";
export { cgroupV2Root } from "./sys/cgroup.js";
export { StructOpsMap, createStructOpsMap, planStructOps, structOpsLayout, type StructOpsPlan } from "./maps/struct-ops.js";
export { inNetns, interfaceIndex } from "./sys/netns.js";
export { tracePipe, parseTraceLine, type TraceLine, type TracePipeOptions } from "./trace-pipe.js";
export { encodeValue, decodeValue, codecFor, type Codec } from "./btf-values/index.js";
export {
  BpfError,
  VerifierError,
  NotSupportedError,
  PermissionError,
  ObjectError,
  MapError,
  type SourceLocation,
  type Capability,
} from "./errors.js";
export {
  probeBpf,
  probeBtf,
  probeRingBuf,
  probePerfLink,
  btfKernelSupport,
  kernelUnavailableReason,
  type FeatureResult,
} from "./features.js";
export type { BtfKernelSupport } from "./load/sanitize-btf.js";
export { closeAllFds, openFdCount } from "./sys/fd.js";
export { CoreRelocationError, CoreReloKind, POISON_HELPER, applyCoreRelocations, kernelCoreTargets, customCoreTargets, CoreTargets } from "./core/index.js";
export type { CoreRelocationReport, PoisonedRelocation } from "./core/index.js";
