/**
 * Lvalues: locals, members of structs (on the stack, behind pointers, in the context), elements
 * of fixed arrays at constant indices, `p.value` through a scalar pointer, and `this.<global>`.
 * Address arithmetic is folded into the constant offset of the load or store, so that the
 * context pointer is never modified (the verifier rejects loads through a modified ctx pointer).
 */
import { ts } from "ts-morph";
import { fieldOf, sizeOf } from "../checker/layout.js";
import { intType, typeName, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Address, type Operand } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";
import type { IndexTerm, Place, RValue } from "./values.js";
import { accessIndexed, indexedPlace } from "./indexed.js";
import { constantOf } from "./loop-bound.js";
import { isComputedConstant } from "./typed-constant.js";
import { lowerExpr } from "./lower-expr.js";
import { USER_READONLY, userRead } from "./user-memory.js";
import { coreElement, coreMember, coreRead, coreRoot, KERNEL_READONLY, type CorePath } from "../core/lower-access.js";
import { coreIndexedPlace, coreIndexedRead } from "../core/indexed.js";

const CONFIG_READONLY = "@config fields are read-only in the kernel (they are set before the program loads)";
const CONTEXT_READ_ONLY = "a tracepoint's record and a raw tracepoint's arguments are read-only";

/** Whether an expression denotes a place (so that it can be read, written or have its address taken). */
export function isPlaceExpression(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) return isPlaceExpression(node.expression);
  return ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node);
}

/** The place an expression denotes; throws when it denotes none. */
export function lowerPlace(L: LowerContext, node: ts.Expression): Place {
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) return lowerPlace(L, node.expression);
  if (ts.isIdentifier(node)) return identifierPlace(L, node);
  if (ts.isPropertyAccessExpression(node)) return memberPlace(L, node);
  if (ts.isElementAccessExpression(node)) return elementPlace(L, node);
  return fail(Codes.NotAValue, node, "this expression is not a variable or a member", "only locals, struct members and this.<field> can be assigned");
}

function identifierPlace(L: LowerContext, node: ts.Identifier): Place {
  const declaration = L.oracle.declarationOf(node);
  const local = declaration && L.locals.get(declaration);
  if (!local) {
    if (node.text === "undefined") fail(Codes.UnsupportedExpression, node, "'undefined' does not exist in BPF programs", "use null for pointers, 0 for integers");
    return fail(Codes.NotAValue, node, `'${node.text}' is not a local of this program`,
      "programs can use their own locals, their context parameter, module constants and this.<field>");
  }
  if (local.tag === "reg") {
    const place: Place = { tag: "var", reg: local.reg, type: local.type, name: local.name };
    if (local.readonlyPointee !== undefined) place.readonlyPointee = local.readonlyPointee;
    return place;
  }
  if (local.core) return { tag: "mem", addr: local.addr, type: local.type, core: local.core, readonly: KERNEL_READONLY };
  return { tag: "mem", addr: local.addr, type: local.type };
}

/** A memory base: where a struct (or array, or pointed-to scalar) lives. */
interface MemBase {
  addr: Address;
  type: Type;
  readonly?: string;
  index?: IndexTerm[];
  /** Inside a kernel struct reached through a pointer: the CO-RE access path (compiler/src/core). */
  core?: CorePath;
  /** In user memory (reached through a UserPtr). */
  user?: true;
}

/** The memory that `expression` names or points to, for member and element access. */
function memoryBase(L: LowerContext, expression: ts.Expression): MemBase {
  if (isPlaceExpression(expression)) {
    const place = lowerPlace(L, expression);
    if (place.tag === "mem" && (place.type.tag === "struct" || place.type.tag === "array")) {
      const base: MemBase = { addr: place.addr, type: place.type };
      if (place.readonly !== undefined) base.readonly = place.readonly;
      if (place.index) base.index = place.index;
      if (place.core) base.core = place.core;
      if (place.user) base.user = true;
      return base;
    }
    if (place.tag === "var" && place.type.tag === "ptr") {
      const base: MemBase = { addr: { tag: "reg", base: place.reg, offset: 0 }, type: place.type.pointee };
      if (place.readonlyPointee !== undefined) base.readonly = place.readonlyPointee;
      return withCoreRoot(base, place.type);
    }
    if (place.tag === "mem" && place.type.tag === "ptr") {
      const loaded = readPlace(L, place, expression);
      return withCoreRoot({ addr: { tag: "reg", base: pointerReg(L, loaded.op), offset: 0 }, type: place.type.pointee }, loaded.type);
    }
    return fail(Codes.UnknownMember, expression, `a value of type '${typeName(place.type)}' has no members`);
  }
  const value = lowerExpr(L, expression);
  if (value.type.tag !== "ptr") fail(Codes.UnknownMember, expression, `a value of type '${typeName(value.type)}' has no members`);
  return withCoreRoot({ addr: { tag: "reg", base: pointerReg(L, value.op), offset: 0 }, type: value.type.pointee }, value.type);
}

