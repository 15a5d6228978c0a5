/**
 * `LazyBtf`: a `.BTF` blob read on demand, for the kernel's BTF (/sys/kernel/btf/vmlinux has
 * ~130k types, and module BTF is split BTF on top of it). Opening it walks the type headers once
 * and keeps one offset per type (4 bytes each); a type is decoded into the `BtfType` model when
 * it is first asked for and cached; names are indexed (a hash of each type's essential name, see
 * flavor.ts) the first time a name is looked up. Nothing else is allocated, so a program that
 * needs twenty kernel types pays for twenty.
 *
 * The eager codec (`decodeBtf`) is unchanged: `toBtf()` gives its model when a whole BTF is needed.
 */
import { ObjectFormatError } from "../errors.js";
import { checkHeader, decodeBtf } from "./codec.js";
import { essentialByteLength } from "./flavor.js";
import { readTypeRecord, trailingBytes } from "./type-record.js";
import type { Btf, BtfType } from "./types.js";

const SECTION = ".BTF";
const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/** The name hash index over one BTF's own types: open addressing, linear probing. */
interface NameIndex {
  mask: number;
  /** Type id per slot, 0 for an empty slot. */
  ids: Int32Array;
  /** FNV-1a hash of the essential name per slot. */
  hashes: Uint32Array;
}

function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

export class LazyBtf {
  /** The id of this BTF's first own type: 1, or for split BTF the base's last id + 1. */
  readonly firstTypeId: number;
  /** Number of this BTF's own types. */
  readonly count: number;
  /** For split BTF (module BTF): the base (vmlinux) whose ids and strings come first. */
  readonly base: LazyBtf | undefined;
  /** The blob as given. */
  readonly bytes: Uint8Array;
  private readonly _view: DataView;
  /** Byte offset in `bytes` of each own type's record. */
  private readonly _offsets: Uint32Array;
  /** Where this blob's string section starts in `bytes`, and how many base string bytes come before it. */
  private readonly _strStart: number;
  private readonly _strLen: number;
  private readonly _strBase: number;
  private readonly _cache: (BtfType | undefined)[] = [];
  private _index: NameIndex | undefined;

  private constructor(bytes: Uint8Array, base: LazyBtf | undefined) {
    this.bytes = bytes;
    this.base = base;
    this._view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const v = this._view;
    const header = checkHeader(bytes, SECTION);
    const typeStart = header.typeStart;
    const typeEnd = typeStart + header.typeLen;
    this._strStart = header.strStart;
    this._strLen = header.strLen;
    if (base === undefined && (this._strLen === 0 || bytes[this._strStart] !== 0)) {
      throw new ObjectFormatError(SECTION, "string section must start with a NUL byte");
    }
    if (this._strLen > 0 && bytes[this._strStart + this._strLen - 1] !== 0) {
      throw new ObjectFormatError(SECTION, "string section must end with a NUL byte");
    }
    this._strBase = base === undefined ? 0 : base._strLen;
    this.firstTypeId = base === undefined ? 1 : base.lastTypeId + 1;

    // The one pass over every record: where each starts. Sized for vmlinux's ~50 bytes a type.
    let offsets = new Uint32Array(Math.max(16, ((typeEnd - typeStart) / 24) | 0));
    let n = 0;
    for (let at = typeStart; at < typeEnd; n++) {
      if (at + 12 > typeEnd) throw new ObjectFormatError(SECTION, `type [${this.firstTypeId + n}] data runs past the end of the type section`);
      const info = v.getUint32(at + 4, true);
      const extra = trailingBytes((info >>> 24) & 0x1f, info & 0xffff);
      if (extra < 0) throw new ObjectFormatError(SECTION, `type [${this.firstTypeId + n}]: unknown kind ${(info >>> 24) & 0x1f}`);
      if (n === offsets.length) {
        const grown = new Uint32Array(offsets.length * 2);
        grown.set(offsets);
        offsets = grown;
      }
      offsets[n] = at;
      at += 12 + extra;
      if (at > typeEnd) throw new ObjectFormatError(SECTION, `type [${this.firstTypeId + n}] data runs past the end of the type section`);
    }
    this._offsets = offsets.slice(0, n);
    this.count = n;
  }

