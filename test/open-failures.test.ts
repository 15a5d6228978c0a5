// 002's "trace the opens of one pid, dropping the failures" (examples/eunomia/open-failures.bpf.ts):
// the actor opens a missing file, a real one and a missing one again, pausing after each for the
// test to read the map: the entry for its id holds the file after the successful open(2) or
// openat(2), and is gone after each failed one. Another process's opens never show up.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { OpenFailuresDropped } from "../examples/eunomia/open-failures.bpf.ts";
import { act, actorBinary, startActor, uniqueComm } from "./support/actor.js";
import { until } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";

describeKernel("examples/eunomia/open-failures.bpf.ts", () => {
  it("keeps the last successful open of the target id and drops the failed ones", async () => {
    actorBinary();
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-of-"));
    try {
      const file = join(dir, "there");
      const missing = join(dir, "missing");
      writeFileSync(file, "");
      const actor = startActor(uniqueComm("opens"), "wait", "open", missing, "wait", "open", file, "wait", "openat", missing, "wait", "openat", file, "wait");
      await using probe = await load(OpenFailuresDropped, { config: { target_pid: actor.pid } });
      probe.attach();
      const steps: (string | undefined)[] = [];
      for (let step = 1; step <= 4; step++) {
        actor.child.stdin.write("go\n");
        await until(() => actor.output().split("\n").filter(Boolean).length >= step, 5000, `step ${step}`);
        steps.push(probe.opened_files.get(actor.pid)?.filename);
        // Another process opening the same file is not the target: nothing of it is stored.
        await act(uniqueComm("other"), "open", file);
      }
      actor.child.stdin.end("go\n");
      expect(await actor.done).toEqual([`open ${missing} -2`, `open ${file} 3`, `openat ${missing} -2`, `openat ${file} 3`]);
      expect(steps).toEqual([undefined, file, undefined, file]);
      expect(probe.opened_files.get(actor.pid)).toEqual({ pid: actor.pid, filename: file });
      const keys: number[] = [];
      for await (const [key] of probe.opened_files) keys.push(key);
      expect(keys).toEqual([actor.pid]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
