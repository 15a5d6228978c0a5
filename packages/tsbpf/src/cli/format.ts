/**
 * How `tsbpf run` prints what the kernel sends: one line per printk line, event and map entry,
 * human-readable by default and JSON lines with `--json` (64-bit values as JSON numbers when they
 * fit in a double exactly, else as decimal strings).
 */

/** Renders a decoded value in one line: `pid=42 comm=bash`, nested structs in braces. */
export function formatValue(value: unknown): string {
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return /^[\x21-\x7e]*$/.test(value) && value.length > 0 ? value : JSON.stringify(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (Array.isArray(value)) return `[${value.map(formatValue).join(" ")}]`;
  if (value && typeof value === "object") {
    const fields = Object.entries(value).map(([k, v]) => `${k}=${formatValue(v)}`);
    return fields.join(" ");
  }
  return String(value);
}

function nested(value: unknown): string {
  const text = formatValue(value);
  return value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array)
    ? `{${text}}`
    : text;
}

/** One map entry as `key => value`. */
export function formatEntry(key: unknown, value: unknown): string {
  return `${nested(key)} => ${nested(value)}`;
}

/** JSON.stringify with bigints as numbers when exact, else strings; byte arrays as hex. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") {
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    }
    if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
    return v;
  });
}
