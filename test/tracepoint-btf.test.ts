// Classic tracepoint records typed from the kernel's BTF (trace_event_raw_<name>): the test
// forks and execs a uniquely named program and checks each field the programs read, __data_loc
// strings included, against what it knows (pids, its own comm, the path it executed).
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { TracepointRecords } from "./fixtures/tracepoint-btf.bpf.ts";
import { start } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";

describeKernel("@tracepoint with a trace_event_raw_<name> context", () => {
  it("sched_process_fork and sched_process_exec: pids, comms and the file name, and exec's pids through a record declared without its header", async () => {
    await using probe = await load(TracepointRecords, { config: { targetTgid: process.pid } });
    probe.attach();
    const path = join(tmpdir(), `tsbpf-tp-${randomUUID().slice(0, 8)}`);
    symlinkSync("/bin/true", path);
    try {
      const child = start(path, []);
      await child.finished;
      const pid = child.child.pid!;
      const comm = readFileSync("/proc/self/comm", "utf8").trim();
      // libuv forks from the main thread: the parent is this process, the child its copy.
      expect(probe.forks.get(pid)).toEqual({ parentPid: process.pid, childPid: pid, parentComm: comm, childComm: comm });
      expect(probe.execs.get(pid)).toEqual({ pid, oldPid: pid, filename: path });
      // The same record through the probe's own two-member declaration, relocated to the kernel's offsets.
      expect(probe.ownExecs.get(pid)).toEqual({ pid, oldPid: pid });
    } finally {
      rmSync(path, { force: true });
    }
  });
});
