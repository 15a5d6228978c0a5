/**
 * The BTF type model (see the kernel's Documentation/bpf/btf.rst). Type ids are 1-based indices
 * into `Btf.types` (id 0 is `void`); `types[id - 1]` is the type with that id. A split BTF (module
 * BTF on top of vmlinux) numbers its types after the base's last id: `firstTypeId` says where.
 */
export type BtfType =
  | BtfInt
  | BtfPtr
  | BtfArray
  | BtfStruct
  | BtfEnum
  | BtfEnum64
  | BtfFwd
  | BtfModifier
  | BtfFunc
  | BtfFuncProto
  | BtfVar
  | BtfDatasec
  | BtfFloat
  | BtfDeclTag;

export interface BtfInt {
  kind: "int";
  name: string;
  /** Size in bytes. */
  size: number;
  signed: boolean;
  char: boolean;
  bool: boolean;
  /** Bit offset and width from the encoding word (0 and size*8 for ordinary integers). */
  offset: number;
  bits: number;
}

export interface BtfPtr {
  kind: "ptr";
  type: number;
}

export interface BtfArray {
  kind: "array";
  type: number;
  indexType: number;
  nelems: number;
}

export interface BtfMember {
  name: string;
  type: number;
  /** Offset in bits from the start of the struct. */
  bitOffset: number;
  /** Width of a bitfield in bits, 0 for an ordinary member. */
  bitfieldSize: number;
}

export interface BtfStruct {
  kind: "struct" | "union";
  name: string;
  size: number;
  members: BtfMember[];
}

export interface BtfEnum {
  kind: "enum";
  name: string;
  size: number;
  signed: boolean;
  values: { name: string; value: number }[];
}

export interface BtfEnum64 {
  kind: "enum64";
  name: string;
  size: number;
  signed: boolean;
  values: { name: string; value: bigint }[];
}

export interface BtfFwd {
  kind: "fwd";
  name: string;
  union: boolean;
}

/** Kinds that only wrap another type (and may be named: typedef, type_tag). */
export interface BtfModifier {
  kind: "typedef" | "volatile" | "const" | "restrict" | "type_tag";
  name: string;
  type: number;
  /** type_tag only: kind_flag set, i.e. the tag is a C attribute (`__attribute__((...))`), not a btf_type_tag. */
  attribute?: boolean;
}

export const FuncLinkage = { Static: 0, Global: 1, Extern: 2 } as const;

export interface BtfFunc {
  kind: "func";
  name: string;
  /** The FUNC_PROTO's id. */
  type: number;
  linkage: number;
}

export interface BtfFuncProto {
  kind: "func_proto";
  returnType: number;
  params: { name: string; type: number }[];
}

export const VarLinkage = { Static: 0, GlobalAllocated: 1, GlobalExtern: 2 } as const;

export interface BtfVar {
  kind: "var";
  name: string;
  type: number;
  linkage: number;
}

export interface BtfDatasec {
  kind: "datasec";
  name: string;
  size: number;
  vars: { type: number; offset: number; size: number }[];
}

export interface BtfFloat {
  kind: "float";
  name: string;
  size: number;
}

export interface BtfDeclTag {
  kind: "decl_tag";
  name: string;
  type: number;
  /** -1 for the type itself, else the member or parameter index. */
  componentIdx: number;
  /** kind_flag set: the tag is a C attribute (`__attribute__((...))`), not a btf_decl_tag. */
  attribute?: boolean;
}

/** A BTF blob's types. */
export interface Btf {
  types: BtfType[];
  /** 1 for a base BTF; for a split BTF, the id of its first type (base's count + 1). */
  firstTypeId?: number;
  /** For a split BTF (module BTF over vmlinux): the base whose ids come before `firstTypeId`. */
  base?: Btf;
}
