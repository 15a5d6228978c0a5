/**
 * Replacing a function of a loaded program (`BPF_PROG_TYPE_EXT`, libbpf's SEC("freplace/…")),
 * and marking the functions that may be replaced.
 */
import { hook, recordSource, type MethodDecorator } from "./probe.js";

/**
 * Makes an undecorated method a global BPF function (global linkage in BTF, as a C function that
 * is not `static`): the verifier checks it once on its own rather than in each caller's context,
 * and a `@freplace` program may replace it in the loaded program. Its parameters are integers or
 * the program's context; it returns an integer. Kernel 5.6 (global functions).
 */
export function globalFunction(_method: Function, context: ClassMethodDecoratorContext): void {
  recordSource(context);
}

/**
 * `SEC("freplace/<function>")`: replaces the global function `<function>` (a `@globalFunction`
 * method, or a C function that is not `static`) of a program already loaded, which is given at
 * load: `load(Replacement, { freplaceTarget: target.programs.main.fd })`. The method takes what
 * the replaced function takes (its context, `(ctx: XdpContext)`) and returns what it returns;
 * it is verified as a program of the target's type. `attach()` patches the target (a BPF link:
 * closing it restores the original function). Kernel 5.6 (links 5.10).
 */
export function freplace(functionName: string): MethodDecorator {
  void functionName;
  return hook();
}
