/**
 * BPF_MAP_TYPE_BLOOM_FILTER (kernel 5.16): `add(value)`, and `has(value)`, which may answer
 * true for a value never added (a false positive, rarer with more hash functions: the map's
 * map_extra) but never false for one that was.
 */
import type { MapSpec } from "@tsbpf/object";
import { encodeInto, type Codec } from "../btf-values/index.js";
import { mapLookupNoKey, mapPush } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";
import { BpfMap } from "./map.js";

export class BloomFilterHandle<V = unknown> extends BpfMap {
  readonly #value: Codec;

  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">, value: Codec) {
    super(fd, spec);
    this.#value = value;
  }

  #encode(value: V): Uint8Array {
    const bytes = new Uint8Array(this.#value.size);
    encodeInto(this.#value, new DataView(bytes.buffer), 0, value, { map: this.name, what: "value" });
    return bytes;
  }

  add(value: V): void {
    mapPush(this.fd, this.#encode(value));
  }

  /** Possibly in the set (true), or certainly not (false). */
  has(value: V): boolean {
    return mapLookupNoKey(this.fd, this.#encode(value));
  }
}
