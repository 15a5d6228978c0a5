/**
 * libbpf's BTF-defined maps: each variable of the `.maps` DATASEC is a struct whose members
 * describe the map. Integers are encoded in the member's type, `__uint(name, N)` being
 * `int (*name)[N]` (a PTR to an ARRAY of N elements); `__type(key, T)` is `T *key`, whose pointee
 * gives the key type and size. (See libbpf's parse_btf_map_def.)
 */
import { resolveModifiers, tryTypeById, typeSize } from "../btf/query.js";
import { recordTypeOf } from "../btf/record-tag.js";
import type { Btf, BtfDatasec, BtfMember } from "../btf/types.js";
import { ObjectFormatError } from "../errors.js";
import type { MapSpec } from "../spec.js";

const SECTION = ".maps";

/** The maps of the `.maps` DATASEC with their offsets in the section (vars are sorted by offset). */
export function readBtfMaps(btf: Btf, datasec: BtfDatasec): { map: MapSpec; offset: number }[] {
  return datasec.vars.map((v) => {
    const variable = tryTypeById(btf, v.type);
    if (variable?.kind !== "var") throw new ObjectFormatError(SECTION, `DATASEC entry ${v.type} is not a VAR`);
    const map = parseMapDefinition(btf, variable.name, variable.type);
    // Rings and perf event arrays have no record type in their definition (a perf event array's
    // values are 4-byte descriptors); tsbpf tags their record type instead.
    if (map.valueTypeId === 0 && (map.valueSize === 0 || map.type === PERF_EVENT_ARRAY)) map.valueTypeId = recordTypeOf(btf, map.name);
    return { map, offset: v.offset };
  });
}

const ARRAY_OF_MAPS = 12;
const HASH_OF_MAPS = 13;
const PROG_ARRAY = 3;
const PERF_EVENT_ARRAY = 4;

function parseMapDefinition(btf: Btf, name: string, typeId: number, inner = false): MapSpec {
  const fail = (what: string): never => {
    throw new ObjectFormatError(SECTION, `map '${name}': ${what}`);
  };
  const def = tryTypeById(btf, safeResolve(btf, typeId, fail));
  if (def?.kind !== "struct") fail(`definition is ${def?.kind ?? "void"}, not a struct`);
  const map: MapSpec = {
    name,
    kind: "btf-map",
    type: 0,
    keySize: 0,
    valueSize: 0,
    maxEntries: 0,
    flags: 0,
    keyTypeId: 0,
    valueTypeId: 0,
  };
  let hasType = false;
  for (const member of (def as { members: BtfMember[] }).members) {
    switch (member.name) {
      case "type":
        map.type = intField(btf, member, fail);
        hasType = true;
        break;
      case "max_entries":
        map.maxEntries = intField(btf, member, fail);
        break;
      case "map_flags":
        map.flags = intField(btf, member, fail);
        break;
      case "pinning":
        map.pinning = intField(btf, member, fail);
        break;
      case "numa_node":
        map.numaNode = intField(btf, member, fail);
        break;
      case "map_extra":
        map.mapExtra = longField(btf, member, fail);
        break;
      case "values": {
        // `__array(values, struct inner)` (map-in-map) or `__array(values, int ())` (prog array):
        // a zero-length array of pointers; the values themselves are 4-byte fds.
        if (inner) fail("inner maps cannot have inner maps");
        map.valueSize = checkSize(map.valueSize, 4, "value", fail);
        const array = tryTypeById(btf, member.type);
        if (array?.kind !== "array" || array.nelems !== 0) fail("'values' should be a zero-sized array");
        const ptr = tryTypeById(btf, safeResolve(btf, (array as { type: number }).type, fail));
        if (ptr?.kind !== "ptr") fail(`'values' should hold pointers, holds ${ptr?.kind ?? "void"}`);
        if (map.type === ARRAY_OF_MAPS || map.type === HASH_OF_MAPS) {
          map.innerMap = parseMapDefinition(btf, `${name}.inner`, (ptr as { type: number }).type, true);
        } else if (map.type !== PROG_ARRAY) {
          fail("'values' is only for map-in-map and prog-array maps (declare 'type' first)");
        }
        break;
      }
      case "key_size":
        map.keySize = checkSize(map.keySize, intField(btf, member, fail), "key", fail);
        break;
      case "value_size":
        map.valueSize = checkSize(map.valueSize, intField(btf, member, fail), "value", fail);
        break;
      case "key": {
        const pointee = pointeeOf(btf, member, fail);
        map.keyTypeId = pointee;
        map.keySize = checkSize(map.keySize, sizeOf(btf, pointee, "key", fail), "key", fail);
        break;
      }
      case "value": {
        const pointee = pointeeOf(btf, member, fail);
        map.valueTypeId = pointee;
        map.valueSize = checkSize(map.valueSize, sizeOf(btf, pointee, "value", fail), "value", fail);
        break;
      }
      default:
        // numa_node, map_extra, values (map-in-map): not part of MapSpec yet.
        break;
    }
  }
  if (!hasType) fail("no 'type' member");
  return map;
}

function safeResolve(btf: Btf, id: number, fail: (what: string) => never): number {
  try {
    return resolveModifiers(btf, id);
  } catch (error) {
    return fail((error as Error).message);
  }
}

/** `int (*name)[N]` → N. */
function intField(btf: Btf, member: BtfMember, fail: (what: string) => never): number {
  const ptr = tryTypeById(btf, safeResolve(btf, member.type, fail));
  if (ptr?.kind !== "ptr") return fail(`member '${member.name}' should be a pointer to an array (__uint), is ${ptr?.kind ?? "void"}`);
  const array = tryTypeById(btf, ptr.type);
  if (array?.kind !== "array") return fail(`member '${member.name}' should point to an array (__uint), points to ${array?.kind ?? "void"}`);
  return array.nelems;
}

/** `__ulong(name, N)`: the `__uint` form, or an enum (enum64) with the one value N. */
function longField(btf: Btf, member: BtfMember, fail: (what: string) => never): bigint {
  const type = tryTypeById(btf, safeResolve(btf, member.type, fail));
  if (type?.kind === "ptr") return BigInt(intField(btf, member, fail));
  if ((type?.kind === "enum" || type?.kind === "enum64") && type.values.length === 1) {
    return BigInt.asUintN(64, BigInt(type.values[0]!.value));
  }
  return fail(`member '${member.name}' should be __uint or __ulong, is ${type?.kind ?? "void"}`);
}

/** `T *key` → T's id (as written, like libbpf: not skipping typedefs). */
function pointeeOf(btf: Btf, member: BtfMember, fail: (what: string) => never): number {
  const ptr = tryTypeById(btf, member.type);
  if (ptr?.kind !== "ptr") return fail(`member '${member.name}' should be a pointer (__type), is ${ptr?.kind ?? "void"}`);
  return ptr.type;
}

function sizeOf(btf: Btf, id: number, what: string, fail: (what: string) => never): number {
  try {
    return typeSize(btf, id);
  } catch (error) {
    return fail(`${what} type: ${(error as Error).message}`);
  }
}

function checkSize(previous: number, next: number, what: string, fail: (what: string) => never): number {
  if (previous !== 0 && previous !== next) fail(`conflicting ${what} sizes ${previous} and ${next}`);
  return next;
}
