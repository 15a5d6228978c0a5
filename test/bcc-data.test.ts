// 004's "Data" helpers (examples/bcc/data.bpf.ts): the actor, a child of this process, opens a
// uniquely named path; the record of that openat(2) is checked helper by helper against what the
// test knows: the actor's pid and thread id, this process as its parent (pid and comm), uid and
// gid, the comm the actor gave itself, the path and its length, bcc's log2 of 4, the pid and tgid
// in this pid namespace (dev and ino of /proc/self/ns/pid), and a monotonic timestamp.
import { readFileSync, statSync } from "node:fs";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { DataHelpers } from "../examples/bcc/data.bpf.ts";
import { act, actorBinary, uniqueComm } from "./support/actor.js";
import { describeKernel } from "./support/kernel.js";

/** The kernel's dev_t of a user-space st_dev (new_decode_dev, then MKDEV). */
function kernelDev(dev: number): bigint {
  const major = (dev >> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  return (BigInt(major) << 20n) | BigInt(minor);
}

describeKernel("examples/bcc/data.bpf.ts", () => {
  it("reports what each Data helper returned for the actor's openat(2)", async () => {
    actorBinary();
    const ns = statSync("/proc/self/ns/pid");
    await using probe = await load(DataHelpers, { config: { filter_ppid: process.pid, ns_dev: kernelDev(ns.dev), ns_ino: BigInt(ns.ino) } });
    probe.attach();
    const comm = uniqueComm("data");
    const path = `/tmp/tsbpf-bcc-data-${comm}`;
    const before = process.hrtime.bigint();
    const { pid, lines } = await act(comm, "openat", path, "openat", path);
    const after = process.hrtime.bigint();
    expect(lines).toEqual([`openat ${path} -2`, `openat ${path} -2`]);
    const records: Record<string, unknown>[] = [];
    probe.records.consume((r) => void records.push(r));
    const mine = records.filter((r) => r.filename === path);
    expect(mine.length).toBe(2);
    for (const r of mine) {
      expect(r).toMatchObject({
        pid, tid: pid, uid: process.getuid!(), gid: process.getgid!(), ppid: process.pid,
        ns_pid: pid, ns_tgid: pid, ns_status: 0, comm_status: 0, comm,
        parent_comm: readFileSync("/proc/self/comm", "utf8").trim(),
        parent_comm_len: readFileSync("/proc/self/comm", "utf8").trim().length + 1,
        filename_len: path.length + 1, log2_of_4: 3,
      });
      // bpf_ktime_get_ns is CLOCK_MONOTONIC, as hrtime is.
      expect(r.ts as bigint).toBeGreaterThan(before);
      expect(r.ts as bigint).toBeLessThan(after);
    }
    // bpf_get_prandom_u32: two draws equal with probability 2^-32.
    expect(mine[0]!.random).not.toBe(mine[1]!.random);
    // Records of the actor's other opens (the loader's) exist too, all with its pid.
    for (const r of records) expect(r.pid).toBe(pid);
  });
});