  /**
   * Opens a `.BTF` blob (vmlinux's, a module's with `base`, or an object's). Checks the header and
   * every record's bounds and kind; decodes nothing else.
   */
  static parse(bytes: Uint8Array, base?: LazyBtf): LazyBtf {
    return new LazyBtf(bytes, base);
  }

  /** The id of the last type (this BTF's own, or the base's when it has none). */
  get lastTypeId(): number {
    return this.firstTypeId + this.count - 1;
  }

  /** The BTF that holds `id` (this one or a base), or undefined. */
  private _owner(id: number): LazyBtf | undefined {
    if (id >= this.firstTypeId) return id <= this.lastTypeId ? this : undefined;
    return this.base?._owner(id);
  }

  /** `BTF_KIND_*` number of type `id` (0 for void and unknown ids), without decoding it. */
  kindOf(id: number): number {
    const owner = this._owner(id);
    if (owner === undefined) return 0;
    return (owner._view.getUint32(owner._offsets[id - owner.firstTypeId]! + 4, true) >>> 24) & 0x1f;
  }

  /** Name of type `id` ("" for anonymous types, void and unknown ids), without decoding it. */
  nameOf(id: number): string {
    const owner = this._owner(id);
    if (owner === undefined) return "";
    return owner.string(owner._view.getUint32(owner._offsets[id - owner.firstTypeId]!, true));
  }

  /** The string at `offset` of the string section (split BTF: offsets below the base's size are the base's). */
  string(offset: number): string {
    const [bytes, start, end] = this._stringBytes(offset);
    return end - start < 1 ? "" : utf8.decode(bytes.subarray(start, end));
  }

  private _stringBytes(offset: number): [Uint8Array, number, number] {
    if (offset < this._strBase) return this.base!._stringBytes(offset);
    const local = offset - this._strBase;
    if (local >= this._strLen) throw new ObjectFormatError(SECTION, `name offset ${offset} is outside the string table`);
    const start = this._strStart + local;
    const end = this.bytes.indexOf(0, start);
    if (end < 0 || end >= this._strStart + this._strLen) throw new ObjectFormatError(SECTION, `string at offset ${offset} is not NUL-terminated`);
    return [this.bytes, start, end];
  }

  /** The type with `id` (decoded once, then cached), or undefined for void and unknown ids. */
  type(id: number): BtfType | undefined {
    const owner = this._owner(id);
    if (owner === undefined) return undefined;
    const i = id - owner.firstTypeId;
    let type = owner._cache[i];
    if (type === undefined) {
      type = readTypeRecord(owner._view, owner._offsets[i]!, id, (off) => owner.string(off), SECTION);
      owner._checkReferences(id, type);
      owner._cache[i] = type;
    }
    return type;
  }

  /**
   * A decoded type's references must name types of this BTF (or its base): the one check of
   * validateBtf made per type, when it is decoded, since a vmlinux-sized blob is never walked whole.
   */
  private _checkReferences(id: number, type: BtfType): void {
    const last = this.lastTypeId;
    const bad = (ref: number) => ref > last;
    let dangling: number | undefined;
    switch (type.kind) {
      case "array":
        dangling = [type.type, type.indexType].find(bad);
        break;
      case "struct":
      case "union":
        dangling = type.members.find((m) => bad(m.type))?.type;
        break;
      case "func_proto":
        dangling = bad(type.returnType) ? type.returnType : type.params.find((p) => bad(p.type))?.type;
        break;
      case "datasec":
        dangling = type.vars.find((v) => bad(v.type))?.type;
        break;
      default:
        if ("type" in type && bad(type.type)) dangling = type.type;
    }
    if (dangling !== undefined) throw new ObjectFormatError(SECTION, `type [${id}] (${type.kind}) refers to type id ${dangling}, which does not exist (the last is ${last})`);
  }

  /** The type with `id`; throws an ObjectFormatError for void and unknown ids. */
  typeById(id: number): BtfType {
    const type = this.type(id);
    if (type === undefined) throw new ObjectFormatError(SECTION, id === 0 ? "type id 0 is void, which has no type record" : `type id ${id} does not exist`);
    return type;
  }

