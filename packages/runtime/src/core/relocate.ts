/**
 * Applies a program's CO-RE relocations in user space, by libbpf's rules (bpf_core_apply_relo):
 * parse the local spec, find the candidates in the target BTFs, match each, require every
 * matching candidate to agree, and patch the instruction (or poison it when nothing matches).
 * The kernel then receives plain instructions, so relocation works the same against any BTF the
 * caller supplies, and needs no kernel support for BPF_PROG_LOAD core_relos (5.17).
 */
import type { Btf, Instruction, ProgramSpec } from "@tsbpf/object";
import { ObjectError } from "../errors.js";
import type { CoreTargets } from "./candidates.js";
import { calcRelocation, type RelocationResult } from "./calc.js";
import { CoreReloKind, reloKindName } from "./kinds.js";
import { matchSpec } from "./match.js";
import { patchInstruction, PatchError } from "./patch.js";
import { formatSpec, parseSpec, SpecError, type CoreSpec } from "./spec.js";
import { eagerTypes, type TypeSource } from "./types.js";

/** A relocation that no target type satisfied: its instruction now calls helper 0xbad2310. */
export interface PoisonedRelocation {
  /** Instruction index (slots) in the program. */
  instruction: number;
  /** The field or type it accesses, "task_struct.real_parent.tgid". */
  field: string;
  /** libbpf's short kind name ("byte_off", "enumval_value", ...). */
  kind: string;
  /** Which BTF was searched, and why nothing matched. */
  reason: string;
}

export interface CoreRelocationReport {
  poisoned: PoisonedRelocation[];
  /** Every relocation with the value it received (for debugging and tests). */
  applied: { instruction: number; field: string; kind: string; value: bigint; target?: string }[];
}

function fail(program: ProgramSpec, index: number, field: string, message: string, cause?: unknown): never {
  throw new ObjectError(`program ${program.name}: CO-RE relocation #${index} (${field}): ${message}`, { section: program.section, cause });
}

/**
 * Relocates `insns` (a copy of the program's instructions, patched in place) against `targets`.
 * Throws ObjectError when the object itself is inconsistent (a malformed access string, an
 * instruction that does not hold the local value) or candidates disagree.
 */
export function applyCoreRelocations(program: ProgramSpec, insns: Instruction[], localBtf: Btf, targets: CoreTargets): CoreRelocationReport {
  const local: TypeSource = eagerTypes(localBtf);
  const report: CoreRelocationReport = { poisoned: [], applied: [] };
  const candidateCache = new Map<number, ReturnType<CoreTargets["candidates"]>>();
  program.coreRelocations.forEach((relo, index) => {
    let localSpec: CoreSpec;
    try {
      localSpec = parseSpec(local, relo);
    } catch (cause) {
      if (cause instanceof SpecError) fail(program, index, `[${relo.typeId}] ${relo.accessString}`, cause.message, cause);
      throw cause;
    }
    const field = formatSpec(localSpec);
    const kind = reloKindName(relo.kind);
    let result: RelocationResult;
    let chosen: string | undefined;
    try {
      if (relo.kind === CoreReloKind.TYPE_ID_LOCAL) {
        result = { original: BigInt(relo.typeId), value: BigInt(relo.typeId), poison: false, validate: false, originalSize: 0, size: 0, failSizeAdjust: false };
      } else {
        let candidates = candidateCache.get(relo.typeId);
        if (candidates === undefined) {
          candidates = targets.candidates(local, relo.typeId);
          candidateCache.set(relo.typeId, candidates);
        }
        let first: { result: RelocationResult; spec: CoreSpec } | undefined;
        for (const candidate of candidates) {
          const targetSpec = matchSpec(localSpec, candidate.target.btf, candidate.id);
          if (targetSpec === undefined) continue;
          const candidateResult = calcRelocation(localSpec, targetSpec);
          if (first === undefined) {
            first = { result: candidateResult, spec: targetSpec };
            chosen = `${candidate.target.name} [${candidate.id}]`;
          } else if (targetSpec.bitOffset !== first.spec.bitOffset) {
            fail(program, index, field, `field offset ambiguity: ${first.spec.bitOffset / 8} != ${targetSpec.bitOffset / 8} (${chosen} vs ${candidate.target.name} [${candidate.id}])`);
          } else if (candidateResult.poison !== first.result.poison || candidateResult.value !== first.result.value) {
            fail(program, index, field, `relocation decision ambiguity: ${first.result.value} != ${candidateResult.value} (${chosen} vs ${candidate.target.name} [${candidate.id}])`);
          }
        }
        result = first?.result ?? calcRelocation(localSpec, undefined);
        if (result.poison) {
          report.poisoned.push({
            instruction: relo.instruction,
            field,
            kind,
            reason:
              candidates.length === 0
                ? `the kernel's BTF (${targets.main.name}) has no type named ${field.split(/[.[:]/)[0]}`
                : `none of the ${candidates.length} candidate type(s) in ${targets.main.name} has it`,
          });
        }
      }
      const poisoned = patchInstruction(insns, relo.instruction, result);
      if (poisoned && !result.poison) {
        report.poisoned.push({ instruction: relo.instruction, field, kind, reason: `its size changed (${result.originalSize} → ${result.size} bytes) and a resized load would misread it` });
      }
      report.applied.push({ instruction: relo.instruction, field, kind, value: poisoned ? -1n : result.value, target: chosen });
    } catch (cause) {
      if (cause instanceof SpecError || cause instanceof PatchError) fail(program, index, field, cause.message, cause);
      throw cause;
    }
  });
  return report;
}
