/**
 * A plain key/value map's metric families (hash, array, their per-CPU and LRU kinds): integer
 * values as one gauge (or counter), struct values as one gauge per integer member; per-CPU values
 * summed over the CPUs.
 */
import type { HashMapHandle } from "@tsbpf/runtime";
import type { Family, MapContext, Point } from "./families.js";
import { metricName, snakeCase } from "./names.js";

/** A per-CPU value merged: integers summed, structs member by member. */
function merged(value: unknown): unknown {
  if (!Array.isArray(value) || value.length === 0) return value;
  if (value.every((v) => typeof v === "bigint" || typeof v === "number")) return value.reduce((a: bigint, b) => a + BigInt(b as bigint), 0n);
  if (value.every((v) => v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array))) {
    const out: Record<string, unknown> = {};
    for (const field of Object.keys(value[0] as object)) out[field] = merged(value.map((v) => (v as Record<string, unknown>)[field]));
    return out;
  }
  return value;
}

const isPerCpu = (type: number) => type === 5 || type === 6 || type === 10; // PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH

export async function plainMapFamilies(map: HashMapHandle, { mapName, options, prefix, num, admit, labelsOf }: MapContext): Promise<Family[]> {
  const out: Family[] = [];
  const perCpu = isPerCpu(map.type);
  const counter = options.type === "counter";
  const byMember = new Map<string, Point[]>();
  for await (const [key, raw] of map.entries()) {
    const value = perCpu ? merged(raw) : raw;
    if (typeof value === "bigint" || typeof value === "number") {
      if (!admit()) continue;
      let list = byMember.get("");
      if (!list) byMember.set("", (list = []));
      list.push({ labels: labelsOf(key), value: num(BigInt(value)) });
    } else if (value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array)) {
      if (!admit()) continue;
      const labels = labelsOf(key);
      for (const [member, v] of Object.entries(value)) {
        if (typeof v !== "bigint" && typeof v !== "number") continue;
        let list = byMember.get(member);
        if (!list) byMember.set(member, (list = []));
        list.push({ labels, value: num(BigInt(v)) });
      }
    }
  }
  for (const [member, points] of byMember) {
    const stem = member ? `${mapName}_${snakeCase(member)}` : mapName;
    out.push({ type: counter ? "counter" : "gauge", name: member ? metricName(prefix, stem, options.unit, counter) : options.name ?? metricName(prefix, stem, options.unit, counter),
      help: options.help ?? `${mapName}${member ? `.${member}` : ""}: map values`, unit: options.unit, map: mapName, points });
  }
  return out;
}
