/**
 * Matching a local spec against one candidate type of the target BTF, by libbpf's rules
 * (relo_core.c): members by exact name, recursing into anonymous structs and unions; field types
 * compatible (bpf_core_fields_are_compat); whole types compatible (bpf_core_types_are_compat) or
 * matching (bpf_core_types_match, for TYPE_MATCHES); enumerators by essential name.
 */
import { essentialName, type BtfType } from "@tsbpf/object";
import { CoreReloKind, isEnumvalBased, isTypeBased } from "./kinds.js";
import { isFlexArray, MAX_SPEC_LEN, SpecError, type Accessor, type CoreSpec } from "./spec.js";
import { isAnyEnum, isComposite, kindsCompatible, nameOf, resolveSize, skipMods, type TypeSource } from "./types.js";

const MAX_DEPTH = 32;

/** libbpf's bpf_core_names_match: an anonymous target only matches an anonymous local; else essential names. */
export function namesMatch(local: string, target: string): boolean {
  if (target === "") return local === "";
  return essentialName(local) === essentialName(target);
}

function intOffset(t: BtfType): number {
  return t.kind === "int" ? t.offset : 0;
}

/** libbpf's bpf_core_fields_are_compat. */
export function fieldsAreCompat(local: TypeSource, localId: number, target: TypeSource, targetId: number): boolean {
  for (let depth = MAX_DEPTH; depth > 0; depth--) {
    const [, lt] = skipMods(local, localId);
    const [, tt] = skipMods(target, targetId);
    if (lt === undefined || tt === undefined) return false;
    if (isComposite(lt) && isComposite(tt)) return true;
    if (!kindsCompatible(lt, tt)) return false;
    switch (lt.kind) {
      case "ptr":
      case "float":
        return true;
      case "fwd":
      case "enum":
      case "enum64": {
        const a = essentialName(nameOf(lt));
        const b = essentialName(nameOf(tt));
        return a === "" || b === "" || a === b;
      }
      case "int":
        return intOffset(lt) === 0 && intOffset(tt) === 0;
      case "array":
        localId = lt.type;
        targetId = (tt as Extract<BtfType, { kind: "array" }>).type;
        break;
      default:
        return false;
    }
  }
  throw new SpecError("field types nest deeper than 32 levels");
}

/** libbpf's bpf_core_types_are_compat (TYPE_EXISTS, TYPE_SIZE, TYPE_ID_TARGET). */
export function typesAreCompat(local: TypeSource, localId: number, target: TypeSource, targetId: number, level = MAX_DEPTH): boolean {
  const l0 = local.type(localId);
  const t0 = target.type(targetId);
  if (l0 === undefined || t0 === undefined || !kindsCompatible(l0, t0)) return false;
  for (let depth = MAX_DEPTH; depth > 0; depth--) {
    const [, lt] = skipMods(local, localId);
    const [, tt] = skipMods(target, targetId);
    if (lt === undefined || tt === undefined) return false;
    if (!kindsCompatible(lt, tt)) return false;
    switch (lt.kind) {
      case "struct":
      case "union":
      case "enum":
      case "enum64":
      case "fwd":
        return true;
      case "int":
        return intOffset(lt) === 0 && intOffset(tt) === 0;
      case "ptr":
        localId = lt.type;
        targetId = (tt as Extract<BtfType, { kind: "ptr" }>).type;
        break;
      case "array":
        localId = lt.type;
        targetId = (tt as Extract<BtfType, { kind: "array" }>).type;
        break;
      case "func_proto": {
        const tp = tt as Extract<BtfType, { kind: "func_proto" }>;
        if (lt.params.length !== tp.params.length) return false;
        if (level <= 0) throw new SpecError("function prototypes nest too deeply");
        for (let i = 0; i < lt.params.length; i++) {
          if (!typesAreCompat(local, skipMods(local, lt.params[i]!.type)[0], target, skipMods(target, tp.params[i]!.type)[0], level - 1)) return false;
        }
        localId = lt.returnType;
        targetId = tp.returnType;
        break;
      }
      default:
        return false;
    }
  }
  throw new SpecError("types nest deeper than 32 levels");
}

function enumsMatch(lt: Extract<BtfType, { kind: "enum" | "enum64" }>, tt: Extract<BtfType, { kind: "enum" | "enum64" }>): boolean {
  if (lt.size !== tt.size || lt.values.length > tt.values.length) return false;
  return lt.values.every((lv) => tt.values.some((tv) => namesMatch(lv.name, tv.name)));
}

