// perf_event programs on software events: a cpu-clock sampled at a frequency on every online
// CPU, and page faults of this process with a sample period of 1.
import { expect, it } from "vitest";
import { NotSupportedError } from "../errors.js";
import { loadObject } from "../load/load-object.js";
import { describeKernel } from "../testing/kernel.js";
import { counterObject } from "../testing/programs.js";
import { attachPerfEvent, onlineCpus } from "./perf-event.js";

function spin(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

describeKernel("perf_event programs on the kernel", () => {
  it("samples cpu-clock at a frequency on every CPU", async () => {
    await using object = await loadObject(counterObject("perf_event"));
    using link = attachPerfEvent("count", object.programs.get("count")!.fd.raw, { event: "cpu-clock", frequency: 1000 });
    expect(link.target).toBe("perf_event cpu-clock at 1000 Hz");
    // ~1000 samples a second on this CPU alone; spin until a few dozen came (a loaded machine is slower).
    const deadline = Date.now() + 3000;
    while ((object.variable("hits") as bigint) <= 20n && Date.now() < deadline) spin(20);
    expect(object.variable("hits")).toBeGreaterThan(20n);
    link.close();
    const after = object.variable("hits");
    spin(50);
    expect(object.variable("hits")).toBe(after);
    expect(onlineCpus().length).toBeGreaterThan(0);
  });

  it("counts this process's page faults with a period of 1", async () => {
    await using object = await loadObject(counterObject("perf_event"));
    using _link = attachPerfEvent("count", object.programs.get("count")!.fd.raw, { event: "page-faults", samplePeriod: 1, pid: process.pid });
    const pages = 64;
    // Larger than glibc's highest mmap threshold (32 MiB), so that the buffer is a fresh mapping
    // whose first touches fault even in a worker whose heap already holds faulted-in pages.
    const buffer = new Uint8Array(64 << 20);
    const stride = buffer.length / pages;
    for (let i = 0; i < buffer.length; i += stride) buffer[i] = 1;
    expect(object.variable("hits")).toBeGreaterThanOrEqual(BigInt(pages));
  });

  it("samples a hardware event where the machine has a PMU, else says there is none", async () => {
    await using object = await loadObject(counterObject("perf_event"));
    const result = (() => {
      try {
        return attachPerfEvent("count", object.programs.get("count")!.fd.raw, { event: "cpu-cycles", samplePeriod: 100_000 });
      } catch (error) {
        return error as Error;
      }
    })();
    if (result instanceof Error) {
      expect(result).toBeInstanceOf(NotSupportedError);
      expect(result.message).toMatch(/no hardware PMU/);
      return;
    }
    spin(50);
    result.close();
    expect(object.variable("hits")).toBeGreaterThan(0n);
  });
});
