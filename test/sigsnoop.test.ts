// sigsnoop: kill(2) calls made by this process come back as events with the sender, target,
// signal and result (0, or -ESRCH for a pid that does not exist), through load() and through
// `tsbpf run --json`.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { SigSnoop } from "../examples/sigsnoop.bpf.ts";
import { SigSnoopPrintk } from "../examples/eunomia/sigsnoop.bpf.ts";
import { act, actorBinary, startActor, uniqueComm } from "./support/actor.js";
import { attached, start, until } from "./support/child.js";
import { printkWhile } from "./support/printk.js";
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
      expect(lines[0]).toMatchObject({ kind: "attached", probe: "SigSnoop", programs: 4, links: 4 }); // kill and tkill, entry and exit
      expect(lines).toContainEqual({
        kind: "event", map: "events",
        value: expect.objectContaining({ targetPid: sleeper.child.pid, signal: 0, result: 0 }),
      });
    } finally {
      sleeper.child.kill("SIGKILL");
    }
  });
});

// tkill(2) beside kill(2) (002's sigsnoop traces both), from the actor, which makes exactly the
// calls asked; and 002's printk sigsnoop (examples/eunomia/sigsnoop.bpf.ts), whose line per
// signal names the sender, its comm, the signal, the target and the result (bpf_trace_vprintk).
describeKernel("sigsnoop: tkill(2), and examples/eunomia/sigsnoop.bpf.ts", () => {
  it("the ring buffer sigsnoop reports tkill(2) with its result", async () => {
    actorBinary();
    const sleeper = start("sleep", ["30"]);
    try {
      const comm = uniqueComm("tkill");
      const actor = startActor(comm, "getpid", "wait", "tkill", String(sleeper.child.pid), "0", "tkill", String(NO_SUCH_PID), "0");
      await until(() => actor.output().includes("getpid"), 5000, "the actor to start");
      await using snoop = await load(SigSnoop, { config: { targetPid: actor.pid } });
      snoop.attach();
      actor.child.stdin.end("go\n");
      expect((await actor.done).slice(1)).toEqual(["tkill 0", `tkill -${ESRCH}`]);
      const events: unknown[] = [];
      snoop.events.consume((event) => void events.push(event));
      expect(events).toEqual([
        { pid: actor.pid, targetPid: sleeper.child.pid, signal: 0, result: 0, comm },
        { pid: actor.pid, targetPid: NO_SUCH_PID, signal: 0, result: -ESRCH, comm },
      ]);
    } finally {
      sleeper.child.kill("SIGKILL");
    }
  });

  it("002's sigsnoop prints kill(2) and tkill(2) at exit, with the sender's comm and the result", async () => {
    actorBinary();
    const sleeper = start("sleep", ["30"]);
    try {
      await using snoop = await load(SigSnoopPrintk);
      snoop.attach();
      const comm = uniqueComm("sigs");
      const target = String(sleeper.child.pid);
      let pid = 0;
      const trace = await printkWhile(async () => {
        const done = await act(comm, "kill", target, "0", "kill", String(NO_SUCH_PID), "0", "tkill", target, "0");
        pid = done.pid;
        expect(done.lines).toEqual(["kill 0", `kill -${ESRCH}`, "tkill 0"]);
      });
      expect(trace.filter((l) => l.pid === pid).map((l) => l.message)).toEqual([
        `PID ${pid} (${comm}) sent signal 0 to PID ${target}, ret = 0`,
        `PID ${pid} (${comm}) sent signal 0 to PID ${NO_SUCH_PID}, ret = -${ESRCH}`,
        `PID ${pid} (${comm}) sent signal 0 to PID ${target}, ret = 0`,
      ]);
      // Every entry was matched by its exit and deleted.
      const left: unknown[] = [];
      for await (const entry of snoop.values.entries()) left.push(entry);
      expect(left).toEqual([]);
    } finally {
      sleeper.child.kill("SIGKILL");
    }
  });
});