/**
 * What a pointer's memory is: a kernel struct starts a CO-RE access path (compiler/src/core;
 * `pointer` is the pointer's type, which says how to read it); a UserPtr's memory is read with
 * bpf_probe_read_user (lower/user-memory.ts); anything else is memory the verifier tracks (map
 * values, the context, the stack), accessed directly.
 */
function withCoreRoot(base: MemBase, pointer: Type): MemBase {
  if (pointer.tag === "ptr" && pointer.user) {
    base.user = true;
    base.readonly = USER_READONLY;
    return base;
  }
  const core = coreRoot(pointer);
  if (core) base.core = core;
  return base;
}

function pointerReg(L: LowerContext, op: Operand) {
  if (op.tag === "reg") return op.reg;
  const dst = L.b.newReg("ptr");
  L.b.emit({ op: "mov", dst, src: op });
  return dst;
}

export function offsetAddress(addr: Address, delta: number): Address {
  return { ...addr, offset: addr.offset + delta };
}

function withBase(place: Place, base: MemBase): Place {
  if (base.user && place.tag === "mem") place.user = true;
  if (base.readonly !== undefined && place.tag === "mem") place.readonly = base.readonly;
  if (base.index && place.tag === "mem") place.index = base.index;
  return place;
}

function memberPlace(L: LowerContext, node: ts.PropertyAccessExpression): Place {
  if (node.questionDotToken) fail(Codes.OptionalChaining, node, "optional chaining ('?.') is not supported", "check the pointer with if (p) first");
  const name = node.name.text;
  if (node.expression.kind === ts.SyntaxKind.ThisKeyword) return thisMemberPlace(L, node, name);
  const owner = ts.isIdentifier(node.expression) ? L.oracle.declarationOf(node.expression) : undefined;
  if (owner && L.oracle.dslNameOf(owner) === "bpf") {
    fail(Codes.NotAValue, node, `the helper bpf.${name} can only be called`, `write bpf.${name}(...) where you need its result`);
  }
  const base = memoryBase(L, node.expression);
  if (base.type.tag === "struct") {
    const field = fieldOf(base.type, name);
    if (!field) fail(Codes.UnknownMember, node.name, `'${base.type.name}' has no member '${name}'`, `its members: ${base.type.fields.map((f) => f.name).join(", ")}`);
    const place = withBase({ tag: "mem", addr: offsetAddress(base.addr, field.offset), type: field.type }, base);
    return base.core ? coreMember(place, base.core, base.type, field) : place;
  }
  if (base.type.tag === "int" && name === "value") {
    return withBase({ tag: "mem", addr: base.addr, type: base.type }, base);
  }
  return fail(Codes.UnknownMember, node.name, `'${typeName(base.type)}' has no member '${name}' in the subset`);
}

function thisMemberPlace(L: LowerContext, node: ts.PropertyAccessExpression, name: string): Place {
  const global = L.probe.globals.find((g) => g.name === name);
  if (global) {
    const place: Place = { tag: "mem", addr: { tag: "global", map: global.section, offset: global.offset }, type: intType(global.kind) };
    if (global.section === ".rodata") place.readonly = CONFIG_READONLY;
    return place;
  }
  if (L.probe.maps.some((m) => m.name === name)) {
    return fail(Codes.NotAValue, node, `the map '${name}' is not a value`, `call its methods: this.${name}.lookup(key), .update(key, value), ...`);
  }
  const method = L.probe.node.members.find((m) => ts.isMethodDeclaration(m) && m.name.getText() === name);
  if (method) return fail(Codes.Subprogram, node, `methods cannot be referenced as values`);
  return fail(Codes.UnknownMember, node.name, `the probe has no map or global field '${name}'`);
}

function elementPlace(L: LowerContext, node: ts.ElementAccessExpression): Place {
  if (node.questionDotToken) fail(Codes.OptionalChaining, node, "optional chaining ('?.') is not supported");
  const base = memoryBase(L, node.expression);
  if (base.type.tag !== "array") return fail(Codes.UnknownMember, node, `a value of type '${typeName(base.type)}' cannot be indexed`);
  let index = constantOf(L, node.argumentExpression);
  // An index computed from constants (`K_NEG / K_BIG + 3`) is not one of the constant indexes
  // docs/language.md checks when compiling: out of range, it is checked at run time as any other.
  if (index !== undefined && isComputedConstant(node.argumentExpression) && (index < 0n || (index >= BigInt(base.type.length) && !(base.core && base.type.length === 0)))) {
    index = undefined;
  }
  if (index === undefined) {
    const array = withBase({ tag: "mem", addr: base.addr, type: base.type }, base) as Extract<Place, { tag: "mem" }>;
    if (base.core) array.core = base.core;
    return anyIndexedPlace(L, array, lowerExpr(L, node.argumentExpression), node.argumentExpression);
  }
  // A kernel struct's flexible array (`pid.numbers`, length 0) has the length the kernel gives it.
  const flexible = base.core !== undefined && base.type.length === 0;
  if (index < 0n || (index >= BigInt(base.type.length) && !flexible)) {
    return fail(Codes.IndexOutOfRange, node.argumentExpression, `index ${index} is out of bounds for ${typeName(base.type)}`,
      `valid indexes are 0 to ${base.type.length - 1}`);
  }
  const element = base.type.element;
  const place = withBase({ tag: "mem", addr: offsetAddress(base.addr, Number(index) * sizeOf(element)), type: element }, base);
  return base.core ? coreElement(place, base.core, Number(index)) : place;
}

