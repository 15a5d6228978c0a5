/**
 * Calls: the DSL's casts (`u32(x)`), helpers (`bpf.ktimeGetNs()`, `bpf.printk(...)`) and map
 * methods (`this.counts.lookup(key)`). Anything else is code the kernel cannot run.
 */
import { ts } from "ts-morph";
import { isIntKind, isSigned, wrapToKind, type IntKind } from "../checker/kinds.js";
import { sizeOf } from "../checker/layout.js";
import { intType, ptrTo, typeName } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import type { MapModel } from "../frontend/probe-model.js";
import { imm, type Operand, type StackObject } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { convertTo, toKind } from "./convert.js";
import { fail } from "./errors.js";
import { helperOverload, helperSignature } from "./helper-signature.js";
import { kernelPointerResult } from "../core/helpers.js";
import { lowerCoreCheck } from "../core/checks.js";
import { coreAddress } from "../core/lower-access.js";
import { aggregateAddress, scalarAddress } from "./lower-aggregate.js";
import { lowerExpr } from "./lower-expr.js";
import { addressOperand, isPlaceExpression, lowerPlace, readPlace } from "./lower-place.js";
import { parsePrintkFormat, PRINTK_REGISTER_ARGS } from "./printk-format.js";
import { wholeAddress } from "./indexed.js";
import { calledFunction, lowerSubprogramCall } from "./subprograms.js";
import { lowerBpfLoop } from "./bpf-loop.js";
import { lowerTimerSetCallback } from "./timer.js";
import { lowerFindVma } from "./find-vma.js";
import { lowerAtomic } from "./atomics.js";
import { lowerLog2 } from "./log2.js";
import type { Place, RValue } from "./values.js";
import { isMapMethod, lowerMapMethod } from "./map-methods/index.js";
import { isIntrinsic, lowerIntrinsic } from "./intrinsics.js";
import { isContextArgument } from "./context-argument.js";
import { asRegion, boundedCall, needsBounds, type Region } from "./bounded-region.js";

const PRINTK = "printk";

export function lowerCall(L: LowerContext, node: ts.CallExpression): RValue {
  if (node.questionDotToken) fail(Codes.OptionalChaining, node, "optional calls ('?.()') are not supported");
  const callee = node.expression;
  if (ts.isIdentifier(callee)) {
    const declaration = L.oracle.declarationOf(callee);
    const dsl = declaration && L.oracle.dslNameOf(declaration);
    if (dsl && isIntKind(dsl) && dsl !== "bool") return lowerCast(L, node, dsl);
    if (dsl === "userPtr") return lowerUserPtr(L, node);
    if (dsl && isIntrinsic(dsl)) return lowerIntrinsic(L, node, dsl);
    const target = calledFunction(L, callee);
    if (target) return lowerSubprogramCall(L, node, target);
    return notCallable(L, node, callee.text, declaration);
  }
  if (ts.isPropertyAccessExpression(callee)) {
    const method = L.oracle.declarationOf(callee.name);
    const dsl = method && L.oracle.dslNameOf(method);
    if (dsl?.startsWith("CoreChecks.")) return lowerCoreCheck(L, node, dsl.slice("CoreChecks.".length));
    if (dsl?.startsWith("BpfHelpers.") && method) {
      const target = L.oracle.declarationOf(callee.expression);
      if (!ts.isIdentifier(callee.expression) || !target || L.oracle.dslNameOf(target) !== "bpf") {
        fail(Codes.UnknownHelper, callee.expression, "helpers are called on the 'bpf' object of \"tsbpf\"", `write bpf.${callee.name.text}(...)`);
      }
      if (callee.name.text === "loop") return lowerBpfLoop(L, node);
      if (callee.name.text === "findVma") return lowerFindVma(L, node);
      if (callee.name.text === "timerSetCallback") return lowerTimerSetCallback(L, node);
      if (callee.name.text === "log2" || callee.name.text === "log2l") return lowerLog2(L, node, callee.name.text === "log2l");
      if (callee.name.text === PRINTK) {
        const id = L.oracle.helperId(method);
        if (id === undefined) fail(Codes.UnknownHelper, node, "printk has no @bpfHelper id in its declaration");
        return lowerPrintk(L, node, id);
      }
      return lowerHelper(L, node, helperSignature(L, helperOverload(method, node.arguments.length), callee.name.text, node));
    }
    if (dsl?.startsWith("AtomicOps.")) return lowerAtomic(L, node, dsl.slice("AtomicOps.".length));
    if (dsl && isMapMethod(dsl)) return lowerMapMethod(L, node, callee);
    if (callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const target = calledFunction(L, callee);
      if (target) return lowerSubprogramCall(L, node, target);
      const name = callee.name.text;
      if (L.probe.node.members.some((m) => ts.isMethodDeclaration(m) && m.name.getText() === name)) {
        fail(Codes.Subprogram, node, `'${name}' is a program (it has a hook decorator); programs cannot call each other`,
          "move the shared code into an undecorated method and call that from both");
      }
    }
    return notCallable(L, node, callee.getText(), method);
  }
  return fail(Codes.CallToNonDsl, node, "only tsbpf helpers, casts and map methods can be called in a BPF program");
}

