/**
 * A codec turns one BTF type into user-space values and back: `schema` validates what user space
 * passes (so that nothing is silently truncated or wrapped), `write` lays a validated value into
 * bytes, `read` decodes bytes the kernel produced. Codecs are built once per (BTF, type id).
 */
import type { z } from "zod/mini";

export interface Codec {
  /** Byte size of the type. */
  readonly size: number;
  /** What the type is, for messages ("u32", "struct event", "char[16]"). */
  readonly describe: string;
  /** Validation of user-space values (built on first use: loading an object builds codecs it may never validate with). */
  readonly schema: z.ZodMiniType;
  /**
   * A quick yes for a value that plainly fits (checked exactly as the schema checks it), so that
   * the common case (a number for a u32 `@config` field) runs no schema; a no runs the schema,
   * which says what is wrong. Codecs without it always run the schema.
   */
  fits?(value: unknown): boolean;
  /** Writes a value that passed `schema` at `offset` (the bytes there start zeroed). */
  write(view: DataView, offset: number, value: unknown): void;
  read(view: DataView, offset: number): unknown;
}

/** `codec` with its `schema` made on first use. */
export function lazySchema<C extends Omit<Codec, "schema">>(codec: C, make: () => z.ZodMiniType): C & Codec {
  let schema: z.ZodMiniType | undefined;
  return Object.defineProperty(codec, "schema", { get: () => (schema ??= make()), enumerable: true }) as C & Codec;
}

/** Whether `value` is an integer (a number up to 32 bits, a bigint beyond) in `lo..hi`, as integerSchema checks. */
export function integerFits(value: unknown, bits: number, lo: bigint, hi: bigint): boolean {
  if (bits <= 32) return typeof value === "number" && Number.isSafeInteger(value) && value >= Number(lo) && value <= Number(hi);
  return typeof value === "bigint" && value >= lo && value <= hi;
}

/** "a string", "5 (number)", "undefined": what a user passed, for messages. */
export function describeInput(input: unknown): string {
  if (input === undefined) return "undefined";
  if (input === null) return "null";
  if (typeof input === "bigint") return `${input}n (bigint)`;
  if (typeof input === "number") return `${input} (number)`;
  if (typeof input === "string") return `${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)} (string)`;
  if (typeof input === "boolean") return `${input} (boolean)`;
  if (Array.isArray(input)) return `an array of ${input.length}`;
  if (input instanceof Uint8Array) return `a Uint8Array of ${input.length} bytes`;
  return typeof input === "object" ? "an object" : typeof input;
}

/** An invalid-type message: "missing" for absent struct fields, else what was expected and what came. */
export function expected(what: string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? `missing (expected ${what})` : `expected ${what}, got ${describeInput(issue.input)}`);
}