/**
 * Programs whose context is kernel memory as declared (a tracepoint's record, a raw tracepoint's
 * argument array): a context array at a variable index is read with bpf_probe_read_kernel, as a
 * kernel array is (a context load needs a constant offset). Other contexts are rewritten by the
 * verifier (`__sk_buff`, `bpf_perf_event_data`) and must be read at constant offsets.
 */
const CONTEXT_IN_MEMORY = /^(tracepoint|tp|raw_tp|raw_tracepoint)(\.w)?\//;

/** `array[index]` at a non-constant index: in kernel memory (a CO-RE path) or memory the verifier tracks. */
export function anyIndexedPlace(L: LowerContext, array: Extract<Place, { tag: "mem" }>, index: RValue, node: ts.Node, proven = false): Place {
  const context = L.program.context?.type;
  if (!array.core && context?.tag === "struct" && L.contextReg && array.addr.tag === "reg" && array.addr.base === L.contextReg && CONTEXT_IN_MEMORY.test(L.program.section)) {
    const place: Extract<Place, { tag: "mem" }> = { ...array, core: { root: context, access: [], local: true }, readonly: CONTEXT_READ_ONLY };
    return coreIndexedPlace(L, place, index, node, proven);
  }
  return array.core ? coreIndexedPlace(L, array, index, node, proven) : indexedPlace(L, array, index, node, proven);
}

/** Reads a scalar place. */
export function readPlace(L: LowerContext, place: Place, node: ts.Node): RValue {
  if (place.tag === "var") return { type: place.type, op: { tag: "reg", reg: place.reg } };
  if (place.core) return place.index ? coreIndexedRead(L, place, node) : coreRead(L, place, node);
  if (place.user) return userRead(L, place, node);
  const type = place.type;
  if (type.tag === "int" || type.tag === "ptr") {
    const kind = type.tag === "int" ? type.kind : "ptr";
    const dst = L.b.newReg(kind);
    if (place.index) {
      accessIndexed(L, place, (addr) => L.b.emit({ op: "load", dst, addr, kind }), () => L.b.emit({ op: "mov", dst, src: imm(0n, kind) }));
    } else {
      L.b.emit({ op: "load", dst, addr: place.addr, kind });
    }
    return { type, op: { tag: "reg", reg: dst } };
  }
  return fail(Codes.NotAValue, node, `a ${typeName(type)} cannot be used as a scalar value here`,
    type.tag === "array" && type.char ? "char arrays are passed to helpers and printk's %s" : "read one of its members");
}

/** Writes a scalar (already converted to the place's type) into a place. */
export function writePlace(L: LowerContext, place: Place, value: Operand, node: ts.Node): void {
  if (place.tag === "var") {
    L.b.emit({ op: "mov", dst: place.reg, src: value });
    return;
  }
  if (place.readonly !== undefined) fail(Codes.ReadOnly, node, "this memory is read-only", place.readonly);
  const type = place.type;
  if (type.tag !== "int" && type.tag !== "ptr") fail(Codes.NotAssignable, node, `a ${typeName(type)} is not a scalar`);
  const kind = type.tag === "int" ? type.kind : "ptr";
  if (place.index) accessIndexed(L, place, (addr) => L.b.emit({ op: "store", addr, value, kind }));
  else L.b.emit({ op: "store", addr: place.addr, value, kind });
}

/** The address of a memory place as a pointer operand (for helper arguments). */
export function addressOperand(L: LowerContext, addr: Address): Operand {
  switch (addr.tag) {
    case "stack": return { tag: "stack", object: addr.object, offset: addr.offset };
    case "global": return { tag: "map", map: addr.map, ref: "value", offset: addr.offset };
    case "reg": {
      if (addr.offset === 0) return { tag: "reg", reg: addr.base };
      const dst = L.b.newReg("ptr");
      L.b.emit({ op: "bin", bop: "add", kind: "u64", dst, a: { tag: "reg", reg: addr.base }, b: { tag: "imm", value: BigInt(addr.offset), kind: "u64" } });
      return { tag: "reg", reg: dst };
    }
  }
}
