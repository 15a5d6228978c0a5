/**
 * Struct and array values: object literals and string literals written into memory, copies of
 * whole structs. Bytes that no member initialises (padding, the tail of a char array) are zeroed,
 * because the verifier rejects helpers reading uninitialised stack and map contents must be
 * deterministic.
 */
import { ts } from "ts-morph";
import { fieldOf, sizeOf } from "../checker/layout.js";
import { sameType, typeName, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Address, type IrKind, type Operand, type StackObject } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { convertTo } from "./convert.js";
import { fail } from "./errors.js";
import { lowerExpr } from "./lower-expr.js";
import { addressOperand, isPlaceExpression, lowerPlace, offsetAddress } from "./lower-place.js";
import { userCopy } from "./user-memory.js";
import type { Place } from "./values.js";
import { wholeAddress } from "./indexed.js";
import { directAccess } from "../core/origin.js";

type Action =
  | { tag: "store"; offset: number; value: Operand; kind: IrKind; size: number }
  | { tag: "copy"; offset: number; src: Address; size: number }
  /** A struct in user memory, copied by bpf_probe_read_user. */
  | { tag: "user"; offset: number; place: Extract<Place, { tag: "mem" }>; size: number; node: ts.Node };

/** Writes the value of `node`, of aggregate type `type`, into memory at `dst`. */
export function lowerAggregateInto(L: LowerContext, node: ts.Expression, type: Type, dst: Address): void {
  const actions: Action[] = [];
  collect(L, node, type, 0, actions);
  const size = sizeOf(type);
  const covered = new Uint8Array(size);
  for (const action of actions) covered.fill(1, action.offset, action.offset + action.size);
  for (let start = 0; start < size; ) {
    if (covered[start]) {
      start++;
      continue;
    }
    let end = start;
    while (end < size && !covered[end]) end++;
    L.b.emit({ op: "zero", dst: offsetAddress(dst, start), size: end - start });
    start = end;
  }
  for (const action of actions) {
    const at = offsetAddress(dst, action.offset);
    if (action.tag === "store") L.b.emit({ op: "store", addr: at, value: action.value, kind: action.kind });
    else if (action.tag === "user") userCopy(L, action.place, addressOperand(L, at), action.node);
    else L.b.emit({ op: "copy", dst: at, src: action.src, size: action.size });
  }
}

function collect(L: LowerContext, node: ts.Expression, type: Type, offset: number, out: Action[]): void {
  if (ts.isParenthesizedExpression(node) || ts.isSatisfiesExpression(node)) return collect(L, node.expression, type, offset, out);
  if (type.tag === "int" || type.tag === "ptr") {
    const value = convertTo(L, lowerExpr(L, node, type), type, node);
    out.push({ tag: "store", offset, value, kind: type.tag === "int" ? type.kind : "ptr", size: sizeOf(type) });
    return;
  }
  if (isZeroCall(L, node)) return; // every byte not covered by an action is zeroed
  if (type.tag === "struct" && ts.isObjectLiteralExpression(node)) {
    const seen = new Set<string>();
    for (const property of node.properties) {
      if (ts.isSpreadAssignment(property)) {
        // `{ ...base, x: 1 }`: the whole struct is copied first, and members after it override.
        collect(L, property.expression, type, offset, out);
        for (const f of type.fields) seen.add(f.name);
        continue;
      }
      if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) {
        fail(Codes.UnsupportedExpression, property, "a struct literal holds only 'member: value' entries");
      }
      if (!ts.isIdentifier(property.name) && !ts.isStringLiteral(property.name)) {
        fail(Codes.UnsupportedExpression, property.name, "struct members are named by identifiers");
      }
      const name = property.name.text;
      const field = fieldOf(type, name);
      if (!field) fail(Codes.UnknownMember, property.name, `'${type.name}' has no member '${name}'`);
      seen.add(name);
      const value = ts.isPropertyAssignment(property) ? property.initializer : property.name;
      collect(L, value, field.type, offset + field.offset, out);
    }
    const missing = type.fields.filter((f) => !seen.has(f.name)).map((f) => f.name);
    if (missing.length > 0) {
      fail(Codes.MissingField, node, `the literal of '${type.name}' lacks ${missing.map((m) => `'${m}'`).join(", ")}`,
        "initialise every member (use 0, 0n or \"\" for the ones filled later)");
    }
    return;
  }
  if (type.tag === "array" && type.char && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
    const bytes = new TextEncoder().encode(node.text);
    if (bytes.length > type.length) {
      fail(Codes.StringTooLong, node, `the string is ${bytes.length} bytes long; ${typeName(type)} holds ${type.length}`,
        "shorten it, or make the array longer (a string that fills it exactly has no terminating NUL)");
    }
    storeBytes(bytes, offset, out);
    return;
  }
  if (isPlaceExpression(node)) {
    const place = lowerPlace(L, node);
    if (place.tag === "mem" && sameType(place.type, type)) {
      if (place.user) out.push({ tag: "user", offset, place, size: sizeOf(type), node });
      else out.push({ tag: "copy", offset, src: wholeAddress(L, place, node), size: sizeOf(type) });
      return;
    }
    if (place.tag === "var" && place.type.tag === "ptr" && place.type.user && sameType(place.type.pointee, type)) {
      // `const copy: T = userPointer`: the struct it points to, copied out of user memory.
      out.push({ tag: "user", offset, place: { tag: "mem", addr: { tag: "reg", base: place.reg, offset: 0 }, type, user: true }, size: sizeOf(type), node });
      return;
    }
    const pointed = programMemory(L, place, type);
    if (pointed) {
      // `{ ...value }`, `const copy: T = value` with `value` a Ptr<T> into a map: the struct it points to.
      out.push({ tag: "copy", offset, src: pointed, size: sizeOf(type) });
      return;
    }
    fail(Codes.NotAssignable, node, `a '${typeName(place.type)}' cannot initialise a '${typeName(type)}'`);
  }
  if (ts.isArrayLiteralExpression(node)) {
    if (type.tag !== "array") fail(Codes.ArrayLiteral, node, `an array literal cannot initialise a '${typeName(type)}'`);
    // C's `int a[4] = {1, 2}`: the elements in order, the rest zero.
    if (node.elements.length > type.length) {
      fail(Codes.ArrayLiteral, node.elements[type.length]!, `${node.elements.length} elements do not fit ${typeName(type)}`, `give at most ${type.length}; the ones left out are zero`);
    }
    const size = sizeOf(type.element);
    node.elements.forEach((element, i) => {
      if (ts.isSpreadElement(element) || ts.isOmittedExpression(element)) fail(Codes.ArrayLiteral, element, "an array literal lists its elements one by one", "write each element (the ones left out at the end are zero)");
      collect(L, element, type.element, offset + i * size, out);
    });
    return;
  }
  fail(Codes.NotAssignable, node, `this expression cannot initialise a '${typeName(type)}'`,
    type.tag === "struct" ? "write an object literal listing every member" : type.tag === "array" && type.char ? "use a string literal" : undefined);
}

