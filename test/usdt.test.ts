// usdtArg: a @usdt program attached to a C target's tsbpf:step(i, sum) probe reads both arguments
// (sign-extended from their sizes, from the specs the runtime put in __bpf_usdt_specs), and 0 for
// an argument the probe does not have.
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { startTarget, targetBinary } from "../packages/runtime/src/testing/target-process.ts";
import { Steps } from "./fixtures/usdt.bpf.ts";
import { describeKernel } from "./support/kernel.js";

describeKernel("USDT arguments in the DSL", () => {
  it("reads the probe's arguments", async () => {
    await using steps = await load(Steps);
    const target = startTarget(6);
    steps.programs.onStep.attach({ binary: targetBinary(), provider: "tsbpf", name: "step", pid: target.pid });
    const sum = await target.run();
    expect(steps.steps.get(0)).toBe(6n);
    expect(steps.steps.get(1)).toBe(BigInt(0 + 1 + 2 + 3 + 4 + 5));
    expect(steps.steps.get(2)).toBe(BigInt(sum));
    expect(steps.steps.get(3)).toBe(1000n);
  });
});
