// The runtime loads clang-built libbpf objects: BTF-defined maps, .rodata config, .bss counters,
// a ring buffer without a recorded record type (raw bytes), CO-RE-free tracepoint access.
import { closeSync, openSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import type { HashMapHandle } from "../maps/hash-map.js";
import type { RingBufReader } from "../maps/ring-buffer.js";
import { buildWithClang } from "../testing/clang.js";
import { describeKernel } from "../testing/kernel.js";
import { loadObject } from "./load-object.js";

const source = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__", "write-events.bpf.c");

describeKernel("clang-built objects", () => {
  it("loads, configures, attaches and reads a libbpf-style object", async (context) => {
    const elf = buildWithClang(source);
    if (typeof elf === "string") {
      if (process.env.TSBPF_REQUIRE_KERNEL === "1") throw new Error(elf);
      console.warn(`skipping: ${elf}`);
      return context.skip();
    }
    await using object = await loadObject(elf, { config: { target_pid: process.pid } });
    expect([...object.programs.keys()]).toEqual(["on_write"]);
    expect(object.variable("target_pid")).toBe(process.pid);
    const events = object.maps.get("events") as RingBufReader<Uint8Array>;
    const bytesByFd = object.maps.get("bytes_by_fd") as HashMapHandle<number, bigint>;
    object.attach();
    const fd = openSync("/dev/null", "w");
    try {
      const mine: { pid: number; fd: number; count: bigint }[] = [];
      const reading = (async () => {
        for await (const raw of events.events({ signal: AbortSignal.timeout(10_000) })) {
          const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
          const event = { pid: v.getUint32(0, true), fd: v.getUint32(4, true), count: v.getBigUint64(8, true) };
          if (event.fd !== fd) continue;
          mine.push(event);
          if (mine.length === 2) return;
        }
      })();
      writeSync(fd, Buffer.alloc(300));
      writeSync(fd, Buffer.alloc(45));
      await reading;
      expect(mine).toEqual([
        { pid: process.pid, fd, count: 300n },
        { pid: process.pid, fd, count: 45n },
      ]);
      expect(bytesByFd.get(fd)).toBe(345n);
      expect(object.variable("total_calls")).toBeGreaterThanOrEqual(2n);
    } finally {
      closeSync(fd);
    }
  });
});
