/**
 * Array-like maps: BPF_MAP_TYPE_ARRAY (kernel 3.19) and PERCPU_ARRAY (4.6, values as arrays with
 * one element per possible CPU). Every index from 0 to maxEntries-1 exists and holds zeros until
 * set: `delete` is impossible (MapError), `clear()` zeroes instead.
 */
import { MapError } from "../errors.js";
import { mapUpdate } from "../sys/bpf.js";
import { checkIndex } from "./full.js";
import { HashMapHandle, type UpdateMode } from "./hash-map.js";

/**
 * A BPF_MAP_TYPE_ARRAY (kernel 3.19): every index below maxEntries exists and holds zeros until
 * set; `delete` is a MapError, `clear()` zeroes.
 */
export class ArrayMapHandle<V = unknown> extends HashMapHandle<number, V> {
  /** The number of elements (max_entries). */
  get length(): number {
    return this.maxEntries;
  }

  /** Stores `value` at `index`; an index past maxEntries is a MapError (the kernel's E2BIG). */
  override set(index: number, value: V, mode: UpdateMode | number = "any"): void {
    checkIndex(this, index);
    super.set(index, value, mode);
  }

  override delete(): boolean {
    throw new MapError("array elements cannot be deleted (every index always exists); set it to zero instead", { map: this.name });
  }

  override deleteMany(): number {
    throw new MapError("array elements cannot be deleted (every index always exists)", { map: this.name });
  }

  /** Sets every element to zeros. */
  override clear(): number {
    const zero = new Uint8Array(this.valueCodec.size);
    for (let i = 0; i < this.maxEntries; i++) mapUpdate(this.fd, this.encodeKey(i), zero);
    return this.maxEntries;
  }
}

/** BPF_MAP_TYPE_PERCPU_ARRAY: `get(i)` is an array of per-CPU values. Kernel 4.6. */
export class PerCpuArrayHandle<V = unknown> extends ArrayMapHandle<V[]> {}