function notCallable(L: LowerContext, node: ts.CallExpression, name: string, declaration: ts.Declaration | undefined): never {
  const dsl = declaration && L.oracle.dslNameOf(declaration);
  if (dsl) fail(Codes.UnknownHelper, node, `'${name}' cannot be called in a BPF program`);
  const hint = name.startsWith("console.")
    ? "print with bpf.printk(\"...\", ...) (read it in /sys/kernel/tracing/trace_pipe)"
    : "the kernel runs only the program's own code, tsbpf helpers (bpf.*), casts (u32(x), ...) and map methods";
  fail(Codes.CallToNonDsl, node, `'${name}' is not a function a BPF program can call`, hint);
}

/** `u32(x)`: C's explicit conversion (truncation, sign change, extension). */
function lowerCast(L: LowerContext, node: ts.CallExpression, kind: IntKind): RValue {
  const arg = node.arguments[0];
  if (!arg || node.arguments.length !== 1) fail(Codes.HelperArguments, node, `${kind}() takes one argument`);
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) {
    // `u8("a")`: C's character constant.
    const bytes = new TextEncoder().encode(arg.text);
    if (bytes.length !== 1) fail(Codes.NotAssignable, arg, `${kind}() takes a string of one one-byte character, not ${JSON.stringify(arg.text)}`);
    return { type: intType(kind), op: imm(wrapToKind(BigInt(bytes[0]!), kind), kind) };
  }
  const value = lowerExpr(L, arg);
  if (value.type.tag === "ptr" && (kind === "u64" || kind === "i64")) {
    // C's (u64)ptr: the same register as an integer (a pointer into the stack or a map value
    // stays a pointer to the verifier, which lets a privileged program store it).
    const dst = L.b.newReg(kind);
    L.b.emit({ op: "mov", dst, src: value.op });
    return { type: intType(kind), op: { tag: "reg", reg: dst } };
  }
  if (value.type.tag !== "int") {
    fail(Codes.NotAssignable, arg, `a ${typeName(value.type)} cannot be cast to ${kind}`,
      value.type.tag === "ptr" ? "a pointer's address is a 64-bit integer: u64(p) or i64(p)" : undefined);
  }
  if (value.op.tag === "imm") return { type: intType(kind), op: imm(wrapToKind(value.op.value, kind), kind) };
  return { type: intType(kind), op: toKind(L, value, kind, node) };
}

/** `userPtr<T>(address)`: the same register, typed as a pointer into user memory. */
function lowerUserPtr(L: LowerContext, node: ts.CallExpression): RValue {
  const typeArg = node.typeArguments?.[0];
  const arg = node.arguments[0];
  if (!typeArg || !arg || node.arguments.length !== 1) {
    return fail(Codes.ProbeRead, node, "userPtr takes the pointee type and the address: userPtr<T>(address)", "e.g. userPtr<OpenHow>(ctx.args[2])");
  }
  const pointee = L.resolver.resolve(typeArg);
  const address = convertTo(L, lowerExpr(L, arg, intType("u64")), intType("u64"), arg);
  const dst = L.b.newReg("ptr");
  L.b.emit({ op: "mov", dst, src: address });
  return { type: { tag: "ptr", pointee, user: true }, op: { tag: "reg", reg: dst } };
}

/** A helper's integer argument, extended to the 64 bits of its argument register. */
function registerArgument(L: LowerContext, value: RValue, node: ts.Node): Operand {
  if (value.type.tag !== "int") return value.op;
  return toKind(L, value, isSigned(value.type.kind) ? "i64" : "u64", node);
}

