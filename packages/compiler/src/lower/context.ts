/**
 * The state of lowering one program: the IR builder, the locals in scope, the pools of stack
 * temporaries and .rodata strings, and the front end's services.
 */
import type { ts } from "ts-morph";
import type { TypeResolver } from "../checker/resolve-type.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { TypeOracle } from "../frontend/oracle.js";
import type { ProbeModel, ProgramModel } from "../frontend/probe-model.js";
import type { FunctionBuilder } from "../ir/builder.js";
import type { HelperSignature } from "./helper-signature.js";
import type { RodataPool } from "./rodata.js";
import type { TempPool } from "./temps.js";
import type { Local } from "./values.js";
import type { Block, VReg } from "../ir/ir.js";
import type { Type } from "../checker/types.js";
import type { SubprogramNode, SubprogramTable } from "./subprograms.js";

/** Where `break` and `continue` go from inside a loop, a switch or a labelled statement. */
export interface JumpTarget {
  /** The labels written on the statement (`outer: for (...)`). */
  labels: string[];
  /** Loops and switches take an unlabelled `break`; labelled blocks only a labelled one. */
  kind: "loop" | "switch" | "block";
  breakTo: Block;
  continueTo?: Block;
}

export interface LowerContext {
  b: FunctionBuilder;
  oracle: TypeOracle;
  resolver: TypeResolver;
  probe: ProbeModel;
  program: ProgramModel;
  /** Locals by their declaration node (tsc resolves every use to its declaration). */
  locals: Map<ts.Node, Local>;
  rodata: RodataPool;
  temps: TempPool;
  helperSignatures: Map<ts.Declaration, HelperSignature>;
  /** For warnings; errors are thrown as CompileError. */
  diagnostics: DiagnosticBag;
  /** Enclosing loops, switches and labelled statements, innermost last. */
  jumps: JumpTarget[];
  /** The function being lowered: undefined for the program's entry, else the subprogram's declaration. */
  self: SubprogramNode | undefined;
  /** What `return` converts to (undefined: the function returns nothing). */
  returnType: Type | undefined;
  /** The register holding the program's context pointer, if this function has it. */
  contextReg: VReg | undefined;
  /** A subprogram's parameter that receives the program's context (`submit(ctx: PtRegs, ...)`). */
  contextParam?: ts.ParameterDeclaration;
  /** The subprograms this program calls (shared by all its functions). */
  subprograms: SubprogramTable;
}