/**
 * The memory a `Ptr<T>` local points to, when plain loads read it: a struct or array of the
 * program's own types (a map value, the stack), not kernel or user memory, which need helpers,
 * nor the program's context.
 */
function programMemory(L: LowerContext, place: Place, type: Type): Address | undefined {
  if (place.tag !== "var" || place.type.tag !== "ptr" || place.type.user || !sameType(place.type.pointee, type)) return undefined;
  // The context's fields have their own access rules (narrow loads, rewritten offsets).
  if (place.reg === L.contextReg || directAccess(place.type)) return undefined;
  if (type.tag === "struct" && type.kernel !== undefined) return undefined;
  if (type.tag !== "struct" && type.tag !== "array") return undefined;
  return { tag: "reg", base: place.reg, offset: 0 };
}

/** `zero()` from the DSL: C's `= {}`. */
export function isZeroCall(L: LowerContext, node: ts.Expression): boolean {
  if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.arguments.length > 0) return false;
  const declaration = L.oracle.declarationOf(node.expression);
  return declaration !== undefined && L.oracle.dslNameOf(declaration) === "zero";
}

/** Stores constant bytes with the widest aligned immediate stores (up to 4 bytes: `st` takes imm32). */
function storeBytes(bytes: Uint8Array, offset: number, out: Action[]): void {
  for (let i = 0; i < bytes.length; ) {
    const at = offset + i;
    const left = bytes.length - i;
    const size = at % 4 === 0 && left >= 4 ? 4 : at % 2 === 0 && left >= 2 ? 2 : 1;
    let value = 0n;
    for (let j = size - 1; j >= 0; j--) value = (value << 8n) | BigInt(bytes[i + j]!);
    const kind: IrKind = size === 4 ? "u32" : size === 2 ? "u16" : "u8";
    out.push({ tag: "store", offset: at, value: imm(value, kind), kind, size });
    i += size;
  }
}

/**
 * The address of an aggregate value for a helper: a place's own memory, or a stack temporary
 * filled with the value (recorded in `temps` for release after the call).
 */
export function aggregateAddress(L: LowerContext, node: ts.Expression, type: Type, temps: StackObject[], what: string): Address {
  if (isPlaceExpression(node)) {
    const place = lowerPlace(L, node);
    if (place.tag === "mem" && sameType(place.type, type)) return wholeAddress(L, place, node);
    // A Ptr<T> into a map value (a lookup result, a forEach value) passes as it is, as C passes `p`.
    const pointed = programMemory(L, place, type);
    if (pointed) return pointed;
  }
  const object = L.temps.acquire(sizeOf(type), Math.max(8, 1), `${what} (${typeName(type)}, ${sizeOf(type)} bytes)`);
  temps.push(object);
  const addr: Address = { tag: "stack", object, offset: 0 };
  lowerAggregateInto(L, node, type, addr);
  return addr;
}

/** A scalar value spilled to a stack temporary (map keys and values are passed by pointer). */
export function scalarAddress(L: LowerContext, node: ts.Expression, type: Type, temps: StackObject[], what: string): Address {
  if (type.tag !== "int") return fail(Codes.MapType, node, `a '${typeName(type)}' cannot be stored in a map`);
  const value = convertTo(L, lowerExpr(L, node, type), type, node);
  const object = L.temps.acquire(sizeOf(type), 8, `${what} (${type.kind})`);
  temps.push(object);
  const addr: Address = { tag: "stack", object, offset: 0 };
  L.b.emit({ op: "store", addr, value, kind: type.kind });
  return addr;
}
