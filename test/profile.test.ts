// profile: a perf_event program sampling a busy process records its stacks; examples/profile.ts
// prints them as folded stacks whose counts add up to the samples taken, and `tsbpf run` loads,
// attaches (--event/--frequency) and prints the counts.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { start, attached } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { cliPath, example } from "./support/paths.js";

/** A process that spins in user space until killed. */
const spin = () => start("bash", ["-c", "while :; do :; done"]);

/** CPU time a process has used, in seconds (utime + stime of /proc/<pid>/stat, in USER_HZ = 100 ticks). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Samples at 99 Hz can number at most what the process ran (on a loaded machine the spinner gets
 * a fraction of a CPU, so no fixed count is a floor): at least 10, and no more than its CPU time
 * allows, with a little slack for sampling jitter.
 */
function expectPlausible(samples: number, cpuDuringRun: number): void {
  expect(samples).toBeGreaterThanOrEqual(10);
  expect(samples).toBeLessThanOrEqual(Math.ceil(cpuDuringRun * 99 * 1.1) + 5);
}

describeKernel("examples/profile.bpf.ts", () => {
  it("examples/profile.ts prints folded stacks of a busy process", async () => {
    const busy = spin();
    try {
      const cpuBefore = cpuSeconds(busy.child.pid!);
      const { stdout, stderr, code } = await start(process.execPath, ["--import", "tsx", example("profile.ts"), "2", String(busy.child.pid)]).finished;
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const lines = stdout.trim().split("\n");
      for (const line of lines) expect(line).toMatch(/^bash(;[^;\s]+)* \d+$/);
      const total = lines.reduce((n, line) => n + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
      expectPlausible(total, cpuSeconds(busy.child.pid!) - cpuBefore);
      // The process spins in user space: its samples have user frames.
      expect(lines.some((line) => line.split(";").length > 1)).toBe(true);
    } finally {
      busy.child.kill("SIGKILL");
    }
  }, 60_000);

  it("runs under `tsbpf run --event cpu-clock --frequency`", async () => {
    const busy = spin();
    try {
      const cpuBefore = cpuSeconds(busy.child.pid!);
      const run = start(process.execPath, [cliPath, "run", example("profile.bpf.ts"), "--event", "cpu-clock", "--frequency", "99",
        "--config", `targetPid=${busy.child.pid}`, "--duration", "2", "--json"]);
      await attached(run);
      const { stdout, stderr, code } = await run.finished;
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
      expect(lines[0]).toMatchObject({ kind: "attached", probe: "Profile", links: 1 });
      const counts = lines.find((l) => l.kind === "map" && l.map === "counts");
      const samples = (counts.entries as [{ pid: number; comm: string }, number][]);
      expect(samples.length).toBeGreaterThan(0);
      for (const [key] of samples) expect(key).toMatchObject({ pid: busy.child.pid, comm: "bash" });
      expectPlausible(samples.reduce((n, [, c]) => n + c, 0), cpuSeconds(busy.child.pid!) - cpuBefore);
    } finally {
      busy.child.kill("SIGKILL");
    }
  }, 60_000);
});
