// tsbpf run streams a perf event array's records as it does a ring buffer's, and says at exit what
// each event map lost (--json: a "lost" line per map; text: a line per map).
import { closeSync, openSync, writeSync } from "node:fs";
import { expect, it } from "vitest";
import { describeKernel } from "./support/kernel.js";
import { attached, start, until } from "./support/child.js";
import { cliPath, fixture } from "./support/paths.js";

describeKernel("tsbpf run, perf event arrays", () => {
  for (const json of [true, false]) {
    it(`prints every record of a perf event array and the lost count at exit${json ? " (--json)" : ""}`, async () => {
      const fd = openSync("/dev/null", "w");
      try {
        const run = start(process.execPath, [
          cliPath, "run", fixture("perf-writes.bpf.ts"), "--json",
          "--config", `targetPid=${process.pid}`, "--config", `targetFd=${fd}`,
        ].filter((a) => json || a !== "--json"));
        if (json) await attached(run);
        const writes = 25;
        const send = () => {
          for (let i = 1; i <= writes; i++) writeSync(fd, "x".repeat(i));
        };
        if (json) send();
        else {
          // Text mode has no attach line on stdout: write nothing (0 bytes) until a record shows.
          await until(() => {
            writeSync(fd, "");
            return run.stdout().includes("[writes]");
          }, 60_000, "the first record");
          send();
        }
        await new Promise((r) => setTimeout(r, 300)); // let the reader print before stopping
        run.child.kill("SIGINT");
        const result = await run.finished;
        expect(result.code).toBe(0);
        if (json) {
          const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
          const events = lines.filter((l) => l.kind === "event" && l.map === "writes").map((l) => l.value);
          expect(events).toEqual(Array.from({ length: writes }, (_, i) => ({ pid: process.pid, fd, bytes: i + 1 })));
          expect(lines.find((l) => l.kind === "lost" && l.map === "writes")).toEqual({ kind: "lost", map: "writes", lost: 0, failedOutputs: 0 });
        } else {
          const records = result.stdout.split("\n").filter((l) => l.startsWith("[writes]") && !l.includes("bytes=0"));
          expect(records).toEqual(Array.from({ length: writes }, (_, i) => `[writes] pid=${process.pid} fd=${fd} bytes=${i + 1}`));
          expect(result.stdout).toContain("writes: 0 lost sample(s), 0 failed output(s) (ring full)");
        }
      } finally {
        closeSync(fd);
      }
    });
  }
});
