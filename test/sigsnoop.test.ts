// sigsnoop: kill(2) calls made by this process come back as events with the sender, target,
// signal and result (0, or -ESRCH for a pid that does not exist), through load() and through
// `tsbpf run --json`.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { SigSnoop } from "../examples/sigsnoop.bpf.ts";
import { attached, start } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { cliPath, example } from "./support/paths.js";

const ESRCH = 3;

/** A pid that no process has (pid_max is at most 2^22). */
const NO_SUCH_PID = 4_194_303;

function killQuietly(pid: number, signal: number): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH for the missing pid: the probe reports it.
  }
}

describeKernel("examples/sigsnoop.bpf.ts", () => {
  it("reports signals sent by this process with their results", async () => {
    await using snoop = await load(SigSnoop, { config: { targetPid: process.pid } });
    snoop.attach();
    const sleeper = start("sleep", ["30"]);
    try {
      const sending = setTimeout(() => {
        killQuietly(sleeper.child.pid!, 0);
        killQuietly(NO_SUCH_PID, 0);
        killQuietly(sleeper.child.pid!, "SIGTERM" as unknown as number);
      }, 50);
      const events: { pid: number; targetPid: number; signal: number; result: number; comm: string }[] = [];
      for await (const event of snoop.events.events({ signal: AbortSignal.timeout(5000) })) {
        events.push(event);
        if (events.length === 3) break;
      }
      clearTimeout(sending);
      const comm = readFileSync("/proc/self/comm", "utf8").trim();
      expect(events).toEqual([
        { pid: process.pid, targetPid: sleeper.child.pid, signal: 0, result: 0, comm },
        { pid: process.pid, targetPid: NO_SUCH_PID, signal: 0, result: -ESRCH, comm },
        { pid: process.pid, targetPid: sleeper.child.pid, signal: 15, result: 0, comm },
      ]);
      expect((await sleeper.finished).signal).toBe("SIGTERM");
      // Every start was matched by its exit.
      const left: unknown[] = [];
      for await (const entry of snoop.starts.entries()) left.push(entry);
      expect(left).toEqual([]);
    } finally {
      sleeper.child.kill("SIGKILL");
    }
  });

  it("runs under `tsbpf run --json`, printing each signal as an event", async () => {
    const sleeper = start("sleep", ["30"]);
    const run = start(process.execPath, [cliPath, "run", example("sigsnoop.bpf.ts"), "--duration", "3", "--json"]);
    try {
      // Compiling takes a while: signal once the programs are attached.
      await attached(run);
      const sender = start("sh", ["-c", `for i in 1 2 3 4 5; do kill -0 ${sleeper.child.pid}; sleep 0.1; done`]);
      const { stdout, stderr, code } = await run.finished;
      await sender.finished;
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
      expect(lines[0]).toMatchObject({ kind: "attached", probe: "SigSnoop", programs: 2, links: 2 });
      expect(lines).toContainEqual({
        kind: "event", map: "events",
        value: expect.objectContaining({ targetPid: sleeper.child.pid, signal: 0, result: 0 }),
      });
    } finally {
      sleeper.child.kill("SIGKILL");
    }
  });
});
