// unlink: the fentry/fexit pair and its kprobe/kretprobe twin compile (arguments typed from BTF,
// filename->name read through CO-RE). Where the kernel has them they run for real: an unlinked
// file's name and result arrive as events. Where it does not (this machine: lockdown refuses
// fentry loads, kprobes are not built in), loading or attaching says why as a NotSupportedError;
// the kprobe programs still pass the verifier.
import { randomUUID } from "node:crypto";
import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { load, NotSupportedError } from "tsbpf";
import { UnlinkKprobes, UnlinkSnoop } from "../examples/unlink.bpf.ts";
import { describeKernel } from "./support/kernel.js";

/** Unlinks a fresh file while `events` is read; resolves to the event carrying its name. */
async function unlinkAndCatch(events: AsyncIterable<{ pid: number; ret: bigint; name: string }>): Promise<unknown> {
  const path = join(tmpdir(), `tsbpf-unlink-${randomUUID()}`);
  writeFileSync(path, "");
  const timer = setTimeout(() => unlinkSync(path), 50);
  try {
    for await (const event of events) if (event.name.endsWith(path.slice(-36))) return event;
    return undefined;
  } finally {
    clearTimeout(timer);
    rmSync(path, { force: true });
  }
}

describeKernel("examples/unlink.bpf.ts", () => {
  it("fentry/fexit: runs where the kernel allows it, else a NotSupportedError names the cause", async () => {
    let probe;
    try {
      probe = await load(UnlinkSnoop);
    } catch (error) {
      expect(error).toBeInstanceOf(NotSupportedError);
      expect((error as NotSupportedError).reason).toMatch(/locked down|refused/);
      console.warn(`fentry/fexit not run here: ${(error as Error).message}`);
      return;
    }
    await using snoop = probe;
    snoop.attach();
    const event = await unlinkAndCatch(snoop.events.events({ signal: AbortSignal.timeout(5000) }));
    expect(event).toMatchObject({ pid: process.pid, ret: 0n });
  });

  it("kprobe/kretprobe: pass the verifier; attaching runs them or names what the kernel lacks", async () => {
    await using probe = await load(UnlinkKprobes);
    expect(Object.keys(probe.programs).sort()).toEqual(["enter", "exit"]);
    let attached = false;
    try {
      probe.attach();
      attached = true;
    } catch (error) {
      expect(error).toBeInstanceOf(NotSupportedError);
      expect((error as Error).message).toMatch(/kprobe/);
      console.warn(`kprobes not run here: ${(error as Error).message}`);
    }
    if (attached) {
      const event = await unlinkAndCatch(probe.events.events({ signal: AbortSignal.timeout(5000) }));
      expect(event).toMatchObject({ pid: process.pid, ret: 0n });
    }
  });
});
