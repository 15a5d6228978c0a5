import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetFeatureCache } from "./features.js";
import { useDoor } from "./sys/door.js";
import { FakeKernel } from "./sys/fake.js";
import { resetTracefsCache } from "./sys/tracefs.js";
import { parseTraceLine, tracePipe } from "./trace-pipe.js";

describe("parseTraceLine", () => {
  it("parses bpf_trace_printk lines, with and without the flags column", () => {
    expect(parseTraceLine("           <...>-12345   [001] d..31  1234.567890: bpf_trace_printk: hello pid=7")).toEqual({
      comm: "<...>",
      pid: 12345,
      cpu: 1,
      timestamp: 1234.56789,
      event: "bpf_trace_printk",
      message: "hello pid=7",
      raw: "           <...>-12345   [001] d..31  1234.567890: bpf_trace_printk: hello pid=7",
    });
    const old = parseTraceLine("  node-1 [000] 5.000001: bpf_trace_printk: x: y");
    expect(old).toMatchObject({ comm: "node", pid: 1, cpu: 0, message: "x: y" });
    // Command names may contain dashes and spaces: the pid is the last "-<digits>".
    expect(parseTraceLine("  kworker/u8:2-my job-77 [003] .... 9.5: bpf_trace_printk: m")).toMatchObject({ comm: "kworker/u8:2-my job", pid: 77 });
    expect(parseTraceLine("CPU:1 [LOST 3 EVENTS]")).toBeUndefined();
  });
});

describe("tracePipe (fake kernel)", () => {
  let kernel: FakeKernel;
  let restore: () => void;
  beforeEach(() => {
    kernel = new FakeKernel();
    restore = useDoor(kernel);
    resetFeatureCache(); // no probe result of the real kernel (isolate: false) answers for the fake
    resetTracefsCache();
  });
  afterEach(() => {
    restore();
    resetFeatureCache(); // nor the fake's (nor its tracefs) for the next file
    resetTracefsCache();
  });

  it("yields lines as they are written, joining partial reads, and stops on abort", async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const reading = (async () => {
      for await (const line of tracePipe({ signal: stop.signal })) {
        lines.push(line.message);
        if (lines.length === 3) stop.abort();
      }
    })();
    kernel.tracePrint("  a-1 [000] .... 1.0: bpf_trace_printk: one\n  a-1 [000] .... 1.1: bpf_trace_pr");
    await new Promise((r) => setTimeout(r, 5));
    expect(lines).toEqual(["one"]);
    kernel.tracePrint("intk: two\n  b-2 [001] .... 1.2: bpf_trace_printk: three\n  b-2 [001] .... 1.3: bpf_trace_printk: four\n");
    await reading;
    expect(lines).toEqual(["one", "two", "three"]);
    expect(kernel.openFds()).toEqual([]);
  });
});
