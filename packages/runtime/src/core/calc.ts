/**
 * The value a relocation puts into its instruction, computed from a spec by libbpf's rules
 * (bpf_core_calc_field_relo, _type_relo, _enumval_relo): once for the local spec (what the
 * compiler wrote, checked against the instruction) and once for the target (what it becomes).
 * `undefined` target means no candidate matched: existence relocations become 0, the others
 * poison the instruction.
 */
import { CoreReloKind, isEnumvalBased, isFieldBased, reloKindName } from "./kinds.js";
import { SpecError, type CoreSpec } from "./spec.js";
import { isAnyEnum, isComposite, resolveSize, skipMods } from "./types.js";

export interface FieldValue {
  value: bigint;
  /** Memory size a load/store of the field uses (non-bitfield byte offsets only), else 0. */
  size: number;
  /** The field's type (after modifiers), for the load-size adjustment rules. */
  typeId: number;
  /** Whether the instruction must hold the local value (libbpf's `validate`). */
  validate: boolean;
}

/** Marker: the relocation cannot be satisfied, poison the instruction (libbpf's -EUCLEAN). */
export const POISON = Symbol("poison");

function fieldValue(kind: number, spec: CoreSpec | undefined): FieldValue | typeof POISON {
  if (kind === CoreReloKind.FIELD_EXISTS) return { value: spec ? 1n : 0n, size: 0, typeId: 0, validate: true };
  if (spec === undefined) return POISON;
  const src = spec.src;
  const acc = spec.access[spec.access.length - 1]!;
  if (acc.name === undefined) {
    const size = resolveSize(src, acc.typeId);
    if (size < 0) throw new SpecError(`type [${acc.typeId}] has no size`);
    if (kind === CoreReloKind.FIELD_BYTE_OFFSET) return { value: BigInt(spec.bitOffset / 8), size, typeId: acc.typeId, validate: true };
    if (kind === CoreReloKind.FIELD_BYTE_SIZE) return { value: BigInt(size), size: 0, typeId: 0, validate: true };
    throw new SpecError(`${reloKindName(kind)} cannot be applied to an array element`);
  }
  const holder = src.type(acc.typeId);
  if (!isComposite(holder)) throw new SpecError(`accessor type [${acc.typeId}] is not a struct or union`);
  const member = holder.members[acc.idx]!;
  const [fieldTypeId, fieldType] = skipMods(src, member.type);
  const bitOff = spec.bitOffset;
  let bitSize = member.bitfieldSize;
  const bitfield = bitSize > 0;
  let byteSize: number;
  let byteOff: number;
  if (bitfield) {
    if (fieldType === undefined || !("size" in fieldType)) throw new SpecError(`bitfield ${member.name} has no integer type`);
    byteSize = fieldType.size;
    byteOff = Math.floor(bitOff / 8 / byteSize) * byteSize;
    // The smallest load that holds the whole bitfield.
    while (bitOff + bitSize - byteOff * 8 > byteSize * 8) {
      if (byteSize >= 8) throw new SpecError(`bitfield ${member.name} cannot be read with a 64-bit load`);
      byteSize *= 2;
      byteOff = Math.floor(bitOff / 8 / byteSize) * byteSize;
    }
  } else {
    byteSize = resolveSize(src, fieldTypeId);
    if (byteSize < 0) throw new SpecError(`field ${member.name} has no size`);
    byteOff = bitOff / 8;
    bitSize = byteSize * 8;
  }
  // Bitfield layouts are ambiguous, so the compiler's values are not checked, except signedness and rshift.
  let validate = !bitfield;
  switch (kind) {
    case CoreReloKind.FIELD_BYTE_OFFSET:
      return { value: BigInt(byteOff), size: bitfield ? 0 : byteSize, typeId: bitfield ? 0 : fieldTypeId, validate };
    case CoreReloKind.FIELD_BYTE_SIZE:
      return { value: BigInt(byteSize), size: 0, typeId: 0, validate };
    case CoreReloKind.FIELD_SIGNED: {
      const signed = (isAnyEnum(fieldType) && fieldType.signed) || (fieldType?.kind === "int" && fieldType.signed);
      return { value: signed ? 1n : 0n, size: 0, typeId: 0, validate: true };
    }
    case CoreReloKind.FIELD_LSHIFT_U64:
      // Little-endian: shift the field's top bit up to bit 63.
      return { value: BigInt(64 - (bitOff + bitSize - byteOff * 8)), size: 0, typeId: 0, validate };
    case CoreReloKind.FIELD_RSHIFT_U64:
      validate = true;
      return { value: BigInt(64 - bitSize), size: 0, typeId: 0, validate };
    default:
      throw new SpecError(`unknown field relocation kind ${kind}`);
  }
}

