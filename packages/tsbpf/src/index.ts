/**
 * tsbpf: eBPF for TypeScript. Probes import the DSL from here; user space imports `load`.
 */
export * from "./dsl/index.js";
export { load, compileProbeClass, CompileError, type LoadOptions, type ProbeClass } from "./load.js";
export type { LoadedProbe, UserValue, ConfigOf, MapHandles, MapHandleOf, ProgramHandle, ProgramHandles, ContextOf, TypedTestRunOptions, TypedTestRunOutput } from "./loaded.js";
export {
  loadObject,
  tracePipe,
  VerifierError,
  NotSupportedError,
  PermissionError,
  ObjectError,
  MapError,
  type BpfObject,
  type HashMapHandle,
  type RingBufReader,
  type Link,
} from "@tsbpf/runtime";
