/**
 * `BpfMap`: what every map handle shares: its descriptor and the shape the kernel knows it by.
 */
import type { MapSpec } from "@tsbpf/object";
import { MapType } from "@tsbpf/object";
import { objGetInfo, objPin } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";
import { littleEndian } from "../sys/attr.js";

const mapTypeNames = Object.fromEntries(Object.entries(MapType).map(([k, v]) => [v, k])) as Record<number, string>;

/** "Hash", "RingBuf", ... for a map type number. */
export function mapTypeName(type: number): string {
  return mapTypeNames[type] ?? `map type ${type}`;
}

export interface MapInfo {
  /** The kernel's id of the map (bpftool map show id N). */
  id: number;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  name: string;
}

/** What every map handle shares: its descriptor and the shape the kernel knows it by. */
export class BpfMap {
  /** The map's name in the object (the variable name, or ".rodata"/".data"/".bss"). */
  readonly name: string;
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly fd: Fd;

  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">) {
    this.fd = fd;
    this.name = spec.name;
    this.type = spec.type;
    this.keySize = spec.keySize;
    this.valueSize = spec.valueSize;
    this.maxEntries = spec.maxEntries;
    this.flags = spec.flags;
  }

  /** The kernel's view of the map (BPF_OBJ_GET_INFO_BY_FD). Kernel 4.13. */
  info(): MapInfo {
    const buf = new Uint8Array(88);
    objGetInfo(this.fd, buf);
    const v = new DataView(buf.buffer);
    const nameBytes = buf.subarray(24, 40);
    const end = nameBytes.indexOf(0);
    return {
      type: v.getUint32(0, littleEndian),
      id: v.getUint32(4, littleEndian),
      keySize: v.getUint32(8, littleEndian),
      valueSize: v.getUint32(12, littleEndian),
      maxEntries: v.getUint32(16, littleEndian),
      flags: v.getUint32(20, littleEndian),
      name: new TextDecoder().decode(end < 0 ? nameBytes : nameBytes.subarray(0, end)),
    };
  }

  /** Pins the map on bpffs (e.g. /sys/fs/bpf/my_map) so that it outlives the process. Kernel 4.4. */
  pin(path: string): void {
    objPin(this.fd, path);
  }

  /** Releases the map's descriptor (the kernel frees the map once nothing else holds it). */
  close(): void {
    this.fd.close();
  }

  get closed(): boolean {
    return this.fd.closed;
  }

  toString(): string {
    return `${this.constructor.name}(${this.name}, ${mapTypeName(this.type)})`;
  }
}
