/**
 * A map's BTF definition in `.maps`, as libbpf's `__uint`/`__type`/`__array` macros write it, and
 * its `MapSpec`. Maps whose values the kernel takes no BTF for (descriptors, stack traces, perf
 * event arrays) are written with `key_size`/`value_size`; a map of maps carries its inner
 * definition in `values`; ring buffer and perf event array records are tagged so that user space
 * decodes them from the object alone.
 */
import { MapType, type MapSpec } from "@tsbpf/object";
import { sizeOf } from "../checker/layout.js";
import type { BtfBuilder } from "../btf/builder.js";
import type { MapModel } from "../frontend/probe-model.js";

/** LIBBPF_PIN_BY_NAME. */
const PIN_BY_NAME = 1;

export interface MapDefinition {
  /** The BTF id of the definition's anonymous struct. */
  struct: number;
  /** Its size in `.maps`. */
  size: number;
  spec: MapSpec;
}

export function mapDefinition(btf: BtfBuilder, map: MapModel): MapDefinition {
  const valueId = btf.type(map.value);
  const keyId = map.key ? btf.type(map.key) : 0;
  const members: { name: string; type: number }[] = [
    { name: "type", type: btf.uintMember(map.mapType) },
  ];
  if (map.maxEntries || map.mapType !== MapType.PerfEventArray) members.push({ name: "max_entries", type: btf.uintMember(map.maxEntries) });
  const keySize = map.key ? sizeOf(map.key) : 0;
  const ring = map.mapType === MapType.RingBuf || map.mapType === MapType.UserRingBuf;
  const valueSize = ring ? 0 : (map.valueSize ?? sizeOf(map.value));
  let inner: MapSpec | undefined;
  if (map.inner) {
    const definition = mapDefinition(btf, map.inner);
    inner = definition.spec;
    members.push({ name: "key", type: btf.ptr(keyId) });
    members.push({ name: "values", type: btf.array(btf.ptr(definition.struct), 0) });
  } else if (map.sizesOnly) {
    if (map.key) members.push({ name: "key_size", type: btf.uintMember(keySize) });
    members.push({ name: "value_size", type: btf.uintMember(valueSize) });
  } else if (!ring) {
    if (map.key) members.push({ name: "key", type: btf.ptr(keyId) });
    members.push({ name: "value", type: btf.ptr(valueId) });
  }
  if (map.flags) members.push({ name: "map_flags", type: btf.uintMember(map.flags) });
  if (map.mapExtra !== undefined) members.push({ name: "map_extra", type: btf.uintMember(Number(map.mapExtra)) });
  if (map.pinned) members.push({ name: "pinning", type: btf.uintMember(PIN_BY_NAME) });
  const struct = btf.mapStruct(members);
  if (map.record) btf.recordTag(map.name, valueId);
  const typed = !map.sizesOnly && !map.inner;
  const spec: MapSpec = {
    name: map.name,
    kind: "btf-map",
    type: map.mapType,
    keySize,
    valueSize: map.inner ? 4 : valueSize,
    maxEntries: map.maxEntries,
    flags: map.flags,
    keyTypeId: typed || map.inner ? keyId : 0,
    valueTypeId: typed || map.record ? valueId : 0,
  };
  if (map.mapExtra !== undefined) spec.mapExtra = map.mapExtra;
  if (map.pinned) spec.pinning = PIN_BY_NAME;
  if (inner) spec.innerMap = inner;
  return { struct, size: members.length * 8, spec };
}
