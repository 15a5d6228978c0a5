/**
 * The BPF object model that the compiler produces, the ELF writer serialises, the ELF reader
 * recovers (from tsbpf's objects and from clang-built libbpf objects alike) and the runtime loads.
 *
 * Everything here is plain data: no Node I/O, no kernel state. A spec is deterministic: the same
 * source gives the same spec, and `readElf(writeElf(spec))` gives back an equivalent spec.
 */
import type { Btf } from "./btf/types.js";
import type { Instruction } from "./isa/instruction.js";

/** A whole BPF object: what one probe class compiles to, or what one `.o` file holds. */
export interface ObjectSpec {
  /** The `license` section's string ("GPL", "Dual BSD/GPL", ...). */
  license: string;
  /** Programs in section order. */
  programs: ProgramSpec[];
  /** Maps: BTF-defined maps from `.maps` and the global data maps (`.rodata`, `.data`, `.bss`). */
  maps: MapSpec[];
  /**
   * The object's type information (what `.BTF` holds). Map key/value types, program FUNCs and
   * FUNC_PROTOs, DATASECs for `.maps`, `.rodata`, `.data` and `.bss` are all in here.
   */
  btf: Btf;
  /**
   * struct_ops variables (libbpf's `SEC(".struct_ops")` / `SEC(".struct_ops.link")` structs), each
   * of which becomes a BPF_MAP_TYPE_STRUCT_OPS map. Absent when there are none.
   */
  structOps?: StructOpsSpec[];
}

/**
 * One struct_ops variable: a struct named as the kernel's (`tcp_congestion_ops`) holding the
 * members the object sets, laid out in its own BTF, as clang writes
 * `SEC(".struct_ops") struct tcp_congestion_ops cc = { .ssthresh = (void *)prog, .name = "x" }`.
 * The loader matches members to the running kernel's struct by name, as libbpf does.
 */
export interface StructOpsSpec {
  /** The variable's symbol name, which is also the map's name. */
  name: string;
  /** ".struct_ops" or ".struct_ops.link" (libbpf 1.2+: registered through a BPF link). */
  section: string;
  /** The BTF id of the variable's struct in the object's BTF (a STRUCT named as the kernel's). */
  typeId: number;
  /** The variable's bytes: data members' initial values; function-pointer members are 0 here. */
  data: Uint8Array;
  /** Function-pointer members set to programs: byte offset inside `data` → program (entry symbol) name. */
  functions: { offset: number; program: string }[];
}

/**
 * One program: the instructions of one ELF section that holds an entry point (a libbpf program
 * section such as `tracepoint/syscalls/sys_enter_write`), with the subprograms it calls appended.
 */
export interface ProgramSpec {
  /** The entry function's symbol name (also the kernel's program name, cut to 15 bytes). */
  name: string;
  /** The ELF section name, which names the hook the libbpf way: "tracepoint/<category>/<name>", "xdp", ... */
  section: string;
  /**
   * Instructions as 8-byte slots: an `ld_imm64` (opcode 0x18) occupies two consecutive entries,
   * the second with opcode 0 holding the upper 32 bits in `imm`. Indices into this array are the
   * "instruction offsets" used everywhere else in the spec (relocations, func_info, line_info).
   */
  instructions: Instruction[];
  /** Instructions whose immediate must be patched at load time to refer to a map. */
  mapReferences: MapReference[];
  /** BTF FUNC type id of every function in this program, by instruction offset (entry at 0). */
  funcInfo: FuncInfo[];
  /** Source positions of instructions (sorted by instruction offset). */
  lineInfo: LineInfo[];
  /** CO-RE relocations (empty until CO-RE lands; kept here so that the ELF layers carry them). */
  coreRelocations: CoreRelocation[];
  /**
   * Instructions that refer to symbols the object does not define (libbpf's externs: kfunc calls,
   * `__ksym` and `__kconfig` variables), resolved by the loader. Absent when there are none.
   */
  externReferences?: ExternReference[];
}

/**
 * A relocation against an undefined symbol, kept by name for the loader to resolve. `readElf`
 * gives a kfunc call the kernel's form with the id left 0 (src_reg `CallSrc.KFUNC`, imm 0, off 0);
 * `writeElf` writes it as clang does (`call -1` with src_reg 1 and a relocation).
 */
