/**
 * Functions too deep for tsc's control-flow analysis (frontend/flow-depth.ts), checked without it.
 *
 * tsc gives up on a function whose flow graph nests more than 2,000 branch points (TS2563) and
 * types every reference after that point as "error": a method of 4,000 `if`s cannot be typed. But
 * narrowing changes nothing for most references of a BPF program: an integer, a struct, `this`, a
 * map field have one type whatever the branches say. For those, before tsc checks the file, the
 * reference's link into the flow graph is cut, and tsc gives it its declared type without walking
 * the graph (as it does for a reference outside any function). References whose declared type
 * narrowing does change (`V | undefined` from a map lookup, a union of objects) keep their link;
 * if one of them is still past the limit, tsc reports TS2563 and the compile stops there.
 *
 * What is lost, in such a function only: tsc's "used before being assigned" (checked by tsbpf's
 * own pass instead, frontend/definite-assignment.ts: TSBPF2021) and the narrowing of
 * booleans and literal unions (a comparison tsc would call always-false is not reported). The
 * compiler types the function itself (checker/), so the program is the same.
 */
import { ts } from "ts-morph";
import { FlowDepth, flowNodeOf, TSC_FLOW_DEPTH_LIMIT } from "./flow-depth.js";

export interface DeepFunction {
  node: ts.FunctionLikeDeclaration;
  /** tsc's nested calls for the deepest reference of the function (upper bound). */
  depth: number;
}

/**
 * Functions with this many references are long enough for tsc's walks to cost quadratic time (a
 * reference to a `const` declared at the top walks back over every statement after it: 10,000
 * statements made tsc's flow analysis most of the compile). There, only the references for which
 * the walk's answer is known to be the declared type are cut (`mode: "same"`): nothing tsc
 * reports changes.
 */
export const LONG_FUNCTION_REFERENCES = 2000;

/** Below the limit by a margin: tsc's other walks (assertions, loops) add a few calls. */
const DEEP = TSC_FLOW_DEPTH_LIMIT - 50;

function hasBody(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body !== undefined;
}

/** The reference nodes of a function's own body (not of functions nested in it), children first. */
function references(fn: ts.FunctionLikeDeclaration): ts.Node[] {
  const out: ts.Node[] = [];
  // Iterative post-order: a method of 10,000 statements nests deeply enough in expressions only.
  const stack: { node: ts.Node; done: boolean }[] = [{ node: fn.body!, done: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.done) {
      if (flowNodeOf(top.node) && (ts.isIdentifier(top.node) || top.node.kind === ts.SyntaxKind.ThisKeyword || ts.isPropertyAccessExpression(top.node) || ts.isElementAccessExpression(top.node))) {
        out.push(top.node);
      }
      continue;
    }
    stack.push({ node: top.node, done: true });
    const children: ts.Node[] = [];
    ts.forEachChild(top.node, (child) => {
      if (!hasBody(child)) children.push(child);
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, done: false });
  }
  return out;
}

/**
 * The functions of the file whose flow graph is deeper than tsc follows (`deep`), and the ones long
 * enough for its walks to take quadratic time (`long`, not deep).
 */
export function largeFunctions(sourceFile: ts.SourceFile): { deep: DeepFunction[]; long: ts.FunctionLikeDeclaration[] } {
  const depth = new FlowDepth();
  const deep: DeepFunction[] = [];
  const long: ts.FunctionLikeDeclaration[] = [];
  const visit = (node: ts.Node): void => {
    if (hasBody(node)) {
      const refs = references(node);
      let deepest = 0;
      for (const ref of refs) deepest = Math.max(deepest, depth.from(flowNodeOf(ref)!));
      if (deepest >= DEEP) deep.push({ node, depth: deepest });
      else if (refs.length >= LONG_FUNCTION_REFERENCES) long.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { deep, long };
}

/** Whether narrowing can give the type another meaning: a union with a nullable, object or unknown member. */
function narrowingMatters(type: ts.Type): boolean {
  if (type.flags & ts.TypeFlags.Unknown) return true;
  if (!type.isUnion()) return false;
  const plain = ts.TypeFlags.BooleanLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.StringLike | ts.TypeFlags.EnumLike;
  return !type.types.every((t) => (t.flags & plain) !== 0);
}

/** The declared type of a reference, read without tsc's flow analysis of the reference itself. */
function declaredType(ref: ts.Node, checker: ts.TypeChecker): ts.Type | undefined {
  if (ts.isIdentifier(ref)) {
    const symbol = checker.getSymbolAtLocation(ref);
    return symbol ? checker.getTypeOfSymbol(symbol) : undefined;
  }
  if (ts.isPropertyAccessExpression(ref)) {
    // The object's links were cut (or kept) before: references come children first.
    const object = checker.getNonNullableType(checker.getTypeAtLocation(ref.expression));
    const property = checker.getApparentType(object).getProperty(ref.name.text);
    return property ? checker.getTypeOfSymbol(property) : undefined;
  }
  return undefined;
}

/**
 * Whether tsc's walk for an identifier can only end in its declared type: a parameter, or a
 * variable declared with an initializer (no "used before being assigned"), of a type that is not
 * a union (nothing to narrow; an assignment of a non-union type gives the declared type back).
 */
function walkGivesDeclaredType(ref: ts.Identifier, type: ts.Type, checker: ts.TypeChecker): boolean {
  if (type.isUnion() || type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return false;
  const declaration = checker.getSymbolAtLocation(ref)?.valueDeclaration;
  if (!declaration) return false;
  if (ts.isParameter(declaration)) return true;
  return ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined && ts.isVariableDeclarationList(declaration.parent) &&
    ts.isVariableStatement(declaration.parent.parent);
}

/**
 * Cuts the flow links of the function's references: in a function past tsc's limit (`deep`), of
 * those whose type narrowing does not change; in a long one (`same`), of those whose walk can only
 * give the declared type. Returns how many references keep theirs.
 */
export function checkWithoutNarrowing(fn: ts.FunctionLikeDeclaration, checker: ts.TypeChecker, mode: "deep" | "same" = "deep"): number {
  let kept = 0;
  for (const ref of references(fn)) {
    // `this` and element accesses (`ctx.args[0]`) are not narrowed in BPF code.
    if (mode === "same") {
      const type = ts.isIdentifier(ref) ? declaredType(ref, checker) : undefined;
      const same = ref.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(ref) && type !== undefined && walkGivesDeclaredType(ref, type, checker));
      if (!same) {
        kept++;
        continue;
      }
      (ref as { flowNode?: unknown }).flowNode = undefined;
      continue;
    }
    const type = ref.kind === ts.SyntaxKind.ThisKeyword || ts.isElementAccessExpression(ref) ? undefined : declaredType(ref, checker);
    if (type && narrowingMatters(type)) {
      kept++;
      continue;
    }
    (ref as { flowNode?: unknown }).flowNode = undefined;
  }
  return kept;
}
