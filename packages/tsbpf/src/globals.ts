/**
 * The probe's global variables as properties of the loaded probe: a `.bss`/`.data` field reads
 * and writes in place (`probe.attempts`, `probe.attempts = 0n`), a `@config` field (`.rodata`,
 * frozen at load) reads, and writing it throws. Typed by loaded.ts's `GlobalValues`.
 */
import { GlobalDataHandle, type BpfObject } from "@tsbpf/runtime";

/** Adds an accessor per global variable, unless a member of that name exists (object, attach...). */
export function defineGlobals(loaded: Record<string | symbol, unknown>, object: BpfObject): void {
  for (const map of object.maps.values()) {
    if (!(map instanceof GlobalDataHandle)) continue;
    for (const name of map.names) {
      if (Object.hasOwn(loaded, name)) continue;
      Object.defineProperty(loaded, name, {
        get: () => map.get(name),
        set: (value: unknown) => map.set(name, value),
        enumerable: true,
      });
    }
  }
}
