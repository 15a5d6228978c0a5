// runqlat: tp_btf sched_wakeup/sched_wakeup_new/sched_switch with BTF-typed task_struct
// arguments (read through CO-RE) fill a log2 histogram in an array map; `tsbpf run` prints it.
import { mkdirSync, readlinkSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { RunQueueLatency } from "../examples/runqlat.bpf.ts";
import { RunqLat } from "../examples/eunomia/runqlat.bpf.ts";
import { actorBinary, startActor, uniqueComm } from "./support/actor.js";
import { start } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { cliPath, example } from "./support/paths.js";

/** A child that sleeps and wakes 50 times: each wakeup is a run queue wait to measure. */
const SLEEPER = "let n = 0; const t = setInterval(() => { if (++n === 50) clearInterval(t); }, 5);";

describeKernel("examples/runqlat.bpf.ts", () => {
  it("measures run queue waits of woken tasks into the histogram", async () => {
    await using probe = await load(RunQueueLatency);
    probe.attach();
    const child = start(process.execPath, ["-e", SLEEPER]);
    const { code } = await child.finished;
    expect(code).toBe(0);
    const counts: bigint[] = [];
    for (let slot = 0; slot < 27; slot++) counts.push(probe.hist.get(slot) ?? 0n);
    const total = counts.reduce((a, b) => a + b, 0n);
    // The child alone woke 50 times and each wake was followed by a switch in: at least that many.
    expect(total).toBeGreaterThanOrEqual(50n);
    // Waits of more than 2^26 µs (a minute) did not happen during this test.
    expect(counts[26]).toBe(0n);
  });
});

describeKernel("tsbpf run examples/runqlat.bpf.ts", () => {
  it("prints the histogram at exit", async () => {
    const { stdout, stderr, code } = await start(process.execPath, [cliPath, "run", example("runqlat.bpf.ts"), "--duration", "1"]).finished;
    expect(stderr).toMatch(/3 program\(s\) loaded, 3 attached/);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    const at = lines.indexOf("hist:");
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toMatch(/value\s+: count\s+distribution/);
    expect(lines[at + 2]).toMatch(/^\s+\d+ -> \d+\s+: \d+\s+\|\**\s*\|$/);
    expect(lines.slice(at + 2).some((l) => l.includes("|****************************************|"))).toBe(true);
  }, 60_000);
});

// 002's runqlat as the tutorial writes it (examples/eunomia/runqlat.bpf.ts): the actor sleeps 20
// times (20 wake-ups by the timer, each followed by a switch back in), the probe filtered to its
// process; the histogram's key is what the mode says, checked against the actor's pid and
// /proc's pid namespace; the cgroup filter passes everything for the root cgroup and nothing for
// an empty one.

const CGROUP2 = "/sys/fs/cgroup/unified";

/** Runs the sleeping actor under a RunqLat with `config`; returns its pid, comm and every histogram. */
async function sleeperHists(config: Record<string, unknown>, cgroup?: string) {
  actorBinary();
  const comm = uniqueComm("rqlat");
  const actor = startActor(comm, "wait", ...Array.from({ length: 20 }, () => ["nanosleep", "1000000"]).flat());
  await using probe = await load(RunqLat, { config: { targ_tgid: actor.pid, ...config } });
  if (cgroup !== undefined) probe.cgroup_map.set(0, cgroup);
  probe.attach();
  actor.child.stdin.end("go\n");
  expect((await actor.done).filter((l) => l === "nanosleep 0").length).toBe(20);
  const hists = new Map<number, { slots: number[]; comm: string }>();
  for await (const [key, hist] of probe.hists) hists.set(key, hist);
  return { pid: actor.pid, comm, hists };
}

const total = (slots: number[]) => slots.reduce((a, b) => a + b, 0);

describeKernel("examples/eunomia/runqlat.bpf.ts", () => {
  it("per thread, per process: one histogram keyed by the actor's pid (a single thread), its comm, every wake-up counted", async () => {
    for (const mode of ["targ_per_thread", "targ_per_process"]) {
      const { pid, comm, hists } = await sleeperHists({ [mode]: true });
      expect([...hists.keys()], mode).toEqual([pid]);
      const hist = hists.get(pid)!;
      expect([comm, "actor"]).toContain(hist.comm);
      expect(total(hist.slots)).toBeGreaterThanOrEqual(20);
    }
  });

  it("per pid namespace: keyed by the namespace's inode (/proc/self/ns/pid); the default key is -1; milliseconds with targ_ms", async () => {
    const inum = Number(/pid:\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/pid"))![1]);
    const byNs = await sleeperHists({ targ_per_pidns: true });
    expect([...byNs.hists.keys()]).toEqual([inum]);
    const all = await sleeperHists({});
    expect([...all.hists.keys()]).toEqual([0xffffffff]);
    expect(total(all.hists.get(0xffffffff)!.slots)).toBeGreaterThanOrEqual(20);
    const ms = await sleeperHists({ targ_ms: true });
    const slots = ms.hists.get(0xffffffff)!.slots;
    expect(total(slots)).toBeGreaterThanOrEqual(20);
    expect(total(slots.slice(12))).toBe(0); // no run queue wait of 4 s or more
  });

  it("the cgroup filter: the root cgroup passes every task, an empty cgroup none", async () => {
    const inRoot = await sleeperHists({ targ_per_thread: true, filter_cg: true }, CGROUP2);
    expect(total(inRoot.hists.get(inRoot.pid)?.slots ?? [])).toBeGreaterThanOrEqual(20);
    const empty = join(CGROUP2, `tsbpf-runqlat-${process.pid}`);
    mkdirSync(empty);
    try {
      const none = await sleeperHists({ targ_per_thread: true, filter_cg: true }, empty);
      expect(none.hists.size).toBe(0);
    } finally {
      rmdirSync(empty);
    }
  });
});
