// `tsbpf run` on aggregations: --json records of each kind, --interval prints with --clear resetting
// the aggregations (and only them), and --all-maps adding the maps declared internal.
import { expect, it } from "vitest";
import { plan } from "./support/aggregation-plan.js";
import { start, until } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { cliPath, example } from "./support/paths.js";
import { startWriter } from "./support/writer.js";

const fixture = new URL("./fixtures/aggregations.bpf.ts", import.meta.url).pathname;
type Line = { kind: string; map?: string; aggregation?: string; entries?: [unknown, unknown][]; time?: string };

const writes = plan.reduce((n, w) => n + w.times, 0);
const perFd = new Map<number, number>();
for (const w of plan) perFd.set(w.fd, (perFd.get(w.fd) ?? 0) + w.times);

describeKernel("tsbpf run --interval --clear --json --all-maps on aggregations", () => {
  it("prints every interval, clears the aggregations after each, and prints internal maps with --all-maps", async () => {
    const writer = startWriter(plan);
    const run = start(process.execPath, [cliPath, "run", fixture, "--json", "--interval", "0.5", "--clear", "--all-maps", "--config", `targetPid=${writer.pid}`]);
    const lines = (): Line[] => run.stdout().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Line);
    const intervals = () => lines().filter((l) => l.kind === "interval").length;
    try {
      await until(() => lines().some((l) => l.kind === "attached") || run.child.exitCode !== null, 60_000, "tsbpf run to attach");
      await writer.run();
      // Two more prints after the writes: the last one comes after a clear with nothing new.
      const after = intervals();
      await until(() => intervals() >= after + 2 || run.child.exitCode !== null, 30_000, "two interval prints");
      run.child.kill("SIGINT");
      const { code, stderr } = await run.finished;
      expect(code, stderr).toBe(0);
      const all = lines();
      const blocks: Line[][] = [];
      for (const line of all) {
        if (line.kind === "interval") blocks.push([]);
        else if (blocks.length > 0) blocks[blocks.length - 1]!.push(line);
      }
      for (const line of all.filter((l) => l.kind === "interval")) expect(Number.isNaN(Date.parse(line.time!))).toBe(false);
      const find = (block: Line[], map: string) => block.find((l) => l.map === map)!;
      // Some interval saw the writes: the count record and the histogram record.
      const seen = blocks.find((b) => (find(b, "writes")?.entries ?? []).length > 0)!;
      expect(find(seen, "writes")).toMatchObject({ kind: "aggregation", aggregation: "count" });
      expect(find(seen, "sizes")).toMatchObject({ kind: "histogram", aggregation: "hist" });
      const [[key, histogram]] = find(seen, "sizes").entries as [[null, { buckets: { min: number; max: number; count: number }[]; total: number }]];
      expect(key).toBeNull();
      expect(histogram.buckets[0]).toEqual({ min: 0, max: 0, count: 1 });
      expect(find(seen, "stats").entries![0]![1]).toHaveProperty("avg");
      // The total over the prints is every write (an interval may have fallen in the middle of them).
      const counted = blocks.map((b) => (find(b, "writes")?.entries ?? []).reduce((n, [, v]) => n + (v as number), 0));
      expect(counted.reduce((a, b) => a + b, 0)).toBe(writes);
      // The last interval comes after a clear: the aggregations are empty, the plain maps are not
      // cleared. (The print at exit follows it, without an interval line: the block holds both, and
      // each map's first record is the interval's.)
      const last = blocks[blocks.length - 1]!;
      const aggregations = ["calls", "writes", "bytes", "bytesByCommFd", "smallest", "largest", "mean", "stats", "sizes", "sizesByFd", "linear", "linearByComm"];
      for (const map of aggregations) expect(find(last, map).entries, map).toEqual([]);
      const fdWrites = find(last, "fdWrites").entries as [number, number[]][];
      expect(new Map(fdWrites.map(([fd, perCpu]) => [fd, perCpu.reduce((a, b) => a + b, 0)]))).toEqual(perFd);
      // --all-maps: the internal map is printed too, with the last size written to each descriptor.
      expect(new Map(find(last, "lastSize").entries as [number, number][])).toEqual(new Map([[50, 1500], [51, 700], [52, 5000], [53, 3000]]));
    } finally {
      writer.kill();
      run.child.kill("SIGKILL");
    }
  }, 120_000);
});

describeKernel("tsbpf run examples/aggregations.bpf.ts", () => {
  it("counts system calls by program and histograms a sleep the test causes; the internal start map stays out", async () => {
    // `exec`: the sleep keeps the shell's pid, which the probe's filter watches.
    const sleeper = start("sh", ["-c", "read go; exec sleep 0.06"]);
    const run = start(process.execPath, [cliPath, "run", example("aggregations.bpf.ts"), "--json", "--config", `targetPid=${sleeper.child.pid}`]);
    try {
      await until(() => run.stdout().includes('"kind":"attached"') || run.child.exitCode !== null, 60_000, "tsbpf run to attach");
      sleeper.child.stdin.write("go\n");
      await sleeper.finished;
      run.child.kill("SIGINT");
      const { code, stdout, stderr } = await run.finished;
      expect(code, stderr).toBe(0);
      const lines = stdout.trim().split("\n").map((l) => JSON.parse(l) as Line);
      const calls = new Map(lines.find((l) => l.map === "syscalls")!.entries as [string, number][]);
      expect(calls.get("sleep")).toBeGreaterThan(0);
      const sleeps = new Map(lines.find((l) => l.map === "sleepNs")!.entries as [string, { buckets: { min: number; max: number; count: number }[]; total: number }][]);
      const slept = sleeps.get("sleep")!;
      expect(slept.total).toBe(1);
      // The sleep lasted at least 60 ms: every sleep of the program counted in a bucket reaching past it.
      for (const bucket of slept.buckets.filter((b) => b.count > 0)) expect(bucket.max).toBeGreaterThanOrEqual(60_000_000);
      expect(lines.some((l) => l.map === "start")).toBe(false);
    } finally {
      sleeper.child.kill("SIGKILL");
      run.child.kill("SIGKILL");
    }
  }, 120_000);
});

describeKernel("tsbpf run examples/runqlat.bpf.ts: its internal start map", () => {
  it("is left out of the printout, and printed with --all-maps", async () => {
    const [plain, all] = await Promise.all([
      start(process.execPath, [cliPath, "run", example("runqlat.bpf.ts"), "--duration", "1", "--json"]).finished,
      start(process.execPath, [cliPath, "run", example("runqlat.bpf.ts"), "--duration", "1", "--json", "--all-maps"]).finished,
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(all.code, all.stderr).toBe(0);
    const maps = (stdout: string) => stdout.trim().split("\n").map((l) => JSON.parse(l) as Line).filter((l) => l.map !== undefined).map((l) => l.map);
    expect(maps(plain.stdout)).toEqual(["hist"]);
    expect(maps(all.stdout)).toEqual(["hist", "start"]);
  }, 120_000);
});
