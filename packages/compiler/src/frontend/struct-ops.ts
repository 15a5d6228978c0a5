/**
 * struct_ops fields (`cc = new StructOps<tcp_congestion_ops>({ values: { name: "my_cc" } })`) and
 * the programs that implement their members (`@structOps("cc", "ssthresh")`). The type argument is
 * the kernel struct (a `@kernel` interface, as `tsbpf/vmlinux` declares them): its layout gives
 * the members' offsets and types, so that the object carries the variable in `.struct_ops` as
 * clang would write it (emit/struct-ops.ts), and member names and values are checked here.
 */
import { ts } from "ts-morph";
import { inRange } from "../checker/kinds.js";
import { missingRequired, STRUCT_OPS_RULES } from "../checker/struct-ops-rules.js";
import type { StructField, StructType } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import type { FrontendContext } from "./probe-class.js";
import type { ProbeModel } from "./probe-model.js";
import { spanOf } from "./span.js";

/** One data member's initial value: a string for a char array, an integer otherwise. */
export interface StructOpsValue {
  field: StructField;
  value: bigint | string;
}

/** One struct_ops variable of the object. */
export interface StructOpsModel {
  /** The field's name: the variable's symbol and the map's name. */
  name: string;
  /** The kernel struct ("tcp_congestion_ops"), with the layout the `@kernel` interface declares. */
  struct: StructType;
  /** Function members set to programs: member → program name. */
  programs: Map<string, { field: StructField; program: string }>;
  /** Data members' values, by member. */
  values: Map<string, StructOpsValue>;
  /** The `new StructOps<...>(...)` expression, where diagnostics about the whole value point. */
  node?: ts.Node;
}

const EXAMPLE = 'import type { tcp_congestion_ops } from "tsbpf/vmlinux"; … cc = new StructOps<tcp_congestion_ops>({ values: { name: "my_cc" } })';

export function isStructOpsNew(init: ts.NewExpression, ctx: FrontendContext): boolean {
  const declaration = ctx.oracle.declarationOf(init.expression);
  return declaration !== undefined && ctx.oracle.dslNameOf(declaration) === "StructOps";
}

/** Reads `new StructOps<kernel_struct>({ values: { ... } })`. */
export function readStructOps(name: string, init: ts.NewExpression, ctx: FrontendContext): StructOpsModel {
  const bad = (node: ts.Node, message: string, hint = EXAMPLE): never => {
    throw new CompileError(Codes.MapOptions, spanOf(node), message, hint);
  };
  const typeArg = init.typeArguments?.[0];
  if (!typeArg) return bad(init, `the struct_ops field '${name}' needs the kernel struct it implements as its type argument`);
  const struct = ctx.resolver.resolve(typeArg);
  if (struct.tag !== "struct" || !struct.kernel || struct.kernel.union) {
    return bad(typeArg, `'${typeArg.getText()}' is not a kernel struct (a @kernel interface such as tsbpf/vmlinux's tcp_congestion_ops)`);
  }
  const model: StructOpsModel = { name, struct, programs: new Map(), values: new Map(), node: init };
  const arg = init.arguments?.[0];
  if (!arg) return model;
  if (!ts.isObjectLiteralExpression(arg)) return bad(arg, `the struct_ops field '${name}' takes its options as an object literal`);
  for (const property of arg.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) return bad(property, "struct_ops options are plain properties");
    if (property.name.text !== "values") return bad(property.name, `unknown struct_ops option '${property.name.text}'`);
    const values = property.initializer;
    if (!ts.isObjectLiteralExpression(values)) return bad(values, "values is an object literal of literals");
    for (const v of values.properties) {
      if (!ts.isPropertyAssignment(v) || !ts.isIdentifier(v.name)) return bad(v, "values holds 'member: literal' entries");
      const member = v.name.text;
      const field = struct.fields.find((f) => f.name === member);
      if (!field) return bad(v.name, `struct ${struct.name} has no member '${member}'`, `its members: ${struct.fields.map((f) => f.name).join(", ")}`);
      const value = readValue(struct, field, v.initializer, bad);
      const rules = STRUCT_OPS_RULES[struct.name];
      if (rules && !rules.dataMembers.includes(member) && isSet(value)) {
        throw new CompileError(Codes.StructOpsRefused, spanOf(v), `the kernel refuses a ${struct.name} value whose ${member} is not zero (it takes ${rules.dataMembers.length ? rules.dataMembers.join(" and ") : "no data member"} from the value; any other must be 0: EINVAL at attach)`,
          rules.dataMembers.length ? `set only ${rules.dataMembers.join(", ")}` : "leave out values");
      }
      model.values.set(member, { field, value });
    }
  }
  return model;
}

/** Whether a data value counts as set: the kernel reads a zero (or empty string) as unset. */
function isSet(value: bigint | string): boolean {
  return typeof value === "string" ? value.length > 0 : value !== 0n;
}

