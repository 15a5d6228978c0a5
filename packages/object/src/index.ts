/**
 * @tsbpf/object: the BPF object model, pure and portable (Uint8Array/DataView, no Node I/O).
 *
 * @module @tsbpf/object
 */
export * from "./spec.js";
export * from "./errors.js";
export * from "./isa/instruction.js";
export * from "./isa/codec.js";
export * from "./isa/disasm.js";
export * as asm from "./isa/builders.js";
export type { MemSize } from "./isa/builders.js";
export * from "./btf/types.js";
export { BtfKind } from "./btf/kinds.js";
export { BtfStringTable } from "./btf/strings.js";
export { assembleBtf, decodeBtf, encodeBtf, encodeBtfTypes, newStringTable } from "./btf/codec.js";
export * from "./btf/ext.js";
export * from "./btf/query.js";
export { RECORD_TAG_PREFIX, recordTypeOf } from "./btf/record-tag.js";
export { INTERNAL_TAG, isInternalMap } from "./btf/internal-tag.js";
export { COUNTERS_TAG, isCounterArray } from "./btf/counters-tag.js";
export { writeElf } from "./elf/writer.js";
export { readElf } from "./elf/reader.js";
export { LazyBtf } from "./btf/lazy.js";
export { essentialName, essentialNameLength } from "./btf/flavor.js";
