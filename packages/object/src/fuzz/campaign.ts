/**
 * A fuzz campaign over one target: `inputs` mutations of its seeds from a seeded generator, each
 * run through the target; an error the target does not expect is a finding, minimised to the
 * fewest edits that reproduce it. Used by the bounded runs in `npm test` and by `npm run fuzz`.
 */
import { applyMutation, randomMutation, type Mutation } from "./mutation.js";
import { minimizeMutation } from "./minimize.js";
import { below, seededRandom } from "./random.js";
import type { FuzzSeed } from "./targets.js";

/** What a campaign runs: the object's parsers (targets.ts) and the runtime's loadObject share this shape. */
export interface CampaignTarget {
  name: string;
  run(bytes: Uint8Array, seed: FuzzSeed): void | Promise<void>;
  expected(error: unknown): boolean;
}

export interface Finding {
  target: string;
  seed: string;
  mutation: Mutation;
  /** The error's class name and message. */
  error: string;
  stack?: string;
}

export interface CampaignResult {
  inputs: number;
  /** Inputs the target refused with an expected error. */
  refused: number;
  findings: Finding[];
}

/** The class and first line of an error: what must match for a minimised input to count as the same finding. */
export function errorShape(error: unknown): string {
  if (!(error instanceof Error)) return `non-error ${String(error)}`;
  return `${error.name}: ${error.message.split("\n")[0]!.replace(/\d+/g, "N")}`;
}

async function outcome(target: CampaignTarget, bytes: Uint8Array, seed: FuzzSeed): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    await target.run(bytes, seed);
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

export async function runCampaign(
  target: CampaignTarget,
  seeds: FuzzSeed[],
  options: { seed: number; inputs: number; minimize?: boolean; onFinding?: (f: Finding) => void },
): Promise<CampaignResult> {
  const random = seededRandom(options.seed);
  const result: CampaignResult = { inputs: 0, refused: 0, findings: [] };
  if (seeds.length === 0) throw new Error(`fuzz target ${target.name} has no seeds`);
  for (let i = 0; i < options.inputs; i++) {
    const seed = seeds[below(random, seeds.length)]!;
    const mutation = randomMutation(seed.bytes, random);
    const run = await outcome(target, applyMutation(seed.bytes, mutation), seed);
    result.inputs++;
    if (run.ok) continue;
    if (target.expected(run.error)) {
      result.refused++;
      continue;
    }
    const shape = errorShape(run.error);
    let minimal = mutation;
    if (options.minimize !== false) {
      const fails = async (m: Mutation): Promise<boolean> => {
        const again = await outcome(target, applyMutation(seed.bytes, m), seed);
        return !again.ok && !target.expected(again.error) && errorShape(again.error) === shape;
      };
      minimal = await minimizeMutation(mutation, seed.bytes.length, fails);
    }
    const finding: Finding = { target: target.name, seed: seed.name, mutation: minimal, error: shape, stack: run.error instanceof Error ? run.error.stack : undefined };
    result.findings.push(finding);
    options.onFinding?.(finding);
  }
  return result;
}
