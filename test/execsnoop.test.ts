// execsnoop: the test execs a uniquely named program; the event carries the child's PID, its
// parent (this process, read through CO-RE from task->real_parent->tgid), the UID, the command
// name before the exec (the forking thread's) and the file name.
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { ExecSnoop } from "../examples/execsnoop.bpf.ts";
import { ExecSnoopPerf } from "../examples/eunomia/execsnoop.bpf.ts";
import { start } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";

describeKernel("examples/execsnoop.bpf.ts", () => {
  it("reports a child's exec with pid, ppid (CO-RE), uid, comm and filename", async () => {
    await using snoop = await load(ExecSnoop);
    snoop.attach();
    const path = join(tmpdir(), `tsbpf-execsnoop-${randomUUID()}`);
    symlinkSync("/bin/true", path);
    try {
      const comm = readFileSync("/proc/self/comm", "utf8").trim();
      const child = start(path, []);
      const stop = AbortSignal.timeout(5000);
      let found: { pid: number; ppid: number; uid: number; comm: string; filename: string } | undefined;
      for await (const event of snoop.events.events({ signal: stop })) {
        if (event.filename === path) {
          found = event;
          break;
        }
      }
      await child.finished;
      expect(found).toEqual({ pid: child.child.pid, ppid: process.pid, uid: process.getuid!(), comm, filename: path });
    } finally {
      rmSync(path, { force: true });
    }
  });
});

// 002's perf buffer execsnoop (examples/eunomia/execsnoop.bpf.ts): an exec of a uniquely named
// program gives an entry event (the process id, the comm before the exec read through
// task->comm, is_exit false) and an exit event (the thread id, the result 0, the new comm).
describeKernel("examples/eunomia/execsnoop.bpf.ts", () => {
  it("sends execve's entry and exit through the perf event array", async () => {
    await using snoop = await load(ExecSnoopPerf);
    snoop.attach();
    const name = `tsbpf-ex-${randomUUID().slice(0, 8)}`;
    const path = join(tmpdir(), name);
    symlinkSync("/bin/true", path);
    try {
      const comm = readFileSync("/proc/self/comm", "utf8").trim();
      const child = start(path, []);
      await child.finished;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const events: { pid: number; ppid: number; uid: number; retval: number; is_exit: boolean; comm: string }[] = [];
      snoop.events.consume((event) => void events.push(event));
      const mine = events.filter((e) => e.pid === child.child.pid);
      expect(mine).toEqual([
        { pid: child.child.pid, ppid: 0, uid: process.getuid!(), retval: 0, is_exit: false, comm },
        { pid: child.child.pid, ppid: 0, uid: process.getuid!(), retval: 0, is_exit: true, comm: name.slice(0, 15) },
      ]);
    } finally {
      rmSync(path, { force: true });
    }
  });
});
