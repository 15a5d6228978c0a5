/**
 * What the front end reads from a probe class, before any method body is lowered.
 */
import type { ts } from "ts-morph";
import type { IntKind } from "../checker/kinds.js";
import type { StructType, Type } from "../checker/types.js";

export interface ProbeModel {
  className: string;
  node: ts.ClassDeclaration;
  license: string;
  maps: MapModel[];
  globals: GlobalModel[];
  programs: ProgramModel[];
}

export interface MapModel {
  /** The field's name: the map's symbol name. */
  name: string;
  node: ts.PropertyDeclaration;
  /** DSL class: "HashMap", "RingBuf". */
  dslClass: string;
  /** `enum bpf_map_type`. */
  mapType: number;
  /** Undefined for maps without keys (ring buffers). */
  key: Type | undefined;
  /** The value type; for a ring buffer, the record type. */
  value: Type;
  maxEntries: number;
  flags: number;
}

/** A global variable: a `@config` field (.rodata) or another primitive field (.data/.bss). */
export interface GlobalModel {
  name: string;
  node: ts.PropertyDeclaration;
  section: ".rodata" | ".data" | ".bss";
  kind: IntKind;
  /** The initialiser's value (0 when absent). */
  init: bigint;
  /** Byte offset in its section (natural alignment, declaration order). */
  offset: number;
}

export interface ProgramModel {
  /** The method's name: the program's symbol name. */
  name: string;
  node: ts.MethodDeclaration;
  /** The ELF section, e.g. "tracepoint/syscalls/sys_enter_write". */
  section: string;
  /** The context parameter (a pointer to this struct in r1), if the method takes one. */
  context: { name: string; node: ts.ParameterDeclaration; type: StructType; readonly: string | undefined } | undefined;
  returnKind: IntKind;
}
