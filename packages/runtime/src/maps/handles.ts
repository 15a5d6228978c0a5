/**
 * Which user-space handle a map gets, by its type: one class per kind of map. Keys and values
 * are marshalled by the codecs given (from the object's BTF, or raw bytes without BTF).
 */
import type { MapSpec } from "@tsbpf/object";
import type { Codec } from "../btf-values/index.js";
import { rawCodec } from "../btf-values/index.js";
import { expected, integerFits, lazySchema } from "../btf-values/codec.js";
import { littleEndian } from "../sys/attr.js";
import * as z from "zod/mini";
import { possibleCpus } from "../sys/cpus.js";
import type { Fd } from "../sys/fd.js";
import { ArrayMapHandle, PerCpuArrayHandle } from "./array.js";
import { BloomFilterHandle } from "./bloom-filter.js";
import { CgroupArrayHandle } from "./cgroup-array.js";
import { CpuMapHandle, DevMapHandle, MapOfMapsHandle, ProgArrayHandle, SockMapHandle, XskMapHandle } from "./fd-maps.js";
import { checkCodecSize, HashMapHandle } from "./hash-map.js";
import { LruHashHandle, LruPerCpuHashHandle, PerCpuHashHandle } from "./hash-kinds.js";
import { lpmKeyCodec, LpmTrieHandle } from "./lpm-trie.js";
import { BpfMap } from "./map.js";
import { perCpuCodec } from "./per-cpu.js";
import type { RecordDecoder } from "../events/decoder.js";
import { PerfBufReader } from "../events/perf-buffer.js";
import { QueueHandle, StackHandle } from "./queue-stack.js";
import { RingBufReader } from "./ring-buffer.js";
import { UserRingBufWriter } from "./user-ring-buffer.js";
import { StackTraceHandle } from "./stack-trace.js";
import { StorageHandle } from "./storage.js";

const u32Codec: Codec = lazySchema({
  size: 4,
  describe: "u32 index",
  fits: (value: unknown) => integerFits(value, 32, 0n, 0xffffffffn),
  write: (view: DataView, offset: number, value: unknown) => view.setUint32(offset, value as number, littleEndian),
  read: (view: DataView, offset: number) => view.getUint32(offset, littleEndian),
}, () => z.number({ error: expected("a u32 index") }).check(z.int(), z.gte(0), z.lte(0xffffffff)));

/** `enum bpf_map_type`, every kind the runtime has a handle for. */
export const MapKind = {
  Hash: 1, Array: 2, ProgArray: 3, PerfEventArray: 4, PerCpuHash: 5, PerCpuArray: 6, StackTrace: 7, CgroupArray: 8,
  LruHash: 9, LruPerCpuHash: 10, LpmTrie: 11, ArrayOfMaps: 12, HashOfMaps: 13, DevMap: 14, SockMap: 15, CpuMap: 16,
  XskMap: 17, SockHash: 18, CgroupStorage: 19, ReuseportSockArray: 20, PerCpuCgroupStorage: 21, Queue: 22, Stack: 23, SkStorage: 24,
  DevMapHash: 25, StructOps: 26, RingBuf: 27, InodeStorage: 28, TaskStorage: 29, BloomFilter: 30, UserRingBuf: 31, CgrpStorage: 32,
} as const;

export type MapShape = Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">;

/**
 * The handle for a map of `shape`. `key`/`value` are the element types' codecs when known
 * (BTF), else raw bytes of the map's sizes; `record` decodes ring buffer and perf buffer records
 * (`decoder`: the same decoding, generated for speed by events/decoder.ts).
 */
export function makeMapHandle(fd: Fd, shape: MapShape, codecs: { key?: Codec; value?: Codec; record?: Codec; decoder?: RecordDecoder } = {}): BpfMap {
  const key = () => codecs.key ?? rawCodec(shape.keySize);
  // fd-valued maps without BTF: a 4-byte key is an index (u32).
  const indexKey = () => codecs.key ?? (shape.keySize === 4 ? u32Codec : rawCodec(shape.keySize));
  const value = () => codecs.value ?? rawCodec(shape.valueSize);
  const checked = () => {
    const k = key();
    const v = value();
    checkCodecSize(shape.name, "key", k, shape.keySize);
    checkCodecSize(shape.name, "value", v, shape.valueSize);
    return [k, v] as const;
  };
  switch (shape.type) {
    case MapKind.Hash:
      return new HashMapHandle(fd, shape, ...checked());
    case MapKind.LruHash:
      return new LruHashHandle(fd, shape, ...checked());
    case MapKind.Array:
      return new ArrayMapHandle(fd, shape, ...checked());
    case MapKind.PerCpuHash:
    case MapKind.LruPerCpuHash:
    case MapKind.PerCpuArray: {
      const [k, v] = checked();
      const perCpu = perCpuCodec(v, possibleCpus());
      if (shape.type === MapKind.PerCpuArray) return new PerCpuArrayHandle(fd, shape, k, perCpu);
      if (shape.type === MapKind.PerCpuHash) return new PerCpuHashHandle(fd, shape, k, perCpu);
      return new LruPerCpuHashHandle(fd, shape, k, perCpu);
    }
    case MapKind.LpmTrie: {
      const v = value();
      checkCodecSize(shape.name, "value", v, shape.valueSize);
      return new LpmTrieHandle(fd, shape, lpmKeyCodec(shape.keySize), v);
    }
    case MapKind.Queue:
      return new QueueHandle(fd, shape, value());
    case MapKind.Stack:
      return new StackHandle(fd, shape, value());
    case MapKind.BloomFilter:
      return new BloomFilterHandle(fd, shape, value());
    case MapKind.StackTrace:
      return new StackTraceHandle(fd, shape);
    case MapKind.ProgArray:
      return new ProgArrayHandle(fd, shape, indexKey());
    case MapKind.ArrayOfMaps:
    case MapKind.HashOfMaps:
      return new MapOfMapsHandle(fd, shape, indexKey());
    case MapKind.DevMap:
    case MapKind.DevMapHash:
      return new DevMapHandle(fd, shape, indexKey());
    case MapKind.CpuMap:
      return new CpuMapHandle(fd, shape, indexKey());
    case MapKind.XskMap:
      return new XskMapHandle(fd, shape, indexKey());
    case MapKind.CgroupStorage:
      return new HashMapHandle(fd, shape, ...checked());
    case MapKind.PerCpuCgroupStorage: {
      const [k, v] = checked();
      return new PerCpuHashHandle(fd, shape, k, perCpuCodec(v, possibleCpus()));
    }
    case MapKind.CgroupArray:
      return new CgroupArrayHandle(fd, shape, indexKey());
    case MapKind.SockMap:
    case MapKind.SockHash:
    case MapKind.ReuseportSockArray:
      return new SockMapHandle(fd, shape, indexKey());
    case MapKind.TaskStorage:
    case MapKind.SkStorage:
    case MapKind.InodeStorage:
    case MapKind.CgrpStorage:
      return new StorageHandle(fd, shape, value());
    case MapKind.RingBuf:
      return new RingBufReader(fd, shape, codecs.record, codecs.decoder);
    case MapKind.UserRingBuf:
      return new UserRingBufWriter(fd, shape, codecs.record);
    case MapKind.PerfEventArray:
      return new PerfBufReader(fd, shape, codecs.record, codecs.decoder);
    default:
      return new BpfMap(fd, shape);
  }
}
