/**
 * Kernel structs: interfaces tagged `@kernel` (what `tsbpf gen vmlinux` writes, or a user's own
 * flavour such as `task_struct___old`). Their layout comes from JSDoc tags (`@size` on the type,
 * `@offset` in bytes or `@bits offset:width` on members; natural C layout where they are absent),
 * and their members are resolved lazily: kernel types point at each other in cycles
 * (`task_struct.real_parent`), and a probe touches a handful of the thousands there are.
 */
import { ts } from "ts-morph";
import { alignOf, alignUp, sizeOf } from "../checker/layout.js";
import type { TypeResolver } from "../checker/resolve-type.js";
import { intType, type StructField, type StructType, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import { spanOf } from "../frontend/span.js";

function tags(node: ts.Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const tag of ts.getJSDocTags(node)) {
    const comment = typeof tag.comment === "string" ? tag.comment : (tag.comment?.map((c) => c.text).join("") ?? "");
    out.set(tag.tagName.text, comment.trim());
  }
  return out;
}

/** Whether an interface declares a kernel type (`/** @kernel *\/`). */
export function isKernelInterface(declaration: ts.Node): declaration is ts.InterfaceDeclaration {
  return ts.isInterfaceDeclaration(declaration) && ts.getJSDocTags(declaration).some((t) => t.tagName.text === "kernel");
}

/**
 * Per resolver (one compilation), since the declarations outlive it: the shared project keeps
 * tsbpf/vmlinux parsed from one compilation to the next, and a struct laid out by an earlier one
 * would carry that compilation's resolver and what its programs accessed.
 */
const caches = new WeakMap<TypeResolver, WeakMap<ts.InterfaceDeclaration, StructType>>();

/** The compiler's type of a `@kernel` interface; its fields are laid out on first use. */
export function kernelStruct(resolver: TypeResolver, declaration: ts.InterfaceDeclaration): StructType {
  let cache = caches.get(resolver);
  if (!cache) caches.set(resolver, (cache = new WeakMap()));
  const cached = cache.get(declaration);
  if (cached) return cached;
  const own = tags(declaration);
  const union = /\bunion\b/.test(own.get("kernel") ?? "");
  const cName = own.get("cname")?.split(/\s/)[0] || declaration.name.text;
  let laid: { fields: StructField[]; size: number; align: number } | undefined;
  const layout = () => (laid ??= layOut(resolver, declaration, union, own));
  const struct: StructType = {
    tag: "struct",
    name: cName,
    kernel: { union },
    get fields() {
      return layout().fields;
    },
    get size() {
      return layout().size;
    },
    get align() {
      return layout().align;
    },
  };
  cache.set(declaration, struct);
  return struct;
}

function layOut(resolver: TypeResolver, declaration: ts.InterfaceDeclaration, union: boolean, own: Map<string, string>) {
  const fields: StructField[] = [];
  let end = 0;
  let align = 1;
  for (const member of declaration.members) {
    if (!ts.isPropertySignature(member) || !member.type) {
      throw new CompileError(Codes.UnsupportedType, spanOf(member), "a kernel struct interface may only hold typed data members");
    }
    const name = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : member.name.getText();
    let type: Type;
    try {
      type = resolver.resolve(member.type);
    } catch (error) {
      // A flexible array (`FixedArray<upid, 0>`, C's `struct upid numbers[]`) is an array of
      // length 0 (core/indexed.ts indexes it); a member this subset cannot express keeps its
      // place in the layout as zero bytes, and only an access to it is an error.
      if (!(error instanceof CompileError)) throw error;
      type = flexibleArray(resolver, member.type) ?? { tag: "array", element: { tag: "int", kind: "u8" }, length: 0, char: false };
    }
    const memberTags = tags(member);
    const a = alignOf(type);
    align = Math.max(align, a);
    const bits = /^(\d+):(\d+)$/.exec(memberTags.get("bits") ?? "");
    if (bits) {
      const offset = Number(bits[1]);
      const size = Number(bits[2]);
      fields.push({ name, type, offset: Math.floor(offset / 8), bits: { offset, size } });
      end = Math.max(end, Math.ceil((offset + size) / 8));
      continue;
    }
    const declared = memberTags.get("offset");
    const offset = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : union ? 0 : alignUp(end, a);
    fields.push(memberTags.has("ptr") ? { name, type, offset, pointer: true } : { name, type, offset });
    end = Math.max(end, offset + sizeOf(type));
  }
  const declaredSize = own.get("size");
  const size = declaredSize !== undefined && /^\d+$/.test(declaredSize) ? Number(declaredSize) : alignUp(end, align);
  return { fields, size, align };
}

/** `FixedArray<T, 0>` or `CharArray<0>`: a zero-length array of T (undefined for anything else, or a T out of the subset). */
function flexibleArray(resolver: TypeResolver, node: ts.TypeNode): Type | undefined {
  if (!ts.isTypeReferenceNode(node) || !ts.isIdentifier(node.typeName)) return undefined;
  const [first, second] = node.typeArguments ?? [];
  const zero = (arg: ts.TypeNode | undefined) => arg !== undefined && ts.isLiteralTypeNode(arg) && ts.isNumericLiteral(arg.literal) && Number(arg.literal.text) === 0;
  if (node.typeName.text === "CharArray" && zero(first)) return { tag: "array", element: intType("i8"), length: 0, char: true };
  if (node.typeName.text !== "FixedArray" || !first || !zero(second)) return undefined;
  try {
    return { tag: "array", element: resolver.resolve(first), length: 0, char: false };
  } catch (error) {
    if (error instanceof CompileError) return undefined;
    throw error;
  }
}
