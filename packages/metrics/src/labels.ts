/**
 * A map key as metric labels: a struct key gives one label per member (nested structs joined with
 * `_`), any other key one label named `key` (or the name given). Strings are their text (a
 * `CharArray` up to its NUL), integers decimal, byte arrays hex, stack frames joined with `;` (as
 * folded stacks are).
 */
import { labelName } from "./names.js";

export type Labels = Record<string, string>;

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (Array.isArray(value)) return value.map(text).join(";");
  if (value === null || value === undefined) return "";
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
}

function isStruct(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** The labels of one key; `keyLabel` names the label of a key that is not a struct. */
export function keyLabels(key: unknown, keyLabel = "key"): Labels {
  if (key === undefined) return {};
  if (!isStruct(key)) return { [labelName(keyLabel)]: text(key) };
  const out: Labels = {};
  const walk = (value: Record<string, unknown>, prefix: string) => {
    for (const [field, member] of Object.entries(value)) {
      if (isStruct(member)) walk(member, `${prefix}${field}_`);
      else out[labelName(`${prefix}${field}`)] = text(member);
    }
  };
  walk(key, "");
  return out;
}
