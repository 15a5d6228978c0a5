// bpf_printk output read back through tracePipe(): from a private tracefs instance per reader by
// default (no lock needed: every reader sees every line), and from the machine's shared
// trace_pipe when asked, where the test holds the trace-pipe lock (another reader would take the
// lines) and looks for its own marker among whatever else comes.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { AluOp, asm, R10, type ObjectSpec } from "@tsbpf/object";
import { expect, it } from "vitest";
import { loadObject } from "./load/load-object.js";
import { describeKernel } from "./testing/kernel.js";
import { exclusively } from "./testing/exclusive.js";
import { tracefsRoot } from "./sys/tracefs.js";
import { tracePipe, type TraceLine } from "./trace-pipe.js";

const BPF_FUNC_trace_printk = 6;

/** A syscall program printing an 8-byte marker (7 characters and the NUL). */
function printer(marker: string): ObjectSpec {
  const bytes = new TextEncoder().encode(`${marker}\0`);
  const value = new DataView(bytes.buffer).getBigUint64(0, true);
  return {
    license: "GPL",
    btf: { types: [] },
    maps: [],
    programs: [
      {
        name: "print",
        section: "syscall",
        instructions: [
          ...asm.ldImm64(1, value),
          asm.stx("u64", R10, 1, -8),
          asm.mov64Reg(1, R10),
          asm.alu64Imm(AluOp.ADD, 1, -8),
          asm.mov64Imm(2, 8),
          asm.call(BPF_FUNC_trace_printk),
          asm.mov64Imm(0, 0),
          asm.exit(),
        ],
        mapReferences: [],
        funcInfo: [],
        lineInfo: [],
        coreRelocations: [],
      },
    ],
  };
}

/** Reads lines until one's message is `marker` (resolving to it) or `signal` aborts (to undefined). */
async function firstWith(marker: string, lines: AsyncIterable<TraceLine>): Promise<TraceLine | undefined> {
  for await (const line of lines) if (line.message === marker) return line;
  return undefined;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

function markerOf(tag: string): string {
  return `${tag}${(process.pid % 100000).toString().padStart(5, "0")}`;
}

function ourInstances(): string[] {
  return readdirSync(`${tracefsRoot()}/instances`).filter((name) => name.startsWith(`tsbpf-${process.pid}-`));
}

describeKernel("tracePipe on the kernel", () => {
  it("yields bpf_printk lines with the printing task's pid, to each of two readers at once", async () => {
    const marker = markerOf("tb");
    await using object = await loadObject(printer(marker));
    const stop = AbortSignal.timeout(10_000);
    const readers = [firstWith(marker, tracePipe({ signal: stop })), firstWith(marker, tracePipe({ signal: stop }))];
    await tick();
    for (let i = 0; i < 5; i++) object.programs.get("print")!.testRun();
    const [one, two] = await Promise.all(readers);
    expect(one).toMatchObject({ message: marker, event: "bpf_trace_printk", pid: process.pid });
    expect(one!.timestamp).toBeGreaterThan(0);
    expect(two).toMatchObject({ message: marker, pid: process.pid });
    // Both iterations ended: their private instances are gone.
    expect(ourInstances()).toEqual([]);
  });

  it("does not deliver lines printed before the reader opened", async () => {
    const before = markerOf("tB");
    const after = markerOf("tA");
    await using early = await loadObject(printer(before));
    await using late = await loadObject(printer(after));
    early.programs.get("print")!.testRun();
    const seen: string[] = [];
    const stop = new AbortController();
    const reading = (async () => {
      for await (const line of tracePipe({ signal: stop.signal })) {
        seen.push(line.message);
        if (line.message === after) stop.abort();
      }
    })();
    await tick();
    late.programs.get("print")!.testRun();
    await Promise.race([reading, new Promise((_, reject) => setTimeout(() => reject(new Error("no line")), 10_000))]);
    expect(seen).toContain(after);
    expect(seen).not.toContain(before);
    expect(ourInstances()).toEqual([]);
  });

  it("removes instances left by a process that died, and its own when the process exits mid-iteration", async () => {
    // A process that opens a reader and exits without ending the iteration: its exit hook removes
    // the instance. (The child runs the built package, as a user's program would.)
    const script = `
      const { tracePipe } = await import("@tsbpf/runtime");
      const lines = tracePipe();
      void lines.next();
      setTimeout(() => process.exit(0), 300);
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: fileURLToPath(new URL("../../..", import.meta.url)) });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const leftByChild = readdirSync(`${tracefsRoot()}/instances`).filter((name) => name.startsWith(`tsbpf-${child.pid}-`));
    expect(leftByChild).toEqual([]);

    // An instance named for a pid that no longer runs (a reader killed with SIGKILL) is swept by the next reader.
    const orphan = `${tracefsRoot()}/instances/tsbpf-${child.pid}-7`;
    mkdirSync(orphan);
    const stop = new AbortController();
    const reading = (async () => {
      for await (const _line of tracePipe({ signal: stop.signal }));
    })();
    await tick();
    expect(existsSync(orphan)).toBe(false);
    stop.abort();
    await reading;
  });

  it("reads the machine's shared trace_pipe when asked", () => exclusively("trace-pipe", async () => {
    const marker = markerOf("tS");
    await using object = await loadObject(printer(marker));
    const reading = firstWith(marker, tracePipe({ signal: AbortSignal.timeout(10_000), shared: true }));
    await tick();
    expect(ourInstances()).toEqual([]);
    for (let i = 0; i < 5; i++) object.programs.get("print")!.testRun();
    expect(await reading).toMatchObject({ message: marker, pid: process.pid });
  }));
});
