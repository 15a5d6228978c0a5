/**
 * The map table: for every map class of the DSL, its `enum bpf_map_type`, how its type arguments
 * and options define the map, and how its definition is written into `.maps`. Adding a map kind is
 * adding a row here (and its class in packages/tsbpf/src/dsl/maps-*.ts); its kernel-side methods
 * are lowered in lower/map-methods/.
 */

/**
 * How a class's type arguments and options make a definition:
 * - keyValue: `<K, V>`, `maxEntries`;
 * - array: `<V>` with u32 keys;
 * - valueOnly: `<V>` and no key (queue, stack, bloom filter);
 * - ring: `<T>` records, `size`;
 * - perf: `<T>` records, one u32 slot per CPU;
 * - fds: no type arguments, u32 keys and u32 values (program, device, CPU, socket descriptors);
 * - counters: no type arguments, one u32 perf event slot per CPU (`maxEntries` optional);
 * - stackTrace: u32 keys, `u64[depth]` values;
 * - ofMaps: `<M>` (array) or `<K, M>` (hash) with an `inner` definition;
 * - sockHash: `<K>` keys, u32 socket values;
 * - storage: `<V>` per kernel object, u32 key, no max_entries, BPF_F_NO_PREALLOC;
 * - aggregation: `<K>` or nothing, a per-CPU hash or array whose layout the aggregation fixes
 *   (frontend/aggregation-field.ts).
 */
export type MapShape = "keyValue" | "array" | "valueOnly" | "ring" | "perf" | "counters" | "fds" | "stackTrace" | "ofMaps" | "sockHash" | "storage" | "aggregation";

export interface MapKindDef {
  /** The DSL class name. */
  dslClass: string;
  /** `enum bpf_map_type`. */
  mapType: number;
  shape: MapShape;
  /** Flags the kernel requires for this type, always added. */
  requiredFlags?: number;
  /** Per-CPU values (one per possible CPU in user space). */
  perCpu?: boolean;
}

/** BPF_F_NO_PREALLOC: LPM tries and local storage cannot be preallocated. */
const NO_PREALLOC = 1;

export const mapKinds: readonly MapKindDef[] = [
  { dslClass: "HashMap", mapType: 1, shape: "keyValue" },
  { dslClass: "ArrayMap", mapType: 2, shape: "array" },
  { dslClass: "ProgArray", mapType: 3, shape: "fds" },
  { dslClass: "PerfEventArray", mapType: 4, shape: "perf" },
  // bcc's BPF_PERF_ARRAY: counters user space opens into it (one u32 slot per CPU), read by programs.
  { dslClass: "PerfCounterArray", mapType: 4, shape: "counters" },
  { dslClass: "PerCpuHash", mapType: 5, shape: "keyValue", perCpu: true },
  { dslClass: "PerCpuArray", mapType: 6, shape: "array", perCpu: true },
  { dslClass: "StackTrace", mapType: 7, shape: "stackTrace" },
  { dslClass: "CgroupArray", mapType: 8, shape: "fds" },
  { dslClass: "LruHash", mapType: 9, shape: "keyValue" },
  { dslClass: "LruPerCpuHash", mapType: 10, shape: "keyValue", perCpu: true },
  { dslClass: "LpmTrie", mapType: 11, shape: "keyValue", requiredFlags: NO_PREALLOC },
  { dslClass: "ArrayOfMaps", mapType: 12, shape: "ofMaps" },
  { dslClass: "HashOfMaps", mapType: 13, shape: "ofMaps" },
  { dslClass: "DevMap", mapType: 14, shape: "fds" },
  { dslClass: "SockMap", mapType: 15, shape: "fds" },
  { dslClass: "CpuMap", mapType: 16, shape: "fds" },
  { dslClass: "XskMap", mapType: 17, shape: "fds" },
  { dslClass: "SockHash", mapType: 18, shape: "sockHash" },
  // Sockets of a SO_REUSEPORT group; 8-byte values, so that user space reads the socket's cookie.
  { dslClass: "ReuseportSockArray", mapType: 20, shape: "fds" },
  // Cgroup storage: one value per cgroup a program is attached to, keyed by the cgroup's id (u64).
  { dslClass: "CgroupStorage", mapType: 19, shape: "storage" },
  { dslClass: "PerCpuCgroupStorage", mapType: 21, shape: "storage", perCpu: true },
  { dslClass: "Queue", mapType: 22, shape: "valueOnly" },
  { dslClass: "DevMapHash", mapType: 25, shape: "fds" },
  { dslClass: "Stack", mapType: 23, shape: "valueOnly" },
  { dslClass: "SkStorage", mapType: 24, shape: "storage", requiredFlags: NO_PREALLOC },
  { dslClass: "RingBuf", mapType: 27, shape: "ring" },
  { dslClass: "InodeStorage", mapType: 28, shape: "storage", requiredFlags: NO_PREALLOC },
  { dslClass: "TaskStorage", mapType: 29, shape: "storage", requiredFlags: NO_PREALLOC },
  { dslClass: "BloomFilter", mapType: 30, shape: "valueOnly" },
  // User ring buffer: the same layout as the ring buffer, written by user space, drained by programs.
  { dslClass: "UserRingBuf", mapType: 31, shape: "ring" },
  { dslClass: "CgrpStorage", mapType: 32, shape: "storage", requiredFlags: NO_PREALLOC },
  // Aggregations (bpftrace's count(), sum(), ..., hist(), lhist()): keyed ones a per-CPU hash,
  // the others a per-CPU array (aggregation-field.ts picks).
  ...["CountMap", "SumMap", "MinMap", "MaxMap", "AvgMap", "StatsMap", "Log2Histogram", "LinearHistogram"]
    .map((dslClass): MapKindDef => ({ dslClass, mapType: 5, shape: "aggregation", perCpu: true })),
];

