// opensnoop: the test opens a file with a unique name; the event arrives through the async
// iterator with that filename and the test's PID, UID and comm.
import { randomUUID } from "node:crypto";
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { OpenSnoop } from "../examples/opensnoop.bpf.ts";
import { start, until, type Finished } from "./support/child.js";
import { act, actorBinary, startActor, uniqueComm } from "./support/actor.js";
import { printkWhile } from "./support/printk.js";
import { CaptureSysOpen } from "../examples/eunomia/opensnoop.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { cliPath, example } from "./support/paths.js";

/** Runs node with `args` while opening `path` every 100 ms; removes `path` afterwards. */
async function whileOpening(path: string, args: string[]): Promise<Finished> {
  const run = start(process.execPath, args);
  const opener = setInterval(() => closeSync(openSync(path, "r")), 100);
  try {
    return await run.finished;
  } finally {
    clearInterval(opener);
    rmSync(path, { force: true });
  }
}

describeKernel("examples/opensnoop.bpf.ts", () => {
  it("delivers the open of a uniquely named file with pid, uid, comm and filename", async () => {
    await using snoop = await load(OpenSnoop);
    snoop.attach();
    const path = join(tmpdir(), `tsbpf-opensnoop-${randomUUID()}`);
    writeFileSync(path, "");
    try {
      const stop = AbortSignal.timeout(5000);
      const opening = setTimeout(() => closeSync(openSync(path, "r")), 50);
      let found: { pid: number; uid: number; comm: string; filename: string } | undefined;
      for await (const event of snoop.events.events({ signal: stop })) {
        if (event.filename === path) {
          found = event;
          break;
        }
      }
      clearTimeout(opening);
      expect(found).toEqual({
        pid: process.pid,
        uid: process.getuid!(),
        comm: readFileSync("/proc/self/comm", "utf8").trim(),
        filename: path,
      });
    } finally {
      rmSync(path, { force: true });
    }
  });
});

describeKernel("tsbpf run examples/opensnoop.bpf.ts", () => {
  it("prints ring buffer events as JSON lines", async () => {
    const path = join(tmpdir(), `tsbpf-opensnoop-cli-${randomUUID()}`);
    writeFileSync(path, "");
    const { stdout, stderr, code } = await whileOpening(path, [cliPath, "run", example("opensnoop.bpf.ts"), "--duration", "3", "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const events = stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(events).toContainEqual({ kind: "event", map: "events", value: expect.objectContaining({ pid: process.pid, filename: path }) });
  });
});

describeKernel("examples/opensnoop.ts (user space with load())", () => {
  it("prints the events it iterates", async () => {
    const path = join(tmpdir(), `tsbpf-opensnoop-script-${randomUUID()}`);
    writeFileSync(path, "");
    const { stdout, stderr, code } = await whileOpening(path, ["--import", "tsx", example("opensnoop.ts"), "4"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toMatch(/^PID\s+UID\s+COMM\s+FILE$/);
    const line = stdout.split("\n").find((l) => l.endsWith(path));
    const comm = readFileSync("/proc/self/comm", "utf8").trim();
    expect(line).toMatch(new RegExp(`^${process.pid}\\s+${process.getuid!()}\\s+${comm}\\s+`));
  }, 30_000);
});

// open(2) as well as openat(2) (002's opensnoop traces both): the actor makes the open system
// call itself (glibc's open() would call openat); and 002's printk opensnoop
// (examples/eunomia/opensnoop.bpf.ts), filtered to the actor's thread id.
describeKernel("opensnoop: open(2), and examples/eunomia/opensnoop.bpf.ts", () => {
  it("the ring buffer opensnoop reports open(2) with pid, comm and filename", async () => {
    const path = join(tmpdir(), `tsbpf-open2-${randomUUID()}`);
    writeFileSync(path, ""); // before the probe: only the actor opens it while it runs
    // The actor is built (cc opens hundreds of headers) and started before the probe attaches, and
    // the probe keeps only its opens: a 256 KiB ring holds ~900 events, which the rest of a loaded
    // machine (parallel test workers, a compiler) could otherwise fill before consume() runs.
    actorBinary();
    const comm = uniqueComm("open2");
    const actor = startActor(comm, "wait", "open", path);
    try {
      await using snoop = await load(OpenSnoop, { config: { targetPid: actor.pid } });
      snoop.attach();
      actor.child.stdin.end("go\n");
      expect(await actor.done).toEqual([`open ${path} 3`]);
      const events: { pid: number; comm: string; filename: string }[] = [];
      snoop.events.consume((event) => void events.push(event));
      expect(snoop.events.failedReservations).toBe(0n);
      expect(events.filter((e) => e.filename === path)).toEqual([{ pid: actor.pid, uid: process.getuid!(), comm, filename: path }]);
    } finally {
      actor.child.kill();
      rmSync(path, { force: true });
    }
  });

  it("002's opensnoop prints each open(2) and openat(2) of the target thread, and nothing of others", async () => {
    actorBinary();
    const actor = startActor(uniqueComm("popen"), "getpid", "wait", "open", "/dev/null", "openat", "/dev/null", "open", "/nonexistent");
    await until(() => actor.output().includes("getpid"), 5000, "the actor to start");
    await using snoop = await load(CaptureSysOpen, { config: { pid_target: actor.pid } });
    snoop.attach();
    const lines = await printkWhile(async () => {
      actor.child.stdin.end("go\n");
      await actor.done;
      await act(uniqueComm("other"), "open", "/dev/null");
    });
    expect(lines.filter((l) => l.message.startsWith("Process ID:")).map((l) => l.message)).toEqual([
      `Process ID: ${actor.pid} enter sys open`,
      `Process ID: ${actor.pid} enter sys openat`,
      `Process ID: ${actor.pid} enter sys open`,
    ]);
  });
});
