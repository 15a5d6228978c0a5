/**
 * Marshalling of map keys, map values, ring buffer records and global variables, driven by the
 * object's BTF: `encodeValue` validates a user-space value and lays it out as the kernel expects,
 * `decodeValue` reads the kernel's bytes back into plain values.
 */
import type { Btf } from "@tsbpf/object";
import * as z from "zod/mini";
import { describeType, skipModifiers } from "../btf/query.js";
import { BpfError, MapError, ObjectError } from "../errors.js";
import { arrayCodec, structCodec } from "./aggregates.js";
import { describeInput, lazySchema, type Codec } from "./codec.js";
import { enumCodec, floatCodec, intCodec, pointerCodec } from "./scalars.js";

export type { Codec } from "./codec.js";

const cache = new WeakMap<Btf, Map<number, Codec>>();

/** The codec of type `typeId` in `btf` (built once, then cached). */
export function codecFor(btf: Btf, typeId: number): Codec {
  let perBtf = cache.get(btf);
  if (!perBtf) cache.set(btf, (perBtf = new Map()));
  const known = perBtf.get(typeId);
  if (known) return known;
  let codec: Codec;
  try {
    codec = build(btf, typeId, new Set());
  } catch (error) {
    // A type the object's BTF declares but values cannot take (a sizeless kind, a 2 GB integer,
    // a type containing itself) is a defect of the object, reported as one.
    if (error instanceof BpfError) throw error;
    throw new ObjectError(`type ${typeId} cannot be marshalled: ${(error as Error).message}`, { section: ".BTF", cause: error });
  }
  perBtf.set(typeId, codec);
  return codec;
}

function build(btf: Btf, typeId: number, visiting: Set<number>): Codec {
  const describe = describeType(btf, typeId);
  const [id, t] = skipModifiers(btf, typeId);
  if (visiting.has(id)) throw new Error(`${describe} contains itself and cannot be marshalled`);
  const inner = (child: number) => {
    visiting.add(id);
    try {
      return build(btf, child, visiting);
    } finally {
      visiting.delete(id);
    }
  };
  if (!t) throw new Error(`type ${typeId} is void or unknown and cannot be marshalled`);
  switch (t.kind) {
    case "int":
      return intCodec(t);
    case "enum":
    case "enum64":
      return enumCodec(t);
    case "ptr":
      return pointerCodec(describe);
    case "float":
      return floatCodec(t);
    case "array":
      return arrayCodec(btf, t, inner, describe);
    case "struct":
    case "union":
      return structCodec(btf, t, inner, describe);
    case "var":
      return inner(t.type);
    default:
      throw new Error(`${describe} (${t.kind}) cannot be marshalled`);
  }
}

/** A codec for types without BTF: the bytes themselves, as a Uint8Array of exactly `size` bytes. */
export function rawCodec(size: number): Codec {
  return lazySchema({
    size,
    describe: `${size} bytes`,
    fits: (value: unknown) => value instanceof Uint8Array && value.length === size,
    write: (view: DataView, offset: number, value: unknown) => new Uint8Array(view.buffer, view.byteOffset + offset, size).set(value as Uint8Array),
    read: (view: DataView, offset: number) => new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + size)),
  }, () => z
    .instanceof(Uint8Array, { error: (issue) => `expected a Uint8Array of ${size} bytes (the map has no BTF), got ${describeInput(issue.input)}` })
    .check(z.refine((b) => b.length === size, { error: (issue) => `expected ${size} bytes, got ${(issue.input as Uint8Array).length}` })));
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
}

export interface EncodeContext {
  /** The map the value is for (in error messages). */
  map?: string;
  /** "key", "value", "config foo": what the value is (in error messages). */
  what?: string;
}

/** Validates `value` against the codec; a MapError naming every problem (with its path) if it does not fit. */
export function validate(codec: Codec, value: unknown, context: EncodeContext = {}): void {
  if (codec.fits?.(value)) return;
  const result = codec.schema.safeParse(value);
  if (result.success) return;
  const what = context.what ?? "value";
  const problems = result.error.issues.map((issue) => {
    const path = issue.path as PropertyKey[];
    const message = issue.code === "unrecognized_keys" ? `unknown field(s) ${issue.keys.join(", ")} for ${codec.describe}` : issue.message;
    return `${what}${formatPath(path)}: ${message}`;
  });
  throw new MapError(problems.join("; "), { map: context.map });
}

/** Validates and writes `value` into `view` at `offset`. */
export function encodeInto(codec: Codec, view: DataView, offset: number, value: unknown, context?: EncodeContext): void {
  validate(codec, value, context);
  codec.write(view, offset, value);
}

/** Encodes a user-space value as BTF type `typeId` lays it out. Throws MapError when it does not fit. */
export function encodeValue(btf: Btf, typeId: number, value: unknown, context?: EncodeContext): Uint8Array {
  const codec = codecFor(btf, typeId);
  const bytes = new Uint8Array(codec.size);
  encodeInto(codec, new DataView(bytes.buffer), 0, value, context);
  return bytes;
}

/** Decodes bytes laid out as BTF type `typeId`. */
export function decodeValue(btf: Btf, typeId: number, bytes: Uint8Array): unknown {
  const codec = codecFor(btf, typeId);
  if (bytes.byteLength < codec.size) {
    throw new MapError(`${codec.describe} needs ${codec.size} bytes, got ${bytes.byteLength}`);
  }
  return codec.read(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0);
}