/** libbpf's __bpf_core_types_match (TYPE_MATCHES: the local type's shape is found in the target). */
export function typesMatch(local: TypeSource, localId: number, target: TypeSource, targetId: number, behindPtr = false, level = MAX_DEPTH): boolean {
  if (level <= 0) throw new SpecError("types nest too deeply");
  for (let depth = MAX_DEPTH; depth > 0; depth--) {
    const [, lt] = skipMods(local, localId);
    const [, tt] = skipMods(target, targetId);
    if (lt === undefined || tt === undefined) return lt === tt && localId === 0 && targetId === 0;
    if (!namesMatch(nameOf(lt), nameOf(tt))) return false;
    switch (lt.kind) {
      case "fwd":
        if (behindPtr && tt.kind !== "fwd") return (tt.kind === "struct" && !lt.union) || (tt.kind === "union" && lt.union);
        return tt.kind === "fwd" && tt.union === lt.union;
      case "enum":
      case "enum64":
        return isAnyEnum(tt) && enumsMatch(lt, tt);
      case "struct":
      case "union":
        if (behindPtr) {
          if (tt.kind === lt.kind) return true;
          return tt.kind === "fwd" && (lt.kind === "union") === tt.union;
        }
        if (tt.kind !== lt.kind) return false;
        if (lt.members.length > tt.members.length) return false;
        return lt.members.every((lm) =>
          tt.members.some((tm) => namesMatch(lm.name, tm.name) && typesMatch(local, lm.type, target, tm.type, behindPtr, level - 1)),
        );
      case "int":
        return tt.kind === "int" && lt.size === tt.size && lt.signed === tt.signed;
      case "ptr":
        if (tt.kind !== "ptr") return false;
        behindPtr = true;
        localId = lt.type;
        targetId = tt.type;
        break;
      case "array":
        if (tt.kind !== "array" || lt.nelems !== tt.nelems) return false;
        localId = lt.type;
        targetId = tt.type;
        break;
      case "func_proto": {
        if (tt.kind !== "func_proto" || lt.params.length !== tt.params.length) return false;
        for (let i = 0; i < lt.params.length; i++) {
          if (!typesMatch(local, lt.params[i]!.type, target, tt.params[i]!.type, behindPtr, level - 1)) return false;
        }
        localId = lt.returnType;
        targetId = tt.returnType;
        break;
      }
      default:
        return false;
    }
  }
  throw new SpecError("types nest deeper than 32 levels");
}

/**
 * libbpf's bpf_core_match_member: finds the local accessor's member (by exact name) in the target
 * composite `targetId`, descending into anonymous members; on success the target spec gains the
 * raw indices of the path and the accessor, and the id of the member's type is returned.
 */
function matchMember(local: TypeSource, acc: Accessor, target: TypeSource, targetId: number, spec: CoreSpec): number | undefined {
  const lt = local.type(acc.typeId);
  if (!isComposite(lt)) return undefined;
  const localMember = lt.members[acc.idx]!;
  const [tid, tt] = skipMods(target, targetId);
  if (!isComposite(tt)) return undefined;
  for (let i = 0; i < tt.members.length; i++) {
    const m = tt.members[i]!;
    if (spec.raw.length === MAX_SPEC_LEN) throw new SpecError(`the access path is deeper than ${MAX_SPEC_LEN}`);
    spec.bitOffset += m.bitOffset;
    spec.raw.push(i);
    if (m.name === "") {
      const found = matchMember(local, acc, target, m.type, spec);
      if (found !== undefined) return found;
    } else if (m.name === localMember.name) {
      if (!fieldsAreCompat(local, localMember.type, target, m.type)) {
        spec.bitOffset -= m.bitOffset;
        spec.raw.pop();
        return undefined;
      }
      spec.access.push({ typeId: tid, idx: i, name: m.name });
      return m.type;
    }
    spec.bitOffset -= m.bitOffset;
    spec.raw.pop();
  }
  return undefined;
}

/**
 * libbpf's bpf_core_spec_match: the target spec for candidate `targetId`, or undefined when the
 * candidate does not match the local spec.
 */
export function matchSpec(localSpec: CoreSpec, target: TypeSource, targetId: number): CoreSpec | undefined {
  const local = localSpec.src;
  const spec: CoreSpec = { src: target, rootTypeId: targetId, kind: localSpec.kind, access: [], raw: [], bitOffset: 0 };
  if (isTypeBased(localSpec.kind)) {
    const ok =
      localSpec.kind === CoreReloKind.TYPE_MATCHES
        ? typesMatch(local, localSpec.rootTypeId, target, targetId)
        : typesAreCompat(local, localSpec.rootTypeId, target, targetId);
    return ok ? spec : undefined;
  }
  const localAcc = localSpec.access[0]!;
  if (isEnumvalBased(localSpec.kind)) {
    const [tid, tt] = skipMods(target, targetId);
    if (!isAnyEnum(tt)) return undefined;
    const want = essentialName(localAcc.name ?? "");
    const idx = tt.values.findIndex((v) => essentialName(v.name) === want);
    if (idx < 0) return undefined;
    spec.access.push({ typeId: tid, idx, name: tt.values[idx]!.name });
    spec.raw.push(idx);
    return spec;
  }
  let id = targetId;
  for (let i = 0; i < localSpec.access.length; i++) {
    const acc = localSpec.access[i]!;
    const [tid, tt] = skipMods(target, id);
    if (tt === undefined) return undefined;
    if (acc.name !== undefined) {
      const next = matchMember(local, acc, target, tid, spec);
      if (next === undefined) return undefined;
      id = next;
      continue;
    }
    let elemId = tid;
    if (i > 0) {
      if (tt.kind !== "array") return undefined;
      const flex = isFlexArray(target, spec.access[spec.access.length - 1], tt.nelems);
      if (!flex && acc.idx >= tt.nelems) return undefined;
      elemId = skipMods(target, tt.type)[0];
    }
    if (spec.raw.length === MAX_SPEC_LEN) throw new SpecError(`the access path is deeper than ${MAX_SPEC_LEN}`);
    spec.access.push({ typeId: elemId, idx: acc.idx });
    spec.raw.push(acc.idx);
    const size = resolveSize(target, elemId);
    if (size < 0) throw new SpecError(`target type [${elemId}] has no size`);
    spec.bitOffset += acc.idx * size * 8;
    id = elemId;
  }
  return spec;
}
