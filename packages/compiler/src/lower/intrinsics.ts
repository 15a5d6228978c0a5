/**
 * DSL functions the compiler expands inline: checked direct packet access (`packetAt`,
 * `packetLength`), byte order (`ntohs`, `htons`, `ntohl`, `htonl`) and register reads
 * (`PT_REGS_PARM1`.. , `PT_REGS_RC`, ...). Declared in packages/tsbpf/src/dsl/packet.ts.
 */
import { ts } from "ts-morph";
import { fieldOf, sizeOf } from "../checker/layout.js";
import { intType, ptrTo, typeName, type StructType } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Operand, type VReg } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { convertTo } from "./convert.js";
import { fail } from "./errors.js";
import { lowerExpr } from "./lower-expr.js";
import type { RValue } from "./values.js";
import { lowerUsdtArg } from "./usdt-arg.js";
import { isContextArgument } from "./context-argument.js";

/** x86-64 `struct pt_regs` members of libbpf's PT_REGS_* macros. */
const REGISTERS: Record<string, string> = {
  PT_REGS_PARM1: "di", PT_REGS_PARM2: "si", PT_REGS_PARM3: "dx", PT_REGS_PARM4: "cx", PT_REGS_PARM5: "r8", PT_REGS_PARM6: "r9",
  PT_REGS_RC: "ax", PT_REGS_IP: "ip", PT_REGS_SP: "sp",
};

const BYTE_ORDER = new Set(["ntohs", "htons", "ntohl", "htonl"]);

export function isIntrinsic(dslName: string): boolean {
  return dslName === "packetAt" || dslName === "packetLength" || dslName === "usdtArg" || BYTE_ORDER.has(dslName) || dslName in REGISTERS;
}

export function lowerIntrinsic(L: LowerContext, node: ts.CallExpression, name: string): RValue {
  if (name === "packetAt") return lowerPacketAt(L, node);
  if (name === "usdtArg") return lowerUsdtArg(L, node);
  if (name === "packetLength") {
    const { data, end } = packetBounds(L, node);
    // The kernel keeps data <= data_end, and a packet is shorter than 4 GiB: the 64-bit difference
    // is already a u32 zero-extended (the IR's invariant), with no truncation after it (clang's
    // `data_end - data` takes none either). Pointers move only with 64-bit instructions.
    const length = L.b.newReg("u32");
    L.b.emit({ op: "bin", bop: "sub", kind: "u64", dst: length, a: reg(end), b: reg(data) });
    return { type: intType("u32"), op: reg(length) };
  }
  if (BYTE_ORDER.has(name)) return lowerByteSwap(L, node, name.endsWith("s") ? 16 : 32);
  return lowerRegister(L, node, REGISTERS[name]!);
}

function reg(r: VReg): Operand {
  return { tag: "reg", reg: r };
}

function onlyArguments(node: ts.CallExpression, count: number, name: string): void {
  if (node.arguments.length !== count) fail(Codes.HelperArguments, node, `${name}() takes ${count} argument${count === 1 ? "" : "s"}`);
}

/** The context parameter passed as first argument: its register and struct type. */
function contextOf(L: LowerContext, node: ts.CallExpression, name: string): { ctx: Operand; struct: StructType } {
  const arg = node.arguments[0];
  const context = L.program.context;
  if (!arg || !context || !isContextArgument(L, arg)) {
    return fail(Codes.HelperArguments, arg ?? node, `${name}() takes the program's context parameter first`, "pass ctx itself");
  }
  return { ctx: lowerExpr(L, arg).op, struct: context.type };
}

/** `data` and `data_end` of an XDP or skb context, as packet pointers. */
function packetBounds(L: LowerContext, node: ts.CallExpression): { data: VReg; end: VReg } {
  const name = (node.expression as ts.Identifier).text;
  const { ctx, struct } = contextOf(L, node, name);
  const dataField = fieldOf(struct, "data");
  const endField = fieldOf(struct, "data_end");
  if (!dataField || !endField || (struct.name !== "xdp_md" && struct.name !== "__sk_buff")) {
    fail(Codes.HelperArguments, node, `${name}() needs an XdpContext or SkBuff context, not '${struct.name}'`);
  }
  if (ctx.tag !== "reg") fail(Codes.Internal, node, "the context is not in a register");
  const pointer = (offset: number): VReg => {
    // The context member is a u32 in the UAPI struct; the verifier turns its 32-bit load into a
    // 64-bit packet pointer, which from then on only moves with 64-bit instructions.
    const p = L.b.newReg("ptr");
    p.nonNull = true;
    L.b.emit({ op: "load", dst: p, addr: { tag: "reg", base: ctx.reg, offset }, kind: "u32" });
    return p;
  };
  return { data: pointer(dataField!.offset), end: pointer(endField!.offset) };
}

