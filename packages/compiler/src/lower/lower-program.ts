/**
 * One program (a hook-decorated method) to an IR function.
 */
import { ts } from "ts-morph";
import type { TypeResolver } from "../checker/resolve-type.js";
import { ptrTo } from "../checker/types.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { TypeOracle } from "../frontend/oracle.js";
import type { ProbeModel, ProgramModel } from "../frontend/probe-model.js";
import { locOf } from "../frontend/span.js";
import { FunctionBuilder } from "../ir/builder.js";
import { imm, type IrFunction } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import type { HelperSignature } from "./helper-signature.js";
import { lowerStatements } from "./lower-stmt.js";
import type { RodataPool } from "./rodata.js";
import { TempPool } from "./temps.js";

export interface ProbeServices {
  oracle: TypeOracle;
  resolver: TypeResolver;
  diagnostics: DiagnosticBag;
  rodata: RodataPool;
  helperSignatures: Map<ts.Declaration, HelperSignature>;
}

export function lowerProgram(probe: ProbeModel, program: ProgramModel, services: ProbeServices): IrFunction {
  const b = new FunctionBuilder(program.name, locOf(program.node.name));
  const L: LowerContext = {
    b,
    oracle: services.oracle,
    resolver: services.resolver,
    probe,
    program,
    locals: new Map(),
    rodata: services.rodata,
    temps: new TempPool(b),
    helperSignatures: services.helperSignatures,
    diagnostics: services.diagnostics,
    jumps: [],
  };
  if (program.context) {
    // r1 holds the context pointer at entry; it is a local like any other from here on.
    const ctx = b.newReg("ptr", program.context.name);
    b.emit({ op: "param", dst: ctx, index: 0 });
    L.locals.set(program.context.node, {
      tag: "reg",
      reg: ctx,
      type: ptrTo(program.context.type),
      name: program.context.name,
      readonlyPointee: program.context.readonly,
    });
  }
  const body = program.node.body;
  if (body) lowerStatements(L, body.statements, services.diagnostics);
  if (!b.terminated) {
    // Falling off the end (tsc reports a missing return where it matters): return 0 as C would not.
    b.loc = locOf(body?.getLastToken() ?? program.node);
    b.terminate({ op: "ret", value: imm(0n, program.returnKind) });
  }
  return b.fn;
}
