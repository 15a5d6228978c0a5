/**
 * `usdtArg(ctx, i)`: libbpf's `bpf_usdt_arg` inline. The runtime attaches each USDT site as a
 * uprobe whose BPF cookie is the index of its argument specs in the `__bpf_usdt_specs` array map
 * (libbpf's layout, see packages/runtime/src/links/usdt.ts); the program looks its spec up and
 * reads argument i: a constant, a register of pt_regs, or memory at a register plus an offset,
 * then cuts it to its size with a shift pair (arithmetic for signed arguments).
 */
import { ts } from "ts-morph";
import { layoutStruct } from "../checker/layout.js";
import { intType, type StructType } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { evaluateConstant } from "../frontend/constant.js";
import type { MapModel } from "../frontend/probe-model.js";
import { imm, type Operand, type VReg } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";
import { lowerExpr } from "./lower-expr.js";
import type { RValue } from "./values.js";

const SPECS_MAP = "__bpf_usdt_specs";
const MAX_ARGS = 12;
const SPEC_ENTRIES = 256;
const ARG_CONST = 0n;
const ARG_REG_DEREF = 2n;
const LOOKUP = 1;
const PROBE_READ_USER = 112;
const PROBE_READ_KERNEL = 113;
const GET_ATTACH_COOKIE = 174;

let specType: StructType | undefined;

/** `struct __bpf_usdt_spec` (208 bytes) as libbpf's usdt.bpf.h lays it out. */
function usdtSpecType(): StructType {
  if (!specType) {
    const arg = layoutStruct("__bpf_usdt_arg_spec", [
      { name: "val_off", type: intType("u64") },
      { name: "arg_type", type: intType("u32") },
      { name: "reg_off", type: intType("i16") },
      { name: "arg_signed", type: intType("bool") },
      { name: "arg_bitshift", type: intType("i8") },
    ]);
    specType = layoutStruct("__bpf_usdt_spec", [
      { name: "args", type: { tag: "array", element: arg, length: MAX_ARGS, char: false } },
      { name: "usdt_cookie", type: intType("u64") },
      { name: "arg_cnt", type: intType("i16") },
    ]);
  }
  return specType;
}

/** The specs map, added to the probe the first time a program reads a USDT argument. */
function specsMap(L: LowerContext): MapModel {
  let map = L.probe.maps.find((m) => m.name === SPECS_MAP);
  if (!map) {
    map = {
      name: SPECS_MAP, node: L.program.node as unknown as ts.PropertyDeclaration, dslClass: "ArrayMap", mapType: 2,
      key: intType("u32"), value: usdtSpecType(), maxEntries: SPEC_ENTRIES, flags: 0,
    };
    L.probe.maps.push(map);
  }
  return map;
}

