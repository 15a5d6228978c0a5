// runqlat: tp_btf sched_wakeup/sched_wakeup_new/sched_switch with BTF-typed task_struct
// arguments (read through CO-RE) fill a log2 histogram in an array map; `tsbpf run` prints it.
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { RunQueueLatency } from "../examples/runqlat.bpf.ts";
import { start } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { cliPath, example } from "./support/paths.js";

/** A child that sleeps and wakes 50 times: each wakeup is a run queue wait to measure. */
const SLEEPER = "let n = 0; const t = setInterval(() => { if (++n === 50) clearInterval(t); }, 5);";

describeKernel("examples/runqlat.bpf.ts", () => {
  it("measures run queue waits of woken tasks into the histogram", async () => {
    await using probe = await load(RunQueueLatency);
    probe.attach();
    const child = start(process.execPath, ["-e", SLEEPER]);
    const { code } = await child.finished;
    expect(code).toBe(0);
    const counts: bigint[] = [];
    for (let slot = 0; slot < 27; slot++) counts.push(probe.hist.get(slot) ?? 0n);
    const total = counts.reduce((a, b) => a + b, 0n);
    // The child alone woke 50 times and each wake was followed by a switch in: at least that many.
    expect(total).toBeGreaterThanOrEqual(50n);
    // Waits of more than 2^26 µs (a minute) did not happen during this test.
    expect(counts[26]).toBe(0n);
  });
});

describeKernel("tsbpf run examples/runqlat.bpf.ts", () => {
  it("prints the histogram at exit", async () => {
    const { stdout, stderr, code } = await start(process.execPath, [cliPath, "run", example("runqlat.bpf.ts"), "--duration", "1"]).finished;
    expect(stderr).toMatch(/3 program\(s\) loaded, 3 attached/);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    const at = lines.indexOf("hist:");
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toMatch(/value\s+: count\s+distribution/);
    expect(lines[at + 2]).toMatch(/^\s+\d+ -> \d+\s+: \d+\s+\|\**\s*\|$/);
    expect(lines.slice(at + 2).some((l) => l.includes("|****************************************|"))).toBe(true);
  }, 60_000);
});
