/**
 * Map declarations. A probe field initialised with `new HashMap<K, V>(...)` (or another map class
 * of this module) defines a BTF map in the object's `.maps` section. The methods are the
 * kernel-side ones: they compile to helper calls and throw `KernelOnlyError` in user space. In user
 * space the loaded object exposes typed handles for these fields instead (see `LoadedProbe`).
 */
export * from "./maps-base.js";
export * from "./maps-keyed.js";
export * from "./maps-queue.js";
export * from "./maps-events.js";
export * from "./maps-special.js";
export * from "./maps-storage.js";
export * from "./maps-cgroup.js";
export * from "./maps-counters.js";
