/**
 * Turns `--config name=value` strings into the numbers, bigints, booleans and strings a probe's
 * `@config` variables hold, by the variables' BTF types in the object's `.rodata`.
 */
import { resolveModifiers, typeById, type ObjectSpec } from "@tsbpf/object";
import { UsageError } from "./args.js";

export function configValues(spec: ObjectSpec, raw: Record<string, string>): Record<string, unknown> {
  const variables = new Map<string, number>();
  for (const type of spec.btf.types) {
    if (type.kind !== "datasec" || type.name !== ".rodata") continue;
    for (const v of type.vars) {
      const variable = typeById(spec.btf, v.type);
      if (variable.kind === "var") variables.set(variable.name, variable.type);
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(raw)) {
    const typeId = variables.get(name);
    if (typeId === undefined) {
      throw new UsageError(`--config ${name}: no @config field of that name (known: ${[...variables.keys()].join(", ") || "none"})`);
    }
    const type = typeById(spec.btf, resolveModifiers(spec.btf, typeId));
    if (type.kind === "int" && type.bool) values[name] = text === "true" || text === "1";
    else if (type.kind === "int" || type.kind === "enum") {
      if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(text)) throw new UsageError(`--config ${name}: '${text}' is not an integer`);
      const value = text.startsWith("-") ? -BigInt(text.slice(1)) : BigInt(text);
      values[name] = type.size === 8 ? value : Number(value);
    } else values[name] = text;
  }
  return values;
}
