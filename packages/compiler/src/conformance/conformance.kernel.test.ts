// The conformance suite: every operator over every kind pair, casts, control flow, struct layout,
// map operations (and, once the compiler has them, loops, switch and subprogram calls) compiled,
// run in the kernel through BPF_PROG_TEST_RUN (@syscall programs, Linux 5.14) and compared with the
// reference evaluator. A program the verifier rejects fails its group.
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { fixturePath } from "../testing/probes.js";
import { formatMismatches, runBatch } from "./harness.js";
import { loadInKernel as kernelLoader } from "./kernel.test-support.js";
import { groupBatch, groups } from "./suite.js";

describeKernel("conformance: compiled programs against the reference evaluator", () => {
  groups.forEach((group, index) => {
    if (group.waiting) {
      it.todo(`${group.name} (waiting for the compiler: ${group.waiting})`);
      return;
    }
    it(group.name, async () => {
      const batch = groupBatch(group, 1000 + index);
      const outcome = await runBatch(batch, kernelLoader, fixturePath(`conformance-${index}.bpf.ts`));
      expect(outcome.runs).toBe(group.programs.length * batch.inputs.length);
      expect(outcome.mismatches, formatMismatches(outcome.mismatches)).toEqual([]);
    }, 120_000);
  });
});
