// bpf_timer: an XDP program run once through BPF_PROG_TEST_RUN arms a timer in a map value with a
// delay the test chooses; the callback must run exactly once, no earlier than that delay after the
// program started it (the kernel's monotonic clock, stamped by both), and no earlier than that on
// the test's own clock either. Needs Linux 5.15.
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { compileText } from "../packages/compiler/src/testing/probes.ts";
import { load } from "tsbpf";
import { TimerProbe } from "./fixtures/timer.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const DELAY_NS = 200_000_000n; // 200 ms

describeKernel("bpf_timer in a map value", () => {
  it("fires once, after the delay, and its callback updates the map", async () => {
    await using probe = await load(TimerProbe, { config: { delayNs: DELAY_NS } });
    const before = process.hrtime.bigint();
    expect(probe.programs.arm.testRun({ data: new Uint8Array(64) }).retval).toBe(2); // XDP_PASS
    expect([probe.initResult, probe.callbackResult, probe.startResult]).toEqual([0n, 0n, 0n]);
    let slot = probe.slots.get(0)!;
    const deadline = Date.now() + 10_000;
    while (slot.fired === 0n && Date.now() < deadline) {
      await sleep(10);
      slot = probe.slots.get(0)!;
    }
    const seenAfter = process.hrtime.bigint() - before;
    expect(slot.fired).toBe(1n);
    expect(slot.firedAt - slot.startedAt).toBeGreaterThanOrEqual(DELAY_NS);
    expect(seenAfter).toBeGreaterThanOrEqual(DELAY_NS);
    await sleep(Number(DELAY_NS / 1_000_000n) * 2);
    expect(probe.slots.get(0)!.fired).toBe(1n); // one-shot: not re-armed
  }, 120_000); // the first load compiles the probe
});

describe("bpf.timerSetCallback in the compiler", () => {
  it("refuses a callback that uses the enclosing function's locals, at the use (TSBPF4012)", () => {
    const text = [
      'import { ArrayMap, CLOCK_MONOTONIC, Probe, XDP_PASS, bpf, xdp, type Ptr, type Timer, type XdpContext, type i32, type u32, type u64 } from "tsbpf";',
      "interface Slot { timer: Timer; n: u64 }",
      "export class T extends Probe {",
      "  slots = new ArrayMap<Slot>({ maxEntries: 1 });",
      "  @xdp run(_ctx: XdpContext): i32 {",
      "    const slot = this.slots.lookup(0);",
      "    if (slot === null) return XDP_PASS;",
      "    const step: u64 = 2n;",
      "    bpf.timerInit(slot.timer, this.slots, CLOCK_MONOTONIC);",
      "    bpf.timerSetCallback(slot.timer, (_m, _k: Ptr<u32>, v: Ptr<Slot>) => { v.n += step; return 0; });",
      "    return XDP_PASS;",
      "  }",
      "}",
    ].join("\n");
    const found = compileText(text).diagnostics.map((d) => [d.code, d.line, d.column, d.message]);
    expect(found).toEqual([[4012, 10, text.split("\n")[9]!.indexOf("step;") + 1, expect.stringContaining("runs after the program has returned")]]);
  }, 60_000);
});
