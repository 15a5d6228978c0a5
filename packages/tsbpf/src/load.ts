/**
 * `load(Class)`: from a probe class to programs verified by the kernel and typed handles.
 *
 * The class's compiled object comes from, in order: an object embedded by the bundler plugin
 * (`embedProbeObject`, embedded.ts), or compiling the class's source file, whose path the
 * decorators recorded when the class was defined.
 */
import type { CompiledProbe } from "@tsbpf/compiler";
import { loadObject, type BpfObject, type BpfProgram, type LoadOptions as RuntimeLoadOptions } from "@tsbpf/runtime";
import { readFileSync } from "node:fs";
import { probeSourceOf, type Probe } from "./dsl/probe.js";
import { embeddedObjectOf } from "./embedded.js";
import type { ConfigOf, LoadedProbe } from "./loaded.js";

/** A probe class (abstract classes too: they are never instantiated in user space). */
export type ProbeClass<T extends Probe> = abstract new () => T;

export interface LoadOptions<T extends Probe> extends Omit<RuntimeLoadOptions, "config"> {
  /** Values for the `@config` fields (defaults: the fields' initialisers). */
  config?: ConfigOf<T>;
}

/** Thrown when a probe's source does not compile; `diagnostics` holds the formatted messages. */
export class CompileError extends Error {
  readonly diagnostics: string[];
  constructor(file: string, diagnostics: string[]) {
    super(`tsbpf: ${file} does not compile:\n\n${diagnostics.join("\n\n")}`);
    this.name = "CompileError";
    this.diagnostics = diagnostics;
  }
}

const compiled = new Map<string, CompiledProbe[]>();

/**
 * Compiles (once per process) the file that defines `probeClass` and returns its object. The
 * compiler is imported on first use: user space that only loads prebuilt objects never pays for it.
 */
export async function compileProbeClass<T extends Probe>(probeClass: ProbeClass<T>): Promise<CompiledProbe> {
  const file = probeSourceOf(probeClass);
  if (!file) {
    throw new Error(
      `tsbpf: cannot find the source of ${probeClass.name}: its decorators did not record a file. ` +
        `Decorate at least one method with a hook (e.g. @tracepoint), or load the compiled object ` +
        `with loadObject() from "@tsbpf/runtime".`,
    );
  }
  let probes = compiled.get(file);
  if (!probes) {
    const { compileFile, formatDiagnostic } = await import("@tsbpf/compiler");
    const result = compileFile(file);
    const errors = result.diagnostics.filter((d) => d.category === "error");
    if (errors.length > 0) {
      const text = readFileSync(file, "utf8");
      throw new CompileError(file, errors.map((d) => formatDiagnostic(d, text)));
    }
    probes = result.probes;
    compiled.set(file, probes);
  }
  const probe = probes.find((p) => p.className === probeClass.name);
  if (!probe) {
    throw new Error(
      `tsbpf: ${file} has no probe class named ${probeClass.name} ` +
        `(found: ${probes.map((p) => p.className).join(", ") || "none"})`,
    );
  }
  return probe;
}

/**
 * Compiles (if needed), loads and verifies a probe class, and returns it with typed map handles.
 * Nothing is attached yet: call `attach()`. Release with `close()` or `await using`.
 * Needs Linux with BPF (5.8 for ring buffers, 5.15 for perf-event links) and CAP_BPF/root.
 */
export async function load<T extends Probe>(
  probeClass: ProbeClass<T>,
  options: LoadOptions<T> = {},
): Promise<LoadedProbe<T>> {
  const elf = embeddedObjectOf(probeClass) ?? (await compileProbeClass(probeClass)).elf;
  const object = await loadObject(elf, {
    ...options,
    config: options.config as Record<string, unknown>,
  });
  return wrap<T>(object);
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
  return loaded as LoadedProbe<T>;
}