/** A CharArray argument: its address (helpers take the buffer as pointer + size). */
function bufferArgument(L: LowerContext, node: ts.Expression, writes: boolean): { pointer: Operand; size: number } {
  if (!isPlaceExpression(node)) {
    fail(Codes.CharArrayArgument, node, "a buffer argument must be a CharArray member or local", "pass e.g. event.comm");
  }
  const place = lowerPlace(L, node);
  if (place.tag !== "mem" || place.type.tag !== "array") {
    return fail(Codes.CharArrayArgument, node, `a buffer argument must be a CharArray, not '${typeName(place.type)}'`, "pass a CharArray<N> member or local, e.g. event.comm");
  }
  if (writes && place.readonly !== undefined) fail(Codes.ReadOnly, node, "the helper would write into read-only memory", place.readonly);
  return { pointer: addressOperand(L, wholeAddress(L, place, node)), size: sizeOf(place.type) };
}

/**
 * A helper's pointer argument, as C passes one: a struct or array the program holds (a local, a
 * member, a map value) by its address, a pointer value as it is, `null` (or an omitted argument)
 * as 0. The verifier checks that the memory fits what the helper does with it.
 */
function pointerArgument(L: LowerContext, node: ts.CallExpression, helper: string, arg: ts.Expression | undefined, after: (() => void)[]): Operand {
  if (!arg || arg.kind === ts.SyntaxKind.NullKeyword) return imm(0n, "u64");
  // A map field (`bpf.perfEventRead(this.counters, ...)`, `bpf.currentTaskUnderCgroup(this.cgroups, 0)`): C's `&map`.
  const map = mapField(L, arg);
  if (map) return { tag: "map", map, ref: "map", offset: 0 };
  if (isPlaceExpression(arg)) return placePointer(L, helper, arg, lowerPlace(L, arg), after);
  return pointerValue(helper, arg, lowerExpr(L, arg));
}

/** A place passed where a helper takes a pointer: its address (an integer local through a stack copy). */
function placePointer(L: LowerContext, helper: string, arg: ts.Expression, place: Place, after: (() => void)[]): Operand {
  if (place.tag === "var" && place.type.tag === "int") {
    // An integer local by address (C's `&x`): it lives in a register, so the helper gets a stack
    // copy, read back after the call in case the helper wrote it.
    const kind = place.type.kind;
    const slot = L.temps.acquire(sizeOf(place.type), 8, `&${place.name} for bpf.${helper}()`);
    L.b.emit({ op: "store", addr: { tag: "stack", object: slot, offset: 0 }, value: { tag: "reg", reg: place.reg }, kind });
    after.push(() => {
      L.b.emit({ op: "load", dst: place.reg, addr: { tag: "stack", object: slot, offset: 0 }, kind });
      L.temps.release([slot]);
    });
    return { tag: "stack", object: slot, offset: 0 };
  }
  if (place.tag === "mem" && place.type.tag === "int" && !place.core && !place.user) {
    // A scalar member or element the program holds (`&b.buf[3]`, `&e.count`): its address.
    if (place.index) {
      fail(Codes.HelperArguments, arg, `bpf.${helper}() takes an element at a variable index only with its size after it`,
        "helpers taking (pointer, size) bound it: bpf.probeRead(b.buf[off], size, src)");
    }
    if (place.readonly !== undefined) fail(Codes.ReadOnly, arg, "the helper may write this read-only memory", place.readonly);
    return addressOperand(L, place.addr);
  }
  if (place.tag === "mem" && (place.type.tag === "struct" || place.type.tag === "array")) {
    if (place.user || place.core) {
      fail(Codes.HelperArguments, arg, `bpf.${helper}() cannot take kernel or user memory by address`,
        "copy it into a local first (its members read with bpf_probe_read), or pass the pointer itself");
    }
    return addressOperand(L, wholeAddress(L, place, arg));
  }
  return pointerValue(helper, arg, readPlace(L, place, arg));
}

function pointerValue(helper: string, arg: ts.Expression, value: RValue): Operand {
  if (value.type.tag !== "ptr") {
    fail(Codes.HelperArguments, arg, `bpf.${helper}() takes a pointer here, not '${typeName(value.type)}'`,
      "pass a struct or array the program holds (a local, a member, a map value), or a pointer");
  }
  return value.op;
}

/**
 * A char array where a helper takes an address (`bpf.probeReadKernelStr(buf, task.comm)`): its
 * address, as a C array decays to a pointer; a kernel struct's member at its relocated offset.
 */
