/**
 * BPF_MAP_TYPE_QUEUE (FIFO) and BPF_MAP_TYPE_STACK (LIFO), kernel 4.20: no keys; `push` adds
 * a value (with `overwrite`, a full map drops its oldest element instead of failing), `pop`
 * takes the next one, `peek` reads it without taking it. Async iteration pops until empty.
 */
import type { MapSpec } from "@tsbpf/object";
import { encodeInto, type Codec } from "../btf-values/index.js";
import { mapLookupAndDelete, mapLookupNoKey, mapPush } from "../sys/bpf.js";
import { updating } from "./full.js";
import type { Fd } from "../sys/fd.js";
import { BpfMap } from "./map.js";

const BPF_EXIST = 2;

export class QueueHandle<V = unknown> extends BpfMap implements AsyncIterable<V> {
  readonly #value: Codec;

  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">, value: Codec) {
    super(fd, spec);
    this.#value = value;
  }

  /** Adds a value; with `overwrite` a full map drops its oldest (queue) or bottom (stack) element. Full without it: a MapError (E2BIG). */
  push(value: V, options: { overwrite?: boolean } = {}): void {
    const bytes = new Uint8Array(this.#value.size);
    encodeInto(this.#value, new DataView(bytes.buffer), 0, value, { map: this.name, what: "value" });
    updating(this, "pop values first, push with { overwrite: true } to drop the oldest, or raise maxEntries in the map's definition", () =>
      mapPush(this.fd, bytes, options.overwrite ? BPF_EXIST : 0));
  }

  /** Takes the next value, or undefined when empty. */
  pop(): V | undefined {
    const bytes = new Uint8Array(this.#value.size);
    return mapLookupAndDelete(this.fd, undefined, bytes) ? (this.#value.read(new DataView(bytes.buffer), 0) as V) : undefined;
  }

  /** The next value without taking it, or undefined when empty. */
  peek(): V | undefined {
    const bytes = new Uint8Array(this.#value.size);
    return mapLookupNoKey(this.fd, bytes) ? (this.#value.read(new DataView(bytes.buffer), 0) as V) : undefined;
  }

  /** Pops every value there is now. */
  async *[Symbol.asyncIterator](): AsyncIterator<V> {
    for (let v = this.pop(); v !== undefined; v = this.pop()) yield v;
  }
}

/** BPF_MAP_TYPE_STACK: the same API, last in first out. */
export class StackHandle<V = unknown> extends QueueHandle<V> {}
