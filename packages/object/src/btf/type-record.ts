/**
 * One `struct btf_type` record and its kind's trailing data, decoded from a `.BTF` type section.
 * Shared by the eager decoder (codec.ts, every type at once) and the lazy one (lazy.ts, a type
 * when it is asked for): both walk the same records, so the layout rules live here once.
 */
import { ObjectFormatError } from "../errors.js";
import { BtfKind, IntEncoding } from "./kinds.js";
import type { BtfMember, BtfType } from "./types.js";

// Kind numbers as module-level constants: bundlers and test transforms may turn `BtfKind.X` into a
// getter call on an import namespace, which is measurable in the vmlinux-sized loop.
const { INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64 } = BtfKind;
const SIGNED = IntEncoding.SIGNED;
const CHAR = IntEncoding.CHAR;
const BOOL = IntEncoding.BOOL;

const modifierKinds: Record<number, "typedef" | "volatile" | "const" | "restrict" | "type_tag"> = {
  [TYPEDEF]: "typedef",
  [VOLATILE]: "volatile",
  [CONST]: "const",
  [RESTRICT]: "restrict",
  [TYPE_TAG]: "type_tag",
};

/**
 * Bytes of trailing data after the 12-byte header for a type of `kind` with `vlen` entries, or -1
 * for a kind this decoder does not know.
 */
export function trailingBytes(kind: number, vlen: number): number {
  switch (kind) {
    case INT:
    case VAR:
    case DECL_TAG:
      return 4;
    case ARRAY:
      return 12;
    case STRUCT:
    case UNION:
    case DATASEC:
    case ENUM64:
      return 12 * vlen;
    case ENUM:
    case FUNC_PROTO:
      return 8 * vlen;
    case PTR:
    case FWD:
    case TYPEDEF:
    case VOLATILE:
    case CONST:
    case RESTRICT:
    case FUNC:
    case FLOAT:
    case TYPE_TAG:
      return 0;
    default:
      return -1;
  }
}

/**
 * Decodes the type record at byte `at` of `view` (a type section whose records were bounds-checked
 * by the caller: `at + 12 + trailingBytes(...)` is inside it). `str` resolves name offsets.
 */
export function readTypeRecord(view: DataView, at: number, id: number, str: (offset: number) => string, section: string): BtfType {
  const nameOff = view.getUint32(at, true);
  const infoWord = view.getUint32(at + 4, true);
  const sizeOrType = view.getUint32(at + 8, true);
  const vlen = infoWord & 0xffff;
  const kind = (infoWord >>> 24) & 0x1f;
  const kindFlag = infoWord >>> 31 === 1;
  at += 12;
  switch (kind) {
    case INT: {
      const enc = view.getUint32(at, true);
      const flags = enc >>> 24;
      return {
        kind: "int",
        name: str(nameOff),
        size: sizeOrType,
        signed: (flags & SIGNED) !== 0,
        char: (flags & CHAR) !== 0,
        bool: (flags & BOOL) !== 0,
        offset: (enc >>> 16) & 0xff,
        bits: enc & 0xff,
      };
    }
    case PTR:
      return { kind: "ptr", type: sizeOrType };
    case ARRAY:
      return { kind: "array", type: view.getUint32(at, true), indexType: view.getUint32(at + 4, true), nelems: view.getUint32(at + 8, true) };
    case STRUCT:
    case UNION: {
      const members: BtfMember[] = new Array(vlen);
      for (let i = 0; i < vlen; i++, at += 12) {
        const offset = view.getUint32(at + 8, true);
        members[i] = {
          name: str(view.getUint32(at, true)),
          type: view.getUint32(at + 4, true),
          bitOffset: kindFlag ? offset & 0xffffff : offset,
          bitfieldSize: kindFlag ? offset >>> 24 : 0,
        };
      }
      return { kind: kind === STRUCT ? "struct" : "union", name: str(nameOff), size: sizeOrType, members };
    }
    case ENUM: {
      const values: { name: string; value: number }[] = new Array(vlen);
      for (let i = 0; i < vlen; i++, at += 8) {
        values[i] = { name: str(view.getUint32(at, true)), value: kindFlag ? view.getInt32(at + 4, true) : view.getUint32(at + 4, true) };
      }
      return { kind: "enum", name: str(nameOff), size: sizeOrType, signed: kindFlag, values };
    }
    case ENUM64: {
      const values: { name: string; value: bigint }[] = new Array(vlen);
      for (let i = 0; i < vlen; i++, at += 12) {
        const bits = (BigInt(view.getUint32(at + 8, true)) << 32n) | BigInt(view.getUint32(at + 4, true));
        values[i] = { name: str(view.getUint32(at, true)), value: kindFlag ? BigInt.asIntN(64, bits) : bits };
      }
      return { kind: "enum64", name: str(nameOff), size: sizeOrType, signed: kindFlag, values };
    }
    case FWD:
      return { kind: "fwd", name: str(nameOff), union: kindFlag };
    case TYPEDEF:
    case VOLATILE:
    case CONST:
    case RESTRICT:
    case TYPE_TAG: {
      const modifier = modifierKinds[kind]!;
      return kindFlag && kind === TYPE_TAG
        ? { kind: modifier, name: str(nameOff), type: sizeOrType, attribute: true }
        : { kind: modifier, name: str(nameOff), type: sizeOrType };
    }
    case FUNC:
      return { kind: "func", name: str(nameOff), type: sizeOrType, linkage: vlen };
    case FUNC_PROTO: {
      const params: { name: string; type: number }[] = new Array(vlen);
      for (let i = 0; i < vlen; i++, at += 8) params[i] = { name: str(view.getUint32(at, true)), type: view.getUint32(at + 4, true) };
      return { kind: "func_proto", returnType: sizeOrType, params };
    }
    case VAR:
      return { kind: "var", name: str(nameOff), type: sizeOrType, linkage: view.getUint32(at, true) };
    case DATASEC: {
      const vars: { type: number; offset: number; size: number }[] = new Array(vlen);
      for (let i = 0; i < vlen; i++, at += 12) {
        vars[i] = { type: view.getUint32(at, true), offset: view.getUint32(at + 4, true), size: view.getUint32(at + 8, true) };
      }
      return { kind: "datasec", name: str(nameOff), size: sizeOrType, vars };
    }
    case FLOAT:
      return { kind: "float", name: str(nameOff), size: sizeOrType };
    case DECL_TAG: {
      const componentIdx = view.getInt32(at, true);
      return kindFlag
        ? { kind: "decl_tag", name: str(nameOff), type: sizeOrType, componentIdx, attribute: true }
        : { kind: "decl_tag", name: str(nameOff), type: sizeOrType, componentIdx };
    }
    default:
      throw new ObjectFormatError(section, `type [${id}]: unknown kind ${kind}`);
  }
}