export interface ExternReference {
  /** Index of the call or of the first slot of the `ld_imm64`. */
  instruction: number;
  /** The symbol's name (the kfunc or the kernel/kconfig variable). */
  name: string;
  kind: "call" | "ld_imm64";
}

/**
 * An `ld_imm64` that loads a map: libbpf's `R_BPF_64_64` relocation against a map symbol (kind
 * "map": becomes `BPF_PSEUDO_MAP_FD`) or against a global-data section (kind "value": becomes
 * `BPF_PSEUDO_MAP_VALUE` with `offset` added, the address of a variable in `.rodata`/`.data`/`.bss`).
 *
 * The referenced instruction's own fields do not matter to the ELF writer (it writes what libbpf
 * expects). The ELF reader gives it the kernel's form with the fd left 0: src_reg
 * `PseudoSrc.MAP_FD`, imm 0 (kind "map"), or src_reg `PseudoSrc.MAP_VALUE`, imm 0 and the second
 * slot's imm = `offset` (kind "value"); the loader then only has to put the map's fd into imm.
 */
export interface MapReference {
  /** Index of the first slot of the `ld_imm64`. */
  instruction: number;
  /** `MapSpec.name` of the referenced map. */
  map: string;
  kind: "map" | "value";
  /** For "value": byte offset of the variable inside the section. 0 for "map". */
  offset: number;
}

export interface FuncInfo {
  /** Instruction offset (slots) of the function's first instruction. */
  instruction: number;
  /** BTF id of the FUNC type. */
  typeId: number;
}

export interface LineInfo {
  /** Instruction offset (slots). */
  instruction: number;
  /** Source file path as written into the string table. */
  fileName: string;
  /** The source line's text (shown by the verifier log and `bpftool prog dump`). */
  lineText: string;
  /** 1-based line number. */
  line: number;
  /** 1-based column (0 when unknown). Encoded as `line << 10 | column`. */
  column: number;
}

/** One `bpf_core_relo` record (see the kernel's include/uapi/linux/bpf.h). */
export interface CoreRelocation {
  instruction: number;
  /** BTF id of the root type in this object's BTF. */
  typeId: number;
  /** Access string such as "0:1:0". */
  accessString: string;
  /** `enum bpf_core_relo_kind`. */
  kind: number;
}

/** The kernel's `enum bpf_map_type` values used by the spec (the full enum lives in the runtime). */
export const MapType = {
  Hash: 1,
  Array: 2,
  ProgArray: 3,
  PerfEventArray: 4,
  PerCpuHash: 5,
  PerCpuArray: 6,
  StackTrace: 7,
  LruHash: 9,
  LruPerCpuHash: 10,
  LpmTrie: 11,
  Queue: 22,
  Stack: 23,
  RingBuf: 27,
  BloomFilter: 30,
  UserRingBuf: 31,
} as const;

export type MapKind = "btf-map" | "rodata" | "data" | "bss";

/** One map the object defines. */
export interface MapSpec {
  /**
   * The symbol name for BTF-defined maps (`events`); the section name for global data
   * (".rodata", ".data", ".bss"). The runtime derives the kernel's name from it.
   */
  name: string;
  /** Where it comes from: a `.maps` variable or one of the global data sections. */
  kind: MapKind;
  /** `enum bpf_map_type` (global data maps are arrays, type 2). */
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** `map_flags` (BPF_F_*). `.rodata` maps carry BPF_F_RDONLY_PROG (0x80). */
  flags: number;
  /** BTF ids of the key and value types, 0 where the map has none (ring buffers). */
  keyTypeId: number;
  valueTypeId: number;
  /** Initial contents of a global data map (`.rodata`, `.data`); undefined for `.bss` and `.maps`. */
  contents?: Uint8Array;
  /** Pinning as BTF-defined maps declare it (LIBBPF_PIN_BY_NAME = 1). */
  pinning?: number;
  /** `map_extra` when declared (a bloom filter's hash count, an arena's address, ...). */
  mapExtra?: bigint;
  /** `numa_node` when declared. */
  numaNode?: number;
  /** Map-in-map (array/hash of maps): the inner map's definition, from the `values` member. */
  innerMap?: MapSpec;
}
