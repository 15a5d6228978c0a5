// bpf_spin_lock in a map value: the probe's XDP program increments a locked and an unlocked
// counter with plain loads and stores; two `bpftool prog run ... repeat N` (BPF_PROG_TEST_RUN,
// each on its own CPU through taskset) run it at the same time. The locked counter must be
// exactly 2N: no update lost. (The unlocked one may lose some; it is printed, not asserted.)
// Needs Linux 5.1 (spin locks), and bpftool (scripts/ensure-test-tools.sh).
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { SpinCounters } from "./fixtures/spin-lock.bpf.ts";
import { describeKernel, toolPath } from "./support/kernel.js";

const RUNS = 3_000_000;

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")}: ${code} ${err}`))));
  });
}

describeKernel("bpf_spin_lock in a map value", () => {
  it("two CPUs incrementing under the value's lock lose no update", async () => {
    await using probe = await load(SpinCounters);
    expect(probe.counters.get(0)).toEqual({ lock: { val: 0 }, locked: 0n, unlocked: 0n });
    const pin = `/sys/fs/bpf/tsbpf-spin-${process.pid}`;
    const packet = join(tmpdir(), `tsbpf-spin-${process.pid}.bin`);
    writeFileSync(packet, new Uint8Array(64));
    probe.programs.count.pin(pin);
    try {
      const bpftool = toolPath("bpftool");
      const cpus = availableParallelism() >= 2 ? ["0", "1"] : ["0", "0"];
      await Promise.all(cpus.map((cpu) => run("taskset", ["-c", cpu, bpftool, "prog", "run", "pinned", pin, "data_in", packet, "repeat", String(RUNS)])));
    } finally {
      rmSync(pin, { force: true });
      rmSync(packet, { force: true });
    }
    const { locked, unlocked } = probe.counters.get(0)!;
    console.log(`tsbpf: ${2 * RUNS} runs on two CPUs: locked counter ${locked}, unlocked ${unlocked}`);
    expect(locked).toBe(BigInt(2 * RUNS));
    expect(unlocked).toBeLessThanOrEqual(BigInt(2 * RUNS));
  }, 120_000); // the first load compiles the probe
});