function arrayAddress(L: LowerContext, place: Extract<Place, { tag: "mem" }>, arg: ts.Expression): Operand {
  if (place.core) return { tag: "reg", reg: coreAddress(L, place, arg) };
  return addressOperand(L, wholeAddress(L, place, arg));
}

/** The map named by `this.<field>`, when the argument is one. */
function mapField(L: LowerContext, arg: ts.Expression): string | undefined {
  if (!ts.isPropertyAccessExpression(arg) || arg.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  return L.probe.maps.find((m) => m.name === arg.name.text)?.name;
}

/** The program's context parameter, passed as such (`bpf.getFuncIp(ctx)`): the verifier wants its pointer unchanged. */
function contextOperand(L: LowerContext, node: ts.CallExpression, helper: string, arg: ts.Expression | undefined): Operand {
  if (!arg || !isContextArgument(L, arg)) {
    fail(Codes.HelperArguments, arg ?? node, `bpf.${helper}() takes the program's context parameter`,
      "declare the context parameter (e.g. ctx: PtRegs) and pass it itself: bpf." + helper + "(ctx)");
  }
  return lowerExpr(L, arg).op;
}

function lowerHelper(L: LowerContext, node: ts.CallExpression, signature: { name: string; id: number; params: ReturnType<typeof helperSignature>["params"]; returns: IntKind }): RValue {
  const args: Operand[] = [];
  /** Copies back into register locals passed by address, after the call. */
  const after: (() => void)[] = [];
  if (node.arguments.length > signature.params.length) {
    fail(Codes.HelperArguments, node, `bpf.${signature.name}() takes ${signature.params.length} arguments`);
  }
  /** A pointer and size pair whose bounds the compiler generates (bounded-region.ts): its argument index. */
  let bounded: { region: Region; size: RValue; at: number } | undefined;
  let skip = -1;
  signature.params.forEach((param, i) => {
    const arg = node.arguments[i];
    if (i === skip) return;
    const sizeParam = signature.params[i + 1];
    const sizeNode = node.arguments[i + 1];
    if (param.tag === "pointer" && arg && sizeNode && sizeParam?.tag === "int" && SIZE_PARAM.test(sizeParam.name) && isPlaceExpression(arg) && !mapField(L, arg)) {
      // A memory argument and its size: bounded when it starts at a variable index or its size is
      // known only at run time; otherwise passed as any pointer argument is.
      const place = lowerPlace(L, arg);
      const size = lowerExpr(L, sizeNode, intType(sizeParam.kind));
      const what = `bpf.${signature.name}()`;
      if (place.tag === "mem" && !place.core && !place.user && place.type.tag !== "ptr" && needsBounds(place, size)) {
        if (bounded) fail(Codes.HelperArguments, arg, `${what} takes at most one memory argument with a run-time size or start`);
        bounded = { region: asRegion(place, arg, what, WRITTEN_PARAM.test(param.name)), size, at: i };
        args.push(imm(0n, "u64"), imm(0n, "u64"));
      } else {
        args.push(placePointer(L, signature.name, arg, place, after));
        const type = intType(sizeParam.kind);
        args.push(registerArgument(L, { type, op: convertTo(L, size, type, sizeNode) }, sizeNode));
      }
      skip = i + 1;
      return;
    }
    if (param.tag === "buffer") {
      if (!arg) fail(Codes.HelperArguments, node, `bpf.${signature.name}() needs its '${param.name}' argument`);
      const buffer = bufferArgument(L, arg, true);
      args.push(buffer.pointer, imm(BigInt(buffer.size), "u32"));
      return;
    }
    if (param.tag === "context") {
      args.push(contextOperand(L, node, signature.name, arg));
      return;
    }
    if (param.tag === "pointer") {
      args.push(pointerArgument(L, node, signature.name, arg, after));
      return;
    }
    if (!arg) {
      args.push(imm(0n, "u64"));
      return;
    }
    const type = intType(param.tag === "address" ? "u64" : param.kind);
    const place = param.tag === "address" && isPlaceExpression(arg) ? lowerPlace(L, arg) : undefined;
    if (place?.tag === "mem" && place.type.tag === "array") return void args.push(arrayAddress(L, place, arg));
    const op = convertTo(L, place ? readPlace(L, place, arg) : lowerExpr(L, arg, type), type, arg);
    args.push(registerArgument(L, { type, op }, arg));
  });
  if (args.length > 5) fail(Codes.HelperArguments, node, "a helper takes at most five register arguments");
  const kernel = kernelPointerResult(L, node, signature.id);
  const emitCall = (callArgs: Operand[]): Operand => {
    const dst = L.b.newReg(kernel ? "ptr" : signature.returns);
    L.b.emit({ op: "call", helper: kernel?.helper ?? signature.id, args: callArgs, dst });
    return { tag: "reg", reg: dst };
  };
  if (bounded) {
    const { region, size, at } = bounded;
    const result = boundedCall(L, region, size, `bpf.${signature.name}()`, (pointer, bytes) =>
      emitCall(args.map((a, j) => (j === at ? pointer : j === at + 1 ? bytes : a))));
    for (const copyBack of after) copyBack();
    return result;
  }
  const dst = emitCall(args);
  for (const copyBack of after) copyBack();
  return { type: kernel?.type ?? intType(signature.returns), op: dst };
}

/** The parameter after a memory pointer that gives its size (the kernel's ARG_CONST_SIZE). */
const SIZE_PARAM = /^(size|len|bytes|[a-z]*(Size|Len))$/;
/** Memory pointers the helper writes (probe reads, loads into a buffer). */
const WRITTEN_PARAM = /^(dst|to|buf|opt|key)$/;

/** `bpf.printk(format, ...)`: the format goes to .rodata, `%s` takes a CharArray's address. */
function lowerPrintk(L: LowerContext, node: ts.CallExpression, id: number): RValue {
  const format = node.arguments[0];
  if (!format || !(ts.isStringLiteral(format) || ts.isNoSubstitutionTemplateLiteral(format))) {
    return fail(Codes.PrintkFormat, format ?? node, "the printk format must be a string literal", "the format is stored in .rodata when the program is compiled: write it inline");
  }
  const parsed = parsePrintkFormat(format.text);
  if (!parsed.ok) return fail(Codes.PrintkFormat, format, parsed.message, "conversions: %d %i %u %x %ld %lu %lx %lld %llu %llx %s %p %c");
  const values = node.arguments.slice(1);
  if (values.length !== parsed.conversions.length) {
    fail(Codes.PrintkArguments, node, `the format has ${parsed.conversions.length} conversion${parsed.conversions.length === 1 ? "" : "s"} but ${values.length} argument${values.length === 1 ? " is" : "s are"} given`,
      "give one argument per conversion (at most twelve)");
  }
  const string = L.rodata.intern(format.text);
  const args: Operand[] = [
    { tag: "map", map: ".rodata", ref: "value", offset: string.offset },
    imm(BigInt(string.bytes.length), "u32"),
  ];
  const operands = parsed.conversions.map((conversion, i): Operand => {
    const arg = values[i]!;
    if (conversion.conversion === "s") return bufferArgument(L, arg, false).pointer;
    const value = lowerExpr(L, arg);
    if (value.type.tag === "array" || value.type.tag === "struct") {
      fail(Codes.PrintkArguments, arg, `'${conversion.text}' takes an integer, not a ${typeName(value.type)}`);
    }
    if (value.type.tag === "ptr" && conversion.conversion !== "p") {
      fail(Codes.PrintkArguments, arg, `'${conversion.text}' takes an integer; print pointers with %p`, "or print one of the members it points to");
    }
    return registerArgument(L, value, arg);
  });
  const dst = L.b.newReg("i64");
  if (operands.length <= PRINTK_REGISTER_ARGS) {
    L.b.emit({ op: "call", helper: id, args: [...args, ...operands], dst });
  } else {
    // bpf_trace_vprintk (Linux 5.16): the values as an array of u64 on the stack, as libbpf's
    // bpf_printk passes more than three (a %s value is its string's address, which the kernel reads).
    const data = L.temps.acquire(operands.length * 8, 8, "bpf_printk arguments");
    operands.forEach((value, i) => L.b.emit({ op: "store", addr: { tag: "stack", object: data, offset: i * 8 }, value, kind: "u64" }));
    L.b.emit({ op: "call", helper: TRACE_VPRINTK, args: [...args, { tag: "stack", object: data, offset: 0 }, imm(BigInt(operands.length * 8), "u32")], dst });
    L.temps.release([data]);
  }
  return { type: intType("i64"), op: { tag: "reg", reg: dst } };
}

/** BPF_FUNC_trace_vprintk. */
const TRACE_VPRINTK = 177;