export function mapKindOf(dslClass: string | undefined): MapKindDef | undefined {
  return dslClass === undefined ? undefined : mapKinds.find((k) => k.dslClass === dslClass);
}

/** How many type arguments `new X<...>` takes. */
export function typeArgumentCount(kind: MapKindDef): number {
  switch (kind.shape) {
    case "keyValue": return 2;
    case "ofMaps": return kind.dslClass === "HashOfMaps" ? 2 : 1;
    case "fds":
    case "counters":
    case "stackTrace": return 0;
    case "aggregation":
    default: return 1;
  }
}

/** An example of the class's declaration, for messages. */
export function mapExample(kind: MapKindDef): string {
  switch (kind.shape) {
    case "keyValue": return `new ${kind.dslClass}<K, V>({ maxEntries: 1024 })`;
    case "array":
    case "valueOnly": return `new ${kind.dslClass}<V>({ maxEntries: 1024 })`;
    case "ring": return `new ${kind.dslClass}<T>({ size: 256 * 1024 })`;
    case "perf": return `new ${kind.dslClass}<T>()`;
    case "fds": return `new ${kind.dslClass}({ maxEntries: 64 })`;
    case "counters": return `new ${kind.dslClass}()`;
    case "stackTrace": return `new ${kind.dslClass}({ maxEntries: 1024, depth: 127 })`;
    case "ofMaps": return kind.dslClass === "HashOfMaps"
      ? "new HashOfMaps<u32, HashMap<u32, u64>>({ maxEntries: 8, inner: new HashMap<u32, u64>({ maxEntries: 64 }) })"
      : "new ArrayOfMaps<HashMap<u32, u64>>({ maxEntries: 8, inner: new HashMap<u32, u64>({ maxEntries: 64 }) })";
    case "sockHash": return `new ${kind.dslClass}<K>({ maxEntries: 64 })`;
    case "storage": return `new ${kind.dslClass}<V>()`;
    case "aggregation": return kind.dslClass === "LinearHistogram"
      ? "new LinearHistogram<K>({ min: 0, max: 100, step: 10 })"
      : `new ${kind.dslClass}<K>() (or new ${kind.dslClass}() without a key)`;
  }
}
