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
  /** Validation of user-space values. */
  readonly schema: z.ZodMiniType;
  /** Writes a value that passed `schema` at `offset` (the bytes there start zeroed). */
  write(view: DataView, offset: number, value: unknown): void;
  read(view: DataView, offset: number): unknown;
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
