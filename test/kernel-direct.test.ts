// Direct loads through BTF-typed pointers, in the kernel: a tp_btf program reads its task
// arguments (and a chain through real_parent) when this process forks, and
// a task iterator reads each task of this process and its children. Every value is checked
// against what the test knows: its own pid and parent, the child's pid.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { KernelDirect } from "./fixtures/kernel-direct.bpf.ts";
import { start, until } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";

describeKernel("direct loads through BTF-typed pointers", () => {
  it("tp_btf arguments and their real_parent chain", async () => {
    await using probe = await load(KernelDirect, { config: { targetTgid: process.pid } });
    probe.attach();
    const child = start("/bin/true", []);
    await child.finished;
    const pid = child.child.pid!;
    expect(probe.forks.get(pid)).toEqual({
      parentPid: process.pid, // libuv forks from the main thread
      parentTgid: process.pid,
      childPid: pid,
      childParentTgid: process.pid,
      grandparentTgid: process.ppid,
    });
  });

  it("an iterator's task, its real_parent and a bitfield (sched_reset_on_fork)", async () => {
    await using probe = await load(KernelDirect, { config: { targetTgid: process.pid } });
    // chrt sets SCHED_RESET_ON_FORK on itself, then execs sleep: the child's bitfield is 1.
    const child = start("chrt", ["--other", "--reset-on-fork", "0", "sleep", "5"]);
    try {
      await until(() => readFileSync(`/proc/${child.child.pid}/comm`, "utf8").trim() === "sleep", 5000, "chrt to exec sleep");
      const link = probe.programs.eachTask.attach() as unknown as { read(): Uint8Array };
      link.read();
      const plain = { resetOnFork: 0, resetOnForkProbed: 0 };
      expect(probe.tasks.get(process.pid)).toEqual({ tgid: process.pid, ppid: process.ppid, tracerOrParent: process.ppid, ...plain });
      expect(probe.tasks.get(child.child.pid!)).toEqual({ tgid: child.child.pid, ppid: process.pid, tracerOrParent: process.pid, resetOnFork: 1, resetOnForkProbed: 1 });
      // Node's other threads: same thread group, same parent (threads that started after the
      // iteration are not in the map).
      const threads = execFileSync("ls", [`/proc/${process.pid}/task`]).toString().trim().split("\n").map(Number);
      const seen = threads.filter((tid) => tid !== process.pid && probe.tasks.get(tid) !== undefined);
      expect(seen.length).toBeGreaterThan(0);
      for (const tid of seen) expect(probe.tasks.get(tid)).toEqual({ tgid: process.pid, ppid: process.ppid, tracerOrParent: process.ppid, ...plain });
    } finally {
      child.child.kill();
      await child.finished;
    }
  });
});
