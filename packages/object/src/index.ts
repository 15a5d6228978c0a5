/**
 * @tsbpf/object: the BPF object model, pure and portable (Uint8Array/DataView, no Node I/O).
 */
export * from "./spec.js";
export * from "./errors.js";
export * from "./isa/instruction.js";
export * from "./isa/codec.js";
export * from "./isa/disasm.js";
export * as asm from "./isa/builders.js";
export type { MemSize } from "./isa/builders.js";
export * from "./btf/types.js";
