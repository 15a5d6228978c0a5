/**
 * A CO-RE access specification (libbpf's struct bpf_core_spec): the root type of a relocation
 * and the path its access string ("0:1:2") takes through it: an array index on the root, then
 * member and array indices, each resolved to the type it steps into and, for named members, the
 * member's name (what matching in the target compares). Anonymous members add their offset but
 * no accessor, as in libbpf, so that a field inside an anonymous union is found by name.
 */
import type { CoreRelocation } from "@tsbpf/object";
import { isEnumvalBased, isFieldBased, isTypeBased, reloKindName } from "./kinds.js";
import { describe, isAnyEnum, isComposite, resolveSize, skipMods, type TypeSource } from "./types.js";

/** libbpf's BPF_CORE_SPEC_MAX_LEN. */
export const MAX_SPEC_LEN = 64;

export interface Accessor {
  /** The struct/union (member access), array (index access) or enum (enumerator) stepped through. */
  typeId: number;
  idx: number;
  /** Member or enumerator name; undefined for array indexing. */
  name?: string;
}

export interface CoreSpec {
  src: TypeSource;
  rootTypeId: number;
  kind: number;
  access: Accessor[];
  /** The raw access indices (the access string's numbers, anonymous members included). */
  raw: number[];
  /** Bit offset of the field from the root pointer. */
  bitOffset: number;
}

/** A local spec that cannot be parsed: the object itself is wrong. */
export class SpecError extends Error {}

/** libbpf's is_flex_arr: a zero-length array as the last member of the struct holding it. */
export function isFlexArray(src: TypeSource, last: Accessor | undefined, nelems: number): boolean {
  if (last?.name === undefined || nelems > 0) return false;
  const t = src.type(last.typeId);
  return isComposite(t) && last.idx === t.members.length - 1;
}

export function parseAccessString(text: string): number[] {
  if (!/^\d+(:\d+)*$/.test(text)) throw new SpecError(`malformed access string '${text}'`);
  const raw = text.split(":").map(Number);
  if (raw.length > MAX_SPEC_LEN) throw new SpecError(`access string '${text}' is deeper than ${MAX_SPEC_LEN}`);
  return raw;
}

/** libbpf's bpf_core_parse_spec over the object's BTF. */
export function parseSpec(src: TypeSource, relo: CoreRelocation): CoreSpec {
  const raw = parseAccessString(relo.accessString);
  const spec: CoreSpec = { src, rootTypeId: relo.typeId, kind: relo.kind, access: [], raw, bitOffset: 0 };
  if (isTypeBased(relo.kind)) {
    if (raw.length !== 1 || raw[0] !== 0) throw new SpecError(`type relocation ${reloKindName(relo.kind)} needs access string "0", not '${relo.accessString}'`);
    return spec;
  }
  let [id, t] = skipMods(src, relo.typeId);
  if (t === undefined) throw new SpecError(`root type [${relo.typeId}] does not exist`);
  const first = raw[0]!;
  if (isEnumvalBased(relo.kind)) {
    if (!isAnyEnum(t) || raw.length > 1 || first >= t.values.length) {
      throw new SpecError(`enum value relocation on ${describe(src, id)} with access '${relo.accessString}'`);
    }
    spec.access.push({ typeId: id, idx: first, name: t.values[first]!.name });
    return spec;
  }
  if (!isFieldBased(relo.kind)) throw new SpecError(`unknown relocation kind ${relo.kind}`);
  spec.access.push({ typeId: id, idx: first });
  const size = resolveSize(src, id);
  if (size < 0) throw new SpecError(`root type ${describe(src, id)} has no size`);
  spec.bitOffset = first * size * 8;
  for (let i = 1; i < raw.length; i++) {
    [id, t] = skipMods(src, id);
    const idx = raw[i]!;
    if (isComposite(t)) {
      const member = t.members[idx];
      if (member === undefined) throw new SpecError(`${describe(src, id)} has no member #${idx}`);
      spec.bitOffset += member.bitOffset;
      if (member.name !== "") spec.access.push({ typeId: id, idx, name: member.name });
      id = member.type;
    } else if (t?.kind === "array") {
      const flex = isFlexArray(src, spec.access[spec.access.length - 1], t.nelems);
      if (!flex && idx >= t.nelems) throw new SpecError(`index ${idx} is outside ${describe(src, id)}[${t.nelems}]`);
      // As libbpf: an index accessor records the element type (after typedefs and qualifiers).
      const [elemId] = skipMods(src, t.type);
      spec.access.push({ typeId: elemId, idx });
      const elemSize = resolveSize(src, elemId);
      if (elemSize < 0) throw new SpecError(`array element of [${id}] has no size`);
      spec.bitOffset += idx * elemSize * 8;
      id = elemId;
    } else {
      throw new SpecError(`access '${relo.accessString}' steps into ${describe(src, id)}, which is neither a struct, a union nor an array`);
    }
  }
  return spec;
}

/**
 * The field a spec names, for messages: `task_struct.real_parent.tgid`, `sk_buff.cb[2]`,
 * `enum pid_type::PIDTYPE_TGID`, `struct task_struct` (type relocations).
 */
export function formatSpec(spec: CoreSpec): string {
  const root = describe(spec.src, spec.rootTypeId);
  if (isTypeBased(spec.kind)) return root;
  if (isEnumvalBased(spec.kind)) return `${root}::${spec.access[0]?.name ?? "?"}`;
  let text = root.replace(/^(struct|union) /, "");
  const [first, ...rest] = spec.access;
  if (first && first.idx !== 0) text += `[${first.idx}]`;
  for (const acc of rest) text += acc.name !== undefined ? `.${acc.name}` : `[${acc.idx}]`;
  return text;
}
