/**
 * A perf event array of counters (the DSL's `PerfCounterArray`, bcc's `BPF_PERF_ARRAY`) is the
 * same kernel map as one that carries events, but user space must not fill it with output rings
 * at load: it opens counters into it. tsbpf marks its `.maps` variable with a BTF DECL_TAG
 * `tsbpf.perf-counters` so that the runtime tells the two apart from the object alone. The kernel
 * (5.16+) and libbpf accept and ignore such tags.
 */
import type { Btf } from "./types.js";

export const COUNTERS_TAG = "tsbpf.perf-counters";

/** Whether the `.maps` variable `mapName` is tagged as a perf event array of counters. */
export function isCounterArray(btf: Btf, mapName: string): boolean {
  for (const type of btf.types) {
    if (type.kind !== "decl_tag" || type.name !== COUNTERS_TAG || type.componentIdx !== -1) continue;
    const target = btf.types[type.type - 1];
    if (target?.kind === "var" && target.name === mapName) return true;
  }
  return false;
}
