/**
 * `comm === "bash"`: a `CharArray` compared with a string literal, as the user-space string it
 * reads as (the bytes up to the first NUL) compares: the literal's bytes, then a NUL unless the
 * literal fills the array. Unrolled byte compares (clang's `__builtin_memcmp` of a short
 * constant), which jump out at the first difference. `s[i] === "a"` compares one byte with the
 * character's code (lower-ops.ts).
 */
import { ts } from "ts-morph";
import { typeName } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import type { Block, CmpOp } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";
import { spanOf } from "../frontend/span.js";
import { isPlaceExpression, lowerPlace, offsetAddress } from "./lower-place.js";

const EQUALITY: Partial<Record<ts.SyntaxKind, CmpOp>> = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "eq",
  [ts.SyntaxKind.EqualsEqualsToken]: "eq",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "ne",
  [ts.SyntaxKind.ExclamationEqualsToken]: "ne",
};

function isStringLiteral(node: ts.Expression): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
}

/** The array side and the literal of `array === "text"` (either order), when the node is one. */
function charComparison(node: ts.Expression): { array: ts.Expression; literal: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral; cmp: CmpOp } | undefined {
  if (!ts.isBinaryExpression(node)) return undefined;
  const cmp = EQUALITY[node.operatorToken.kind];
  if (!cmp) return undefined;
  if (isStringLiteral(node.right) && node.right.text.length !== 1 && isPlaceExpression(node.left)) return { array: node.left, literal: node.right, cmp };
  if (isStringLiteral(node.left) && node.left.text.length !== 1 && isPlaceExpression(node.right)) return { array: node.right, literal: node.left, cmp };
  // A one-character literal may also be compared with a whole array (`name === "x"`): decided by the place's type.
  if (isStringLiteral(node.right) && isPlaceExpression(node.left)) return { array: node.left, literal: node.right, cmp };
  if (isStringLiteral(node.left) && isPlaceExpression(node.right)) return { array: node.right, literal: node.left, cmp };
  return undefined;
}

/** Lowers `node` as a branch when it compares a char array with a string literal; false when it is something else. */
export function lowerCharCompare(L: LowerContext, node: ts.Expression, whenTrue: Block, whenFalse: Block): boolean {
  if (!isCharCompare(L, node)) return false;
  const c = charComparison(node)!;
  const place = lowerPlace(L, c.array);
  if (place.tag !== "mem" || place.type.tag !== "array" || !place.type.char) {
    return fail(Codes.OperatorType, node, `a string literal compares only with a CharArray, not '${typeName(place.type)}'`);
  }
  if (place.core || place.user || place.index) {
    fail(Codes.OperatorType, c.array, "a char array in kernel or user memory, or at a variable index, cannot be compared in place",
      "copy it into a CharArray first: bpf.probeReadKernelStr(buf, task.comm), then compare buf");
  }
  const [equal, different] = c.cmp === "eq" ? [whenTrue, whenFalse] : [whenFalse, whenTrue];
  const bytes = new TextEncoder().encode(c.literal.text);
  const length = place.type.length;
  if (bytes.length > length) {
    L.diagnostics.warning(Codes.StringTooLong, spanOf(c.literal),
      `the string is ${bytes.length} bytes long; ${typeName(place.type)} holds ${length}, so they are never equal`);
    L.b.terminate({ op: "br", target: different });
    return true;
  }
  // The literal's bytes, then its NUL when the array has room for one.
  const expected = bytes.length < length ? [...bytes, 0] : [...bytes];
  expected.forEach((byte, i) => {
    const value = L.b.newReg("u8");
    L.b.emit({ op: "load", dst: value, addr: offsetAddress(place.addr, i), kind: "u8" });
    const next = i === expected.length - 1 ? equal : L.b.newBlock();
    L.b.terminate({ op: "cbr", cmp: "eq", kind: "u8", a: { tag: "reg", reg: value }, b: { tag: "imm", value: BigInt(byte), kind: "u8" }, then: next, else: different });
    if (next !== equal) L.b.setBlock(next);
  });
  return true;
}

/** Whether `node` is a char array compared with a string literal (for value contexts, which branch). */
export function isCharCompare(L: LowerContext, node: ts.Expression): boolean {
  const c = charComparison(node);
  if (!c) return false;
  // A one-character literal compares with a whole CharArray as a string, with a byte (`s[i]`) as its code.
  return c.literal.text.length !== 1 || /\bCharArray\b/.test(L.oracle.typeText(c.array));
}
