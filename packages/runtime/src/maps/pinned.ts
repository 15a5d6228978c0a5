/**
 * Maps on bpffs: `openPinnedMap` opens a map another process (or an earlier run) pinned, with the
 * handle its type calls for. Without codecs, keys and values are raw bytes of the map's sizes.
 * Kernel 4.4 (BPF_OBJ_GET).
 */
import type { Codec } from "../btf-values/index.js";
import { littleEndian } from "../sys/attr.js";
import { objGet, objGetInfo } from "../sys/bpf.js";
import "../sys/native.js";
import { makeMapHandle } from "./handles.js";
import type { BpfMap } from "./map.js";

export function openPinnedMap<M extends BpfMap = BpfMap>(path: string, codecs: { key?: Codec; value?: Codec; record?: Codec } = {}): M {
  const fd = objGet(path, `map pinned at ${path}`);
  try {
    const info = new Uint8Array(88);
    objGetInfo(fd, info);
    const v = new DataView(info.buffer);
    const nameBytes = info.subarray(24, 40);
    const end = nameBytes.indexOf(0);
    const shape = {
      type: v.getUint32(0, littleEndian),
      keySize: v.getUint32(8, littleEndian),
      valueSize: v.getUint32(12, littleEndian),
      maxEntries: v.getUint32(16, littleEndian),
      flags: v.getUint32(20, littleEndian),
      name: new TextDecoder().decode(end < 0 ? nameBytes : nameBytes.subarray(0, end)) || path,
    };
    return makeMapHandle(fd, shape, codecs) as M;
  } catch (error) {
    fd.close();
    throw error;
  }
}
