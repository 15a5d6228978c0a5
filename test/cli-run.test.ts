// tsbpf run: on exit — the duration or Ctrl-C — it detaches and prints the maps' contents.
import { closeSync, openSync, writeSync } from "node:fs";
import { expect, it } from "vitest";
import { describeKernel } from "./support/kernel.js";
import { start, until } from "./support/child.js";
import { cliPath, fixture } from "./support/paths.js";

describeKernel("tsbpf run, map contents at exit", () => {
  it("prints the hash maps after Ctrl-C, with the values the program computed", async () => {
    const fd = openSync("/dev/null", "w");
    try {
      const run = start(process.execPath, [
        cliPath, "run", fixture("write-stats.bpf.ts"), "--json",
        "--config", `targetPid=${process.pid}`, "--config", `targetFd=${fd}`,
      ]);
      // Once the probe says it is attached, it counts every one of these writes.
      // Compiling can take a while on a busy machine.
      await until(() => run.stdout().includes(`"kind":"attached"`) || run.child.exitCode !== null, 120_000, "the attach line");
      const writes = 20;
      for (let i = 0; i < writes; i++) writeSync(fd, "abc");
      run.child.kill("SIGINT");
      const result = await run.finished;
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
      const stats = lines.find((l) => l.kind === "map" && l.map === "stats");
      expect(stats.entries).toHaveLength(1);
      const [[pid, value]] = stats.entries;
      expect(pid).toBe(process.pid);
      // Every write was 3 bytes long and the factor is 1 (settings is empty).
      expect(value).toEqual({ calls: writes, lastFd: fd, bytes: writes * 3 });
      expect(lines.find((l) => l.kind === "map" && l.map === "settings")).toEqual({ kind: "map", map: "settings", entries: [] });
    } finally {
      closeSync(fd);
    }
  }, 180_000);

  it("rejects an unknown --config name with the known ones listed", async () => {
    const run = start(process.execPath, [cliPath, "run", fixture("write-stats.bpf.ts"), "--config", "nope=1", "--duration", "1"]);
    const result = await run.finished;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("nope");
    expect(result.stderr).toContain("targetPid");
  }, 120_000);
});
