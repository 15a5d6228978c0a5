import type { GlobalModel, MapModel } from "./probe-model.js";

/**
 * Every event map gets a u64 `.bss` counter of the records its methods could not write (a full
 * ring): `__reserve_failed_<ring>` for `output`/`reserve` of a ring buffer, `__output_failed_<map>`
 * for `perfOutput`. The lowering increments it on the failure path only (lower/map-methods/events.ts);
 * the runtime reads it back as `failedReservations` / `failedOutputs`.
 */
export function eventLossCounterName(map: Pick<MapModel, "name" | "dslClass">): string | undefined {
  if (map.dslClass === "RingBuf") return `__reserve_failed_${map.name}`;
  if (map.dslClass === "PerfEventArray") return `__output_failed_${map.name}`;
  return undefined;
}

export function eventLossCounters(maps: readonly MapModel[]): GlobalModel[] {
  const out: GlobalModel[] = [];
  for (const map of maps) {
    const name = eventLossCounterName(map);
    if (name) out.push({ name, node: map.node, section: ".bss", kind: "u64", init: 0n, offset: 0 });
  }
  return out;
}

