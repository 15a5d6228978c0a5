// The iterator example of docs/hooks-and-maps.md ("Iterators") runs as written: a task iterator
// typed by tsbpf/vmlinux's bpf_iter__task writes one pid per task with bpf.seqWrite, and
// attachIter()'s IterLink reads them back; every thread of this process (/proc) and a child
// process started for the test are among them.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { TaskPids } from "./fixtures/iter-seq.bpf.ts";
import { describeKernel } from "./support/kernel.js";

describeKernel("a task iterator written with bpf.seqWrite", () => {
  it("writes a record per task, read through attachIter()", async () => {
    await using probe = await load(TaskPids);
    const link = probe.programs.eachTask.attachIter();
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      const threads = readdirSync("/proc/self/task").map(Number);
      const pids = new Set<number>();
      for await (const record of link.records(4)) pids.add(new DataView(record.buffer, record.byteOffset, 4).getUint32(0, true));
      for (const tid of threads) expect(pids.has(tid)).toBe(true);
      expect(pids.has(child.pid!)).toBe(true);
    } finally {
      child.kill();
    }
  });
});
