/**
 * `enum bpf_core_relo_kind` (include/uapi/linux/bpf.h) and the three families libbpf sorts them
 * into: field-based (an access path into a struct), type-based (a whole type) and enum-value-based.
 */
export const CoreReloKind = {
  FIELD_BYTE_OFFSET: 0,
  FIELD_BYTE_SIZE: 1,
  FIELD_EXISTS: 2,
  FIELD_SIGNED: 3,
  FIELD_LSHIFT_U64: 4,
  FIELD_RSHIFT_U64: 5,
  TYPE_ID_LOCAL: 6,
  TYPE_ID_TARGET: 7,
  TYPE_EXISTS: 8,
  TYPE_SIZE: 9,
  ENUMVAL_EXISTS: 10,
  ENUMVAL_VALUE: 11,
  TYPE_MATCHES: 12,
} as const;

const names = [
  "byte_off", "byte_sz", "field_exists", "signed", "lshift_u64", "rshift_u64",
  "local_type_id", "target_type_id", "type_exists", "type_size", "enumval_exists", "enumval_value", "type_matches",
];

/** libbpf's short name of a relocation kind ("byte_off", "type_exists", ...). */
export function reloKindName(kind: number): string {
  return names[kind] ?? `unknown kind ${kind}`;
}

export function isFieldBased(kind: number): boolean {
  return kind <= CoreReloKind.FIELD_RSHIFT_U64;
}

export function isTypeBased(kind: number): boolean {
  return (kind >= CoreReloKind.TYPE_ID_LOCAL && kind <= CoreReloKind.TYPE_SIZE) || kind === CoreReloKind.TYPE_MATCHES;
}

export function isEnumvalBased(kind: number): boolean {
  return kind === CoreReloKind.ENUMVAL_EXISTS || kind === CoreReloKind.ENUMVAL_VALUE;
}

/** The helper id libbpf puts in a poisoned instruction ("bad relo"); the verifier then says `invalid func unknown#195896080`. */
export const POISON_HELPER = 0xbad2310;