function readValue(struct: StructType, field: StructField, literal: ts.Expression, bad: (node: ts.Node, message: string, hint?: string) => never): bigint | string {
  const where = `${struct.name}.${field.name}`;
  if (field.pointer || field.bits || field.type.tag === "ptr") {
    return bad(literal, `${where} is a pointer or bitfield, which a struct_ops value cannot set`, "function members are set by @structOps methods");
  }
  const type = field.type;
  if (ts.isStringLiteralLike(literal)) {
    if (type.tag !== "array" || !type.char) return bad(literal, `${where} is not a char array: it takes no string`);
    const bytes = new TextEncoder().encode(literal.text);
    if (bytes.length >= type.length) return bad(literal, `${where} holds at most ${type.length - 1} bytes and a NUL; "${literal.text}" has ${bytes.length}`);
    return literal.text;
  }
  let n: bigint | undefined;
  const negative = ts.isPrefixUnaryExpression(literal) && literal.operator === ts.SyntaxKind.MinusToken;
  const operand = negative ? (literal as ts.PrefixUnaryExpression).operand : literal;
  if (ts.isNumericLiteral(operand) && Number.isSafeInteger(Number(operand.text))) n = BigInt(Number(operand.text));
  else if (ts.isBigIntLiteral(operand)) n = BigInt(operand.text.slice(0, -1));
  if (n === undefined) return bad(literal, "a struct_ops value is a string, integer or bigint literal");
  if (negative) n = -n;
  if (type.tag !== "int") return bad(literal, `${where} is not an integer member`);
  if (!inRange(n, type.kind)) return bad(literal, `${n} does not fit ${where}, a ${type.kind}`);
  return n;
}

function declaresStructOps(model: ProbeModel, name: string, ctx: FrontendContext): boolean {
  return model.node.members.some((m) => ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === name &&
    m.initializer !== undefined && ts.isNewExpression(m.initializer) && isStructOpsNew(m.initializer, ctx));
}

/** Binds the `@structOps(field, member)` programs to their fields; a wrong field or member is a diagnostic. */
export function bindStructOpsPrograms(model: ProbeModel, ctx: FrontendContext): void {
  for (const program of model.programs) {
    if (!program.section.startsWith("struct_ops/")) continue;
    const decorator = (ts.getDecorators(program.node) ?? [])[0];
    const call = decorator && ts.isCallExpression(decorator.expression) ? decorator.expression : undefined;
    const field = call?.arguments[0];
    const memberArg = call?.arguments[1] ?? program.node.name;
    const member = program.section.slice("struct_ops/".length);
    const ops = field && ts.isStringLiteralLike(field) ? model.structOps?.[field.text] : undefined;
    const error = (at: ts.Node, message: string, hint: string) => ctx.diagnostics.add(new CompileError(Codes.DecoratorArguments, spanOf(at), message, hint));
    if (!ops) {
      // A StructOps field whose declaration failed has its own diagnostic already.
      if (field && ts.isStringLiteralLike(field) && declaresStructOps(model, field.text, ctx)) continue;
      error(field ?? program.node.name, `'${field?.getText() ?? ""}' is not a StructOps field of this probe`, `declare it: ${EXAMPLE}`);
      continue;
    }
    const target = ops.struct.fields.find((f) => f.name === member);
    if (!target) {
      error(memberArg, `struct ${ops.struct.name} has no member '${member}'`, `its members: ${ops.struct.fields.map((f) => f.name).join(", ")}`);
      continue;
    }
    if (!target.pointer) {
      error(memberArg, `${ops.struct.name}.${member} is not a function pointer: a program cannot implement it`, "set data members in the field's values");
      continue;
    }
    const unsupported = STRUCT_OPS_RULES[ops.struct.name]?.unsupported[member];
    if (unsupported) {
      ctx.diagnostics.add(new CompileError(Codes.StructOpsRefused, spanOf(memberArg), unsupported, "leave this member NULL"));
      continue;
    }
    const taken = ops.programs.get(member);
    if (taken) {
      error(memberArg, `${ops.struct.name}.${member} of '${ops.name}' is already implemented by ${taken.program}`, "one program per member");
      continue;
    }
    ops.programs.set(member, { field: target, program: program.name });
  }
  for (const ops of Object.values(model.structOps ?? {})) {
    if (ops.node === undefined) continue;
    const never = STRUCT_OPS_RULES[ops.struct.name]?.neverRegistered;
    if (never) ctx.diagnostics.warning(Codes.StructOpsRefused, spanOf(ops.node), never, "call programs.<name>.testRun() on the loaded probe");
    const set = new Set([...ops.programs.keys(), ...[...ops.values].filter(([, v]) => isSet(v.value)).map(([m]) => m)]);
    const missing = missingRequired(ops.struct.name, set);
    if (missing.length === 0) continue;
    const data = missing.filter((m) => !ops.struct.fields.find((f) => f.name === m.split(" ")[0])?.pointer);
    ctx.diagnostics.add(new CompileError(Codes.StructOpsRequired, spanOf(ops.node),
      `the ${ops.struct.name} value '${ops.name}' lacks ${missing.join(", ")}, which the kernel requires (it refuses the value with EINVAL when it is attached)`,
      data.length === missing.length ? `set ${data.join(", ")} in the field's values` :
        `implement each function member with a method decorated @structOps("${ops.name}", "<member>")${data.length ? `, and set ${data.join(", ")} in the field's values` : ""}`));
  }
}
