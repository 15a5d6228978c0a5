/**
 * The conformance suite: groups of programs, each group one batch (one object), with the inputs
 * it runs on. A group the compiler cannot compile yet is listed in WAITING with the construct it
 * waits for; its test is an `it.todo` until then, never a skip of a failure.
 */
import { CALL_DECLARATIONS, CALL_METHODS, callPrograms } from "./cases/calls.js";
import { LAYOUT_DECLARATIONS, layoutPrograms, spreadPrograms } from "./cases/data.js";
import { ENUM_DECLARATIONS, enumPrograms, GLOBAL_DECLARATIONS, GLOBAL_FIELDS, globalPrograms } from "./cases/globals.js";
import { MAP_DECLARATIONS, MAP_FIELDS, mapPrograms } from "./cases/maps.js";
import { castPrograms, operatorPrograms, unaryPrograms, zeroOperandPrograms } from "./cases/operators.js";
import { INDEX_DECLARATIONS, knownIndexPrograms, otherKnownIndexPrograms } from "./cases/indexes.js";
import { narrowedPrograms } from "./cases/narrowed.js";
import { reusedPrograms } from "./cases/reused.js";
import { IDENTITY_DECLARATIONS, IDENTITY_FIELDS, identityPrograms } from "./cases/identities.js";
import { conditionPrograms, LOOP_DECLARATIONS, loopPrograms } from "./cases/statements.js";
import { STACK_DECLARATIONS, stackPrograms } from "./cases/stack.js";
import { rangeConditionPrograms, rangeIndexPrograms } from "./cases/ranges.js";
import { Evaluator } from "./evaluator/interpreter.js";
import { randomInput, inputsFor, IMPORTS, ioDeclaration } from "./io.js";
import { Rng } from "./random.js";
import type { Batch, BatchProgram } from "./harness.js";

export interface Group {
  name: string;
  programs: BatchProgram[];
  declarations?: string;
  fields?: string;
  io?: string;
  /** Why the group cannot run yet (the construct the compiler does not have). */
  waiting?: string;
}

export const groups: Group[] = [
  { name: "operators", programs: operatorPrograms() },
  { name: "unary, increments and compound assignment", programs: unaryPrograms() },
  { name: "a constant zero operand", programs: zeroOperandPrograms() },
  { name: "casts", programs: castPrograms() },
  { name: "conditions and returns", programs: conditionPrograms() },
  { name: "struct layout and struct values", programs: layoutPrograms(), declarations: LAYOUT_DECLARATIONS, io: "Odd" },
  { name: "struct spread", programs: spreadPrograms(), declarations: LAYOUT_DECLARATIONS, io: "Odd"},
  { name: "globals, config and constants", programs: globalPrograms(), declarations: GLOBAL_DECLARATIONS, fields: GLOBAL_FIELDS },
  { name: "enums", programs: enumPrograms(), declarations: ENUM_DECLARATIONS },
  { name: "map operations", programs: mapPrograms(), declarations: MAP_DECLARATIONS, fields: MAP_FIELDS },
  { name: "loops, switch, for…of and variable indexes", programs: loopPrograms(), declarations: LOOP_DECLARATIONS },
  { name: "subprogram calls", programs: callPrograms(), declarations: CALL_DECLARATIONS, fields: CALL_METHODS },
  { name: "indexes known at compile time", programs: knownIndexPrograms(), declarations: INDEX_DECLARATIONS },
  { name: "other indexes known at compile time", programs: otherKnownIndexPrograms(), declarations: INDEX_DECLARATIONS },
  { name: "bools narrowed by tsc, to never included", programs: narrowedPrograms() },
  { name: "identities folded under BPF's rules", programs: identityPrograms(), declarations: IDENTITY_DECLARATIONS, fields: IDENTITY_FIELDS },
  { name: "stack objects sharing frame bytes", programs: stackPrograms(), declarations: STACK_DECLARATIONS },
  { name: "conditions and identities folded by value ranges", programs: rangeConditionPrograms() },
  { name: "indexes whose value range is known", programs: rangeIndexPrograms() },
  { name: "expressions reused across blocks", programs: reusedPrograms() },
];

/** The batch of a group, with `count` random inputs (plus zeros, ones and all-ones). */
export function groupBatch(group: Group, seed: number, count = 12): Batch {
  const preamble = [IMPORTS, ioDeclaration(), group.declarations ?? ""].join("\n");
  const io = group.io ?? "Io";
  const layout = new Evaluator(preamble).types.named(io);
  const rng = new Rng(seed);
  const inputs = io === "Io" ? inputsFor(layout, rng, count) : Array.from({ length: count }, () => randomInput(layout, rng));
  const className = `Conformance_${group.name.replace(/[^A-Za-z0-9]+/g, "_")}`;
  return { className, preamble, fields: group.fields, programs: group.programs, inputs, io };
}

/** How many checks the suite makes: result slots (or labelled results) per program. */
export function caseCount(list: readonly Group[] = groups): number {
  return list.reduce((n, g) => n + g.programs.reduce((m, p) => m + Math.max(1, p.labels?.length ?? 1), 0), 0);
}
