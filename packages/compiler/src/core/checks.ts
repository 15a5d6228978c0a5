/**
 * `bpf.core.*`: CO-RE questions compiled to relocated constants (libbpf's bpf_core_field_exists,
 * bpf_core_field_size, bpf_core_type_exists, bpf_core_type_size, bpf_core_enum_value_exists,
 * bpf_core_enum_value). The field forms take a member access through a kernel pointer, which is
 * not read: only its access path is recorded.
 */
import { ts } from "ts-morph";
import { castTarget, lowerPointerCast } from "./cast.js";
import { sizeOf } from "../checker/layout.js";
import { intType, VOID, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import type { CoreRelocRequest } from "../ir/ir.js";
import type { LowerContext } from "../lower/context.js";
import { fail } from "../lower/errors.js";
import { lowerPlace } from "../lower/lower-place.js";
import { coreRead } from "./lower-access.js";
import type { RValue } from "../lower/values.js";

const Kind = { FIELD_BYTE_SIZE: 1, FIELD_EXISTS: 2, TYPE_EXISTS: 8, TYPE_SIZE: 9, ENUMVAL_EXISTS: 10, ENUMVAL_VALUE: 11 } as const;

function constant(L: LowerContext, value: bigint, relo: CoreRelocRequest, type: Type & { tag: "int" }): RValue {
  const dst = L.b.newReg(type.kind);
  L.b.emit({ op: "core", dst, value, relo });
  return { type, op: { tag: "reg", reg: dst } };
}

export function lowerCoreCheck(L: LowerContext, node: ts.CallExpression, name: string): RValue {
  switch (name) {
    case "fieldExists":
    case "fieldSize": {
      const arg = node.arguments[0];
      if (!arg || node.arguments.length !== 1) return fail(Codes.HelperArguments, node, `bpf.core.${name}() takes one member access`);
      const place = lowerPlace(L, arg);
      if (place.tag !== "mem" || !place.core) {
        return fail(Codes.UnsupportedExpression, arg, `bpf.core.${name}() takes a member of a kernel struct reached through a pointer`, "e.g. bpf.core.fieldExists(task.loginuid)");
      }
      if (place.index) {
        // Past a variable index the path is the element's own (or none): not the member's from the pointer.
        return fail(Codes.NonConstantIndex, arg, `bpf.core.${name}() takes a member path with constant indexes only`, "e.g. bpf.core.fieldSize(task.comm[0])");
      }
      const relo = { root: place.core.root, access: place.core.access.join(":") };
      return name === "fieldExists"
        ? constant(L, 1n, { ...relo, kind: Kind.FIELD_EXISTS }, intType("bool"))
        : constant(L, BigInt(sizeOf(place.type)), { ...relo, kind: Kind.FIELD_BYTE_SIZE }, intType("u32"));
    }
    case "cast": {
      const typeArg = node.typeArguments?.[0];
      const source = node.arguments[0];
      if (!typeArg || !source || node.arguments.length !== 1) return fail(Codes.HelperArguments, node, "bpf.core.cast<T>(pointer) takes the kernel struct to view the pointer as, and the pointer or address");
      return lowerPointerCast(L, source, castTarget(L.resolver.resolve(typeArg), typeArg));
    }
    case "typeExists":
    case "typeSize": {
      const typeArg = node.typeArguments?.[0];
      if (!typeArg || node.arguments.length > 0) return fail(Codes.HelperArguments, node, `bpf.core.${name}<T>() takes a kernel type argument and no value`);
      const type = L.resolver.resolve(typeArg);
      if (type.tag !== "struct" || !type.kernel) return fail(Codes.UnsupportedType, typeArg, `bpf.core.${name}<T>() asks about kernel structs and unions (@kernel interfaces)`);
      return name === "typeExists"
        ? constant(L, 1n, { root: type, access: "0", kind: Kind.TYPE_EXISTS }, intType("bool"))
        : constant(L, BigInt(type.size), { root: type, access: "0", kind: Kind.TYPE_SIZE }, intType("u32"));
    }
    case "enumValueExists":
    case "enumValue": {
      const arg = node.arguments[0];
      const enumerator = arg && enumeratorOf(L, arg);
      if (!enumerator) {
        return fail(Codes.UnsupportedExpression, arg ?? node, `bpf.core.${name}() takes an enumerator of a kernel enum`, "e.g. bpf.core.enumValue(pid_type.PIDTYPE_TGID), with pid_type from tsbpf/vmlinux");
      }
      if (enumerator.value < -(1n << 31n) || enumerator.value >= 1n << 31n) fail(Codes.UnsupportedExpression, arg!, "enum values beyond 32 bits are not relocated yet");
      const relo = { root: VOID, access: "0", enum: enumerator };
      return name === "enumValueExists"
        ? constant(L, 1n, { ...relo, kind: Kind.ENUMVAL_EXISTS }, intType("bool"))
        : constant(L, enumerator.value, { ...relo, kind: Kind.ENUMVAL_VALUE }, intType("i64"));
    }
    case "dataLoc":
      return lowerDataLoc(L, node);
    default:
      return fail(Codes.UnknownHelper, node, `bpf.core.${name}() is not a CO-RE check`);
  }
}

/**
 * `bpf.core.dataLoc(ctx.__data_loc_x)`: a `__data_loc` member holds the offset of its data from
 * the start of the record in its low 16 bits (its length in the high 16). The member is read
 * with a relocated context load; the result is the context pointer plus that offset, an
 * address for bpf_probe_read_kernel_str (the verifier lets a context pointer with a variable
 * offset be passed to a helper's "anything" argument, never loaded through).
 */
function lowerDataLoc(L: LowerContext, node: ts.CallExpression): RValue {
  const arg = node.arguments[0];
  if (!arg || node.arguments.length !== 1) return fail(Codes.HelperArguments, node, "bpf.core.dataLoc() takes one __data_loc member");
  const place = lowerPlace(L, arg);
  const base = place.tag === "mem" && place.addr.tag === "reg" ? place.addr.base : undefined;
  if (place.tag !== "mem" || !place.core?.direct || base === undefined || base !== L.contextReg || place.type.tag !== "int" || sizeOf(place.type) !== 4) {
    return fail(Codes.UnsupportedExpression, arg, "bpf.core.dataLoc() takes a 32-bit __data_loc member of the tracepoint's context",
      'type the context as the tracepoint\'s record: @tracepoint("sched", "sched_process_exec") onExec(ctx: trace_event_raw_sched_process_exec), then bpf.core.dataLoc(ctx.__data_loc_filename)');
  }
  const loc = coreRead(L, place, arg);
  const wide = L.b.newReg("u64", "data_loc");
  L.b.emit({ op: "conv", dst: wide, src: loc.op, from: place.type.kind, to: "u64" });
  const offset = L.b.newReg("u64", "data_offset");
  L.b.emit({ op: "bin", bop: "and", kind: "u64", dst: offset, a: { tag: "reg", reg: wide }, b: { tag: "imm", value: 0xffffn, kind: "u64" } });
  const address = L.b.newReg("u64", "data_addr");
  L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: address, a: { tag: "reg", reg: base }, b: { tag: "reg", reg: offset } });
  return { type: intType("u64"), op: { tag: "reg", reg: address } };
}

