/**
 * Reads a map field (`events = new RingBuf<E>({ size: 4096 })`) into a `MapModel`, driven by the
 * map table (map-kinds.ts): type arguments, options (constants, `pinned: true`, a map of maps'
 * `inner: new X<...>(...)`) and the kernel's rules on each kind's sizes and flags.
 */
import { ts } from "ts-morph";
import { sizeOf } from "../checker/layout.js";
import { MAX_BTF_MAX_ENTRIES, mapSizeProblem } from "../checker/map-limits.js";
import { intType, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import { namedConstant } from "./named-constant.js";
import { readAggregation } from "./aggregation-field.js";
import { mapExample, mapKindOf, typeArgumentCount, type MapKindDef } from "./map-kinds.js";
import type { FrontendContext } from "./probe-class.js";
import type { MapModel } from "./probe-model.js";
import { spanOf } from "./span.js";

export type Option = { value: bigint; node: ts.Expression } | { inner: ts.NewExpression; node: ts.Expression };

/** The map class a `new` expression constructs, or undefined when it is not a DSL map. */
export function mapKindOfNew(init: ts.NewExpression, ctx: FrontendContext): MapKindDef | undefined {
  const declaration = ctx.oracle.declarationOf(init.expression);
  return mapKindOf(declaration && ctx.oracle.dslNameOf(declaration));
}

export function readMapField(member: ts.PropertyDeclaration, name: string, init: ts.NewExpression, ctx: FrontendContext): MapModel {
  const kind = mapKindOfNew(init, ctx);
  if (!kind) {
    throw new CompileError(Codes.NewOfNonMap, spanOf(init), `'new ${init.expression.getText()}' is not a map`,
      "a probe's fields hold maps (new HashMap<K, V>(...), new RingBuf<T>(...), ...) or integers");
  }
  const declared = member.type && ts.isTypeReferenceNode(member.type) ? member.type.typeArguments : undefined;
  return readDefinition(member, name, init, kind, init.typeArguments ?? declared ?? [], ctx);
}

function readDefinition(member: ts.PropertyDeclaration, name: string, init: ts.NewExpression, kind: MapKindDef,
  typeArgs: readonly ts.TypeNode[], ctx: FrontendContext): MapModel {
  if (kind.shape === "aggregation") return readAggregation(member, name, init, kind, typeArgs, readOptions(init, ctx), ctx);
  const expected = typeArgumentCount(kind);
  if (typeArgs.length !== expected) {
    throw new CompileError(Codes.MapType, spanOf(init),
      expected === 0 ? `'${kind.dslClass}' takes no type arguments` : `'${kind.dslClass}' needs its type arguments written out`,
      `write ${mapExample(kind)}`);
  }
  const options = readOptions(init, ctx);
  const constant = (key: string): { value: bigint; node: ts.Expression } | undefined => {
    const option = options.get(key);
    if (option && "inner" in option) throw new CompileError(Codes.MapOptions, spanOf(option.node), `the map option '${key}' must be a constant`);
    return option;
  };
  const maxEntries = (required: boolean): number => {
    const option = constant("maxEntries");
    if (option === undefined && !required) return 0;
    if (option === undefined || option.value < 1n || option.value > 0xffffffffn) {
      throw new CompileError(Codes.MapOptions, spanOf(option?.node ?? init), "maxEntries must be a constant between 1 and 2^32-1",
        `write ${mapExample(kind)}`);
    }
    if (option.value > BigInt(MAX_BTF_MAX_ENTRIES)) {
      throw new CompileError(Codes.MapLimit, spanOf(option.node), `maxEntries ${option.value} is more than the kernel accepts in a map's BTF (${MAX_BTF_MAX_ENTRIES})`,
        "max_entries is written as an array of that many 4-byte ints, and the kernel refuses BTF arrays past 4 GB");
    }
    return Number(option.value);
  };
  const u32 = intType("u32");
  const model: MapModel = {
    name, node: member, dslClass: kind.dslClass, mapType: kind.mapType, key: undefined, value: u32,
    maxEntries: 0, flags: Number(constant("flags")?.value ?? 0n) | (kind.requiredFlags ?? 0),
  };
  const pinned = constant("pinned");
  if (pinned?.value) model.pinned = true;
  if (constant("internal")?.value) model.internal = true;
  switch (kind.shape) {
    case "keyValue":
      model.key = dataType(typeArgs[0]!, ctx, "key");
      model.value = dataType(typeArgs[1]!, ctx, "value");
      model.maxEntries = maxEntries(true);
      if (kind.dslClass === "LpmTrie") checkLpmKey(model.key, typeArgs[0]!);
      break;
    case "array":
      model.key = u32;
      model.value = dataType(typeArgs[0]!, ctx, "value");
      model.maxEntries = maxEntries(true);
      break;
    case "valueOnly": {
      model.value = dataType(typeArgs[0]!, ctx, "value");
      model.maxEntries = maxEntries(true);
      const hashes = constant("hashes");
      if (hashes !== undefined) {
        if (kind.dslClass !== "BloomFilter" || hashes.value < 1n || hashes.value > 15n) {
          throw new CompileError(Codes.MapOptions, spanOf(hashes.node), "hashes is a bloom filter's option, between 1 and 15");
        }
        model.mapExtra = hashes.value;
      }
      break;
    }
    case "ring": {
      model.value = dataType(typeArgs[0]!, ctx, "record");
      model.record = true;
      const size = constant("size");
      const n = size?.value ?? 0n;
      if (size === undefined || n < 4096n || (n & (n - 1n)) !== 0n || n > 1n << 31n) {
        throw new CompileError(Codes.RingBufSize, spanOf(size?.node ?? init),
          `the ring buffer size must be a power of two of at least 4096 bytes${size ? `, not ${n}` : ""}`, "e.g. { size: 256 * 1024 }");
      }
      if (n > BigInt(MAX_BTF_MAX_ENTRIES)) {
        throw new CompileError(Codes.MapLimit, spanOf(size.node), `a ring buffer of ${n} bytes is more than the kernel accepts in a map's BTF (at most ${(MAX_BTF_MAX_ENTRIES + 1) / 2} bytes)`,
          "its size is max_entries, written as an array of that many 4-byte ints, and the kernel refuses BTF arrays past 4 GB");
      }
      model.maxEntries = Number(n);
      break;
    }
    case "perf":
      model.key = u32;
      model.value = dataType(typeArgs[0]!, ctx, "record");
      model.valueSize = 4;
      model.sizesOnly = true;
      model.record = true;
      model.maxEntries = maxEntries(false);
      break;
    case "counters":
      model.key = u32;
      model.maxEntries = maxEntries(false);
      model.sizesOnly = true;
      break;
    case "fds":
      model.key = u32;
      if (kind.dslClass === "ReuseportSockArray") model.value = intType("u64");
      model.maxEntries = maxEntries(true);
      model.sizesOnly = true;
      break;
    case "stackTrace": {
      const depth = constant("depth");
      const frames = depth?.value ?? 127n;
      if (frames < 1n || frames > 127n) throw new CompileError(Codes.MapOptions, spanOf(depth!.node), "depth must be between 1 and 127 frames");
      model.key = u32;
      model.value = { tag: "array", element: intType("u64"), length: Number(frames), char: false };
      model.maxEntries = maxEntries(true);
      model.sizesOnly = true;
      break;
    }
    case "ofMaps": {
      model.key = kind.dslClass === "HashOfMaps" ? dataType(typeArgs[0]!, ctx, "key") : u32;
      model.maxEntries = maxEntries(true);
      const inner = options.get("inner");
      if (!inner || !("inner" in inner)) {
        throw new CompileError(Codes.MapOptions, spanOf(inner?.node ?? init), `a ${kind.dslClass} needs the definition of its inner maps`,
          `write ${mapExample(kind)}`);
      }
      const innerKind = mapKindOfNew(inner.inner, ctx);
      if (!innerKind || innerKind.shape === "ofMaps" || innerKind.shape === "storage" || innerKind.shape === "aggregation") {
        throw new CompileError(Codes.MapOptions, spanOf(inner.inner), "the inner definition must be a map other than a map of maps or local storage");
      }
      model.inner = readDefinition(member, `${name}.inner`, inner.inner, innerKind, inner.inner.typeArguments ?? [], ctx);
      break;
    }
    case "sockHash":
      model.key = dataType(typeArgs[0]!, ctx, "key");
      model.maxEntries = maxEntries(true);
      model.sizesOnly = true;
      break;
    case "storage":
      // Cgroup storage (19, 21) is keyed by the cgroup's id; local storage by a descriptor.
      model.key = kind.mapType === 19 || kind.mapType === 21 ? intType("u64") : intType("i32");
      model.value = dataType(typeArgs[0]!, ctx, "value");
      break;
  }
  if (!model.sizesOnly) {
    const problem = mapSizeProblem(model.mapType, model.key ? sizeOf(model.key) : 0, sizeOf(model.value));
    if (problem) {
      const node = typeArgs[problem.what === "key" ? 0 : typeArgs.length - 1];
      throw new CompileError(Codes.MapLimit, spanOf(node ?? init), problem.message, `the kernel refuses the map at load (${problem.errno}): use a smaller type, or a map of another kind`);
    }
  }
  return model;
}

function checkLpmKey(key: Type, node: ts.TypeNode): void {
  const first = key.tag === "struct" ? key.fields[0] : undefined;
  if (!first || first.name !== "prefixLen" || first.type.tag !== "int" || first.type.kind !== "u32" || sizeOf(key) < 5) {
    throw new CompileError(Codes.MapType, spanOf(node), "an LPM trie's key is a struct whose first member is 'prefixLen: u32', followed by the data",
      "e.g. interface V4Key { prefixLen: u32; data: u32 }");
  }
}

export function dataType(node: ts.TypeNode, ctx: FrontendContext, role: string): Type {
  const type = ctx.resolver.resolve(node);
  if (type.tag === "ptr" || type.tag === "void") {
    throw new CompileError(Codes.MapType, spanOf(node), `a map ${role} cannot be a pointer`, "store integers or structs of them");
  }
  return type;
}

function readOptions(init: ts.NewExpression, ctx: FrontendContext): Map<string, Option> {
  const out = new Map<string, Option>();
  const arg = init.arguments?.[0];
  if (!arg) return out;
  if ((init.arguments?.length ?? 0) > 1 || !ts.isObjectLiteralExpression(arg)) {
    throw new CompileError(Codes.MapOptions, spanOf(arg), "map options must be an object literal of constants");
  }
  for (const property of arg.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) {
      throw new CompileError(Codes.MapOptions, spanOf(property), "map options must be plain 'name: constant' properties");
    }
    const initializer = property.initializer;
    if (ts.isNewExpression(initializer)) {
      out.set(property.name.text, { inner: initializer, node: initializer });
      continue;
    }
    // Literals, and names of constants as C's #defines are written (`maxEntries: MAX_ENTRIES`).
    const value = namedConstant(initializer, ctx.oracle);
    if (value === undefined) {
      throw new CompileError(Codes.MapOptions, spanOf(initializer), `the map option '${property.name.text}' must be a constant integer expression`,
        "write a literal or the name of a const holding one");
    }
    out.set(property.name.text, { value, node: initializer });
  }
  return out;
}
