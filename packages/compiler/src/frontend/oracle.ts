/**
 * The small interface through which the compiler asks the TypeScript checker what it needs:
 * what a name refers to, whether that is a tsbpf DSL declaration, and a few facts about tsc's
 * types. Everything else (integer kinds, layouts, operator typing) the compiler computes itself,
 * so that tsc's JS API can be swapped for a faster checker behind this interface later.
 */
import type { ts } from "ts-morph";

export interface TypeOracle {
  /** The declaration a name (identifier, property name, type name) refers to, through imports. */
  declarationOf(node: ts.Node): ts.Declaration | undefined;
  /**
   * The DSL name of a declaration of the tsbpf package: "u32", "Probe", "bpf", "HashMap",
   * "BpfHelpers.printk", "HashMap.lookup"... undefined for anything declared elsewhere.
   */
  dslNameOf(declaration: ts.Declaration): string | undefined;
  /** Whether tsc types the expression as `any`. */
  isAny(node: ts.Node): boolean;
  /** Whether tsc types the expression as a boolean. */
  isBoolean(node: ts.Node): boolean;
  /** tsc's rendering of the expression's type, for messages. */
  typeText(node: ts.Node): string;
  /** The `@bpfHelper <id>` tag of a helper declaration. */
  helperId(declaration: ts.Declaration): number | undefined;
  /**
   * The `@kernel` interface tsc's type of the expression is (or points to: `Ptr<T>` is `T & ...`),
   * for values typed through declaration merging such as `bpf.getCurrentTask()` (compiler/src/core).
   */
  kernelInterfaceOf(node: ts.Node): ts.InterfaceDeclaration | undefined;
  /**
   * The declaration of `name` in the DSL's `KernelFunctions` or `KernelTracepoints` (which
   * tsbpf/vmlinux fills by declaration merging), found through the module that `from` (a name
   * imported from "tsbpf", e.g. a hook decorator) is imported from. Looks up that one member only.
   * "unloaded" when no kernel declarations are in the program (tsbpf/vmlinux not imported).
   */
  kernelDeclaration(from: ts.Node, table: "KernelFunctions" | "KernelTracepoints", name: string): ts.MethodSignature | "unknown" | "unloaded";
}
