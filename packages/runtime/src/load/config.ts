/**
 * `config` values: initial values for the object's global variables (`@config` fields live in
 * `.rodata`, which is frozen after this; `.data` and `.bss` variables may be set too), written
 * into the section's initial contents at the variable's DATASEC offset.
 */
import type { MapSpec, ObjectSpec } from "@tsbpf/object";
import { encodeInto } from "../btf-values/index.js";
import { MapError } from "../errors.js";
import { sectionVariables, type GlobalVariable } from "../maps/global-data.js";

const sections = [".rodata", ".data", ".bss"] as const;

/**
 * The initial contents of every global data map, with `config` applied; throws MapError for an
 * unknown name (listing the known ones) or a value that does not fit its variable.
 */
export function initialContents(spec: ObjectSpec, config: Record<string, unknown> = {}): Map<string, Uint8Array> {
  const contents = new Map<string, Uint8Array>();
  const dataMaps = spec.maps.filter((m) => m.kind !== "btf-map");
  for (const map of dataMaps) {
    const bytes = new Uint8Array(map.valueSize);
    if (map.contents) bytes.set(map.contents.subarray(0, map.valueSize));
    contents.set(map.name, bytes);
  }
  const names = Object.keys(config);
  if (names.length === 0) return contents;

  const byName = new Map<string, { map: MapSpec; variable: GlobalVariable }>();
  for (const section of sections) {
    const map = dataMaps.find((m) => m.name === section);
    if (!map) continue;
    for (const variable of sectionVariables(spec.btf, section).values()) {
      if (!byName.has(variable.name)) byName.set(variable.name, { map, variable });
    }
  }
  for (const name of names) {
    const value = config[name];
    if (value === undefined) continue;
    const target = byName.get(name);
    if (!target) {
      const known = [...byName.keys()];
      throw new MapError(`unknown config name "${name}"; the object's global variables are: ${known.length ? known.join(", ") : "(none)"}`);
    }
    const bytes = contents.get(target.map.name)!;
    const { variable } = target;
    if (variable.offset + variable.codec.size > bytes.length) {
      throw new MapError(`variable ${name} lies outside its section (offset ${variable.offset}, size ${variable.codec.size})`, { map: target.map.name });
    }
    bytes.fill(0, variable.offset, variable.offset + variable.codec.size);
    encodeInto(variable.codec, new DataView(bytes.buffer), variable.offset, value, { map: target.map.name, what: `config ${name}` });
  }
  return contents;
}
