/**
 * struct_ops fields (`cc = new StructOps({ type, values })`) and the programs that implement
 * their members (`@structOps("cc", "ssthresh")`). They are not BTF maps of the object: the runtime
 * creates the struct_ops map from the kernel's BTF at load, with the programs' descriptors, from
 * the description collected here (CompiledProbe.structOps).
 */
import { ts } from "ts-morph";
import { Codes } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import type { FrontendContext } from "./probe-class.js";
import type { ProbeModel } from "./probe-model.js";
import { spanOf } from "./span.js";

/** What the runtime needs to build and register one struct_ops map. */
export interface StructOpsModel {
  /** The kernel struct: "tcp_congestion_ops". */
  type: string;
  /** Function member → program name. */
  programs: Record<string, string>;
  values: Record<string, number | bigint | string>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isStructOpsNew(init: ts.NewExpression, ctx: FrontendContext): boolean {
  const declaration = ctx.oracle.declarationOf(init.expression);
  return declaration !== undefined && ctx.oracle.dslNameOf(declaration) === "StructOps";
}

/** Reads `new StructOps({ type: "...", values: { ... } })`. */
export function readStructOps(name: string, init: ts.NewExpression): StructOpsModel {
  const bad = (node: ts.Node, message: string): never => {
    throw new CompileError(Codes.MapOptions, spanOf(node), message, 'write new StructOps({ type: "tcp_congestion_ops", values: { name: "my_cc" } })');
  };
  const arg = init.arguments?.[0];
  if (!arg || !ts.isObjectLiteralExpression(arg)) return bad(init, `the struct_ops field '${name}' needs its options as an object literal`);
  const model: StructOpsModel = { type: "", programs: {}, values: {} };
  for (const property of arg.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) return bad(property, "struct_ops options are plain properties");
    const value = property.initializer;
    if (property.name.text === "type") {
      if (!ts.isStringLiteralLike(value) || !IDENT.test(value.text)) return bad(value, "type is the kernel struct's name, a string literal");
      model.type = value.text;
    } else if (property.name.text === "values") {
      if (!ts.isObjectLiteralExpression(value)) return bad(value, "values is an object literal of literals");
      for (const v of value.properties) {
        if (!ts.isPropertyAssignment(v) || !ts.isIdentifier(v.name)) return bad(v, "values holds 'member: literal' entries");
        const literal = v.initializer;
        if (ts.isStringLiteralLike(literal)) model.values[v.name.text] = literal.text;
        else if (ts.isNumericLiteral(literal)) model.values[v.name.text] = Number(literal.text);
        else if (ts.isBigIntLiteral(literal)) model.values[v.name.text] = BigInt(literal.text.slice(0, -1));
        else return bad(literal, "a struct_ops value is a string, number or bigint literal");
      }
    } else {
      return bad(property.name, `unknown struct_ops option '${property.name.text}'`);
    }
  }
  if (!model.type) return bad(arg, "struct_ops options need the kernel struct's type");
  return model;
}

/** Binds the `@structOps(field, member)` programs to their fields; a wrong field is a diagnostic. */
export function bindStructOpsPrograms(model: ProbeModel, ctx: FrontendContext): void {
  for (const program of model.programs) {
    if (!program.section.startsWith("struct_ops/")) continue;
    const decorator = (ts.getDecorators(program.node) ?? [])[0];
    const call = decorator && ts.isCallExpression(decorator.expression) ? decorator.expression : undefined;
    const field = call?.arguments[0];
    const member = program.section.slice("struct_ops/".length);
    const ops = field && ts.isStringLiteralLike(field) ? model.structOps?.[field.text] : undefined;
    if (!ops) {
      ctx.diagnostics.add(new CompileError(Codes.DecoratorArguments, spanOf(field ?? program.node.name), `'${field?.getText() ?? ""}' is not a StructOps field of this probe`,
        'declare it: cc = new StructOps({ type: "tcp_congestion_ops" })'));
      continue;
    }
    ops.programs[member] = program.name;
  }
}
