/**
 * `load(Class)`: from a probe class to programs verified by the kernel and typed handles.
 *
 * The class's compiled object comes from, in order: an object embedded by the bundler plugin
 * (`embedProbeObject`, embedded.ts); the object cache (probe-cache.ts), when the class's source
 * and everything its compilation read are unchanged; compiling the class's source file, named by
 * the `source` option or recorded by its decorators (probe-source.ts). Only the last imports the
 * compiler, and with it TypeScript.
 */
import type { CompiledProbe } from "@tsbpf/compiler";
import { readElf } from "@tsbpf/object";
import { loadObject, type BpfObject, type BpfProgram, type LoadOptions as RuntimeLoadOptions } from "@tsbpf/runtime";
import { compileProbeFile } from "./compile-cached.js";
import type { Probe } from "./dsl/probe.js";
import { embeddedObjectOf } from "./embedded.js";
import { defineGlobals } from "./globals.js";
import type { ConfigOf, LoadedProbe } from "./loaded.js";
import { pathFrom, probeSourceFile } from "./probe-source.js";

export { CompileError } from "./compile-cached.js";

/** A probe class (abstract classes too: they are never instantiated in user space). */
export type ProbeClass<T extends Probe> = abstract new () => T;

export interface LoadOptions<T extends Probe> extends Omit<RuntimeLoadOptions, "config"> {
  /** Values for the `@config` fields (defaults: the fields' initialisers). */
  config?: ConfigOf<T>;
  /**
   * The TypeScript file that defines the class (a path or a file URL, e.g.
   * `new URL("./probe.bpf.ts", import.meta.url)`). Needed only where the decorators cannot tell:
   * code built to JavaScript without source maps. An embedded object still comes first.
   */
  source?: string | URL;
  /**
   * With `load(file)`: which probe class of the file (default: its only one). The class's type
   * comes from the type argument: `load<Counter>(new URL("./counter.bpf.ts", import.meta.url))`.
   */
  className?: string;
}

/**
 * The compiled object of `probeClass` (from the cache, or compiling its source file). The
 * compiler is imported only when compiling: user space that loads cached or embedded objects
 * never pays for it.
 */
export async function compileProbeClass<T extends Probe>(probeClass: ProbeClass<T>, options: { source?: string | URL } = {}): Promise<CompiledProbe> {
  const file = probeSourceFile(probeClass, options.source);
  const { probes } = await compileProbeFile(file);
  const probe = probes.find((p) => p.className === probeClass.name);
  if (!probe) {
    throw new Error(
      `tsbpf: ${file} has no probe class named ${probeClass.name} ` +
        `(found: ${probes.map((p) => p.className).join(", ") || "none"})`,
    );
  }
  return { className: probe.className, elf: probe.elf, spec: readElf(probe.elf) };
}

/**
 * Compiles (if needed), loads and verifies a probe class, and returns it with typed map handles
 * and global variables. Nothing is attached yet: call `attach()`. Release with `close()` or
 * `await using`. Needs Linux with BPF (5.8 for ring buffers, 5.15 for perf-event links) and
 * CAP_BPF/root.
 *
 * The probe is a class, or its file (a path or file URL) with the class's type as type argument:
 * `load<Counter>(new URL("./counter.bpf.ts", import.meta.url))`. The file form serves user space
 * that cannot import the class's module, e.g. Node 22's type stripping, which does not run
 * decorators: there `import type { Counter }` and load the file.
 */
export async function load<T extends Probe>(
  probe: ProbeClass<T> | string | URL,
  options: LoadOptions<T> = {},
): Promise<LoadedProbe<T>> {
  const { source, className, ...rest } = options;
  const elf = typeof probe === "function"
    ? (embeddedObjectOf(probe) ?? (await compileProbeClass(probe, { source })).elf)
    : await compileProbeByFile(pathFrom(probe), className);
  const object = await loadObject(elf, {
    ...rest,
    config: options.config as Record<string, unknown>,
  });
  return wrap<T>(object);
}

async function compileProbeByFile(file: string, className: string | undefined): Promise<Uint8Array> {
  const { probes } = await compileProbeFile(file);
  const probe = className === undefined && probes.length === 1 ? probes[0] : probes.find((p) => p.className === className);
  if (!probe) {
    throw new Error(
      `tsbpf: ${className === undefined ? `${file} has ${probes.length} probe classes: choose one with the className option` : `${file} has no probe class named ${className}`} ` +
        `(found: ${probes.map((p) => p.className).join(", ") || "none"})`,
    );
  }
  return probe.elf;
}

/**
 * A program whose `attach(options)` hands its link to the object, so that `close()` (and
 * `await using`) detaches it like the links of `attach()`.
 */
function ownedLinks(object: BpfObject, program: BpfProgram): BpfProgram {
  return new Proxy(program, {
    get(target, property) {
      if (property === "attach") return (options?: Parameters<BpfProgram["attach"]>[0]) => object.adopt(target.attach(options));
      if (property === "attachIter") return (options?: Parameters<BpfProgram["attach"]>[0]) => object.adopt(target.attachIter(options));
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function wrap<T extends Probe>(object: BpfObject): LoadedProbe<T> {
  const loaded: Record<string | symbol, unknown> = {
    object,
    programs: Object.freeze(Object.fromEntries([...object.programs].map(([name, program]) => [name, ownedLinks(object, program)]))),
    attach: () => object.attach(),
    close: () => object.close(),
    [Symbol.dispose]: () => object.close(),
    [Symbol.asyncDispose]: async () => object.close(),
  };
  for (const [name, map] of object.maps) {
    if (name.startsWith(".")) continue; // global data sections are not fields of the class
    Object.defineProperty(loaded, name, { value: map, enumerable: true });
  }
  defineGlobals(loaded, object);
  return loaded as LoadedProbe<T>;
}
