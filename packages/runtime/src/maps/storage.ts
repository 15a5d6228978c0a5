/**
 * Local storage maps, keyed by the object they hang off, given by descriptor: task storage
 * (a pidfd, kernel 5.11), socket storage (a socket fd, 5.2), inode storage (an open file, 5.10),
 * cgroup storage (a cgroup directory fd, 6.2). The entry lives as long as its owner.
 */
import type { MapSpec } from "@tsbpf/object";
import { encodeInto, type Codec } from "../btf-values/index.js";
import { littleEndian } from "../sys/attr.js";
import { mapDelete, mapLookup, mapUpdate } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";
import { BpfMap } from "./map.js";
import { rawFd, type FdLike } from "./fd-maps.js";

export class StorageHandle<V = unknown> extends BpfMap {
  readonly #value: Codec;

  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">, value: Codec) {
    super(fd, spec);
    this.#value = value;
  }

  #key(owner: FdLike): Uint8Array {
    const key = new Uint8Array(4);
    new DataView(key.buffer).setInt32(0, rawFd(owner), littleEndian);
    return key;
  }

  /** The value stored for the owner behind `owner` (a pidfd, socket, file or cgroup fd), or undefined. */
  get(owner: FdLike): V | undefined {
    const out = new Uint8Array(this.#value.size);
    if (!mapLookup(this.fd, this.#key(owner), out)) return undefined;
    return this.#value.read(new DataView(out.buffer), 0) as V;
  }

  set(owner: FdLike, value: V): void {
    const bytes = new Uint8Array(this.#value.size);
    encodeInto(this.#value, new DataView(bytes.buffer), 0, value, { map: this.name, what: "value" });
    mapUpdate(this.fd, this.#key(owner), bytes);
  }

  delete(owner: FdLike): boolean {
    return mapDelete(this.fd, this.#key(owner));
  }
}