  private _nameIndex(): NameIndex {
    if (this._index !== undefined) return this._index;
    const v = this._view;
    let named = 0;
    for (let i = 0; i < this.count; i++) if (v.getUint32(this._offsets[i]!, true) !== 0) named++;
    let size = 16;
    while (size < named * 2) size <<= 1;
    const index: NameIndex = { mask: size - 1, ids: new Int32Array(size), hashes: new Uint32Array(size) };
    const bytes = this.bytes;
    for (let i = 0; i < this.count; i++) {
      const nameOff = v.getUint32(this._offsets[i]!, true);
      if (nameOff === 0) continue;
      let h: number;
      if (nameOff < this._strBase) {
        const [baseBytes, start, end] = this._stringBytes(nameOff);
        h = fnv1a(baseBytes, start, start + essentialByteLength(baseBytes, start, end));
      } else {
        // Hot loop (~100k names in vmlinux): hash up to the NUL in one scan; only a name with
        // a run of three underscores (a possible flavour) is hashed again up to its essential end.
        const start = this._strStart + nameOff - this._strBase;
        const limit = this._strStart + this._strLen;
        h = 0x811c9dc5;
        let run = 0;
        let flavour = false;
        let k = start;
        for (; k < limit; k++) {
          const c = bytes[k]!;
          if (c === 0) break;
          h = Math.imul(h ^ c, 0x01000193);
          run = c === 0x5f ? run + 1 : 0;
          if (run === 3) flavour = true;
        }
        if (k === limit) throw new ObjectFormatError(SECTION, `string at offset ${nameOff} is not NUL-terminated`);
        h >>>= 0;
        if (flavour) h = fnv1a(bytes, start, start + essentialByteLength(bytes, start, k));
      }
      let slot = h & index.mask;
      while (index.ids[slot] !== 0) slot = (slot + 1) & index.mask;
      index.ids[slot] = this.firstTypeId + i;
      index.hashes[slot] = h;
    }
    this._index = index;
    return index;
  }

  /**
   * Ids of this BTF's own types whose essential name (flavour stripped) is `essential`, in id
   * order: CO-RE's candidate list. `exact` keeps only types named exactly `essential`.
   */
  ownIdsByEssentialName(essential: string, exact = false): number[] {
    if (essential === "" || this.count === 0) return [];
    const index = this._nameIndex();
    const want = encoder.encode(essential);
    // The index hashes essential names: an exact query with a flavour hashes its essential part.
    const h = fnv1a(want, 0, exact ? essentialByteLength(want, 0, want.length) : want.length);
    const found: number[] = [];
    for (let slot = h & index.mask; index.ids[slot] !== 0; slot = (slot + 1) & index.mask) {
      if (index.hashes[slot] !== h) continue;
      const id = index.ids[slot]!;
      const [bytes, start, end] = this._stringBytes(this._view.getUint32(this._offsets[id - this.firstTypeId]!, true));
      const length = exact ? end - start : essentialByteLength(bytes, start, end);
      if (length !== want.length) continue;
      let same = true;
      for (let k = 0; k < length && same; k++) same = bytes[start + k] === want[k];
      if (same) found.push(id);
    }
    return found.sort((a, b) => a - b);
  }

  /**
   * The first type named exactly `name` (optionally of `kind`), in this BTF and then its base.
   * The first call builds the name index (one pass over the names).
   */
  findByName(name: string, kind?: BtfType["kind"]): { id: number; type: BtfType } | undefined {
    for (const id of this.ownIdsByEssentialName(name, true)) {
      const type = this.type(id)!;
      if (kind === undefined || type.kind === kind) return { id, type };
    }
    return this.base?.findByName(name, kind);
  }

  /** Every own type id, in order (decode each with `type`). */
  *ids(): IterableIterator<number> {
    for (let id = this.firstTypeId; id <= this.lastTypeId; id++) yield id;
  }

  /** The whole BTF as the eager codec's model (decodes every type; the base's too). */
  toBtf(): Btf {
    return decodeBtf(this.bytes, this.base?.toBtf());
  }
}
