// hello: built, loaded and attached from the test; the test's own writes show up in the trace
// output with its PID and the fd it wrote to, and with the filter set to another PID they do not.
// Each tracePipe() reader (and each `tsbpf run`) reads its own tracefs instance, so the tests here
// need no lock: lines printed before a reader opened, or read by another, do not reach it.
import { closeSync, openSync, writeSync } from "node:fs";
import { spawn } from "node:child_process";
import { start, until } from "./support/child.js";
import { actorBinary, startActor, uniqueComm } from "./support/actor.js";
import { printkWhile } from "./support/printk.js";
import { Minimal } from "../examples/eunomia/minimal.bpf.ts";
import { cliPath, example } from "./support/paths.js";
import { expect, it } from "vitest";
import { load, tracePipe } from "tsbpf";
import { Hello } from "../examples/hello.bpf.ts";
import { describeKernel } from "./support/kernel.js";

/** Collects trace lines for `ms` milliseconds while `act` runs. */
async function traceWhile(ms: number, act: () => void): Promise<string[]> {
  const stop = new AbortController();
  const lines: string[] = [];
  const reading = (async () => {
    try {
      for await (const line of tracePipe({ signal: stop.signal })) lines.push(line.message);
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 100));
  act();
  await new Promise((resolve) => setTimeout(resolve, ms));
  stop.abort();
  await reading;
  return lines;
}

describeKernel("examples/hello.bpf.ts", () => {
  it("prints the PID and fd of this process's writes, and not those of a process writing beside it", async () => {
    // A shell that writes all the time: the filter in the kernel must keep its writes out. (Lines
    // naming other PIDs are not checked: any other program on this shared kernel may print.)
    const writer = spawn("sh", ["-c", "while :; do echo x; done"], { stdio: "ignore" });
    try {
      await using hello = await load(Hello, { config: { targetPid: process.pid } });
      hello.attach();
      const fd = openSync("/dev/null", "w");
      try {
        const lines = await traceWhile(400, () => {
          for (let i = 0; i < 3; i++) writeSync(fd, "x");
        });
        expect(lines).toContain(`hello: write by pid ${process.pid} to fd ${fd}`);
        expect(lines.filter((l) => l.includes(`pid ${writer.pid} `))).toEqual([]);
      } finally {
        closeSync(fd);
      }
    } finally {
      writer.kill();
    }
  });

  it("prints the writer's writes when the filter names it (so the check above watches a real writer)", async () => {
    const writer = spawn("sh", ["-c", "while :; do echo x; done"], { stdio: "ignore" });
    try {
      await using hello = await load(Hello, { config: { targetPid: writer.pid! } });
      hello.attach();
      const lines = await traceWhile(400, () => {});
      expect(lines.filter((l) => l.includes(`pid ${writer.pid} `)).length).toBeGreaterThan(0);
      expect(lines.filter((l) => l.includes(`pid ${process.pid} `))).toEqual([]);
    } finally {
      writer.kill();
    }
  });

  it("prints nothing for this process when the filter names another PID", async () => {
    const other = spawn("sleep", ["5"]);
    try {
      await using hello = await load(Hello, { config: { targetPid: other.pid! } });
      hello.attach();
      const fd = openSync("/dev/null", "w");
      try {
        const lines = await traceWhile(400, () => {
          for (let i = 0; i < 3; i++) writeSync(fd, "x");
        });
        expect(lines.filter((l) => l.includes(`pid ${process.pid} `))).toEqual([]);
      } finally {
        closeSync(fd);
      }
    } finally {
      other.kill();
    }
  });
});

describeKernel("tsbpf run examples/hello.bpf.ts", () => {
  it("streams printk lines while it runs and exits after --duration", async () => {
    const run = start(process.execPath, [cliPath, "run", example("hello.bpf.ts"), "--duration", "3", "--json", "--config", `targetPid=${process.pid}`]);
    const fd = openSync("/dev/null", "w");
    // Keep writing while it runs: load and attach take a moment.
    const writer = setInterval(() => writeSync(fd, "x"), 50);
    const { stdout, stderr, code } = await run.finished;
    clearInterval(writer);
    closeSync(fd);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const events = stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(events).toContainEqual(expect.objectContaining({ kind: "printk", message: `hello: write by pid ${process.pid} to fd ${fd}` }));
  });

  it("ends after --duration even when its own output feeds the stream (no filter: every line it writes is a traced write)", async () => {
    // Output to a file is written synchronously, so trace_pipe never runs dry: the reader must
    // still let the duration's timer run.
    const out = openSync("/dev/null", "w");
    const child = spawn(process.execPath, [cliPath, "run", example("hello.bpf.ts"), "--duration", "2"], { stdio: ["ignore", out, "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => child.kill("SIGKILL"), 25_000);
      child.on("exit", (exitCode) => {
        clearTimeout(killer);
        resolve(exitCode);
      });
    });
    closeSync(out);
    expect(stderr).toContain("Running for 2 s");
    expect(code).toBe(0);
  });
});

// 002's hello ("minimal", examples/eunomia/minimal.bpf.ts): the actor's writes (one per result
// line) are printed with its pid when the filter names it, and a process writing beside it is not.
describeKernel("examples/eunomia/minimal.bpf.ts", () => {
  it("prints 'BPF triggered from PID <pid>.' for the filtered process's writes only", async () => {
    actorBinary();
    const writer = spawn("sh", ["-c", "while :; do echo x; done"], { stdio: "ignore" });
    try {
      const actor = startActor(uniqueComm("hello"), "getpid", "wait", "getpid", "getpid");
      await until(() => actor.output().includes("getpid"), 5000, "the actor to start");
      await using minimal = await load(Minimal, { config: { pid_filter: actor.pid } });
      minimal.attach();
      const lines = await printkWhile(async () => {
        actor.child.stdin.end("go\n");
        await actor.done;
      });
      // Two result lines after the wait: two write(2)s.
      expect(lines.filter((l) => l.message === `BPF triggered from PID ${actor.pid}.`).length).toBe(2);
      expect(lines.filter((l) => l.message.startsWith("BPF triggered from PID") && l.message !== `BPF triggered from PID ${actor.pid}.`)).toEqual([]);
    } finally {
      writer.kill();
    }
  });
});