/** `packetAt<T>(ctx, offset)`: `data + offset`, or null unless `data + offset + sizeof(T) <= data_end`. */
function lowerPacketAt(L: LowerContext, node: ts.CallExpression): RValue {
  onlyArguments(node, 2, "packetAt");
  const typeArg = node.typeArguments?.[0];
  if (!typeArg) fail(Codes.HelperArguments, node, "packetAt needs the type it reads", "write packetAt<EthHeader>(ctx, 0)");
  const type = L.resolver.resolve(typeArg);
  if (type.tag === "ptr" || type.tag === "void") fail(Codes.HelperArguments, typeArg, `packetAt cannot read a '${typeName(type)}'`);
  const size = sizeOf(type);
  const { data, end } = packetBounds(L, node);
  const offsetNode = node.arguments[1]!;
  const offset = convertTo(L, lowerExpr(L, offsetNode, intType("u32")), intType("u32"), offsetNode);
  const at = L.b.newReg("ptr");
  // Lets the null check after the bounds check fold into it (passes/known-branches.ts).
  at.nonNull = true;
  if (offset.tag === "imm") {
    if (offset.value < 0n || offset.value > 0xffffn) fail(Codes.LiteralOutOfRange, offsetNode, "a packet offset is below 65536");
    L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: at, a: reg(data), b: imm(offset.value, "u64") });
  } else {
    // The verifier adds a variable to a packet pointer only when it can bound it.
    const bounded = L.b.newReg("u32");
    L.b.emit({ op: "bin", bop: "and", kind: "u32", dst: bounded, a: offset, b: imm(0xffffn, "u32") });
    const wide = L.b.newReg("u64");
    L.b.emit({ op: "conv", dst: wide, src: reg(bounded), from: "u32", to: "u64" });
    L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: at, a: reg(data), b: reg(wide) });
  }
  const last = L.b.newReg("ptr");
  L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: last, a: reg(at), b: imm(BigInt(size), "u64") });
  const result = L.b.newReg("ptr");
  L.b.emit({ op: "mov", dst: result, src: imm(0n, "ptr") });
  const inside = L.b.newBlock();
  const done = L.b.newBlock();
  L.b.terminate({ op: "cbr", cmp: "le", kind: "u64", a: reg(last), b: reg(end), then: inside, else: done });
  L.b.setBlock(inside);
  L.b.emit({ op: "mov", dst: result, src: reg(at) });
  L.b.terminate({ op: "br", target: done });
  L.b.setBlock(done);
  return { type: ptrTo(type), op: reg(result) };
}

/** Byte order: a swap of the 16 or 32 bits (x86-64 is little-endian). */
function lowerByteSwap(L: LowerContext, node: ts.CallExpression, bits: 16 | 32): RValue {
  const name = (node.expression as ts.Identifier).text;
  onlyArguments(node, 1, name);
  const kind = bits === 16 ? "u16" : "u32";
  const arg = node.arguments[0]!;
  const x = convertTo(L, lowerExpr(L, arg, intType(kind)), intType(kind), arg);
  if (x.tag === "imm") {
    let v = 0n;
    for (let i = 0; i < bits / 8; i++) v |= ((x.value >> BigInt(8 * i)) & 0xffn) << BigInt(bits - 8 - 8 * i);
    return { type: intType(kind), op: imm(v, kind) };
  }
  // One BPF_END instruction (`be16`/`be32`), which also clears the bits above the swapped ones.
  const result = L.b.newReg(kind);
  L.b.emit({ op: "un", uop: bits === 16 ? "be16" : "be32", kind, dst: result, a: x });
  return { type: intType(kind), op: reg(result) };
}

/** `PT_REGS_PARM1(ctx)`...: a u64 load of the register's slot in `struct pt_regs`. */
function lowerRegister(L: LowerContext, node: ts.CallExpression, register: string): RValue {
  const name = (node.expression as ts.Identifier).text;
  onlyArguments(node, 1, name);
  const { ctx, struct } = contextOf(L, node, name);
  const regs = struct.name === "pt_regs" ? struct : struct.fields[0]?.name === "regs" && struct.fields[0].type.tag === "struct" ? struct.fields[0].type : undefined;
  const field = regs && fieldOf(regs, register);
  if (!field || ctx.tag !== "reg") return fail(Codes.HelperArguments, node, `${name}() needs a PtRegs (or PerfEventContext) context, not '${struct.name}'`);
  const dst = L.b.newReg("u64");
  L.b.emit({ op: "load", dst, addr: { tag: "reg", base: ctx.reg, offset: field.offset }, kind: "u64" });
  return { type: intType("u64"), op: reg(dst) };
}
