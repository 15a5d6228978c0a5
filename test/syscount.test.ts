// syscount: a per-CPU hash counts this process's system calls; the per-CPU slots, added up, cover
// at least the calls the test made, and `tsbpf run` prints the entry at exit.
import { statSync } from "node:fs";
import { expect, expectTypeOf, it } from "vitest";
import { load } from "tsbpf";
import { SysCount } from "../examples/syscount.bpf.ts";
import { attached, start } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { cliPath, example } from "./support/paths.js";

describeKernel("examples/syscount.bpf.ts", () => {
  it("counts this process's system calls in per-CPU slots", async () => {
    await using count = await load(SysCount, { config: { targetPid: process.pid } });
    count.attach();
    const before = count.counts.get(process.pid) ?? [];
    for (let i = 0; i < 200; i++) statSync("/");
    const perCpu = count.counts.get(process.pid)!;
    expectTypeOf(perCpu).toEqualTypeOf<bigint[]>();
    const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
    expect(perCpu.length).toBeGreaterThanOrEqual(1);
    expect(sum(perCpu) - sum(before)).toBeGreaterThanOrEqual(200n);
    // The filter keeps every other process out.
    const pids: number[] = [];
    for await (const [pid] of count.counts.entries()) pids.push(pid);
    expect(pids).toEqual([process.pid]);
  });

  it("`tsbpf run` prints the counts per CPU at exit", async () => {
    // The shell waits for a line on stdin (sent once the probe is attached), then makes system calls.
    const busy = start("sh", ["-c", "read go; for i in 1 2 3 4 5 6 7 8 9 10; do ls / > /dev/null; done; sleep 30"]);
    try {
      const run = start(process.execPath,
        [cliPath, "run", example("syscount.bpf.ts"), "--duration", "2", "--json", "--config", `targetPid=${busy.child.pid}`]);
      await attached(run);
      busy.child.stdin.write("go\n");
      const { stdout, stderr, code } = await run.finished;
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
      const map = lines.find((l) => l.kind === "map" && l.map === "counts");
      expect(map.entries.length).toBe(1);
      const [pid, perCpu] = map.entries[0] as [number, number[]];
      expect(pid).toBe(busy.child.pid);
      expect(Array.isArray(perCpu)).toBe(true);
      expect(perCpu.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    } finally {
      busy.child.kill("SIGKILL");
    }
  });
});
