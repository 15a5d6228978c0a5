/**
 * A typed-argument program's parameters against the kernel's declaration of what it hooks:
 * `@tp_btf("sched_switch")` against `KernelTracepoints["sched_switch"]` (the arguments of
 * `btf_trace_sched_switch`), `@fentry`/`@fexit`/`@kprobe`/`@kretprobe("fn")` against
 * `KernelFunctions["fn"]` (its parameters, and its return value for fexit and kretprobe), as
 * tsbpf/vmlinux declares them.
 *
 * tsc cannot check these itself (a decorator typed from a 60k-member interface costs tsc minutes),
 * so the compiler looks the one member up through the checker and compares kinds: an integer of
 * another size or signedness, an integer where the kernel passes a pointer, a pointer to another
 * struct (a flavour such as `task_struct___x` is the same struct), or more parameters than the
 * kernel passes, are errors. A name the shipped declarations lack may exist on another kernel:
 * its parameters are accepted as annotated, with a warning.
 */
import { ts } from "ts-morph";
import { isSigned, kindSize } from "../checker/kinds.js";
import type { Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import type { HookDef } from "../frontend/hooks.js";
import type { FrontendContext } from "../frontend/probe-class.js";
import { spanOf } from "../frontend/span.js";

/** One argument the kernel passes, as declared. */
export interface KernelArg {
  /** The resolved type; undefined when the declaration's type is outside the subset (not checked). */
  type: Type | undefined;
  /** The annotation to write for it (`Ptr<task_struct>`, `u32`). */
  annotation: string;
}

export interface KernelSignature {
  /** "the tracepoint sched_switch", for messages. */
  what: string;
  args: KernelArg[];
  /** What the arguments are, for the too-many message ("2 arguments and a return value"). */
  count: string;
}

const TABLES: Record<string, "KernelFunctions" | "KernelTracepoints" | undefined> = {
  tp_btf: "KernelTracepoints",
  fentry: "KernelFunctions",
  fexit: "KernelFunctions",
  kprobe: "KernelFunctions",
  kretprobe: "KernelFunctions",
};

/**
 * The kernel's declaration of the hooked function or tracepoint, or undefined when there is
 * none to check against: "unloaded" when the program does not import tsbpf/vmlinux, undefined for a
 * name it lacks (with a warning).
 */
export function kernelSignature(ctx: FrontendContext, hook: HookDef, section: string, decorator: ts.Decorator): KernelSignature | "unloaded" | undefined {
  const table = TABLES[hook.decorator];
  if (!table) return undefined;
  // The section names it: "tp_btf/sched_switch", "kprobe/do_unlinkat+4".
  const name = section.slice(section.indexOf("/") + 1).replace(/\+.*$/, "");
  const expression = decorator.expression;
  const callee = ts.isCallExpression(expression) ? expression.expression : expression;
  const declaration = ctx.oracle.kernelDeclaration(callee, table, name);
  if (declaration === "unloaded") return "unloaded";
  const what = table === "KernelTracepoints" ? `the tracepoint ${name}` : `the kernel function ${name}`;
  if (declaration === "unknown") {
    ctx.diagnostics.warning(Codes.ProgramSignature, spanOf(expression), `tsbpf/vmlinux does not declare ${what}: its arguments are taken as annotated, unchecked`,
      "another kernel may have it; check each parameter's type against that kernel's BTF");
    return undefined;
  }
  const param = (p: ts.ParameterDeclaration): KernelArg => kernelArg(ctx, p.type);
  const params = declaration.parameters.map(param);
  const returns = declaration.type && declaration.type.kind !== ts.SyntaxKind.VoidKeyword ? kernelArg(ctx, declaration.type) : undefined;
  const plural = (n: number) => `${n} argument${n === 1 ? "" : "s"}`;
  if (hook.args === "pt_regs-return") return { what, args: returns ? [returns] : [], count: returns ? "a return value" : "no return value" };
  if (hook.decorator === "fexit" && returns) return { what, args: [...params, returns], count: `${plural(params.length)} and a return value` };
  return { what, args: params, count: plural(params.length) };
}

function kernelArg(ctx: FrontendContext, node: ts.TypeNode | undefined): KernelArg {
  let type: Type | undefined;
  try {
    type = node && ctx.resolver.resolve(node);
  } catch {
    type = undefined; // e.g. a type the subset has no equivalent for: nothing to compare with
  }
  return { type, annotation: type ? annotationOf(type) ?? node!.getText() : node?.getText() ?? "u64" };
}

/** How a program declares a kernel argument of this type. */
function annotationOf(type: Type): string | undefined {
  if (type.tag === "int") return type.kind;
  if (type.tag === "ptr" && type.pointee.tag === "struct" && type.pointee.name) return `Ptr<${type.pointee.name}>`;
  if (type.tag === "ptr") {
    const inner = annotationOf(type.pointee);
    return inner && `Ptr<${inner}>`;
  }
  return undefined;
}

/** The CompileError for a parameter beyond the kernel's arguments, or undefined. */
export function tooMany(signature: KernelSignature, params: readonly ts.ParameterDeclaration[]): CompileError | undefined {
  const extra = params[signature.args.length];
  if (!extra) return undefined;
  return new CompileError(Codes.ProgramSignature, spanOf(extra), `${signature.what} passes ${signature.count}: the parameter '${extra.name.getText()}' has no argument`,
    `remove it; tsbpf/vmlinux declares the arguments as (${signature.args.map((a) => a.annotation).join(", ")})`);
}

/** The CompileError for an unannotated parameter, saying what to write. */
export function unannotated(signature: KernelSignature, param: ts.ParameterDeclaration, index: number): CompileError {
  const name = param.name.getText();
  return new CompileError(Codes.ProgramSignature, spanOf(param), `the parameter '${name}' needs the type of argument ${index + 1} of ${signature.what}`,
    `declare it as '${name}: ${signature.args[index]!.annotation}' (importing the struct types from "tsbpf/vmlinux")`);
}

/** The CompileError for an unannotated parameter when tsbpf/vmlinux is not imported: how to get the annotation named. */
export function unannotatedUnloaded(hook: HookDef, param: ts.ParameterDeclaration): CompileError {
  return new CompileError(Codes.ProgramSignature, spanOf(param), `the parameter '${param.name.getText()}' needs its type`,
    `import the kernel's types (import type { task_struct } from "tsbpf/vmlinux") and the compiler names the type of each of the ${hook.decorator === "tp_btf" ? "tracepoint" : "function"}'s arguments`);
}

/** The CompileError when the annotation's kind is not the kernel's, or undefined when it fits. */
export function mismatch(signature: KernelSignature, param: ts.ParameterDeclaration, index: number, type: Type): CompileError | undefined {
  const kernel = signature.args[index]!;
  if (!kernel.type || fits(type, kernel.type)) return undefined;
  const name = param.name.getText();
  return new CompileError(Codes.ProgramSignature, spanOf(param.type!), `'${param.type!.getText()}' is not the type of argument ${index + 1} of ${signature.what}: tsbpf/vmlinux declares it '${kernel.annotation}'`,
    `declare it as '${name}: ${kernel.annotation}'`);
}

function fits(user: Type, kernel: Type): boolean {
  if (kernel.tag === "int") {
    // A kernel u64 is also how tsbpf/vmlinux writes void *, char * and function pointers.
    if (user.tag === "ptr") return kernel.kind === "u64";
    return user.tag === "int" && kindSize(user.kind) === kindSize(kernel.kind) && isSigned(user.kind) === isSigned(kernel.kind);
  }
  if (kernel.tag === "ptr") {
    if (user.tag !== "ptr") return false;
    if (kernel.pointee.tag !== "struct") return true; // pointers to integers and arrays: not compared
    return user.pointee.tag === "struct" && baseName(user.pointee.name) === baseName(kernel.pointee.name);
  }
  return true;
}

/** `task_struct___old` is a flavour of `task_struct`: CO-RE matches it by its base name. */
function baseName(name: string): string {
  const flavour = name.indexOf("___");
  return flavour > 0 ? name.slice(0, flavour) : name;
}
