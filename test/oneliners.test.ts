// 001's five bpftrace one-liners (examples/oneliners/): the actor (test/support/actor.c) names
// itself with a comm no other process has, then makes exactly the calls the test asks for; each
// program's printk lines or map entries for that comm are checked against what the actor did
// (its own report of each call's result).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "tsbpf";
import { Opens } from "../examples/oneliners/opens.bpf.ts";
import { ReadBytes } from "../examples/oneliners/read-bytes.bpf.ts";
import { ReadSizeHist } from "../examples/oneliners/read-size-hist.bpf.ts";
import { Sleeping } from "../examples/oneliners/sleeping.bpf.ts";
import { SyscallsByComm } from "../examples/oneliners/syscalls-by-comm.bpf.ts";
import { act, actorBinary, uniqueComm } from "./support/actor.js";
import { describeKernel } from "./support/kernel.js";
import { printkWhile } from "./support/printk.js";

/** bpftrace's hist() bucket of `n`: 0 for negatives, 1 for 0, 2 + floor(log2(n)) above. */
function bucketOf(n: number): bigint {
  if (n < 0) return 0n;
  if (n === 0) return 1n;
  return BigInt(Math.floor(Math.log2(n)) + 2);
}

const sum = (values: bigint[] | undefined) => (values ?? []).reduce((a, b) => a + b, 0n);

describeKernel("001's bpftrace one-liners (examples/oneliners)", () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    actorBinary();
    dir = mkdtempSync(join(tmpdir(), "tsbpf-oneliners-"));
    file = join(dir, "data");
    writeFileSync(file, "x".repeat(4096));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("sys_enter_nanosleep: prints '<comm> is sleeping.' for each nanosleep(2)", async () => {
    await using probe = await load(Sleeping);
    probe.attach();
    const comm = uniqueComm("sleep");
    let lines: string[] = [];
    const trace = await printkWhile(async () => {
      ({ lines } = await act(comm, "nanosleep", "1000", "nanosleep", "1000"));
    });
    expect(lines).toEqual(["nanosleep 0", "nanosleep 0"]);
    expect(trace.filter((l) => l.message === `${comm} is sleeping.`).length).toBe(2);
  });

  it("sys_enter_open: prints '<comm> <filename>' for open(2), and not for openat(2)", async () => {
    await using probe = await load(Opens);
    probe.attach();
    const comm = uniqueComm("open");
    const missing = join(dir, "missing");
    let lines: string[] = [];
    const trace = await printkWhile(async () => {
      ({ lines } = await act(comm, "open", file, "open", missing, "openat", file));
    });
    expect(lines).toEqual([`open ${file} 3`, `open ${missing} -2`, `openat ${file} 3`]);
    // A failed open is still entered: bpftrace prints it too.
    expect(trace.filter((l) => l.message.startsWith(`${comm} `)).map((l) => l.message)).toEqual([`${comm} ${file}`, `${comm} ${missing}`]);
  });

  it("raw_syscalls:sys_enter: @[comm] = count() counts every system call of the comm", async () => {
    await using probe = await load(SyscallsByComm);
    probe.attach();
    // Two actors that differ only in how many nanosleeps they make (3 and 13, one result line
    // each): whatever else a run's system calls are, the counts differ by exactly 10.
    const counted: bigint[] = [];
    for (const n of [3, 13]) {
      const comm = uniqueComm("count");
      const { lines } = await act(comm, "nanosleeps", String(n));
      expect(lines).toEqual([`nanosleeps ${n} 0`]);
      counted.push(sum(await probe.counts.get({ comm })));
    }
    expect(counted[0]).toBeGreaterThanOrEqual(3n);
    expect(counted[1]! - counted[0]!).toBe(10n);
  });

  it("sys_exit_read /args->ret/: @[comm] = sum(args->ret) sums non-zero results, errors included", async () => {
    await using probe = await load(ReadBytes);
    probe.attach();
    const comm = uniqueComm("sum");
    const { lines } = await act(comm, "read", file, "100", "read", file, "37", "read", file, "0", "read", join(dir, "missing"), "5");
    const results = lines.map((l) => Number(l.split(" ")[1]));
    expect(results).toEqual([100, 37, 0, -9]); // -EBADF: the missing file's fd is -1
    expect(sum(await probe.sums.get({ comm }))).toBe(BigInt(100 + 37 - 9));
  });

  it("sys_exit_read: @[comm] = hist(args->ret) counts each read in bpftrace's bucket", async () => {
    await using probe = await load(ReadSizeHist);
    probe.attach();
    const comm = uniqueComm("hist");
    const sizes = ["100", "37", "0", "1", "3", "4096"];
    const { lines } = await act(comm, ...sizes.flatMap((n) => ["read", file, n]), "read", join(dir, "missing"), "5");
    const results = lines.map((l) => Number(l.split(" ")[1]));
    expect(results).toEqual([100, 37, 0, 1, 3, 4096, -9]);
    const expected = new Map<bigint, bigint>();
    for (const r of results) expected.set(bucketOf(r), (expected.get(bucketOf(r)) ?? 0n) + 1n);
    const seen = new Map<bigint, bigint>();
    for await (const [key, perCpu] of probe.hist) {
      if (key.comm === comm) seen.set(key.bucket, sum(perCpu));
    }
    expect(seen).toEqual(expected);
  });
});
