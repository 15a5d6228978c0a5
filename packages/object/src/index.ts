/**
 * @tsbpf/object: the BPF object model, pure and portable (Uint8Array/DataView, no Node I/O).
 */
export * from "./spec.js";
export * from "./isa/instruction.js";
export * from "./btf/types.js";
