/**
 * Objects embedded in a bundle: the bundler plugin (@tsbpf/unplugin) compiles a probe module at
 * build time and appends `embedProbeObject(Class, "<base64 ELF>")` to it, so that `load(Class)`
 * takes that object and neither the compiler nor TypeScript is in the bundle or loaded at run time.
 *
 * This is the contract between the plugin's generated code and `load()`: keep it stable.
 */
import type { Probe } from "./dsl/probe.js";

const embedded = new WeakMap<abstract new () => Probe, Uint8Array>();

/** Records the compiled ELF object of `probeClass` (base64 text, or bytes). Called by generated code. */
export function embedProbeObject(probeClass: abstract new () => Probe, object: string | Uint8Array): void {
  const bytes = typeof object === "string" ? new Uint8Array(Buffer.from(object, "base64")) : object;
  embedded.set(probeClass, bytes);
}

/** The object embedded for `probeClass` at build time, if any. */
export function embeddedObjectOf(probeClass: abstract new () => Probe): Uint8Array | undefined {
  return embedded.get(probeClass);
}
