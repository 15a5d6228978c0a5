// HashMap: values the program writes are read back through the typed handle with the right numbers
// and bigints, and values set from user space are seen by the program.
import { closeSync, openSync, writeSync } from "node:fs";
import { expect, expectTypeOf, it } from "vitest";
import { load } from "tsbpf";
import { WriteCounter } from "./fixtures/write-stats.bpf.ts";
import { describeKernel } from "./support/kernel.js";

describeKernel("HashMap handles", () => {
  it("reads what the program wrote and the program reads what user space set", async () => {
    const fd = openSync("/dev/null", "w");
    try {
      await using counter = await load(WriteCounter, { config: { targetPid: process.pid, targetFd: BigInt(fd) } });
      counter.settings.set(0, 3n);
      expect(counter.settings.get(0)).toBe(3n);
      counter.attach();
      const sizes = [5, 17, 1000, 1];
      for (const size of sizes) writeSync(fd, Buffer.alloc(size));
      const stats = counter.stats.get(process.pid);
      expectTypeOf(stats).toEqualTypeOf<{ calls: bigint; lastFd: number; bytes: bigint } | undefined>();
      expect(stats).toEqual({ calls: 4n, lastFd: fd, bytes: 3n * BigInt(sizes.reduce((a, b) => a + b)) });

      // A value set from user space replaces the program's; the program goes on from it.
      counter.stats.set(process.pid, { calls: 100n, lastFd: 7, bytes: 0n });
      counter.settings.delete(0);
      writeSync(fd, Buffer.alloc(10));
      expect(counter.stats.get(process.pid)).toEqual({ calls: 101n, lastFd: fd, bytes: 10n });

      const entries: [number, unknown][] = [];
      for await (const entry of counter.stats.entries()) entries.push(entry);
      expect(entries).toEqual([[process.pid, { calls: 101n, lastFd: fd, bytes: 10n }]]);
      expect(counter.stats.delete(process.pid)).toBe(true);
      expect(counter.stats.get(process.pid)).toBeUndefined();
    } finally {
      closeSync(fd);
    }
  });
});
