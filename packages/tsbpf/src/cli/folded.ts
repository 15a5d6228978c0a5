/**
 * `--folded` and `--flamegraph`: the stacks a probe counted in its maps (keys holding stack ids,
 * integer values) as folded lines, "frame;frame;frame count", outermost frame first: the format
 * Brendan Gregg's flamegraph.pl, inferno and speedscope read. Lines of the same stack add up.
 */
import { HashMapHandle, type BpfObject } from "@tsbpf/runtime";
import type { StackNames } from "./stacks.js";

/** A count: an integer, or per-CPU integers (summed). */
function countOf(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value) && value.length > 0) {
    let sum = 0n;
    for (const v of value) {
      const c = countOf(v);
      if (c === undefined) return undefined;
      sum += c;
    }
    return sum;
  }
  return undefined;
}

/** Folded stacks → count, from every map whose keys hold stacks and whose values are counts. */
export async function foldedStacks(object: BpfObject, names: StackNames): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (!names.enabled) return out;
  for (const [name, map] of object.maps) {
    if (!(map instanceof HashMapHandle) || name.startsWith(".")) continue;
    for await (const [key, value] of map.entries()) {
      const line = names.folded(key, name);
      const count = countOf(value);
      if (line === undefined || count === undefined || count === 0n) continue;
      out.set(line, (out.get(line) ?? 0n) + count);
    }
  }
  return out;
}

/** The folded file's text: one "stack count" line each, sorted by stack as flamegraph.pl sorts. */
export function foldedText(stacks: ReadonlyMap<string, bigint>): string {
  return [...stacks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([line, count]) => `${line} ${count}\n`).join("");
}

/** Parses folded text back (for tools and tests): stack → count. */
export function parseFolded(text: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const line of text.split("\n")) {
    const m = /^(.*) (\d+)$/.exec(line);
    if (m) out.set(m[1]!, (out.get(m[1]!) ?? 0n) + BigInt(m[2]!));
  }
  return out;
}