export function lowerUsdtArg(L: LowerContext, node: ts.CallExpression): RValue {
  const [ctxNode, indexNode] = node.arguments;
  const context = L.program.context;
  if (!ctxNode || !indexNode || node.arguments.length !== 2 || !context || !ts.isIdentifier(ctxNode) || L.oracle.declarationOf(ctxNode) !== context.node) {
    return fail(Codes.HelperArguments, node, "usdtArg() takes the program's context and a constant argument index", "write usdtArg(ctx, 0)");
  }
  if (!L.program.section.startsWith("usdt")) fail(Codes.HelperArguments, node, "usdtArg() reads the arguments of a @usdt program only");
  const index = evaluateConstant(indexNode);
  if (index === undefined || index < 0n || index >= BigInt(MAX_ARGS)) {
    fail(Codes.HelperArguments, indexNode, `the argument index must be a constant from 0 to ${MAX_ARGS - 1}`);
  }
  const map = specsMap(L);
  const ctx = lowerExpr(L, ctxNode).op;
  const b = L.b;
  const reg = (r: VReg): Operand => ({ tag: "reg", reg: r });
  const at = Number(index) * 16;

  const cookie = b.newReg("u64");
  b.emit({ op: "call", helper: GET_ATTACH_COOKIE, args: [ctx], dst: cookie });
  const idSlot = L.temps.acquire(8, 8, "usdt spec id");
  const scratch = L.temps.acquire(8, 8, "usdt argument");
  b.emit({ op: "store", addr: { tag: "stack", object: idSlot, offset: 0 }, value: reg(cookie), kind: "u32" });
  const spec = b.newReg("ptr");
  b.emit({ op: "call", helper: LOOKUP, args: [{ tag: "map", map: map.name, ref: "map", offset: 0 }, { tag: "stack", object: idSlot, offset: 0 }], dst: spec });
  const result = b.newReg("i64");
  b.emit({ op: "mov", dst: result, src: imm(0n, "i64") });
  const haveSpec = b.newBlock();
  const haveArg = b.newBlock();
  const readRegister = b.newBlock();
  const deref = b.newBlock();
  const cut = b.newBlock();
  const done = b.newBlock();
  b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: reg(spec), b: imm(0n, "ptr"), then: haveSpec, else: done });

  b.setBlock(haveSpec);
  const count = b.newReg("i16");
  b.emit({ op: "load", dst: count, addr: { tag: "reg", base: spec, offset: 200 }, kind: "i16" });
  b.terminate({ op: "cbr", cmp: "gt", kind: "i32", a: reg(count), b: imm(index!, "i32"), then: haveArg, else: done });

  b.setBlock(haveArg);
  const field = (offset: number, kind: "u64" | "u32" | "i16" | "u8" | "i8"): VReg => {
    const r = b.newReg(kind);
    b.emit({ op: "load", dst: r, addr: { tag: "reg", base: spec, offset: at + offset }, kind });
    return r;
  };
  const value = b.newReg("u64");
  const valOff = field(0, "u64");
  const type = field(8, "u32");
  b.emit({ op: "mov", dst: value, src: reg(valOff) });
  b.terminate({ op: "cbr", cmp: "eq", kind: "u32", a: reg(type), b: imm(ARG_CONST, "u32"), then: cut, else: readRegister });

  b.setBlock(readRegister);
  const regOff = field(12, "i16");
  const wideOff = b.newReg("u64");
  b.emit({ op: "conv", dst: wideOff, src: reg(regOff), from: "i16", to: "u64" });
  const slot = b.newReg("ptr");
  b.emit({ op: "bin", bop: "add", kind: "u64", dst: slot, a: ctx, b: reg(wideOff) });
  const scratchAt = { tag: "stack", object: scratch, offset: 0 } as const;
  b.emit({ op: "call", helper: PROBE_READ_KERNEL, args: [scratchAt, imm(8n, "u32"), reg(slot)] });
  b.emit({ op: "load", dst: value, addr: scratchAt, kind: "u64" });
  b.terminate({ op: "cbr", cmp: "eq", kind: "u32", a: reg(type), b: imm(ARG_REG_DEREF, "u32"), then: deref, else: cut });

  b.setBlock(deref);
  const address = b.newReg("u64");
  b.emit({ op: "bin", bop: "add", kind: "u64", dst: address, a: reg(value), b: reg(valOff) });
  b.emit({ op: "call", helper: PROBE_READ_USER, args: [scratchAt, imm(8n, "u32"), reg(address)] });
  b.emit({ op: "load", dst: value, addr: scratchAt, kind: "u64" });
  b.terminate({ op: "br", target: cut });

  b.setBlock(cut);
  const shiftReg = field(15, "i8");
  const shift = b.newReg("u64");
  b.emit({ op: "conv", dst: shift, src: reg(shiftReg), from: "i8", to: "u64" });
  b.emit({ op: "bin", bop: "shl", kind: "u64", dst: value, a: reg(value), b: reg(shift) });
  const signed = field(14, "u8");
  const arithmetic = b.newBlock();
  const logical = b.newBlock();
  b.terminate({ op: "cbr", cmp: "ne", kind: "u8", a: reg(signed), b: imm(0n, "u8"), then: arithmetic, else: logical });
  b.setBlock(arithmetic);
  b.emit({ op: "bin", bop: "shr", kind: "i64", dst: result, a: reg(value), b: reg(shift) });
  b.terminate({ op: "br", target: done });
  b.setBlock(logical);
  const unsigned = b.newReg("u64");
  b.emit({ op: "bin", bop: "shr", kind: "u64", dst: unsigned, a: reg(value), b: reg(shift) });
  b.emit({ op: "mov", dst: result, src: reg(unsigned) });
  b.terminate({ op: "br", target: done });

  b.setBlock(done);
  L.temps.release([idSlot, scratch]);
  return { type: intType("i64"), op: reg(result) };
}
