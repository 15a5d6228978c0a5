/**
 * BTF_KIND_* numbers of `struct btf_type.info` (bits 24-28) and the model's kind names
 * (see the kernel's include/uapi/linux/btf.h).
 */
import type { BtfType } from "./types.js";

export const BtfKind = {
  UNKN: 0,
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19,
} as const;

export const kindNumber: Record<BtfType["kind"], number> = {
  int: BtfKind.INT,
  ptr: BtfKind.PTR,
  array: BtfKind.ARRAY,
  struct: BtfKind.STRUCT,
  union: BtfKind.UNION,
  enum: BtfKind.ENUM,
  fwd: BtfKind.FWD,
  typedef: BtfKind.TYPEDEF,
  volatile: BtfKind.VOLATILE,
  const: BtfKind.CONST,
  restrict: BtfKind.RESTRICT,
  func: BtfKind.FUNC,
  func_proto: BtfKind.FUNC_PROTO,
  var: BtfKind.VAR,
  datasec: BtfKind.DATASEC,
  float: BtfKind.FLOAT,
  decl_tag: BtfKind.DECL_TAG,
  type_tag: BtfKind.TYPE_TAG,
  enum64: BtfKind.ENUM64,
};

/** `BTF_INT_*` bits of an INT's encoding byte. */
export const IntEncoding = { SIGNED: 1, CHAR: 2, BOOL: 4 } as const;

export const BTF_MAGIC = 0xeb9f;
export const BTF_VERSION = 1;
export const BTF_HEADER_SIZE = 24;
