// After dispose, the process has no more open fds than before load.
import { closeSync, openSync, writeSync } from "node:fs";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { OpenSnoop } from "../examples/opensnoop.bpf.ts";
import { WriteCounter } from "./fixtures/write-stats.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { openFds } from "./support/fds.js";

describeKernel("lifecycle", () => {
  it("releases every fd, link and mapping on dispose", async () => {
    // Warm up once so that lazily opened, process-wide fds (the native shim, tracefs) are counted.
    (await load(WriteCounter)).close();
    const before = openFds();
    {
      await using snoop = await load(OpenSnoop);
      await using counter = await load(WriteCounter, { config: { targetPid: process.pid } });
      snoop.attach();
      counter.attach();
      const fd = openSync("/dev/null", "w");
      writeSync(fd, "x");
      closeSync(fd);
      expect(openFds().length).toBeGreaterThan(before.length);
      const stop = new AbortController();
      const iterating = (async () => {
        for await (const _ of snoop.events.events({ signal: stop.signal })) break;
      })();
      closeSync(openSync("/dev/null", "r"));
      await iterating;
    }
    expect(openFds()).toEqual(before);
  });

  it("close() is idempotent", async () => {
    const counter = await load(WriteCounter);
    counter.close();
    expect(() => counter.close()).not.toThrow();
  });
});
