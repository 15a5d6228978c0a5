/**
 * Diagnostics for syntax outside the subset: each construct gets its own code, a message saying
 * what it is, and a hint saying what to write instead.
 */
import { ts } from "ts-morph";
import { Codes, type DiagnosticCode } from "../diagnostics/codes.js";
import { fail } from "./errors.js";

interface Entry {
  code: DiagnosticCode;
  message: string;
  hint?: string;
}

const STATEMENTS: Partial<Record<ts.SyntaxKind, Entry>> = {
  [ts.SyntaxKind.ForInStatement]: { code: Codes.UnsupportedStatement, message: "'for…in' enumerates object keys, which BPF programs do not have", hint: "iterate a FixedArray with for…of, or count with for (let i = 0; i < N; i++)" },
  [ts.SyntaxKind.TryStatement]: { code: Codes.Exception, message: "exceptions do not exist in BPF programs", hint: "return an error value instead" },
  [ts.SyntaxKind.ThrowStatement]: { code: Codes.Exception, message: "exceptions do not exist in BPF programs", hint: "return an error value instead" },
  [ts.SyntaxKind.FunctionDeclaration]: { code: Codes.NestedFunction, message: "functions declared inside a program are not supported", hint: "BPF programs have no closures; move the logic into the program" },
  [ts.SyntaxKind.ClassDeclaration]: { code: Codes.ClassExpression, message: "classes cannot be declared inside a program", hint: "declare data-only classes and interfaces at the top level of the file" },
  [ts.SyntaxKind.WithStatement]: { code: Codes.UnsupportedStatement, message: "'with' is not supported" },
  [ts.SyntaxKind.DebuggerStatement]: { code: Codes.UnsupportedStatement, message: "'debugger' has no meaning in a BPF program", hint: "inspect values with bpf.printk or a ring buffer, and the verifier log" },
};

const EXPRESSIONS: Partial<Record<ts.SyntaxKind, Entry>> = {
  [ts.SyntaxKind.ArrowFunction]: { code: Codes.Closure, message: "closures (arrow functions) are not supported in BPF programs", hint: "an arrow function can only be a callback written in the call that takes it (this.map.forEach(...), bpf.loop(n, ...)); write the code inline" },
  [ts.SyntaxKind.FunctionExpression]: { code: Codes.FunctionExpression, message: "function expressions are not supported in BPF programs", hint: "BPF has no closures: write the code inline" },
  [ts.SyntaxKind.ArrayLiteralExpression]: { code: Codes.ArrayLiteral, message: "an array literal only initialises a FixedArray", hint: "declare its type: const xs: FixedArray<u32, 3> = [1, 2, 3], or a struct member of type FixedArray<T, N>" },
  [ts.SyntaxKind.ClassExpression]: { code: Codes.ClassExpression, message: "class expressions are not supported in BPF programs", hint: "declare data-only classes and interfaces at the top level of the file" },
  [ts.SyntaxKind.TemplateExpression]: { code: Codes.TemplateLiteral, message: "template literals build strings at run time, which BPF cannot do", hint: "use bpf.printk(\"... %d\", value) to format values" },
  [ts.SyntaxKind.TaggedTemplateExpression]: { code: Codes.TemplateLiteral, message: "tagged templates are not supported", hint: "BPF has no dynamic strings; format values with bpf.printk(\"... %d\", value)" },
  [ts.SyntaxKind.SpreadElement]: { code: Codes.Spread, message: "spread syntax is not supported" },
  [ts.SyntaxKind.AwaitExpression]: { code: Codes.Async, message: "'await' is not supported: BPF programs run to completion" },
  [ts.SyntaxKind.YieldExpression]: { code: Codes.Generator, message: "generators are not supported in BPF programs" },
  [ts.SyntaxKind.TypeOfExpression]: { code: Codes.UnsupportedOperator, message: "'typeof' has no meaning in a BPF program", hint: "every value's type is known when the program is compiled" },
  [ts.SyntaxKind.DeleteExpression]: { code: Codes.UnsupportedOperator, message: "'delete' is not supported", hint: "to remove a map entry call this.map.delete(key)" },
  [ts.SyntaxKind.VoidExpression]: { code: Codes.UnsupportedOperator, message: "'void' is not supported", hint: "evaluate the expression as a statement of its own" },
  [ts.SyntaxKind.RegularExpressionLiteral]: { code: Codes.RegExp, message: "regular expressions are not supported in BPF programs", hint: "compare bytes of a CharArray in a bounded loop, or match in user space" },
  [ts.SyntaxKind.StringLiteral]: { code: Codes.StringOutsideDsl, message: "strings exist only as printk formats and CharArray initialisers", hint: "BPF has no dynamic strings; use a CharArray<N> field" },
  [ts.SyntaxKind.NoSubstitutionTemplateLiteral]: { code: Codes.StringOutsideDsl, message: "strings exist only as printk formats and CharArray initialisers", hint: "BPF has no dynamic strings; use a CharArray<N> field" },
  [ts.SyntaxKind.ObjectLiteralExpression]: { code: Codes.UnsupportedExpression, message: "an object literal needs a declared struct type here", hint: "declare the variable with its interface type: const e: MyEvent = { ... }" },
  [ts.SyntaxKind.TypeAssertionExpression]: { code: Codes.UnsupportedExpression, message: "type assertions do not convert values", hint: "use a cast function such as u32(x)" },
  [ts.SyntaxKind.AsExpression]: { code: Codes.UnsupportedExpression, message: "'as' does not convert values", hint: "use a cast function such as u32(x)" },
  [ts.SyntaxKind.ThisKeyword]: { code: Codes.ThisOutsideMember, message: "'this' can only be used to reach a probe's maps and fields", hint: "write this.<field>" },
  [ts.SyntaxKind.SuperKeyword]: { code: Codes.UnsupportedExpression, message: "'super' is not supported in BPF programs" },
  [ts.SyntaxKind.NewExpression]: { code: Codes.NewOfNonMap, message: "'new' allocates on the heap, which BPF programs cannot do", hint: "maps are declared as probe fields; structs are built with object literals" },
  [ts.SyntaxKind.MetaProperty]: { code: Codes.UnsupportedExpression, message: "meta properties are not supported" },
  [ts.SyntaxKind.ElementAccessExpression]: { code: Codes.UnsupportedExpression, message: "this element access is not supported" },
};

export function unsupportedStatement(node: ts.Statement): never {
  const entry = STATEMENTS[node.kind] ?? {
    code: Codes.UnsupportedStatement,
    message: `this statement (${ts.SyntaxKind[node.kind]}) is not supported in BPF programs`,
  };
  return fail(entry.code, node, entry.message, entry.hint);
}

export function unsupportedExpression(node: ts.Node): never {
  const entry = EXPRESSIONS[node.kind] ?? {
    code: Codes.UnsupportedExpression,
    message: `this expression (${ts.SyntaxKind[node.kind]}) is not supported in BPF programs`,
  };
  const at = ts.isArrowFunction(node) || ts.isFunctionExpression(node) ? node : node;
  return fail(entry.code, at, entry.message, entry.hint);
}
