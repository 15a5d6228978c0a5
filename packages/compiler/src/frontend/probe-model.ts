/**
 * What the front end reads from a probe class, before any method body is lowered.
 */
import type { ts } from "ts-morph";
import type { IntKind } from "../checker/kinds.js";
import type { StructType, Type } from "../checker/types.js";
import type { StructOpsModel } from "./struct-ops.js";

export interface ProbeModel {
  className: string;
  node: ts.ClassDeclaration;
  license: string;
  maps: MapModel[];
  globals: GlobalModel[];
  programs: ProgramModel[];
  /** struct_ops fields by name (frontend/struct-ops.ts). */
  structOps?: Record<string, StructOpsModel>;
  /**
   * Undecorated-as-programs methods marked `@globalFunction`: subprograms with global linkage in
   * BTF, which the verifier checks on their own and freplace programs may replace.
   */
  globalFunctions?: Set<ts.MethodDeclaration>;
}

export interface MapModel {
  /** The field's name: the map's symbol name (for an inner map definition: `<outer>.inner`). */
  name: string;
  node: ts.PropertyDeclaration;
  /** DSL class: "HashMap", "RingBuf", "PerCpuArray", ... (see frontend/map-kinds.ts). */
  dslClass: string;
  /** `enum bpf_map_type`. */
  mapType: number;
  /** Undefined for maps without keys (ring buffers, perf event arrays, queues, stacks, bloom filters). */
  key: Type | undefined;
  /** The value type; for a ring buffer or perf event array, the record type. */
  value: Type;
  maxEntries: number;
  flags: number;
  /**
   * Written as `key_size`/`value_size` rather than typed `key`/`value` (maps of descriptors, stack
   * traces, perf event arrays: the kernel takes no BTF for their values).
   */
  sizesOnly?: boolean;
  /** The value size when it is not the value type's (perf event arrays: 4-byte descriptors). */
  valueSize?: number;
  /** Tag the value type as the map's record type (ring buffers, perf event arrays). */
  record?: boolean;
  /** `map_extra` (a bloom filter's hash count). */
  mapExtra?: bigint;
  /** Pinned by name (LIBBPF_PIN_BY_NAME). */
  pinned?: boolean;
  /** State between programs, not a result: `tsbpf run` prints it only with --all-maps. */
  internal?: boolean;
  /** A map of maps: the definition of its inner maps. */
  inner?: MapModel;
  /** An aggregation (CountMap, Log2Histogram, ...): what its methods compute (aggregation-field.ts). */
  aggregation?: AggregationModel;
}

/** bpftrace's aggregation functions, as the map's BTF value struct names them (`tsbpf_<kind>`). */
export type AggregationKind = "count" | "sum" | "min" | "max" | "avg" | "stats" | "hist" | "lhist";

export interface AggregationModel {
  kind: AggregationKind;
  /** The user's key type; undefined for an aggregation without a key (a per-CPU array). */
  userKey: Type | undefined;
  /** A linear histogram's bounds (buckets: (max - min) / step, plus one below and one above). */
  linear?: { min: bigint; max: bigint; step: bigint; buckets: number };
  /** Whether the values are signed (`SumMap<K, i64>`): sign-extended, summed and compared as i64. */
  signed: boolean;
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
  /** Hooks with typed arguments (tp_btf, fentry, kprobe, ...): each parameter and where the context holds it (core/args.ts). */
  /** `indirect`: read through the system call wrapper's pt_regs pointer (ksyscall, core/args.ts). */
  args?: { node: ts.ParameterDeclaration; name: string; type: Type; offset: number; indirect?: true }[];
  returnKind: IntKind;
}
