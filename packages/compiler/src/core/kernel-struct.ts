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
import type { StructField, StructType, Type } from "../checker/types.js";
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
      // A member this subset cannot express (a flexible array, `FixedArray<T, 0>`): it keeps its
      // place in the layout as zero bytes; only an access to it is an error.
      if (!(error instanceof CompileError)) throw error;
      type = { tag: "array", element: { tag: "int", kind: "u8" }, length: 0, char: false };
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
