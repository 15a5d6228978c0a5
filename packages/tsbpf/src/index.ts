/**
 * tsbpf: eBPF for TypeScript. Probes import the DSL from here; user space imports `load`.
 */
export * from "./dsl/index.js";
