// Randomised differential testing: 2,000 generated programs (expressions over every kind,
// declarations, assignments, compound assignments, increments, if/else, bounded for and while
// loops with break/continue, switch, struct locals) compiled in batches, each run in the kernel on
// several inputs (BPF_PROG_TEST_RUN, syscall programs: Linux 5.14) and compared with the reference
// evaluator. A program that does not compile or that the verifier rejects is a failure too.
// scripts/fuzz.mjs runs the same thing without bound and minimises what fails. The 2,000 programs
// are split over two test files (random-a/-b.kernel.test.ts) so that vitest runs them on two cores.
import { expect, it } from "vitest";
import { describeKernel } from "../../testing/kernel.js";
import { fixturePath } from "../../testing/probes.js";
import { formatMismatches } from "../harness.js";
import { loadInKernel } from "../kernel.test-support.js";
import { randomInputs, randomPrograms, runPrograms, type Failure } from "./campaign.js";
import { smallOptions } from "./generator.js";
import { render } from "./tree.js";

/** Programs in the bounded run of `npm test` (both shards). */
export const PROGRAMS = 2000;
const PER_BATCH = 250;
const SEED = 20261123;

function describeFailure(f: Failure): string {
  const detail = f.kind === "mismatch" ? formatMismatches(f.mismatches, 5) : f.message.slice(0, 2000);
  return `program seed ${f.program.seed} (${f.kind}):\n${render(f.program.tree)}\n${detail}`;
}

/** The tests of one shard of the bounded run: batches `shard`, `shard + shards`, ... */
export function describeRandomShard(shard: number, shards: number): void {
  describeKernel(`random programs against the reference evaluator (shard ${shard + 1} of ${shards})`, () => {
    for (let start = shard * PER_BATCH; start < PROGRAMS; start += PER_BATCH * shards) {
      it(`programs ${start}..${start + PER_BATCH - 1}`, async () => {
        const programs = randomPrograms(SEED + start, PER_BATCH, smallOptions);
        const inputs = randomInputs(SEED + start);
        const { failures, runs } = await runPrograms(programs, inputs, loadInKernel, fixturePath(`random-${start}.bpf.ts`));
        expect(failures.map(describeFailure).join("\n\n")).toBe("");
        expect(runs).toBe(PER_BATCH * inputs.length);
      }, 240_000); // the first batch of a worker also pays for loading TypeScript; the machine is shared
    }
  });
}