function typeValue(kind: number, spec: CoreSpec | undefined): { value: bigint; validate: boolean } {
  if (spec === undefined) return { value: 0n, validate: true };
  switch (kind) {
    case CoreReloKind.TYPE_ID_TARGET:
      return { value: BigInt(spec.rootTypeId), validate: false }; // ids move when objects are linked
    case CoreReloKind.TYPE_EXISTS:
    case CoreReloKind.TYPE_MATCHES:
      return { value: 1n, validate: true };
    case CoreReloKind.TYPE_SIZE: {
      const size = resolveSize(spec.src, spec.rootTypeId);
      if (size < 0) throw new SpecError(`type [${spec.rootTypeId}] has no size`);
      return { value: BigInt(size), validate: true };
    }
    default:
      throw new SpecError(`unknown type relocation kind ${kind}`);
  }
}

function enumValue(kind: number, spec: CoreSpec | undefined): bigint | typeof POISON {
  if (kind === CoreReloKind.ENUMVAL_EXISTS) return spec ? 1n : 0n;
  if (spec === undefined) return POISON;
  const acc = spec.access[0]!;
  const t = spec.src.type(acc.typeId);
  if (!isAnyEnum(t)) throw new SpecError(`[${acc.typeId}] is not an enum`);
  return BigInt(t.values[acc.idx]!.value);
}

export interface RelocationResult {
  /** The value the compiler wrote (the local spec's). */
  original: bigint;
  /** The value for the target kernel. */
  value: bigint;
  poison: boolean;
  validate: boolean;
  /** Memory access sizes (field byte offsets on loads/stores) before and after, 0 when not a sized field. */
  originalSize: number;
  size: number;
  /** The size changed in a way a narrower or wider load cannot express (signed ints, structs): poison loads. */
  failSizeAdjust: boolean;
}

/** libbpf's bpf_core_calc_relo: local and target values for one relocation. */
export function calcRelocation(local: CoreSpec, target: CoreSpec | undefined): RelocationResult {
  const kind = local.kind;
  const result: RelocationResult = { original: 0n, value: 0n, poison: false, validate: true, originalSize: 0, size: 0, failSizeAdjust: false };
  if (isFieldBased(kind)) {
    const before = fieldValue(kind, local);
    if (before === POISON) throw new SpecError("the local spec cannot be resolved");
    const after = fieldValue(kind, target);
    result.original = before.value;
    result.validate = before.validate;
    result.originalSize = before.size;
    if (after === POISON) return { ...result, poison: true };
    result.value = after.value;
    result.size = after.size;
    if (before.size !== after.size) {
      const [, lt] = skipMods(local.src, before.typeId);
      const [, tt] = target ? skipMods(target.src, after.typeId) : [0, undefined];
      const pointers = lt?.kind === "ptr" && tt?.kind === "ptr";
      const unsigned = lt?.kind === "int" && tt?.kind === "int" && !lt.signed && !tt.signed;
      result.failSizeAdjust = !(pointers || unsigned);
    }
    return result;
  }
  if (isEnumvalBased(kind)) {
    const before = enumValue(kind, local);
    const after = enumValue(kind, target);
    if (before === POISON) throw new SpecError("the local spec cannot be resolved");
    result.original = before;
    if (after === POISON) return { ...result, poison: true };
    result.value = after;
    return result;
  }
  const before = typeValue(kind, local);
  result.original = before.value;
  result.validate = before.validate;
  result.value = typeValue(kind, target).value;
  return result;
}