/** `pid_type.PIDTYPE_TGID`: a `const` of the namespace tsbpf/vmlinux declares beside an enum's type. */
function enumeratorOf(L: LowerContext, arg: ts.Expression): CoreRelocRequest["enum"] | undefined {
  if (!ts.isPropertyAccessExpression(arg)) return undefined;
  const declaration = L.oracle.declarationOf(arg.name);
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.type || !ts.isLiteralTypeNode(declaration.type)) return undefined;
  const block = declaration.parent?.parent?.parent;
  const namespace = block?.parent;
  if (!namespace || !ts.isModuleDeclaration(namespace) || !ts.isIdentifier(namespace.name)) return undefined;
  const literal = declaration.type.literal;
  let value: bigint;
  if (ts.isNumericLiteral(literal) || ts.isBigIntLiteral(literal)) value = BigInt(literal.text.replace(/n$/, ""));
  else if (ts.isPrefixUnaryExpression(literal) && literal.operator === ts.SyntaxKind.MinusToken && (ts.isNumericLiteral(literal.operand) || ts.isBigIntLiteral(literal.operand))) {
    value = -BigInt(literal.operand.text.replace(/n$/, ""));
  } else return undefined;
  const wide = value >= 1n << 32n || value < -(1n << 31n);
  return { name: namespace.name.text, size: wide ? 8 : 4, member: ts.isIdentifier(declaration.name) ? declaration.name.text : "", value };
}
