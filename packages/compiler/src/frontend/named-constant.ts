/**
 * Integer constants the frontend needs before any code is lowered (map options, array lengths),
 * written as C writes them with names: `maxEntries: MAX_ENTRIES`, `CharArray<typeof MAX_LINE_SIZE>`,
 * `maxEntries: Limits.Entries * 2`. A name is followed to its `const` declaration (in this file or
 * an imported one) or its enum member's initialiser; anything else is not a constant here.
 */
import { ts } from "ts-morph";
import { evaluateConstant } from "./constant.js";
import type { TypeOracle } from "./oracle.js";

/** How many names deep a constant may refer (`A = B * 2`, `B = C`, ...) before it is refused. */
const MAX_DEPTH = 8;

export function namedConstant(node: ts.Expression, oracle: TypeOracle, depth = 0): bigint | undefined {
  if (depth > MAX_DEPTH) return undefined;
  return evaluateConstant(node, (leaf) => {
    const initializer = constantInitializer(ts.isPropertyAccessExpression(leaf) ? leaf.name : leaf, oracle);
    return initializer ? namedConstant(initializer, oracle, depth + 1) : undefined;
  });
}

/** The value of `typeof NAME` in a type (`CharArray<typeof MAX_LINE_SIZE>`), or undefined. */
export function typeQueryConstant(node: ts.TypeQueryNode, oracle: TypeOracle): bigint | undefined {
  const name = ts.isQualifiedName(node.exprName) ? node.exprName.right : node.exprName;
  const initializer = ts.isIdentifier(name) ? constantInitializer(name, oracle) : undefined;
  return initializer ? namedConstant(initializer, oracle, 1) : undefined;
}

/** The initialiser of the `const` variable or enum member a name refers to. */
function constantInitializer(name: ts.Node, oracle: TypeOracle): ts.Expression | undefined {
  if (!ts.isIdentifier(name)) return undefined;
  const declaration = oracle.declarationOf(name);
  if (!declaration) return undefined;
  if (ts.isVariableDeclaration(declaration) && declaration.initializer && ts.isVariableDeclarationList(declaration.parent)
    && declaration.parent.flags & ts.NodeFlags.Const) {
    return declaration.initializer;
  }
  if (ts.isEnumMember(declaration)) return declaration.initializer;
  return undefined;
}
